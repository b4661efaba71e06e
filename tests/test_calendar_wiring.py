"""The calendar and the plan gather what the other concerns store.

Collaborative arrangements (btec-collab-guide-1.1: Application; Quality
Assurance for BTEC Collaborative Arrangements) and a user-set AQD deadline.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from icalendar import Calendar

FORMAL = Path(__file__).resolve().parent / "data" / "consortium" / "formal.toml"


def _events(invoke, year: str) -> dict[str, date]:
    result = invoke("calendar", "--year", year, "-o", "-")
    assert result.exit_code == 0, result.output
    cal = Calendar.from_ical(result.stdout_bytes)
    return {str(e["SUMMARY"]): e.decoded("DTSTART") for e in cal.walk("VEVENT")}


def test_unsubmitted_arrangement_gives_its_latest_day_to_apply(invoke, tmp_path: Path) -> None:
    text = FORMAL.read_text(encoding="utf-8")
    text = text.replace("application_submitted = 2025-07-01\n", "").replace(
        "approved = 2025-08-10\n", ""
    )
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    assert invoke("consortium", "import", str(path)).exit_code == 0
    events = _events(invoke, "2024-25")  # 8 Sep 2025 less six weeks is in 2024-25
    apply = [s for s in events if s.startswith("Latest day to apply")]
    assert apply and events[apply[0]] == date(2025, 7, 28)


def test_first_assessments_carry_liv_and_standardisation(invoke) -> None:
    assert invoke("consortium", "import", str(FORMAL)).exit_code == 0
    events = _events(invoke, "2025-26")
    firsts = {s: d for s, d in events.items() if s.startswith("First assessment of")}
    assert sorted(firsts.values()) == [date(2025, 10, 6), date(2025, 11, 1)]
    assert all("LIV and standardisation" in s for s in firsts)
    # A submitted application leaves no apply-by reminder.
    assert not any(s.startswith("Latest day to apply") for s in events)


def test_a_user_set_aqd_deadline_reaches_the_plan_and_calendar(invoke) -> None:
    assert invoke("aqd", "deadline", "--year", "2031-32", "2031-10-10").exit_code == 0
    plan = json.loads(invoke("cycle", "plan", "--year", "2031-32", "--json").stdout)
    due = [k for k in plan["key_dates"] if k.get("key") == "aqd-deadline"]
    assert due and due[0]["date"] == "2031-10-10"
    assert _events(invoke, "2031-32")["Annual Quality Declaration due"] == date(2031, 10, 10)


def test_arrangement_reminders_come_from_the_data(invoke) -> None:
    from datetime import timedelta

    from wblqa_cli.cycle.rules import load_rules

    assert invoke("consortium", "import", str(FORMAL)).exit_code == 0
    result = invoke("calendar", "--year", "2025-26", "-o", "-")
    cal = Calendar.from_ical(result.stdout_bytes)
    firsts = [e for e in cal.walk("VEVENT") if str(e["SUMMARY"]).startswith("First assessment")]
    days = load_rules().arrangement_reminder_days
    for event in firsts:
        (alarm,) = event.walk("VALARM")
        assert alarm.decoded("TRIGGER") == -timedelta(days=days)
