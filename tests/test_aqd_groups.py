"""Programme groups: a year's answers given once for several programmes (issue 18)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from _aqd_helpers import scope_answers, write_json
from wblqa_cli.aqd.answers import Answer
from wblqa_cli.aqd.bank import load_bank
from wblqa_cli.aqd.groups import check_name, expand
from wblqa_cli.errors import InputError
from wblqa_cli.registry.facts import FACT_QUESTIONS

YEAR = "2025-26"
CODES = ("B1", "B2", "B3")
OVERRIDE = "programme.registration.timely"


def ok(result: Any) -> Any:
    assert result.exit_code == 0, result.output + result.stderr
    return result


def js(result: Any) -> Any:
    return json.loads(ok(result).stdout)


def test_expand_fills_members_but_never_over_their_own_or_facts() -> None:
    at = datetime(2025, 10, 1, tzinfo=UTC)
    answers = {
        ("group:biz", "q1"): Answer(True, None, at, "nq"),
        ("group:biz", FACT_QUESTIONS[0]): Answer("x"),
        ("B1", "q1"): Answer(False),
    }
    out = expand(answers, {"biz": ("B1", "B2")})
    assert out[("B1", "q1")] == Answer(False)  # the member's own answer wins
    assert out[("B2", "q1")] == Answer(True, None, at, "nq", group="biz")
    assert ("B2", FACT_QUESTIONS[0]) not in out


@pytest.mark.parametrize("bad", ["", "Two Words", "x" * 41, "a:b"])
def test_group_names(bad: str) -> None:
    assert check_name("Business") == "business"
    with pytest.raises(InputError, match="not a group name"):
        check_name(bad)


@pytest.fixture
def grouped(invoke: Any) -> None:
    ok(invoke("centre", "add", "12345", "--name", "North Vale College"))
    for code in CODES:
        ok(invoke("programme", "add", code, "--title", f"Business Programme {code}"))
    out = ok(invoke("aqd", "group", "add", "business", *CODES, "--year", YEAR)).stdout
    assert "under [groups.business] in an answers file" in " ".join(out.split())


def _document() -> dict[str, Any]:
    bank = load_bank()
    programme = scope_answers(bank, "programme")
    shared = {k: v for k, v in programme.items() if k not in FACT_QUESTIONS}
    facts = {k: v for k, v in programme.items() if k in FACT_QUESTIONS}
    doc: dict[str, Any] = {
        "centre": scope_answers(bank, "centre"),
        "groups": {"business": shared},
        "programmes": {code: dict(facts) for code in CODES},
    }
    doc["programmes"]["B1"][OVERRIDE] = not shared[OVERRIDE]  # one member's own answer
    return doc


def test_group_answers_hold_for_each_member(invoke: Any, grouped: None, tmp_path: Path) -> None:
    path = write_json(tmp_path / "a.json", _document())
    ok(invoke("aqd", "start", "--year", YEAR, "--answers", str(path)))
    status = js(invoke("aqd", "status", "--year", YEAR, "--json"))
    assert status["complete"] is True
    assert status["coverage"]["groups"] == {"business": list(CODES)}
    human = ok(invoke("aqd", "status", "--year", YEAR)).stdout
    assert "Group business: B1, B2, B3 (answers given once)" in human
    rows = js(invoke("aqd", "export", "--year", YEAR, "--format", "json"))
    by = {(r["programme_code"], r["question_id"]): r for r in rows}
    assert by[("B2", OVERRIDE)]["from_group"] == "business"
    assert by[("B1", OVERRIDE)]["from_group"] is None  # overridden
    assert by[("B1", FACT_QUESTIONS[0])]["from_group"] is None  # facts are each programme's
    assert not any(str(r["programme_code"]).startswith("group:") for r in rows)
    # One row per programme and question: the same count as answering each alone.
    per = {code: sum(1 for r in rows if r["programme_code"] == code) for code in CODES}
    assert len(set(per.values())) == 1
    listed = js(invoke("aqd", "group", "list", "--year", YEAR, "--json"))
    assert listed[0]["group"] == "business" and listed[0]["answers"] > 20
    ok(invoke("aqd", "submit", "--year", YEAR))
    locked = invoke("aqd", "group", "add", "business", "B1", "--year", YEAR)
    assert locked.exit_code == 1 and "reopen" in locked.stderr
    log = [e["action"] for e in js(invoke("audit", "--json"))]
    assert log.count("aqd.group") == 1


def test_removing_a_group_takes_its_answers(invoke: Any, grouped: None, tmp_path: Path) -> None:
    path = write_json(tmp_path / "a.json", _document())
    ok(invoke("aqd", "start", "--year", YEAR, "--answers", str(path)))
    ok(invoke("aqd", "group", "remove", "business", "B3", "--year", YEAR))
    status = js(invoke("aqd", "status", "--year", YEAR, "--json"))
    b3 = next(s for s in status["scopes"] if s["programme"] == "B3")
    assert b3["missing"]  # out of the group: it answers for itself again
    ok(invoke("aqd", "group", "remove", "business", "--year", YEAR))
    assert js(invoke("aqd", "group", "list", "--year", YEAR, "--json")) == []
    b2 = next(
        s for s in js(invoke("aqd", "status", "--year", YEAR, "--json"))["scopes"]
        if s["programme"] == "B2"
    )  # fmt: skip
    assert b2["missing"]


@pytest.mark.parametrize(
    ("args", "message"),
    [(["aqd", "group", "add", "other", "B1"], "already in group 'business'"),
     (["aqd", "group", "add", "other", "NOPE"], "'NOPE' (--programme) is not a programme"),
     (["aqd", "group", "add", "Bad Name", "B1"], "not a group name"),
     (["aqd", "group", "remove", "nothere"], "no group 'nothere'"),
     (["aqd", "group", "remove", "business", "ZZ"], "'ZZ' is not in group")],
)  # fmt: skip
def test_group_errors(invoke: Any, grouped: None, args: list[str], message: str) -> None:
    result = invoke(*args, "--year", YEAR)
    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_a_fact_under_a_group_is_refused(invoke: Any, grouped: None, tmp_path: Path) -> None:
    doc = {"groups": {"business": {FACT_QUESTIONS[0]: ["2026-03-01"]}}}
    result = invoke(
        "aqd", "start", "--year", YEAR, "--answers", str(write_json(tmp_path / "f.json", doc))
    )
    assert result.exit_code == 2
    assert "a programme fact, each programme's own" in result.stderr
    unknown = {"groups": {"nosuch": {}}}
    result = invoke(
        "aqd", "start", "--year", YEAR, "--answers", str(write_json(tmp_path / "u.json", unknown))
    )
    assert result.exit_code == 2 and "'nosuch' is not a group" in result.stderr
