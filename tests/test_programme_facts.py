"""One fact, entered once: programme facts by year, lifecycle, coverage, audit (issue 18).

The facts a programme holds in a year (expected certification dates, Direct
Claims Status) are the AQD's answers to its fact questions and what every
view reads; programmes come and go over the years without disturbing a
submitted declaration.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from _aqd_helpers import complete_document, write_json
from wblqa_cli.aqd.coverage import cover
from wblqa_cli.registry.facts import (
    DCS_EXPIRY,
    DCS_HELD,
    EXPECTED,
    Fact,
    active_in,
    from_flags,
    in_effect,
)
from wblqa_cli.registry.model import Programme

BA = "Pearson BTEC Level 3 Diploma in Business Administration"
WH = "Pearson BTEC Level 2 Certificate in Warehousing and Storage"


def ok(result: Any) -> Any:
    assert result.exit_code == 0, result.output + result.stderr
    return result


def js(result: Any) -> Any:
    return json.loads(ok(result).stdout)


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Move the clock the commands read: ``today.set(date)``."""
    import wblqa_cli.dates as dates

    class Clock:
        def set(self, day: date) -> None:
            monkeypatch.setattr(dates, "today", lambda: day)

    clock = Clock()
    clock.set(date(2024, 10, 1))
    return clock


# --------------------------------------------------------------------- pure


def test_dcs_in_effect_is_the_latest_record_up_to_the_year() -> None:
    facts = [
        Fact("A", "2024-25", DCS_HELD, True),
        Fact("A", "2024-25", DCS_EXPIRY, date(2025, 8, 31)),
        Fact("A", "2025-26", DCS_EXPIRY, date(2026, 8, 31)),
    ]
    assert in_effect(facts, "2024-25").dcs_expiry == date(2025, 8, 31)
    assert in_effect(facts, "2025-26").dcs_expiry == date(2026, 8, 31)
    assert in_effect(facts, "2027-28").dcs_expiry == date(2026, 8, 31)
    # Before any record, the earliest stands; a later "not held" ends it.
    assert in_effect(facts, "2023-24").dcs_expiry == date(2025, 8, 31)
    ended = [*facts, Fact("A", "2026-27", DCS_HELD, False)]
    assert in_effect(ended, "2026-27").dcs_expiry is None
    assert in_effect(ended, "2025-26").dcs_expiry == date(2026, 8, 31)


def test_expected_dates_of_every_year_are_kept_together() -> None:
    facts = [
        Fact("A", "2024-25", EXPECTED, (date(2025, 3, 1),)),
        Fact("A", "2025-26", EXPECTED, (date(2026, 7, 15), date(2026, 2, 1))),
    ]
    assert in_effect(facts, "2025-26").expected_certification == (
        date(2025, 3, 1),
        date(2026, 2, 1),
        date(2026, 7, 15),
    )


def test_flags_become_facts() -> None:
    assert from_flags(dcs_expiry=None, expected=()) == {}
    assert from_flags(dcs_expiry=date(2026, 1, 1), expected=(date(2026, 2, 1),) * 2) == {
        DCS_HELD: True,
        DCS_EXPIRY: date(2026, 1, 1),
        EXPECTED: (date(2026, 2, 1),),
    }
    assert from_flags(dcs_expiry=None, expected=(), clear_dcs=True) == {
        DCS_HELD: False,
        DCS_EXPIRY: None,
    }


@pytest.mark.parametrize(
    ("first", "retired", "year", "active"),
    [(None, None, "2020-21", True), ("2025-26", None, "2024-25", False),
     ("2025-26", None, "2025-26", True), (None, "2025-26", "2024-25", True),
     (None, "2025-26", "2025-26", False), ("2024-25", "2026-27", "2025-26", True)],
)  # fmt: skip
def test_active_in(first: str | None, retired: str | None, year: str, active: bool) -> None:
    assert active_in(first, retired, year) is active


def test_coverage_open_follows_the_year_submitted_is_fixed() -> None:
    old = Programme("A", "T", first_year=None)
    new = Programme("B", "T", first_year="2025-26")
    gone = Programme("C", "T", retired_from="2025-26")
    open_ = cover([old, new, gone], "2025-26", None)
    assert open_.codes == ["A", "B"] and not open_.fixed
    assert dict((p.code, why) for p, why in open_.left_out) == {"C": "retired from 2025-26"}
    fixed = cover([old, new, gone], "2024-25", ["A", "C"])
    assert fixed.codes == ["A", "C"] and fixed.fixed
    assert [p.code for p, _ in fixed.left_out] == ["B"]


# ------------------------------------------------------------ two years, every view


