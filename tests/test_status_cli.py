"""`wblqa status` and the calendar over a store holding every concern."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from icalendar import Calendar

FORMAL = Path(__file__).resolve().parent / "data" / "consortium" / "formal.toml"
BA = "Pearson BTEC Level 2 Diploma in Business Administration"


@pytest.fixture
def store_with_everything(invoke, centre: str) -> None:
    def ok(*args: str) -> None:
        result = invoke(*args)
        assert result.exit_code == 0, result.output

    ok("programme", "add", "603/0001/1", "--title", BA, "--dcs-expiry", "2025-09-30")
    ok(
        "programme",
        "add",
        "603/1234/5",
        "--title",
        "Pearson BTEC Level 3 Diploma in Security",
        "--sector",
        "security",
        "--dcs-expiry",
        "2025-11-01",
    )
    ok(
        "retention",
        "add",
        "LW1",
        "--programme",
        "603/0001/1",
        "--kind",
        "learner_work",
        "--received",
        "2025-06-01",
        "--cohort",
        "2024-25",
    )
    ok(
        "retention",
        "add",
        "LW2",
        "--programme",
        "603/0001/1",
        "--kind",
        "learner_work",
        "--cohort",
        "2025-26",
    )
    ok(
        "retention",
        "add",
        "LW3",
        "--programme",
        "603/1234/5",
        "--kind",
        "learner_work",
        "--received",
        "2025-07-20",
        "--cohort",
        "x",
        "--hold",
        "appeal 12",
    )
    ok(
        "retention",
        "add",
        "LW4",
        "--programme",
        "603/1234/5",
        "--kind",
        "learner_work",
        "--received",
        "2025-09-01",
        "--cohort",
        "y",
    )
    ok("consortium", "import", str(FORMAL))


def test_status_json_gathers_every_concern(invoke, store_with_everything) -> None:
    result = invoke("status", "--as-of", "2025-10-06", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["academic_year"] == "2025-26"
    by_area: dict[str, list[str]] = {}
    for a in doc["actions"]:
        by_area.setdefault(a["area"], []).append(a["level"])
    assert by_area["dcs"] == ["overdue", "now"]
    assert by_area["aqd"] == ["now"]
    assert doc["retention"] == {
        "disposable": 1,
        "on_hold": 1,
        "unknown": 1,
        "retain": 1,
        "next_dispose_from": "2025-11-25",
        "next_count": 1,
    }
    assert doc["aqd"][0]["status"] == "not started" and doc["aqd"][0]["days_left"] == 8
    assert doc["consortium"][0]["name"] == "North Vale BTEC Consortium"
    assert [d["code"] for d in doc["dcs"]] == ["603/0001/1", "603/1234/5"]
    assert doc["key_dates"] and doc["summary"]["overdue"] == 1


def test_status_screen_reads_at_a_glance(invoke, store_with_everything) -> None:
    result = invoke("status", "--as-of", "2025-10-06")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "1 overdue" in out
    assert "OVERDUE" in out and "Direct Claims Status expired on 30 September 2025" in out
    assert "wblqa aqd start --year 2025-26" in out
    assert "1 retention record may be disposed of now" in out
    assert "Next key dates" in out


def test_status_on_an_empty_store(invoke) -> None:
    result = invoke("status", "--as-of", "2025-10-06")
    assert result.exit_code == 0, result.output
    assert "No centre registered yet" in result.stdout


def test_status_bad_as_of(invoke) -> None:
    result = invoke("status", "--as-of", "31/02/2025")
    assert result.exit_code == 2
    assert "'31/02/2025' (--as-of)" in result.stderr


def test_calendar_holds_retention_disposal_dates(invoke, store_with_everything) -> None:
    result = invoke("calendar", "--year", "2025-26", "-o", "-")
    assert result.exit_code == 0, result.output
    cal = Calendar.from_ical(result.stdout_bytes)
    events = {str(e["SUMMARY"]): e.decoded("DTSTART") for e in cal.walk("VEVENT")}
    disposal = [s for s in events if s.startswith("Retention:")]
    # LW4: received 1 Sep 2025 + 12 weeks = 24 Nov; disposable from 25 Nov 2025.
    # LW3 is on hold and LW2 has no date: neither is in the calendar.
    assert disposal == ["Retention: learner work of 1 record may be disposed of from today"]
    assert events[disposal[0]] == date(2025, 11, 25)
