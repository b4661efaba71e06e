"""The iCalendar file: obligations collected, built, parsed back; ``wblqa calendar``."""

from __future__ import annotations

import stat
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from wblqa_cli.cycle.calendar import (
    PRODID,
    ArrangementDate,
    DisposalDate,
    Obligation,
    build_calendar,
    obligations_for,
    uid_for,
)
from wblqa_cli.cycle.plan import plan
from wblqa_cli.cycle.rules import load_rules
from wblqa_cli.dates import AcademicYear
from wblqa_cli.registry.model import Programme

Y2024 = AcademicYear(2024)
TODAY = date(2024, 10, 1)
STAMP = datetime(2024, 10, 1, 9, 0, tzinfo=UTC)
PROGRAMMES = (
    Programme(
        "P-ADMIN",
        "Pearson BTEC Level 2 Diploma in Business Administration",
        dcs_expiry=date(2024, 12, 20),
        expected_certification=(date(2025, 6, 30), date(2026, 1, 10)),
    ),
    Programme("P-CARE", "Pearson BTEC Level 3 Diploma in Health and Social Care"),
)


def _events(data: bytes) -> dict[str, Any]:
    cal = Calendar.from_ical(data)
    assert str(cal["version"]) == "2.0"
    assert str(cal["prodid"]) == PRODID
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def _by_summary(events: dict[str, Any], words: str) -> Any:
    (found,) = [e for e in events.values() if words in str(e["summary"])]
    return found


def _day(event: Any, key: str) -> date:
    value = event.decoded(key)
    assert type(value) is date, f"{key} is not an all-day date: {value!r}"
    return value  # type: ignore[no-any-return]


def test_calendar_holds_every_obligation_of_the_plan() -> None:
    obligations = obligations_for(plan(PROGRAMMES, Y2024, TODAY))
    events = _events(build_calendar(obligations, stamp=STAMP))
    assert len(events) == len(obligations)
    expected = [
        ("Annual Quality Declaration opens", date(2024, 9, 1), date(2024, 9, 2)),
        ("Annual Quality Declaration due", date(2024, 10, 14), date(2024, 10, 15)),
        ("Lead Standards Verifier allocated", date(2024, 10, 1), date(2024, 12, 1)),
        ("allocations released", date(2024, 10, 1), date(2024, 11, 1)),
        ("First LSV visit", date(2024, 11, 30), date(2024, 12, 1)),
        ("Direct Claims Status expires: P-ADMIN", date(2024, 12, 20), date(2024, 12, 21)),
        ("Expected certification: P-ADMIN", date(2025, 6, 30), date(2025, 7, 1)),
    ]
    assert len(events) == len(expected)  # 10 January 2026 is in the next academic year
    for words, start, end in expected:
        event = _by_summary(events, words)
        assert (_day(event, "dtstart"), _day(event, "dtend")) == (start, end), words
        assert "Source: wbl-qa-model-2024-25: " in str(event["description"]) or (
            "Source: pearson-support:" in str(event["description"])
        )
        assert event.decoded("dtstamp") == STAMP
        assert "VALUE=DATE" in event.to_ical().decode()


@pytest.mark.parametrize(
    ("words", "days"),
    [
        ("Annual Quality Declaration due", "aqd_reminder_days"),
        ("First LSV visit", None),
        ("Direct Claims Status expires", "dcs_reminder_days"),
        ("Expected certification", "certification_reminder_days"),
    ],
)
def test_reminders_before_deadlines(words: str, days: str | None) -> None:
    rules = load_rules()
    events = _events(build_calendar(obligations_for(plan(PROGRAMMES, Y2024, TODAY))))
    (alarm,) = _by_summary(events, words).walk("VALARM")
    assert str(alarm["action"]) == "DISPLAY"
    assert alarm["description"]
    wanted = (
        getattr(rules, days)
        if days
        else next(k.reminder_days for k in rules.key_dates if k.key == "first-lsv-visit")
    )
    assert alarm.decoded("trigger") == -timedelta(days=wanted)


def test_windows_and_openings_have_no_reminder() -> None:
    events = _events(build_calendar(obligations_for(plan(PROGRAMMES, Y2024, TODAY))))
    for words in ("Annual Quality Declaration opens", "Lead Standards Verifier allocated"):
        assert _by_summary(events, words).walk("VALARM") == []


def test_uids_are_stable_across_runs_and_stamps() -> None:
    first = build_calendar(obligations_for(plan(PROGRAMMES, Y2024, TODAY)), stamp=STAMP)
    again = build_calendar(
        obligations_for(plan(PROGRAMMES, Y2024, date(2025, 2, 1))),
        stamp=STAMP + timedelta(days=30),
    )
    assert set(_events(first)) == set(_events(again))
    same = build_calendar(obligations_for(plan(PROGRAMMES, Y2024, TODAY)), stamp=STAMP)
    assert same == first
    assert all(uid.endswith("@wblqa") for uid in _events(first))


def test_changed_dcs_date_keeps_its_uid() -> None:
    moved = (Programme("P-ADMIN", PROGRAMMES[0].title, dcs_expiry=date(2025, 1, 31)),)
    before = _by_summary(
        _events(build_calendar(obligations_for(plan(PROGRAMMES, Y2024, TODAY)))), "Direct Claims"
    )
    after = _by_summary(
        _events(build_calendar(obligations_for(plan(moved, Y2024, TODAY)))), "Direct Claims"
    )
    assert before["uid"] == after["uid"] == uid_for("centre/-/programme/P-ADMIN/dcs-expiry")
    assert _day(after, "dtstart") == date(2025, 1, 31)