def _setup_2024(invoke: Any, tmp_path: Path, today: Any) -> None:
    today.set(date(2024, 10, 1))
    ok(invoke("centre", "add", "12345", "--name", "North Vale College"))
    ok(invoke("programme", "add", "A1", "--title", BA))
    ok(invoke("programme", "add", "W1", "--title", WH))
    doc = complete_document(("A1", "W1"))
    doc["programmes"]["A1"][EXPECTED] = ["2025-03-01", "2025-07-15"]
    path = write_json(tmp_path / "2024.json", doc)
    ok(invoke("aqd", "start", "--year", "2024-25", "--answers", str(path)))
    ok(invoke("aqd", "submit", "--year", "2024-25"))


def test_two_years_of_programmes_changing(invoke: Any, tmp_path: Path, today: Any) -> None:
    _setup_2024(invoke, tmp_path, today)
    # A year later: one programme added, one edited, one retired.
    today.set(date(2025, 10, 6))
    added = ok(invoke("programme", "add", "N1", "--title", "Some New Programme"))
    assert "not part of it" not in added.stdout  # no 2025-26 declaration yet
    ok(invoke("programme", "edit", "A1", "--title", BA + " (new spec)"))
    ok(invoke("programme", "retire", "W1", "--from", "2025-26"))
    # The earlier year stays submitted and complete, with the programmes it had.
    old = js(invoke("aqd", "status", "--year", "2024-25", "--json"))
    assert old["status"] == "submitted" and old["complete"] is True
    assert old["coverage"]["programmes"] == ["A1", "W1"]
    assert old["coverage"]["fixed_at_submission"] is True
    # This year's declaration covers what is delivered this year, and says why.
    new = js(invoke("aqd", "status", "--year", "2025-26", "--json"))
    assert new["coverage"]["programmes"] == ["A1", "N1"]
    assert {"programme": "W1", "why": "retired from 2025-26"} in new["coverage"]["left_out"]
    human = ok(invoke("aqd", "status", "--year", "2025-26")).stdout
    assert "Covers 2 programme(s) delivered in 2025-26" in human
    assert "Left out: W1 (retired from 2025-26)" in human
    # Facts answered in this year's AQD reach every view.
    doc = complete_document(("A1", "N1"))
    doc["programmes"]["A1"][EXPECTED] = ["2026-02-02", "2026-06-30"]
    doc["programmes"]["A1"][DCS_HELD] = True
    doc["programmes"]["A1"][DCS_EXPIRY] = "2025-12-15"
    doc["programmes"]["A1"]["programme.dcs.expiry-raised"] = "yes"
    path = write_json(tmp_path / "2025.json", doc)
    ok(invoke("aqd", "start", "--year", "2025-26", "--answers", str(path)))
    listed = {p["code"]: p for p in js(invoke("programme", "list", "--json"))}
    assert listed["A1"]["dcs_expiry"] == "2025-12-15"
    assert "2026-06-30" in listed["A1"]["expected_certification"]
    assert "W1" not in listed  # retired: left out unless asked for
    assert "W1" in {p["code"] for p in js(invoke("programme", "list", "--retired", "--json"))}
    plan = js(invoke("cycle", "plan", "--year", "2025-26", "--as-of", "2025-10-06", "--json"))
    rows = {p["code"]: p for p in plan["programmes"]}
    assert set(rows) == {"A1", "N1"}
    assert rows["A1"]["dcs_expiry"] == "2025-12-15"
    assert rows["A1"]["expected_certification"] == ["2026-02-02", "2026-06-30"]
    assert "asks when you expect" not in json.dumps(rows["A1"])
    status = ok(invoke("status", "--as-of", "2025-10-06")).stdout
    assert "15 December 2025" in status  # the DCS expiry answered in the AQD
    ics = tmp_path / "cal.ics"
    ok(invoke("calendar", "--year", "2025-26", "--as-of", "2025-10-06", "-o", str(ics)))
    from icalendar import Calendar

    cal = Calendar.from_ical(ics.read_bytes())
    days = {e.decoded("dtstart") for e in cal.walk("VEVENT")}
    assert date(2025, 12, 15) in days and date(2026, 6, 30) in days
    # The 2024-25 answers are untouched by this year's facts.
    old_answers = old["scopes"][1]["answers"]
    assert old_answers[EXPECTED] == ["2025-03-01", "2025-07-15"]
    again = js(invoke("aqd", "status", "--year", "2024-25", "--json"))
    assert again["scopes"] == old["scopes"]
    # Every change is in the audit log, and the chain is intact.
    log = js(invoke("audit", "--json"))
    actions = [e["action"] for e in log]
    for action in ("centre.add", "programme.add", "programme.edit", "programme.retire",
                   "programme.fact"):  # fmt: skip
        assert action in actions, action
    edit = next(e for e in log if e["action"] == "programme.edit")
    assert edit["details"]["changes"]["title"] == {"before": BA, "after": BA + " (new spec)"}
    fact = next(
        e for e in log if e["action"] == "programme.fact" and e["details"]["year"] == "2025-26"
        and e["details"]["question"] == DCS_EXPIRY
    )  # fmt: skip
    assert fact["details"]["after"] == "2025-12-15" and fact["details"]["before"] is None
    check = invoke("db", "check")
    assert check.exit_code == 0, check.output


