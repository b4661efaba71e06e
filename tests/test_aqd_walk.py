"""The AQD bank loader and the pure walk logic: no store, no terminal."""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from _aqd_helpers import complete_document
from wblqa_cli.aqd.answers import Answer, Key, coerce, decode, display, encode
from wblqa_cli.aqd.answers_file import read_answers, template_toml
from wblqa_cli.aqd.bank import Bank, load_bank, parse_bank
from wblqa_cli.aqd.export import export_records
from wblqa_cli.aqd.progress import flags, missing, scope_status
from wblqa_cli.aqd.walk import applicable, next_unanswered, walk
from wblqa_cli.errors import DataError, InputError
from wblqa_cli.rules import Table

BANK = load_bank()
Q = BANK.get


def answers_of(document: dict[str, Any]) -> dict[Key, Answer]:
    out: dict[Key, Answer] = {}
    for qid, raw in document["centre"].items():
        q = Q(qid)
        assert q is not None
        out[(None, qid)] = Answer(coerce(q, raw, qid))
    for code, scoped in document["programmes"].items():
        for qid, raw in scoped.items():
            q = Q(qid)
            assert q is not None
            out[(code, qid)] = Answer(coerce(q, raw, qid))
    return out


# ------------------------------------------------------------------- loader


def test_shipped_bank_loads() -> None:
    assert len(BANK.questions) == 58
    assert BANK.version
    assert [scope for scope, _ in BANK.blocks()] == ["centre", "programme", "centre"]


def _minimal() -> dict[str, Any]:
    return {
        "format": 1,
        "version": "2099.1",
        "sections": [
            {"id": "c", "title": "Centre", "scope": "centre", "order": 1},
            {"id": "p", "title": "Programme", "scope": "programme", "order": 2},
        ],
        "questions": [
            {
                "id": "centre.a",
                "section": "c",
                "scope": "centre",
                "type": "yes-no",
                "question": "A?",
                "help": "Help.",
                "required": True,
                "source": "wbl-qa-model-2024-25: Stage 1: Annual Quality Declaration",
            },
            {
                "id": "programme.b",
                "section": "p",
                "scope": "programme",
                "type": "choice",
                "choices": ["x", "y"],
                "question": "B?",
                "help": "Help.",
                "required": True,
                "source": "wbl-qa-model-2024-25: Stage 1: Annual Quality Declaration",
            },
        ],
    }


def _parse(doc: dict[str, Any]) -> Bank:
    return parse_bank(Table(doc, "data/test.toml", error=DataError))


def test_minimal_bank_parses() -> None:
    bank = _parse(_minimal())
    assert [q.id for q in bank.questions] == ["centre.a", "programme.b"]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["questions"][0].update(colour="red"), "'colour'"),
        (lambda d: d["questions"][0].update(required="yes"), "'required'"),
        (lambda d: d["questions"][0].update(section="nowhere"), "'section'"),
        (lambda d: d["questions"][0].update(scope="programme"), "'scope'"),
        (lambda d: d["questions"][0].update(type="number"), "'type'"),
        (lambda d: d["questions"][0].update(choices=["a", "b"]), "'choices'"),
        (lambda d: d["questions"][1].update(choices=["only"]), "'choices'"),
        (lambda d: d["questions"][1].update(expect=True), "'expect'"),
        (lambda d: d["questions"][0].update(source="somewhere: else"), "'source'"),
        (lambda d: d["questions"][1].update(id="centre.a"), "'id'"),
        (
            lambda d: d["questions"][1].update(when={"question": "centre.a", "equals": True}),
            "'question'",
        ),
        (
            lambda d: d["questions"][0].update(when={"question": "programme.b", "equals": "x"}),
            "'question'",
        ),
        (lambda d: d["sections"].append(dict(d["sections"][0], id="c")), "'id'"),
        (lambda d: d.pop("version"), "'version'"),
    ],
    ids=[
        "unknown key",
        "flag not bool",
        "unknown section",
        "scope differs from section",
        "unknown type",
        "choices on yes-no",
        "one choice",
        "expect on choice",
        "source cites no document",
        "duplicate id",
        "when on other scope",
        "when on later question",
        "duplicate section",
        "missing version",
    ],
)
def test_malformed_bank_is_a_data_error_naming_the_key(mutate: Any, message: str) -> None:
    doc = _minimal()
    mutate(doc)
    with pytest.raises(DataError) as err:
        _parse(doc)
    assert "data/test.toml" in err.value.message
    assert message in err.value.message


