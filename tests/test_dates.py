"""Dates in and academic years (SPEC: Conventions, "Dates in" and "Academic year")."""

from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from wblqa_cli.dates import (
    AcademicYear,
    academic_year_option,
    date_range,
    parse_date,
    parse_optional_date,
)
from wblqa_cli.errors import InputError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-07-15", date(2025, 7, 15)),
        ("15/07/2025", date(2025, 7, 15)),
        ("15-07-2025", date(2025, 7, 15)),
        ("15.07.2025", date(2025, 7, 15)),
        ("5/7/2025", date(2025, 7, 5)),  # all-numeric is day-first
        ("01/02/2025", date(2025, 2, 1)),  # 1 February, never 2 January
        ("15-Jul-2025", date(2025, 7, 15)),
        ("15th July 2025", date(2025, 7, 15)),
        ("July 15, 2025", date(2025, 7, 15)),
        ("1 Sept 2025", date(2025, 9, 1)),
        # a date with a time is read as the date written (issue 22): never day-first
        ("2025-10-06T00:00:00", date(2025, 10, 6)),
        ("2025-10-06T12:30", date(2025, 10, 6)),
        ("2025-10-06 23:59:59.123456", date(2025, 10, 6)),
        ("2025-10-06T23:30:00Z", date(2025, 10, 6)),
        ("2025-10-06T00:30:00+01:00", date(2025, 10, 6)),
        ("2026-03-01T00:00:00", date(2026, 3, 1)),
        ("06/10/2025 00:00", date(2025, 10, 6)),
        ("06/10/2025 9:15:00", date(2025, 10, 6)),
        ("15 July 2025 10:30", date(2025, 7, 15)),
        ("15 July 2025", date(2025, 7, 15)),
        ("15 Jul 2025", date(2025, 7, 15)),
        ("15 jul 2025", date(2025, 7, 15)),
        ("Tuesday 15 July 2025", date(2025, 7, 15)),
        ("  15 July 2025 ", date(2025, 7, 15)),
        ("29/02/2024", date(2024, 2, 29)),
        ("1 September 2024", date(2024, 9, 1)),
    ],
)
def test_accepted_forms(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("31/02/2025", "does not exist"),
        ("29/02/2025", "does not exist"),
        ("2025-02-30", "does not exist"),
        ("31 Feb 2025", "does not exist"),
        ("31/04/2025", "does not exist"),
        ("15/13/2025", "does not exist"),
        ("July 2025", "day, a month and a year"),
        ("15 July", "day, a month and a year"),
        ("2025", "bare number"),
        ("hello", "day, a month and a year"),
        ("", "empty"),
        ("15/07/25", "year in full"),
        ("1/2/99", "year in full"),
        ("45853", "bare number"),
        ("20251006", "bare number"),
        ("2025-10-06T24:00", "not a time of day"),
        ("2025-10-06T12:60", "not a time of day"),
        ("Monday 15 July 2025", "is a Tuesday"),
        ("15 Juli 2025", "'Juli' is not a month"),
        ("15 July 2025 at noon", "not a date in a form"),
        ("\uff12\uff10\uff12\uff15-07-15", "is not a valid date"),
    ],
)
def test_rejected_forms_name_the_value_and_place(text: str, why: str) -> None:
    with pytest.raises(InputError) as info:
        parse_date(text, "--certified")
    assert why in info.value.message
    assert "--certified" in info.value.message
    assert repr(text) in info.value.message


def test_optional_date_is_none_when_blank() -> None:
    assert parse_optional_date("  ") is None
    assert parse_optional_date(None) is None
    assert parse_optional_date("2025-01-02") == date(2025, 1, 2)


@given(st.dates(min_value=date_range()[0], max_value=date_range()[1]))
def test_every_real_date_round_trips_in_each_form(day: date) -> None:
    assert parse_date(day.isoformat()) == day
    assert parse_date(day.strftime("%d/%m/%Y")) == day
    assert parse_date(f"{day.day} {day:%B %Y}") == day
    assert parse_date(f"{day.day} {day:%b %Y}") == day


@given(st.text(max_size=40))
def test_parsing_never_raises_anything_but_input_error(text: str) -> None:
    try:
        result = parse_date(text, "fuzz")
    except InputError:
        return
    assert isinstance(result, date)


@pytest.mark.parametrize(
    ("text", "start"),
    [("2024-25", 2024), ("2024/25", 2024), ("2024-2025", 2024), ("1999-00", 1999)],
)
def test_academic_year_forms(text: str, start: int) -> None:
    year = AcademicYear.parse(text)
    assert year.start_year == start
    assert year.start == date(start, 9, 1)
    assert year.end == date(start + 1, 8, 31)


@pytest.mark.parametrize("text", ["2024-26", "2024", "24-25", "2024-5", "next year", "2025-24"])
def test_bad_academic_years(text: str) -> None:
    with pytest.raises(InputError, match="not an academic year"):
        AcademicYear.parse(text, "--year")


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (date(2024, 9, 1), "2024-25"),
        (date(2024, 8, 31), "2023-24"),
        (date(2025, 8, 31), "2024-25"),
        (date(2025, 1, 1), "2024-25"),
        (date(2026, 11, 25), "2026-27"),
    ],
)
def test_year_containing(day: date, label: str) -> None:
    year = AcademicYear.containing(day)
    assert year.label == label
    assert day in year


def test_year_option_defaults_to_the_year_containing_today() -> None:
    assert academic_year_option(None, date(2025, 10, 1)).label == "2025-26"
    assert academic_year_option("2023/24", date(2025, 10, 1)).label == "2023-24"


