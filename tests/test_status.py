"""The Monday screen's rules: what counts as overdue, now, soon (status.py, pure)."""

from __future__ import annotations

from datetime import date

import pytest

from wblqa_cli.aqd.deadlines import deadline_for
from wblqa_cli.cycle.plan import plan
from wblqa_cli.dates import AcademicYear
from wblqa_cli.registry.model import Programme
from wblqa_cli.status.actions import (
    AqdProgress,
    ArrangementHealth,
    RetentionSummary,
    Settings,
    build,
    settings,
)

YEAR = AcademicYear(2025)
CONFIG = Settings(soon_days=30, upcoming_key_dates=4)


def progress(state: str = "open", missing: int = 5, programmes: int = 1) -> AqdProgress:
    return AqdProgress(
        centre="12345",
        centre_name="North Vale",
        state=state,
        answered=10,
        applicable=10 + missing,
        missing=missing,
        flagged=0,
        programmes=programmes,
        deadline=deadline_for(YEAR),
    )


def status_on(today: date, *, programmes=(), aqd=(), arrangements=(), retention=None):
    return build(
        today,
        plan(list(programmes), YEAR, today),
        list(aqd),
        list(arrangements),
        retention,
        CONFIG,
    )


def test_settings_come_from_data() -> None:
    assert settings().soon_days >= 1


# The AQD is due 14 October (pearson-support:Quality-Assurance-Annual-Quality-Declaration).
@pytest.mark.parametrize(
    ("today", "state", "missing", "level", "words"),
    [
        (date(2025, 8, 20), "not started", 5, "info", "opens on 1 September 2025"),
        (date(2025, 9, 1), "open", 5, "soon", "43 days left"),
        (date(2025, 9, 14), "open", 5, "now", "30 days left"),
        (date(2025, 10, 14), "open", 5, "now", "0 days left"),
        (date(2025, 10, 15), "open", 5, "overdue", "1 day ago"),
        (date(2025, 10, 1), "open", 0, "now", "submit it by 14 October 2025"),
    ],
)
def test_aqd_urgency(today: date, state: str, missing: int, level: str, words: str) -> None:
    s = status_on(today, aqd=[progress(state, missing)])
    (action,) = [a for a in s.actions if a.area == "aqd"]
    assert action.level == level
    assert words in action.message


def test_submitted_aqd_needs_nothing() -> None:
    s = status_on(date(2025, 10, 1), aqd=[progress("submitted", 0)])
    assert [a for a in s.actions if a.area == "aqd"] == []


def test_aqd_without_programmes_says_to_add_one() -> None:
    s = status_on(date(2025, 10, 1), aqd=[progress(programmes=0)])
    assert "no programmes registered" in s.actions[0].message


# DCS expiry is raised with the LSV (wbl-qa-model-2024-25: Stage 2).
def test_dcs_expired_and_expiring() -> None:
    programmes = [
        Programme("A", "Title A", dcs_expiry=date(2025, 9, 30)),
        Programme("B", "Title B", dcs_expiry=date(2025, 11, 1)),
        Programme("C", "Title C", dcs_expiry=date(2026, 8, 1)),
    ]
    s = status_on(date(2025, 10, 1), programmes=programmes)
    dcs = {a.message.split(":")[0]: a.level for a in s.actions if a.area == "dcs"}
    assert dcs == {"A Title A": "overdue", "B Title B": "now"}


def test_arrangement_failures_warnings_and_apply_by() -> None:
    health = ArrangementHealth(
        name="North Vale",
        model="formal",
        failed=("liv.appointed-this-year: no LIV",),
        warnings=("aqd.every-centre: not yet",),
        apply_by=date(2025, 7, 28),
        application_submitted=None,
    )
    s = status_on(date(2025, 7, 10), arrangements=[health])
    found = [(a.level, a.message) for a in s.actions if a.area == "consortium"]
    assert (
        "now",
        "North Vale: 1 prerequisite failing (first: liv.appointed-this-year: no LIV).",
    ) in found
    assert any(
        level == "now" and "apply for approval by 28 July 2025 (18 days left)" in m
        for level, m in found
    )
    assert any(level == "soon" and "1 warning (first" in m for level, m in found)


def test_retention_actions() -> None:
    r = RetentionSummary(
        disposable=3,
        on_hold=2,
        unknown=1,
        retained=10,
        next_dispose_from=date(2025, 10, 20),
        next_count=4,
    )
    s = status_on(date(2025, 10, 1), retention=r)
    messages = {a.level: a.message for a in s.actions if a.area == "retention"}
    assert "3 retention records may be disposed of now" in messages["now"]
    assert "1 retention record lacks the date" in messages["soon"]
    assert s.as_json()["retention"]["on_hold"] == 2  # type: ignore[index]


def test_actions_are_most_urgent_first_then_soonest() -> None:
    programmes = [Programme("A", "Title A", dcs_expiry=date(2025, 9, 30))]
    r = RetentionSummary(disposable=1, on_hold=0, unknown=0, retained=0)
    s = status_on(date(2025, 10, 20), programmes=programmes, aqd=[progress()], retention=r)
    levels = [a.level for a in s.actions]
    assert levels == sorted(levels, key=["overdue", "now", "soon", "info"].index)
    assert s.counts()["overdue"] == 2  # the AQD and the DCS


def test_upcoming_key_dates_start_today_or_later() -> None:
    s = status_on(date(2025, 10, 20))
    assert s.upcoming and all((k.end_date or k.date) >= date(2025, 10, 20) for k in s.upcoming)
    assert len(s.upcoming) <= CONFIG.upcoming_key_dates
