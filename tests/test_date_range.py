"""One date range (data/dates.toml) for every date read, and no overflow anywhere inside it.

Property tests run every date function over the whole range, ends included; the
range's ends come from the data file, not from this test.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from wblqa_cli.dates import AcademicYear, date_range, in_range, parse_date
from wblqa_cli.errors import InputError

EARLIEST, LATEST = date_range()
DAYS = st.dates(min_value=EARLIEST, max_value=LATEST)
ENDS = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip


def test_the_range_is_the_tools_own_default() -> None:
    import tomllib

    from wblqa_cli.rules import data_dir

    doc = tomllib.loads((data_dir() / "dates.toml").read_text(encoding="utf-8"))
    assert doc["range"]["source"] == "wblqa default" and doc["range"]["reason"].strip()
    assert (doc["range"]["earliest"], doc["range"]["latest"]) == (EARLIEST, LATEST)


@pytest.mark.parametrize(
    "text",
    ["0001-01-01", "9999-12-31", "1899-12-31", "2200-01-01", "31/12/9999", "1 January 0001"],
)
def test_a_date_outside_the_range_is_refused_naming_it(text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_date(text, "--as-of")
    message = caught.value.message
    assert message.startswith(f"{text!r} (--as-of) is not a valid date")
    assert f"from {EARLIEST.isoformat()} to {LATEST.isoformat()}" in message or "exist" in message


@pytest.mark.parametrize("text", ["0000-01", "9999-00", "1899-00", "2200-01", "0001-02"])
def test_an_academic_year_outside_the_range_is_refused(text: str) -> None:
    with pytest.raises(InputError, match=r"--year"):
        AcademicYear.parse(text, "--year")


def test_toml_and_yaml_dates_are_checked_too() -> None:
    assert in_range(EARLIEST) == EARLIEST
    with pytest.raises(InputError, match="delivery_start"):
        in_range(date(1, 1, 1), "delivery_start")


@ENDS
@given(DAYS)
@example(EARLIEST)
@example(LATEST)
def test_parsing_and_academic_years_work_over_the_whole_range(day: date) -> None:
    assert parse_date(day.isoformat()) == day
    assert parse_date(day.strftime("%d/%m/%Y")) == day
    year = AcademicYear.containing(day)
    assert day in year
    for other in (year.previous(), year, year.next()):
        assert other.start < other.end and other.label
    if year.start >= EARLIEST:
        assert AcademicYear.parse(year.label) == year


@ENDS
@given(DAYS, DAYS)
@example(EARLIEST, EARLIEST)
@example(LATEST, LATEST)
def test_retention_deadlines_never_overflow(certified: date, received: date) -> None:
    from wblqa_cli.retention.deadline import Triggers, calc

    for triggers in (
        Triggers(certified=certified, received=received),
        Triggers(certified=certified, received=received, top_up_received=received),
        Triggers(certified=certified, top_up_pending=True),
    ):
        calc(triggers)


@ENDS
@given(DAYS)
@example(EARLIEST)
@example(LATEST)
def test_plans_key_dates_calendar_and_status_never_overflow(day: date) -> None:
    from wblqa_cli.aqd.deadlines import deadline_for
    from wblqa_cli.cycle.calendar import obligations_for
    from wblqa_cli.cycle.plan import plan
    from wblqa_cli.registry.model import Programme
    from wblqa_cli.status.actions import build

    year = AcademicYear.containing(day)
    programmes = [
        Programme("P1", "Pearson BTEC Level 3 Diploma in Business", dcs_expiry=day,
                  expected_certification=(day, EARLIEST, LATEST)),
        Programme("P2", "Pearson BTEC Level 2 Certificate in Construction", dcs_expiry=LATEST),
    ]  # fmt: skip
    deadline = deadline_for(year)
    deadline.days_left(day)
    p = plan(programmes, year, day, aqd=deadline)
    obligations_for(p)
    build(day, p, [])


@ENDS
@given(DAYS)
@example(EARLIEST)
@example(LATEST)
def test_consortium_dates_never_overflow(day: date) -> None:
    """An arrangement whose every date is at the ends of the range still checks."""
    from consortium_helpers import fixture_path
    from wblqa_cli.consortium.checks import check
    from wblqa_cli.consortium.loader import parse_arrangement

    text = fixture_path("formal").read_text(encoding="utf-8")
    for key in ("delivery_start", "application_submitted", "approved", "liv_appointed"):
        text = _set(text, key, day)
    report: Any = check(parse_arrangement(text, "f.toml"), day)
    assert report.results


def _set(text: str, key: str, day: date) -> str:
    import re

    return re.sub(rf"(?m)^{key} = \S+", f"{key} = {day.isoformat()}", text)


def test_a_day_after_the_latest_is_refused_wherever_it_is_typed() -> None:
    nxt = LATEST + timedelta(days=1)
    for text in (nxt.isoformat(), nxt.strftime("%d/%m/%Y"), f"{nxt.day} {nxt:%B %Y}"):
        with pytest.raises(InputError):
            parse_date(text)