def test_a_day_before_the_first_academic_year_is_refused() -> None:
    with pytest.raises(InputError, match="before the first academic year"):
        AcademicYear.containing(date(1, 1, 1))
    assert AcademicYear.containing(date(1, 9, 1)).start == date(1, 9, 1)


# ------------------------------------------------ plural, wrap, folded (output helpers)


def test_plural_agrees() -> None:
    from wblqa_cli.words import plural

    assert plural(1, "day") == "1 day"
    assert plural(0, "record") == "0 records"
    assert plural(1, "entry", "entries") == "1 entry"
    assert plural(2, "entry", "entries") == "2 entries"


def test_days_text_uses_plural() -> None:
    from wblqa_cli.dates import days_text

    assert days_text(1) == "1 day" and days_text(3) == "3 days"


def test_wrap_breaks_between_words_only() -> None:
    from wblqa_cli.output import wrap

    text = "Does the centre have a current policy for registering BTEC learners and claiming"
    lines = wrap(text, 30, indent="  ").split("\n")
    assert all(len(line) <= 30 for line in lines)
    assert " ".join(line.strip() for line in lines) == text
    assert all(line.startswith("  ") for line in lines[1:])
    assert wrap("a-very-long-word-that-cannot-fit", 10) == "a-very-long-word-that-cannot-fit"


def test_folded_notes_say_each_once_with_a_count() -> None:
    from wblqa_cli.words import folded

    notes = [(f"60{i}/0001/1", "Title not listed: check the sector.") for i in range(5)]
    notes.insert(2, ("603/1234/5", "Its own note."))
    assert folded(notes) == [
        "Title not listed: check the sector. (5 programmes: 600/0001/1, 601/0001/1, 602/0001/1, …)",
        "603/1234/5: Its own note.",
    ]


@pytest.mark.parametrize(
    ("text", "day"),
    [(None, date(1, 1, 1)), (None, date(9999, 12, 31)), ("9999-00", date(2025, 1, 1))],
)
def test_a_year_the_calendar_cannot_hold_is_an_input_error(text: str | None, day: date) -> None:
    with pytest.raises(InputError) as err:
        academic_year_option(text, day)
    message = err.value.message  # the data's date range, or the calendar's own ends
    assert "wblqa works with" in message or "wblqa can show" in message


# ------------------------------------------- one parser, every form, no day read wrong

EARLIEST, LATEST = date_range()
TIMES = st.one_of(
    st.just(""),
    st.times().map(lambda t: f"T{t.isoformat()}"),
    st.times().map(lambda t: f" {t:%H:%M}"),
    st.times().map(lambda t: f"T{t:%H:%M:%S}Z"),
    st.times().map(lambda t: f" {t:%H:%M:%S}+01:00"),
)
UK_TIMES = st.one_of(st.just(""), st.times().map(lambda t: f" {t:%H:%M}"),
                     st.times().map(lambda t: f" {t:%H:%M:%S}"))  # fmt: skip
FORMS = {
    "iso": lambda d: d.isoformat(),
    "slash": lambda d: d.strftime("%d/%m/%Y"),
    "slash-short": lambda d: f"{d.day}/{d.month}/{d.year}",
    "dash": lambda d: d.strftime("%d-%m-%Y"),
    "dot": lambda d: d.strftime("%d.%m.%Y"),
    "long": lambda d: f"{d.day} {d:%B %Y}",
    "short": lambda d: f"{d.day} {d:%b %Y}",
    "excel": lambda d: f"{d:%d-%b-%Y}",
    "weekday": lambda d: f"{d:%A} {d.day} {d:%B %Y}",
    "month-first": lambda d: f"{d:%B} {d.day}, {d.year}",
}


@settings(max_examples=400, deadline=None)
@given(
    st.dates(min_value=EARLIEST, max_value=LATEST),
    st.sampled_from(sorted(FORMS)),
    TIMES,
    UK_TIMES,
)
@example(date(2025, 10, 6), "iso", "T00:00:00", "")
@example(EARLIEST, "slash", "", " 00:00")
@example(LATEST, "long", "", " 23:59")
def test_every_form_reads_the_day_written_over_the_whole_range(
    day: date, form: str, iso_time: str, uk_time: str
) -> None:
    text = FORMS[form](day)
    assert parse_date(text) == day
    timed = text + (iso_time if form == "iso" else uk_time)
    assert parse_date(timed) == day, timed
    assert parse_date(timed.upper()) == day and parse_date(timed.lower()) == day


@given(st.integers(min_value=0, max_value=3_000_000))
def test_a_spreadsheet_day_number_is_refused_not_guessed(serial: int) -> None:
    with pytest.raises(InputError, match="bare number"):
        parse_date(str(serial), "received")


@settings(max_examples=200, deadline=None)
@given(
    st.dates(min_value=EARLIEST, max_value=LATEST), st.times(), st.sampled_from(["toml", "yaml"])
)
def test_file_dates_and_date_times_follow_the_same_rule(day: date, moment: time, kind: str) -> None:
    import tomllib

    import yaml

    from wblqa_cli.dates import as_date

    stamp = f"{day.isoformat()}T{moment:%H:%M:%S}"
    if kind == "toml":
        value = tomllib.loads(f"d = {stamp}")["d"]
    else:
        value = yaml.safe_load(f"d: {stamp}")["d"]
    assert as_date(value) == day == as_date(stamp) == parse_date(stamp)