def test_a_fact_set_with_programme_is_the_aqd_answer(
    invoke: Any, tmp_path: Path, today: Any
) -> None:
    today.set(date(2025, 10, 6))
    ok(invoke("centre", "add", "12345", "--name", "North Vale College"))
    dates = ["--expected-certification", "2026-03-01", "--expected-certification", "2026-07-01"]
    ok(invoke("programme", "add", "A1", "--title", BA, "--dcs-expiry", "2026-05-31", *dates))
    status = js(invoke("aqd", "status", "--year", "2025-26", "--json"))
    answers = status["scopes"][1]["answers"]
    assert answers[DCS_HELD] is True
    assert answers[DCS_EXPIRY] == "2026-05-31"
    assert answers[EXPECTED] == ["2026-03-01", "2026-07-01"]
    missing = status["scopes"][1]["missing"]
    assert EXPECTED not in missing and DCS_EXPIRY not in missing
    # An edit is the AQD's answer too; the export says so, one row per programme and question.
    ok(invoke("programme", "edit", "A1", "--expected-certification", "2026-04-01"))
    ok(invoke("aqd", "start", "--answers", str(write_json(tmp_path / "c.json", {"centre": {}}))))
    out = js(invoke("aqd", "export", "--year", "2025-26", "--format", "json"))
    rows = [r for r in out if r["question_id"] == EXPECTED]
    assert [(r["programme_code"], r["answer"]) for r in rows] == [("A1", ["2026-04-01"])]


def test_facts_of_a_submitted_year_are_locked(invoke: Any, tmp_path: Path, today: Any) -> None:
    _setup_2024(invoke, tmp_path, today)
    locked = invoke("programme", "edit", "A1", "--year", "2024-25", "--dcs-expiry", "2026-01-01")
    assert locked.exit_code == 1
    assert "2024-25 declaration" in locked.stderr and "reopen" in locked.stderr
    # Another year's facts can still change.
    ok(invoke("programme", "edit", "A1", "--year", "2025-26", "--dcs-expiry", "2026-01-01"))


def test_programme_added_after_submission_never_joins_it(
    invoke: Any, tmp_path: Path, today: Any
) -> None:
    _setup_2024(invoke, tmp_path, today)
    today.set(date(2025, 3, 1))  # still 2024-25, already submitted
    out = ok(invoke("programme", "add", "LATE", "--title", "Late Programme")).stdout
    assert "2024-25 declaration of centre 12345 is already submitted" in out
    status = js(invoke("aqd", "status", "--year", "2024-25", "--json"))
    assert status["complete"] is True
    assert status["coverage"]["programmes"] == ["A1", "W1"]
    assert ok(invoke("aqd", "export", "--year", "2024-25", "--format", "json"))


def test_programme_added_joins_the_open_declaration(
    invoke: Any, tmp_path: Path, today: Any
) -> None:
    _setup_2024(invoke, tmp_path, today)
    today.set(date(2025, 10, 6))
    path = write_json(tmp_path / "c.json", {"centre": {}})
    ok(invoke("aqd", "start", "--year", "2025-26", "--answers", str(path)))
    out = ok(invoke("programme", "add", "N1", "--title", "Some New Programme")).stdout
    assert "N1 joins the open 2025-26 declaration" in out
    assert "N1" in js(invoke("aqd", "status", "--json"))["coverage"]["programmes"]
    # Not the open declaration of an earlier year: it is delivered from this one.
    ok(invoke("aqd", "reopen", "--year", "2024-25", "--reason", "typo"))
    assert (
        "N1"
        not in js(invoke("aqd", "status", "--year", "2024-25", "--json"))["coverage"]["programmes"]
    )


def test_remove_only_while_nothing_refers(invoke: Any, tmp_path: Path, today: Any) -> None:
    _setup_2024(invoke, tmp_path, today)
    refused = invoke("programme", "remove", "A1")
    assert refused.exit_code == 1
    assert "retire" in refused.stderr and "AQD answer" in refused.stderr
    ok(invoke("programme", "add", "OOPS", "--title", "Entered by mistake"))
    # Facts given for a year with a declaration are its answers: the programme is kept.
    ok(invoke("programme", "add", "FACT", "--title", "Dated", "--year", "2024-25",
              "--expected-certification", "2025-05-01"))  # fmt: skip
    kept = invoke("programme", "remove", "FACT")
    assert kept.exit_code == 1 and "fact(s) answered in a declaration" in kept.stderr
    ok(invoke("programme", "remove", "OOPS"))
    assert "OOPS" not in {p["code"] for p in js(invoke("programme", "list", "--json"))}
    removed = [e for e in js(invoke("audit", "--json")) if e["action"] == "programme.remove"]
    assert removed[0]["details"]["before"]["title"] == "Entered by mistake"


