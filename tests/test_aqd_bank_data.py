"""The shape of the AQD question bank, ``data/aqd_questions.toml``.

These tests read the TOML file directly (stdlib ``tomllib`` only), so they
check the data itself, independently of the loader in ``wblqa_cli``: keys,
ids, sections and scopes, types and choices, conditional questions, the
citations against the source documents, coverage of the areas the
specification lists, and that no wording is lifted from the sources.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

BANK_PATH = Path(__file__).resolve().parents[1] / "data" / "aqd_questions.toml"
SHARED = Path(__file__).resolve().parents[2] / "shared"
REFERENCE = SHARED / "reference"
FACTS = REFERENCE / "facts-beyond-seeds.md"

# Document short name -> file in shared/reference (see its README).
DOCUMENTS = {
    "wbl-qa-model-2024-25": "000_421f36eb085028c3.txt",
    "btec-collab-guide-1.1": "003_064742b3f15d73ec.txt",
}
SUPPORT = "pearson-support"
SOURCE_PREFIXES = (*(f"{name}:" for name in DOCUMENTS), f"{SUPPORT}:")

TOP_KEYS = {"format", "version", "sections", "questions"}
SECTION_KEYS = {"id", "title", "scope", "order"}
QUESTION_KEYS = {"id", "section", "scope", "type", "question", "help", "required", "source"}
OPTIONAL_QUESTION_KEYS = {"choices", "when", "expect", "reason"}
SCOPES = {"centre", "programme"}
TYPES = {"choice", "yes-no", "date", "dates", "text"}

SECTION_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
QUESTION_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)+$")
ARTICLE = re.compile(r"^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$")

# A run of this many words shared with a source document counts as copying.
COPY_RUN = 8

# The areas SPEC.md section 2 and the brief ask the bank to cover, each found
# by question id: an id ending in "." is a prefix, any other id is exact (or
# the prefix of more specific ids).
AREAS = {
    # centre declarations
    "'Work-based Learning' group selected": "centre.wbl-group.",
    "registration and certification policy": "centre.policies.registration-certification",
    "assessment policy": "centre.policies.assessment",
    "internal verification policy": "centre.policies.internal-verification",
    "distance and blended learning policy": "centre.policies.distance-blended-learning",
    "plagiarism and malpractice policy (incl. AI)": "centre.policies.malpractice",
    "appeals and complaints procedures": "centre.policies.appeals-complaints",
    "collaborative arrangements policy": "centre.policies.collaborative-arrangements",
    "equality and diversity policy": "centre.policies.equality-diversity",
    "safeguarding policy": "centre.policies.safeguarding",
    "health and safety policy": "centre.policies.health-safety",
    "special consideration and reasonable adjustment": "centre.policies.special-consideration",
    "recognition of prior learning": "centre.policies.recognition-prior-learning",
    "contingency and adverse effects": "centre.policies.contingency",
    "policies effective and contextualised": "centre.policies.contextualised",
    "annual policy review": "centre.policies.annual-review",
    "Head of Centre / Edexcel Online accounts": "centre.head-of-centre.",
    # per-programme self-assessment
    "policies applied to the programme": "programme.policies.",
    "staffing and occupational competence": "programme.staffing.",
    "Lead Internal Verifier appointed": "programme.liv.",
    "standardisation with Centre Standardisation Materials": "programme.standardisation.",
    "assessment planning": "programme.assessment.",
    "internal verification": "programme.iv.",
    "learner tracking": "programme.tracking.",
    "record retention": "programme.retention.",
    "registration": "programme.registration.",
    "certification": "programme.certification.",
    "expected certification date": "programme.certification.expected-date",
    "Direct Claims Status and its expiry": "programme.dcs.",
    "collaborative arrangements": "programme.collaboration.",
    "actions from last year's reports": "programme.improvement.previous-actions",
    "self-rating of confidence": "programme.improvement.confidence",
    # terms
    "terms and conditions accepted": "terms.accept",
}


# ------------------------------------------------------------------ helpers


def _load() -> dict[str, Any]:
    with BANK_PATH.open("rb") as fh:
        return tomllib.load(fh)


@pytest.fixture(scope="module")
def bank() -> dict[str, Any]:
    return _load()


@pytest.fixture(scope="module")
def sections(bank: dict[str, Any]) -> list[dict[str, Any]]:
    return list(bank["sections"])


@pytest.fixture(scope="module")
def questions(bank: dict[str, Any]) -> list[dict[str, Any]]:
    return list(bank["questions"])


@pytest.fixture(scope="module")
def by_id(questions: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {q["id"]: q for q in questions}


def _matches(qid: str, pattern: str) -> bool:
    if pattern.endswith("."):
        return qid.startswith(pattern)
    return qid == pattern or qid.startswith(pattern + ".")


def _valid_answer(question: dict[str, Any], value: object) -> bool:
    """Whether ``value`` is an answer ``question`` accepts."""
    kind = question["type"]
    if kind == "yes-no":
        return isinstance(value, bool)
    if kind == "choice":
        return isinstance(value, str) and value in question["choices"]
    if kind == "date":
        if isinstance(value, date):
            return True
        if not isinstance(value, str):
            return False
        try:
            date.fromisoformat(value)
        except ValueError:
            return False
        return True
    return isinstance(value, str) and bool(value.strip())


def _sentence_count(text: str) -> int:
    return len(re.split(r"(?<=[.!?])\s+(?=[A-Z])", text.strip()))


def _words(text: str) -> list[str]:
    text = re.sub(r"<[^>]+>", " ", text)
    return re.findall(r"[a-z0-9]+", text.lower())


def _runs(words: list[str], n: int = COPY_RUN) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _heading_key(text: str) -> str:
    return " ".join(text.split()).rstrip(".").casefold()


def _split_source(source: str) -> tuple[str, str]:
    name, _, rest = source.partition(":")
    return name, rest


def _reference_or_skip() -> None:
    if not REFERENCE.is_dir():
        pytest.skip(f"source documents not found at {REFERENCE}")


# -------------------------------------------------------------- file shape


def test_top_level_keys_format_and_version(bank: dict[str, Any]) -> None:
    assert set(bank) == TOP_KEYS
    assert bank["format"] == 1
    assert isinstance(bank["version"], str)
    assert re.fullmatch(r"\d{4}\.\d+", bank["version"]), bank["version"]


def test_sections_are_well_formed(sections: list[dict[str, Any]]) -> None:
    assert sections
    for section in sections:
        assert set(section) == SECTION_KEYS, section
        assert isinstance(section["id"], str)
        assert SECTION_ID.fullmatch(section["id"]), section["id"]
        assert isinstance(section["title"], str)
        assert section["title"].strip() == section["title"] != ""
        assert section["scope"] in SCOPES, section
        assert isinstance(section["order"], int)
        assert not isinstance(section["order"], bool)
    ids = [s["id"] for s in sections]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    orders = [s["order"] for s in sections]
    assert orders == sorted(set(orders)), "section orders must be unique and in file order"


def test_sections_run_centre_then_programmes_then_terms(
    sections: list[dict[str, Any]],
) -> None:
    assert sections[0]["id"] == "centre-declarations"
    assert sections[0]["scope"] == "centre"
    assert sections[-1]["id"] == "terms"
    assert sections[-1]["scope"] == "centre"
    middle = sections[1:-1]
    assert middle, "at least one programme section"
    assert all(s["scope"] == "programme" for s in middle), [s["id"] for s in middle]


def test_question_keys(questions: list[dict[str, Any]]) -> None:
    assert questions
    for q in questions:
        keys = set(q)
        assert keys >= QUESTION_KEYS, (q.get("id"), QUESTION_KEYS - keys)
        assert keys <= QUESTION_KEYS | OPTIONAL_QUESTION_KEYS, (
            q.get("id"),
            keys - QUESTION_KEYS - OPTIONAL_QUESTION_KEYS,
        )
        for key in ("id", "section", "scope", "type", "question", "help", "source"):
            assert isinstance(q[key], str), (q["id"], key)
        assert isinstance(q["required"], bool), q["id"]


def test_question_ids_are_unique_and_well_formed(questions: list[dict[str, Any]]) -> None:
    ids = [q["id"] for q in questions]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    for q in questions:
        assert QUESTION_ID.fullmatch(q["id"]), q["id"]
        # The first part of an id says where it is asked.
        if q["scope"] == "programme":
            assert q["id"].startswith("programme."), q["id"]
        else:
            assert q["id"].split(".")[0] in {"centre", "terms"}, q["id"]


def test_every_question_is_in_a_known_section_of_its_scope(
    sections: list[dict[str, Any]], questions: list[dict[str, Any]]
) -> None:
    scope_of = {s["id"]: s["scope"] for s in sections}
    for q in questions:
        assert q["section"] in scope_of, (q["id"], q["section"])
        assert q["scope"] in SCOPES, q["id"]
        assert q["scope"] == scope_of[q["section"]], q["id"]


def test_questions_are_grouped_by_section_in_section_order(
    sections: list[dict[str, Any]], questions: list[dict[str, Any]]
) -> None:
    position = {s["id"]: i for i, s in enumerate(sections)}
    seen = [position[q["section"]] for q in questions]
    assert seen == sorted(seen), "questions must follow their sections' order in the file"


def test_every_section_has_a_question(
    sections: list[dict[str, Any]], questions: list[dict[str, Any]]
) -> None:
    used = {q["section"] for q in questions}
    assert [s["id"] for s in sections if s["id"] not in used] == []


def test_types_and_choices(questions: list[dict[str, Any]]) -> None:
    for q in questions:
        assert q["type"] in TYPES, (q["id"], q["type"])
        if q["type"] == "choice":
            choices = q.get("choices")
            assert isinstance(choices, list), q["id"]
            assert len(choices) >= 2, q["id"]
            assert all(isinstance(c, str) and c.strip() == c != "" for c in choices), q["id"]
            assert len(set(choices)) == len(choices), q["id"]
        else:
            assert "choices" not in q, q["id"]


def test_expect_only_on_yes_no(questions: list[dict[str, Any]]) -> None:
    for q in questions:
        if "expect" in q:
            assert q["type"] == "yes-no", q["id"]
            assert isinstance(q["expect"], bool), q["id"]


def test_when_refers_to_an_earlier_question_of_the_same_scope(
    questions: list[dict[str, Any]],
) -> None:
    earlier: dict[str, dict[str, Any]] = {}
    for q in questions:
        if "when" in q:
            when = q["when"]
            assert isinstance(when, dict), q["id"]
            assert set(when) == {"question", "equals"}, (q["id"], set(when))
            target = earlier.get(when["question"])
            assert target is not None, (q["id"], f"{when['question']} is not an earlier question")
            assert target["scope"] == q["scope"], (q["id"], when["question"])
            assert target["type"] != "text", (q["id"], "condition on a free-text answer")
            assert _valid_answer(target, when["equals"]), (q["id"], when["equals"])
        earlier[q["id"]] = q


def test_question_and_help_wording(questions: list[dict[str, Any]]) -> None:
    for q in questions:
        text, help_text = q["question"], q["help"]
        assert text == text.strip() and "\n" not in text, q["id"]
        assert text[0].isupper(), q["id"]
        assert text.endswith("?") and text.count("?") == 1, q["id"]
        assert _sentence_count(text) == 1, q["id"]
        assert help_text == help_text.strip() and "\n" not in help_text, q["id"]
        assert help_text[0].isupper(), q["id"]
        assert help_text.endswith("."), q["id"]
        assert 1 <= _sentence_count(help_text) <= 3, q["id"]
        assert help_text != text, q["id"]


def test_free_text_questions_are_few_and_optional(questions: list[dict[str, Any]]) -> None:
    text_questions = [q for q in questions if q["type"] == "text"]
    assert len(text_questions) <= 4, [q["id"] for q in text_questions]
    assert all(q["required"] is False for q in text_questions)


def test_bank_is_substantial(questions: list[dict[str, Any]]) -> None:
    centre = [q for q in questions if q["section"] == "centre-declarations"]
    programme = [q for q in questions if q["scope"] == "programme"]
    assert 12 <= len(centre) <= 22, len(centre)
    assert 25 <= len(programme) <= 40, len(programme)


# ---------------------------------------------------------------- citations


def test_sources_use_an_allowed_short_name(questions: list[dict[str, Any]]) -> None:
    for q in questions:
        source = q["source"]
        if source == "wblqa default":  # the tool's own question, saying why it asks
            assert q.get("reason", "").strip(), q["id"]
            continue
        assert "reason" not in q, q["id"]
        assert source.startswith(SOURCE_PREFIXES), (q["id"], source)
        name, rest = _split_source(source)
        if name == SUPPORT:
            assert ARTICLE.fullmatch(rest), (q["id"], source)
        else:
            assert rest.startswith(" ") and rest.strip() == rest[1:] != "", (q["id"], source)


def test_document_headings_exist_in_their_documents(questions: list[dict[str, Any]]) -> None:
    _reference_or_skip()
    headings = {
        name: {
            _heading_key(line)
            for line in (REFERENCE / filename).read_text(encoding="utf-8").splitlines()
            if line.strip()
        }
        for name, filename in DOCUMENTS.items()
    }
    missing = []
    for q in questions:
        name, rest = _split_source(q["source"])
        if name in DOCUMENTS and _heading_key(rest) not in headings[name]:
            missing.append((q["id"], q["source"]))
    assert missing == [], "headings not found as a line of their document"


def test_support_articles_exist_in_the_facts(questions: list[dict[str, Any]]) -> None:
    _reference_or_skip()
    facts = FACTS.read_text(encoding="utf-8")
    missing = []
    for q in questions:
        name, article = _split_source(q["source"])
        if name == SUPPORT and f'article "{article}"' not in facts:
            missing.append((q["id"], q["source"]))
    assert missing == [], "articles not named in facts-beyond-seeds.md"


def test_no_wording_is_copied_from_the_sources(questions: list[dict[str, Any]]) -> None:
    _reference_or_skip()
    source_runs: set[tuple[str, ...]] = set()
    for filename in DOCUMENTS.values():
        source_runs |= _runs(_words((REFERENCE / filename).read_text(encoding="utf-8")))
    copied = []
    for q in questions:
        for key in ("question", "help"):
            shared = _runs(_words(q[key])) & source_runs
            copied.extend((q["id"], key, " ".join(run)) for run in sorted(shared))
    assert copied == [], f"{COPY_RUN}-word runs found verbatim in a source document"


# ----------------------------------------------------------------- coverage


@pytest.mark.parametrize("area", sorted(AREAS))
def test_bank_covers_area(area: str, questions: list[dict[str, Any]]) -> None:
    pattern = AREAS[area]
    found = [q["id"] for q in questions if _matches(q["id"], pattern)]
    assert found, f"no question for {area!r} (id {pattern!r})"
    scope = "programme" if pattern.startswith("programme.") else "centre"
    assert all(q["scope"] == scope for q in questions if q["id"] in found)


def test_centre_policy_questions_expect_yes(questions: list[dict[str, Any]]) -> None:
    policies = [q for q in questions if q["id"].startswith("centre.policies.")]
    assert len(policies) >= 13
    for q in policies:
        assert q["type"] == "yes-no" and q.get("expect") is True, q["id"]


def test_malpractice_policy_covers_ai(by_id: dict[str, dict[str, Any]]) -> None:
    assert re.search(r"\bAI\b", by_id["centre.policies.malpractice"]["question"])


def test_collaborative_policy_asked_only_when_relevant(
    by_id: dict[str, dict[str, Any]],
) -> None:
    when = by_id["centre.policies.collaborative-arrangements"].get("when")
    assert when is not None
    assert by_id[when["question"]]["type"] == "yes-no"
    assert when["equals"] is True


def test_standardisation_uses_csm_before_assessment(
    questions: list[dict[str, Any]], by_id: dict[str, dict[str, Any]]
) -> None:
    standardisation = [q for q in questions if q["id"].startswith("programme.standardisation.")]
    assert any("Centre Standardisation Materials" in q["question"] for q in standardisation)
    assert any("before" in q["question"] and q.get("expect") is True for q in standardisation)
    assert any(q["type"] == "date" for q in standardisation)
    assert by_id["programme.liv.appointed"]["expect"] is True


def test_retention_periods_are_asked(by_id: dict[str, dict[str, Any]]) -> None:
    learner_work = by_id["programme.retention.learner-work"]["question"].lower()
    qa_documents = by_id["programme.retention.qa-documents"]["question"].lower()
    assert re.search(r"\b(12|twelve) weeks\b", learner_work)
    assert "certificates" in learner_work
    assert re.search(r"\b(3|three) years\b", qa_documents)


def test_expected_certification_date_is_a_required_date(
    by_id: dict[str, dict[str, Any]],
) -> None:
    q = by_id["programme.certification.expected-date"]
    assert q["type"] == "dates"  # one or more in a year
    assert q["required"] is True
    assert "when" not in q


def test_dcs_expiry_is_a_date_asked_only_when_dcs_is_held(
    by_id: dict[str, dict[str, Any]],
) -> None:
    held = by_id["programme.dcs.held"]
    assert held["type"] == "yes-no"
    assert "expect" not in held, "holding DCS or not is not a compliance gap"
    expiry = by_id["programme.dcs.expiry"]
    assert expiry["type"] == "date"
    assert expiry["when"] == {"question": "programme.dcs.held", "equals": True}


def test_collaborative_arrangement_models_and_approval(
    questions: list[dict[str, Any]], by_id: dict[str, dict[str, Any]]
) -> None:
    kind = by_id["programme.collaboration.type"]
    assert kind["type"] == "choice"
    assert set(kind["choices"]) == {"none", "informal", "formal", "exceptional"}
    for model in ("formal", "exceptional"):
        follow_ups = [
            q
            for q in questions
            if q.get("when") == {"question": "programme.collaboration.type", "equals": model}
        ]
        assert any(
            "approve" in q["question"] and q["type"] == "yes-no" and q.get("expect") is True
            for q in follow_ups
        ), f"no approval question for the {model} model"


def test_self_rating_is_a_choice(by_id: dict[str, dict[str, Any]]) -> None:
    rating = by_id["programme.improvement.confidence"]
    assert rating["type"] == "choice"
    assert len(rating["choices"]) >= 3


def test_terms_acceptance_closes_the_bank(
    questions: list[dict[str, Any]], by_id: dict[str, dict[str, Any]]
) -> None:
    accept = by_id["terms.accept"]
    assert accept["section"] == "terms"
    assert accept["scope"] == "centre"
    assert accept["type"] == "yes-no"
    assert accept["required"] is True
    assert accept.get("expect") is True
    assert "terms and conditions" in accept["question"]
    assert questions[-1]["section"] == "terms"