def test_when_equals_must_be_an_offered_choice() -> None:
    doc = _minimal()
    doc["questions"].append(
        dict(doc["questions"][1], id="programme.c", when={"question": "programme.b", "equals": "z"})
    )
    with pytest.raises(DataError, match="'equals'"):
        _parse(doc)


# -------------------------------------------------------------------- coerce


@pytest.mark.parametrize(
    ("qid", "raw", "expected"),
    [
        ("centre.wbl-group.selected", True, True),
        ("centre.wbl-group.selected", "Yes", True),
        ("centre.wbl-group.selected", " no ", False),
        ("programme.dcs.expiry", "14/10/2025", date(2025, 10, 14)),
        ("programme.dcs.expiry", "2025-10-14", date(2025, 10, 14)),
        ("programme.dcs.expiry", date(2025, 10, 14), date(2025, 10, 14)),
        ("programme.collaboration.type", "FORMAL", "formal"),
        ("programme.delivery.mode", "face  to face", "face to face"),
        ("terms.comments", "  fine ", "fine"),
        ("programme.dcs.expiry", datetime(2026, 3, 1, 10, 0), date(2026, 3, 1)),  # its date
        ("programme.dcs.expiry", "2026-03-01T00:00:00", date(2026, 3, 1)),
    ],
)
def test_coerce_accepts(qid: str, raw: object, expected: object) -> None:
    q = Q(qid)
    assert q is not None
    assert coerce(q, raw, "here") == expected


@pytest.mark.parametrize(
    ("qid", "raw", "fragment"),
    [
        ("centre.wbl-group.selected", "maybe", "yes-no"),
        ("centre.wbl-group.selected", 1, "yes-no"),
        ("programme.dcs.expiry", "31/02/2025", "does not exist"),
        ("programme.dcs.expiry", "2025-01-01T25:00", "not a time of day"),
        ("programme.dcs.expiry", 20251014, "not a date"),
        ("programme.collaboration.type", "consortium", "not one of the choices"),
        ("terms.comments", 5, "not text"),
    ],
)
def test_coerce_rejects_naming_the_value(qid: str, raw: object, fragment: str) -> None:
    q = Q(qid)
    assert q is not None
    with pytest.raises(InputError) as err:
        coerce(q, raw, "file.toml: centre.x")
    assert fragment in err.value.message
    assert "file.toml: centre.x" in err.value.message


@pytest.mark.parametrize("value", [True, False, date(2025, 1, 2), "formal", None])
def test_encode_decode_round_trip(value: Any) -> None:
    q = Q("programme.dcs.expiry") if isinstance(value, date) else None
    assert decode(q, encode(value)) == value


def test_display() -> None:
    assert [display(v) for v in (True, False, date(2025, 1, 2), "x", None)] == [
        "yes",
        "no",
        "2025-01-02",
        "x",
        "",
    ]


# ----------------------------------------------------------------- the walk


def test_walk_order_centre_then_each_programme_then_terms() -> None:
    slots = walk(BANK, ["A", "B"], {})
    scopes = [s.programme for s in slots]
    first_a, first_b = scopes.index("A"), scopes.index("B")
    assert all(p is None for p in scopes[:first_a])
    assert all(p == "A" for p in scopes[first_a:first_b])
    assert slots[-1].question.id == "terms.comments"
    assert slots[-1].programme is None
    # Programme k of n and question i of m
    a = [s for s in slots if s.programme == "A"]
    assert (a[0].programme_index, a[0].programme_total) == (1, 2)
    assert [s.index for s in a] == list(range(1, len(a) + 1))
    assert {s.total for s in a} == {len(a)}
    centre = [s for s in slots if s.programme is None]
    assert [s.index for s in centre] == list(range(1, len(centre) + 1))