def test_show_gives_facts_years_and_history(invoke: Any, tmp_path: Path, today: Any) -> None:
    _setup_2024(invoke, tmp_path, today)
    today.set(date(2025, 10, 6))
    ok(invoke("programme", "retire", "W1"))  # from next year by default
    shown = js(invoke("programme", "show", "A1", "--json"))
    assert shown["first_year"] is None
    assert {(f["year"], f["question"]) for f in shown["facts"]} >= {("2024-25", EXPECTED)}
    assert shown["history"][0]["action"] == "programme.add"
    w = js(invoke("programme", "show", "W1", "--json"))
    assert w["retired_from"] == "2026-27"
    human = ok(invoke("programme", "show", "W1")).stdout
    assert "delivered in every year, retired from 2026-27" in " ".join(human.split())


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [(["programme", "edit", "A1"], "Nothing to change", 2),
     (["programme", "edit", "NOPE", "--title", "x"], "'NOPE' is not registered", 2),
     (["programme", "edit", "A1", "--dcs-expiry", "31/02/2026"], "--dcs-expiry", 2),
     (["programme", "edit", "A1", "--dcs-expiry", "2026-01-01", "--no-dcs"], "opposite", 2),
     (["programme", "edit", "A1", "--sector", "nonsense"], "not a sector group", 2),
     (["programme", "retire", "A1", "--from", "2025"], "not an academic year", 2),
     (["programme", "add", "A1", "--title", "Again"], "programme edit A1", 2),
     (["centre", "edit", "99999", "--name", "X"], "not registered", 2)],
)  # fmt: skip
def test_bad_input_is_named_and_nothing_written(
    invoke: Any, today: Any, args: list[str], message: str, code: int
) -> None:
    ok(invoke("centre", "add", "12345", "--name", "North Vale College"))
    ok(invoke("programme", "add", "A1", "--title", BA))
    before = js(invoke("audit", "--json"))
    result = invoke(*args)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert js(invoke("audit", "--json")) == before


def test_markup_in_a_title_is_shown_as_typed(invoke: Any, today: Any) -> None:
    ok(invoke("centre", "add", "12345", "--name", "North Vale College"))
    ok(invoke("programme", "add", "A1", "--title", "Plain"))
    out = ok(invoke("programme", "edit", "A1", "--title", "[red]Loud[/red] Title")).stdout
    assert "[red]Loud[/red] Title" in out
    shown = ok(invoke("programme", "show", "A1")).stdout
    assert "[red]Loud[/red] Title" in shown
    renamed = ok(invoke("centre", "edit", "12345", "--name", "[b]Bold[/b]")).stdout
    assert "[b]Bold[/b]" in renamed


def test_centre_edit_is_audited(invoke: Any, today: Any) -> None:
    ok(invoke("centre", "add", "12345", "--name", "North Vale College"))
    out = ok(invoke("centre", "edit", "12345", "--name", "North Vale Training")).stdout
    assert "renamed from North Vale College to North Vale Training" in out
    same = ok(invoke("centre", "edit", "12345", "--name", "North Vale Training")).stdout
    assert "nothing changed" in same
    log = [e for e in js(invoke("audit", "--json")) if e["entity"] == "centre"]
    assert [e["action"] for e in log] == ["centre.add", "centre.edit"]
    assert log[1]["details"] == {
        "before": {"name": "North Vale College"},
        "after": {"name": "North Vale Training"},
    }


def test_add_and_import_say_how_the_sector_was_found(
    invoke: Any, tmp_path: Path, today: Any
) -> None:
    ok(invoke("centre", "add", "12345", "--name", "North Vale College"))
    close = ok(invoke("programme", "add", "M1", "--title", "Level 3 Diploma in Managment")).stdout
    assert "by a close match to the listed title" in close
    assert "out of scope for Lead Standards Verification" in close
    csv = tmp_path / "p.csv"
    csv.write_text(
        "code,title,sector\n"
        f"A1,{BA},\n"
        "M2,Level 3 Diploma in Managment,\n"
        "X1,Some Made Up Thing,\n"
        "C1,Bricklaying,construction\n",
        encoding="utf-8",
    )
    out = ok(invoke("programme", "import", str(csv))).stdout
    assert "1 given in the file, 1 by exact title, 1 by close match, 1 none found" in out
    assert "line 3, M2" in out and "Pearson BTEC Level 3 Diploma in Management" in out
