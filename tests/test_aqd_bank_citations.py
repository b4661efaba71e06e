"""Issue 12, "AQD bank": questions cite what supports them, or say they are wblqa's own.

Each test id names the source section it is about.
"""

from __future__ import annotations

from typing import Any

import pytest

from wblqa_cli.aqd.bank import load_bank, parse_bank
from wblqa_cli.errors import DataError
from wblqa_cli.rules import Table

STAGE_1 = "wbl-qa-model-2024-25: Stage 1: Annual Quality Declaration"

#: Questions the policies page (or Stage 1) does not support: wblqa's own good practice.
OWN_QUESTIONS = [
    "programme.staffing.occupational-competence",
    "programme.assessment.briefs-verified",
    "programme.assessment.authenticity",
    "programme.iv.sampling",
    "programme.iv.actions",
    "programme.registration.timely",
]


@pytest.mark.parametrize(
    "qid", OWN_QUESTIONS, ids=lambda q: f"pearson-support-btec-centre-policies:{q}-is-own"
)
def test_unsupported_questions_are_marked_as_wblqa_own(qid: str) -> None:
    q = load_bank().get(qid)
    assert q is not None
    assert q.source == "wblqa default"
    assert q.source_reason and "own" in q.source_reason
    assert q.shown_source.startswith("wblqa's own question, not from the guidance (")
    assert q.as_json()["source_reason"] == q.source_reason


def test_policies_page_is_cited_only_for_policies_it_lists() -> None:
    """Every question still citing the policies page is about a policy the page names."""
    citing = [
        q for q in load_bank().questions if q.source == "pearson-support:BTEC-Centre-Policies"
    ]
    assert citing
    for q in citing:
        assert q.id.startswith("centre.policies.") or q.id == "programme.delivery.mode", q.id


def test_policies_applied_cites_stage_1_in_place_effective_contextualised() -> None:
    q = load_bank().get("programme.policies.applied")
    assert q is not None and q.source == STAGE_1


@pytest.mark.parametrize(
    ("qid", "words"),
    [
        pytest.param(
            "centre.support.start-of-year",
            "support",
            id="stage-1-annual-quality-declaration:support-needed-at-start-of-year",
        ),
        pytest.param(
            "centre.policies.effective",
            "effective",
            id="stage-1-annual-quality-declaration:policies-effective",
        ),
    ],
)
def test_stage_1_questions_the_bank_lacked(qid: str, words: str) -> None:
    q = load_bank().get(qid)
    assert q is not None, qid
    assert q.scope == "centre" and q.source == STAGE_1
    assert words in q.question


@pytest.mark.parametrize(
    "qid",
    ["programme.dcs.expiry-raised", "programme.improvement.notes"],
    ids=lambda q: f"stage-2-lsv-visit:{q}-names-lsv-or-sv",
)
def test_lsv_questions_also_name_the_standards_verifier(qid: str) -> None:
    q = load_bank().get(qid)
    assert q is not None
    assert "your Lead Standards Verifier or standards verifier" in q.question


def _bank(question: dict[str, Any]) -> Table:
    return Table(
        {
            "format": 1,
            "version": "t",
            "sections": [{"id": "s", "title": "S", "scope": "centre", "order": 1}],
            "questions": [
                {
                    "id": "q.one",
                    "section": "s",
                    "scope": "centre",
                    "type": "text",
                    "question": "Why?",
                    "help": "Because.",
                    "required": False,
                    **question,
                }
            ],
        },
        "data/aqd_questions.toml",
        error=DataError,
    )


def test_a_wblqa_default_question_without_a_reason_is_a_data_error() -> None:
    with pytest.raises(DataError, match=r"data/aqd_questions\.toml.*key 'reason'"):
        parse_bank(_bank({"source": "wblqa default"}))
    bank = parse_bank(_bank({"source": "wblqa default", "reason": "good practice"}))
    assert bank.questions[0].source_reason == "good practice"


def test_a_reason_beside_a_real_citation_is_refused() -> None:
    with pytest.raises(DataError, match="key 'reason': is not a known key"):
        parse_bank(_bank({"source": STAGE_1, "reason": "why"}))


def test_walk_through_help_shows_an_own_question_as_wblqas_own() -> None:
    """The walk-through's '?' shows the source; a tool's own question says it is one."""
    from wblqa_cli.aqd.cli_sitting import walk_line
    from wblqa_cli.aqd.interview import HELP, Interview

    bank = load_bank()
    target = "programme.staffing.occupational-competence"
    lines: list[str] = []
    asked: list[str] = []

    def ask(spec: dict[str, Any]) -> Any:
        asked.append(spec["message"])
        question = next(q for q in bank.questions if q.question == spec["message"])
        if question.id == target and asked.count(spec["message"]) == 1:
            return HELP
        if question.id == target:
            raise KeyboardInterrupt
        if spec["type"] == "select":
            return spec["choices"][0]["value"]
        return False if spec["type"] == "confirm" else "01/10/2025"

    iv = Interview(
        bank=bank,
        programmes=[("A", "Title A")],
        answers={},
        save=lambda g: None,
        out=lambda line: lines.append(walk_line(line)),
        ask=ask,
        centre_label="12345 Test",
    )
    with pytest.raises(KeyboardInterrupt):
        iv.run()
    shown = [line for line in lines if "Source:" in line]
    assert shown and "wblqa's own question, not from the guidance (good practice" in shown[-1]