def test_conditions_add_questions_when_met() -> None:
    # wbl-qa-model-2024-25: Stage 2 (DCS expiry raised with the LSV) — asked only when DCS is held
    qs = BANK.of_scope("programme")
    without = {q.id for q in applicable(qs, {"programme.dcs.held": False})}
    with_dcs = {q.id for q in applicable(qs, {"programme.dcs.held": True})}
    assert "programme.dcs.expiry" not in without
    assert {"programme.dcs.expiry", "programme.dcs.expiry-raised"} <= with_dcs


def test_choice_condition() -> None:
    qs = BANK.of_scope("programme")
    formal = {q.id for q in applicable(qs, {"programme.collaboration.type": "formal"})}
    assert "programme.collaboration.formal-approved" in formal
    assert "programme.collaboration.exceptional-approved" not in formal


def test_next_unanswered_moves_on_and_respects_skips() -> None:
    first = next_unanswered(BANK, ["A"], {})
    assert first is not None and first.key == (None, "centre.wbl-group.selected")
    answered = {first.key: Answer(True)}
    second = next_unanswered(BANK, ["A"], answered)
    assert second is not None and second.question.id == "centre.policies.registration-certification"
    third = next_unanswered(BANK, ["A"], answered, skipped=[second.key])
    assert third is not None and third.question.id == "centre.policies.assessment"


def test_complete_answers_leave_nothing_missing_and_no_next() -> None:
    answers = answers_of(complete_document(("A", "B")))
    assert missing(BANK, ["A", "B"], answers) == []
    assert next_unanswered(BANK, ["A", "B"], answers) is None
    assert flags(BANK, ["A", "B"], answers) == []


def test_missing_lists_required_only() -> None:
    doc = complete_document(("A",), skip=("programme.liv.appointed", "terms.comments"))
    answers = answers_of(doc)
    assert missing(BANK, ["A"], answers) == [("A", "programme.liv.appointed")]


def test_missing_includes_conditional_questions_once_they_apply() -> None:
    answers = answers_of(complete_document(("A",)))
    answers[("A", "programme.dcs.held")] = Answer(True)
    assert ("A", "programme.dcs.expiry") in missing(BANK, ["A"], answers)


def test_expect_mismatch_is_flagged() -> None:
    # btec-collab-guide-1.1: Lead Internal Verifiers — a LIV must be appointed each year
    answers = answers_of(complete_document(("A",)))
    answers[("A", "programme.liv.appointed")] = Answer(False)
    found = flags(BANK, ["A"], answers)
    assert [(f.programme, f.question.id, f.answer) for f in found] == [
        ("A", "programme.liv.appointed", False)
    ]
    status = scope_status(BANK, "A", answers)
    assert status.complete and len(status.flagged) == 1


# ------------------------------------------------------------ answers file


def test_read_answers_accepts_a_complete_document() -> None:
    doc = complete_document(("A",))
    doc["centre"]["terms.comments"] = {"answer": "All good", "comment": "checked by HoC"}
    read = read_answers(doc, "a.json", BANK, ["A"], {})
    given = read.given
    assert read.ignored == []
    assert len(given) == len(doc["centre"]) + len(doc["programmes"]["A"])
    comment = next(g for g in given if g.question_id == "terms.comments")
    assert (comment.value, comment.comment) == ("All good", "checked by HoC")


def test_read_answers_skips_blanks() -> None:
    doc = {"centre": {"centre.wbl-group.selected": "", "terms.comments": None}}
    assert read_answers(doc, "a.json", BANK, [], {}).given == []