def test_other_obligations_from_plain_lists() -> None:
    source = "btec-collab-guide-1.1: Application process"
    arrangements = [
        ArrangementDate("North Vale", "apply-by", date(2025, 7, 28), source),
        ArrangementDate("North Vale", "first-assessment", date(2025, 8, 4), source, "603/1234/5"),
        ArrangementDate("Old", "apply-by", date(2024, 7, 1), source),  # previous year
    ]
    retention = "btec-collab-guide-1.1: Retention"
    disposals = [
        DisposalDate(date(2025, 3, 1), "learner work", retention),
        DisposalDate(date(2025, 3, 1), "learner work", retention, count=4),
        DisposalDate(date(2025, 3, 1), "QA documents", retention),
    ]
    extra = [Obligation(date(2025, 5, 5), None, "Something else", "More.", source, "x/1", 3)]
    obligations = obligations_for(
        plan((), Y2024, TODAY), arrangements=arrangements, disposals=disposals, extra=extra
    )
    events = _events(build_calendar(obligations))
    apply_by = _by_summary(events, "Latest day to apply")
    assert _day(apply_by, "dtstart") == date(2025, 7, 28)
    assert apply_by.walk("VALARM")
    first = _by_summary(events, "First assessment of 603/1234/5")
    assert "Lead Internal Verifier" in str(first["description"])
    assert "5 records" in str(_by_summary(events, "learner work")["summary"])
    assert "1 record " in str(_by_summary(events, "QA documents")["summary"])
    assert _by_summary(events, "Something else")["uid"] == uid_for("x/1")
    assert not [e for e in events.values() if "Old" in str(e["summary"])]


def test_obligation_checks_and_duplicate_uids() -> None:
    with pytest.raises(ValueError, match="before"):
        Obligation(date(2025, 1, 2), date(2025, 1, 1), "s", "d", "src", "k")
    with pytest.raises(ValueError, match="reminder_days"):
        Obligation(date(2025, 1, 2), None, "s", "d", "src", "k", 0)
    one = Obligation(date(2025, 1, 2), None, "s", "d", "src", "k")
    with pytest.raises(ValueError, match="uid_key 'k'"):
        build_calendar([one, one])


# --- the command --------------------------------------------------------------------------------


@pytest.fixture
def stored(invoke: Any, centre: str) -> None:
    result = invoke(
        "programme",
        "add",
        "P-ADMIN",
        "--title",
        PROGRAMMES[0].title,
        "--dcs-expiry",
        "2024-12-20",
        "--expected-certification",
        "2025-06-30",
    )
    assert result.exit_code == 0, result.output
    result = invoke("programme", "add", "P-CARE", "--title", PROGRAMMES[1].title)
    assert result.exit_code == 0, result.output


def test_calendar_command_writes_a_private_file(invoke: Any, stored: None, tmp_path: Path) -> None:
    target = tmp_path / "wblqa.ics"
    target.write_text("old")
    target.chmod(0o644)
    result = invoke("calendar", "--year", "2024-25", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    events = _events(target.read_bytes())
    summaries = " | ".join(str(e["summary"]) for e in events.values())
    for words in (
        "Annual Quality Declaration due",
        "Lead Standards Verifier allocated",
        "First LSV visit",
        "allocations released",
        "Direct Claims Status expires: P-ADMIN",
        "Expected certification: P-ADMIN",
    ):
        assert words in summaries
    assert "7 events" in result.stderr and result.stdout == ""
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_calendar_to_stdout(invoke: Any, stored: None, tmp_path: Path) -> None:
    result = invoke("calendar", "--year", "2024-25", "-o", "-")
    assert result.exit_code == 0, result.output
    file = tmp_path / "c.ics"
    assert invoke("calendar", "--year", "2024-25", "-o", str(file)).exit_code == 0
    assert set(_events(result.stdout_bytes)) == set(_events(file.read_bytes()))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--year", "2024-25"], "-o", id="no-output"),
        pytest.param(["--year", "24-25", "-o", "-"], "'24-25' (--year)", id="bad-year"),
        pytest.param(
            ["--as-of", "30/02/2025", "-o", "-"], "'30/02/2025' (--as-of)", id="bad-as-of"
        ),
    ],
)
def test_calendar_bad_usage(invoke: Any, args: list[str], message: str) -> None:
    result = invoke("calendar", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.stdout == ""


def test_calendar_into_a_missing_folder(invoke: Any, tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "c.ics"
    result = invoke("calendar", "-o", str(target))
    assert result.exit_code == 2, result.output
    assert str(target) in result.stderr and "does not exist" in result.stderr
    assert not target.parent.exists()
    folder = invoke("calendar", "-o", str(tmp_path))
    assert folder.exit_code == 2 and "folder" in folder.stderr


@settings(max_examples=60, deadline=None)
@given(
    start_year=st.integers(min_value=2000, max_value=2100),
    dcs=st.lists(st.dates(date(1999, 1, 1), date(2102, 12, 31)), max_size=4),
    today=st.dates(date(1999, 1, 1), date(2102, 12, 31)),
)
def test_any_year_gives_a_valid_calendar_within_it(
    start_year: int, dcs: list[date], today: date
) -> None:
    year = AcademicYear(start_year)
    programmes = [
        Programme(f"P{i}", PROGRAMMES[1].title, dcs_expiry=d, expected_certification=(d,))
        for i, d in enumerate(dcs)
    ]
    obligations = obligations_for(plan(programmes, year, today))
    events = _events(build_calendar(obligations, stamp=STAMP))
    assert len(events) == len(obligations)  # every UID distinct
    for event in events.values():
        start, end = _day(event, "dtstart"), _day(event, "dtend")
        assert start in year and end > start
    keys = {"aqd-deadline", "first-lsv-visit", "lsv-allocation", "sv-allocations"}
    assert {uid_for(f"key-date/{year.label}/{k}") for k in keys} <= set(events)