@pytest.mark.parametrize(
    ("doc", "fragments"),
    [
        ({"centre": {"centre.nope": True}}, ["centre.centre.nope", "not a question id"]),
        ({"programmes": {"ZZZ": {}}}, ["programmes.ZZZ", "'ZZZ'"]),
        ({"centre": {"centre.wbl-group.selected": "maybe"}}, ["'maybe'", "yes-no"]),
        ({"programmes": {"A": {"programme.assessment.first-date": "32/01/2025"}}}, ["32/01/2025"]),
        ({"programmes": {"A": {"programme.collaboration.type": "club"}}}, ["'club'", "choices"]),
        ({"centre": {"programme.liv.appointed": True}}, ["programme-level"]),
        ({"programmes": {"A": {"terms.accept": True}}}, ["centre-level"]),
        ({"centre": []}, ["centre", "table"]),
        ({"programmes": []}, ["programmes"]),
        ({"programme": {}}, ["unknown key 'programme'"]),
        ([], ["expected a table"]),
        ({"centre": {"terms.accept": {"answer": True, "why": "x"}}}, ["'why'"]),
        ({"centre": {"terms.accept": {"comment": "x"}}}, ["no 'answer'"]),
    ],
    ids=[
        "unknown id",
        "unknown code",
        "bad yes-no",
        "bad date",
        "bad choice",
        "programme question at centre",
        "centre question under programme",
        "centre not a table",
        "programmes not a table",
        "unknown top key",
        "not a table",
        "unknown answer key",
        "comment without answer",
    ],
)
def test_read_answers_errors_name_file_and_place(doc: Any, fragments: list[str]) -> None:
    with pytest.raises(InputError) as err:
        read_answers(doc, "answers.toml", BANK, ["A"], {})
    assert err.value.message.startswith("answers.toml")
    for fragment in fragments:
        assert fragment in err.value.message


def test_condition_met_by_a_saved_answer() -> None:
    stored = {("A", "programme.dcs.held"): Answer(True)}
    doc = {"programmes": {"A": {"programme.dcs.expiry": "2026-01-31"}}}
    (given,) = read_answers(doc, "a.toml", BANK, ["A"], stored).given
    assert given.value == date(2026, 1, 31)


def test_answers_to_questions_that_do_not_apply_are_ignored_and_named() -> None:
    doc = {
        "programmes": {
            "A": {
                "programme.dcs.held": False,
                "programme.dcs.expiry": "2026-01-01",  # only when dcs.held is yes
                "programme.dcs.expiry-raised": "no",
                "programme.collaboration.type": "none",
            }
        }
    }
    read = read_answers(doc, "answers.toml", BANK, ["A"], {})
    assert [g.question_id for g in read.given] == [
        "programme.dcs.held",
        "programme.collaboration.type",
    ]
    assert read.ignored == [("A", "programme.dcs.expiry"), ("A", "programme.dcs.expiry-raised")]


def test_a_whole_filled_template_is_accepted() -> None:
    """Every question of the template answered, conditions or not: the rest is ignored."""
    doc: dict[str, Any] = {"centre": {}, "programmes": {"A": {}}}
    for q in BANK.questions:
        value: Any = {
            "yes-no": False,
            "date": "2025-10-01",
            "dates": ["2026-06-30"],
            "text": "x",
        }.get(q.type)
        value = q.choices[0] if q.type == "choice" else value
        (doc["centre"] if q.scope == "centre" else doc["programmes"]["A"])[q.id] = value
    read = read_answers(doc, "answers.toml", BANK, ["A"], {})
    assert read.ignored  # the questions whose conditions are not met
    assert len(read.given) + len(read.ignored) == len(BANK.questions)
    kept = {(g.programme, g.question_id): Answer(g.value) for g in read.given}
    assert missing(BANK, ["A"], kept) == []


def test_toml_template_parses_and_is_an_empty_answers_file() -> None:
    text = template_toml(BANK, [("603/1234/5", "Business")], BANK.version)
    doc = tomllib.loads(text)
    assert set(doc["centre"]) == {q.id for q in BANK.of_scope("centre")}
    assert set(doc["programmes"]["603/1234/5"]) == {q.id for q in BANK.of_scope("programme")}
    assert read_answers(doc, "t.toml", BANK, ["603/1234/5"], {}).given == []
    assert BANK.questions[0].question in text
    assert "one of: none | informal | formal | exceptional" in text


# ------------------------------------------------------------------- export


def _row(code: str | None, qid: str, value: str, comment: str | None = None) -> SimpleNamespace:
    return SimpleNamespace(
        programme_code=code,
        programme_title=None if code is None else f"Title {code}",
        question_id=qid,
        value=value,
        comment=comment,
        answered_at=datetime(2025, 10, 1, 9, 30, tzinfo=UTC),
        answered_by="qn",
    )


def test_export_records_order_filter_and_flag() -> None:
    rows = [
        _row(None, "terms.accept", "true"),
        _row(None, "centre.wbl-group.selected", "false"),
        _row("A", "programme.dcs.held", "false"),
        _row("A", "programme.dcs.expiry", '"2026-01-01"'),  # stale: DCS no longer held
        _row("A", "programme.retired-question", '"kept"'),
    ]
    out = list(export_records(BANK, "2025-26", "12345", rows))
    assert [r["question_id"] for r in out] == [
        "centre.wbl-group.selected",
        "terms.accept",
        "programme.dcs.held",
        "programme.retired-question",
    ]
    assert out[0]["flagged"] is True and out[0]["answer"] is False
    assert out[1]["section"] == "Sign-off and terms"
    assert out[2]["programme_title"] == "Title A"
    assert out[3]["question"] is None and out[3]["answer"] == "kept"
    assert out[0]["answered_at"] == "2025-10-01T09:30:00+00:00"


# ------------------------------------------------------------ flags as data


def _bank_with(extra: str) -> Bank:
    import tomllib as toml

    text = f"""
format = 1
version = "t"
[[sections]]
id = "s"
title = "S"
scope = "programme"
order = 1
[[questions]]
id = "q"
section = "s"
scope = "programme"
type = "choice"
question = "How confident?"
help = "h"
required = true
choices = ["high", "medium", "low"]
source = "wbl-qa-model-2024-25: Stage 1: Annual Quality Declaration"
{extra}
"""
    return parse_bank(Table(toml.loads(text), "data/aqd_questions.toml", error=DataError))


def test_flag_when_flags_a_choice() -> None:
    bank = _bank_with('flag_when = ["low"]')
    answers = {("A", "q"): Answer("low")}
    assert [f.question.id for f in flags(bank, ["A"], answers)] == ["q"]
    assert flags(bank, ["A"], {("A", "q"): Answer("medium")}) == []
    rows = list(export_records(bank, "2025-26", "12345", [_row("A", "q", encode("low"))]))
    assert rows and rows[0]["flagged"] is True


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        ('flag_when = ["never"]', "'never' must list different answers of high, medium, low"),
        ('flag_when = ["high", "medium", "low"]', "flags every answer"),
        ("flag_when = []", "must list different answers"),
        ('flag_when = "low"', "must be a list of answers"),
    ],
)
def test_flag_when_is_checked(extra: str, fragment: str) -> None:
    with pytest.raises(DataError) as err:
        _bank_with(extra)
    assert "key 'flag_when'" in err.value.message and fragment in err.value.message


def test_yes_no_flag_from_the_real_bank_and_a_low_confidence() -> None:
    q = BANK.get("programme.improvement.confidence")
    assert q is not None and q.flags("low") and not q.flags("high") and not q.flags(None)
    yes_no = BANK.get("terms.accept")
    assert yes_no is not None and yes_no.flags(False) and not yes_no.flags(True)
