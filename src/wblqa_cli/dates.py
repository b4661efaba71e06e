"""Dates in, and academic years.

One parser reads every date the tool is given: options, CSV cells, answers
files (TOML, JSON, YAML) and arrangement files. It knows these forms and no
others (explicit patterns, no guessing):

- ISO 8601: ``2025-07-15``;
- day-first numbers: ``15/07/2025``, ``15-07-2025``, ``15.07.2025`` (day,
  month, then the year in full: ``15/07/25`` is refused, as is a spreadsheet's
  day number such as ``45853``, because either could be read as the wrong day);
- words: ``15 July 2025``, ``15 Jul 2025``, ``15-Jul-2025``, ``15th July 2025``,
  ``Tuesday 15 July 2025`` (the weekday must be that date's), ``July 15, 2025``.

**A date with a time is read as its date.** Any of the forms above may be
followed by a time (``2025-10-06T00:00:00``, ``2025-10-06 12:30``,
``06/10/2025 09:15``); the date is the one written, the time (and an ISO time's
``Z`` or ``+01:00``) is checked to be a time and then ignored. A TOML or YAML
date-time is read the same way. ``2025-10-06T00:00:00`` is 6 October 2025
everywhere. A date that does not exist (``31/02/2025``), a partial date
(``July 2025``) or anything else is an :class:`InputError` naming the value and
where it came from.

Academic years are written ``2024-25`` (``2024/25`` and ``2024-2025`` are
accepted too). The year ``N-(N+1)`` runs from 1 September N to 31 August N+1.

Every date and academic year must fall in the tool's range (``data/dates.toml``,
1900 to 2199): far enough inside Python's years 1 to 9999 that no arithmetic on
an accepted date overflows. :func:`as_date` is the entry for a value a TOML or
YAML parser already made a date (or a date-time) of.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime

from wblqa_cli.errors import DataError, InputError
from wblqa_cli.safetext import quoted
from wblqa_cli.words import plural

_MONTHS = {
    name: number
    for number, full in enumerate(
        ("january", "february", "march", "april", "may", "june", "july", "august",
         "september", "october", "november", "december"),
        start=1,
    )
    for name in (full, full[:3], *(("sept",) if number == 9 else ()))
}  # fmt: skip
_WEEKDAYS = {
    name: number
    for number, full in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
    for name in (full, full[:3])
}
_MONTH = r"(?P<month>[a-z]{3,9})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_WEEKDAY = r"(?:(?P<weekday>[a-z]{3,9}),?\s+)?"
# A time after the date: checked to be a time, then ignored (the date is what is read).
_CLOCK = r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d{1,9})?)?"
_ZONE = r"(?:z|[+-]\d{2}(?::?\d{2})?)?"
_TIME = rf"(?:\s+{_CLOCK})?"
_FORMS = tuple(
    re.compile(pattern, re.ASCII | re.IGNORECASE)
    for pattern in (
        rf"(?P<year>\d{{4}})-(?P<month>\d{{2}})-(?P<day>\d{{2}})(?:(?:t|\s+){_CLOCK}{_ZONE})?",
        rf"(?P<day>\d{{1,2}})(?P<sep>[/.\-])(?P<month>\d{{1,2}})(?P=sep)(?P<year>\d{{4}}){_TIME}",
        rf"{_WEEKDAY}{_DAY}(?:\s+of)?(?:\s+|-){_MONTH}(?:,?\s+|-)(?P<year>\d{{4}}){_TIME}",
        rf"{_WEEKDAY}{_MONTH}\s+{_DAY},?\s+(?P<year>\d{{4}}){_TIME}",
    )
)
_SHORT_YEAR = re.compile(r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2}(?:\s.*)?", re.ASCII)
_NUMBER = re.compile(r"\d+(?:\.\d+)?", re.ASCII)
HINT = "Write dates as 2025-07-15, 15/07/2025 or 15 July 2025."


def _bad(text: str, context: str | None, why: str) -> InputError:
    place = f" ({context})" if context else ""
    return InputError(f"{quoted(text)}{place} is not a valid date: {why}.", hint=HINT)


@functools.cache
def date_range() -> tuple[date, date]:
    """The earliest and latest date the tool accepts (``data/dates.toml``)."""
    from wblqa_cli.datafiles import data_dir

    try:
        doc = tomllib.loads((data_dir() / "dates.toml").read_text(encoding="utf-8"))
        earliest, latest = doc["range"]["earliest"], doc["range"]["latest"]
    except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"Rules file data/dates.toml is missing or malformed: {exc}.") from None
    if not (isinstance(earliest, date) and isinstance(latest, date) and earliest < latest):
        raise DataError("Rules file data/dates.toml: [range] needs two dates, earliest first.")
    if not (date(1, 12, 31) < earliest and latest < date(9000, 1, 1)):
        raise DataError("Rules file data/dates.toml: [range] must stay within years 2 to 8999.")
    return earliest, latest


def in_range(day: date, context: str | None = None, text: str | None = None) -> date:
    """``day`` itself if the tool works with it; else an :class:`InputError` naming it."""
    earliest, latest = date_range()
    if earliest <= day <= latest:
        return day
    raise _bad(
        text if text is not None else day.isoformat(),
        context,
        f"wblqa works with dates from {earliest.isoformat()} to {latest.isoformat()}",
    )


def parse_date(text: str, context: str | None = None) -> date:
    """Parse one date a person typed or a file held, within :func:`date_range`.

    ``context`` says where the value came from (an option name, a file, row and
    column) and is repeated in the error message.
    """
    value = text.strip() if isinstance(text, str) else ""
    return in_range(_parse(str(text), value, context), context, value)


def as_date(value: object, context: str | None = None) -> date:
    """A date from a value a file parser made: a date, a date-time (its date), or text.

    TOML and YAML turn ``2025-10-06`` into a date and ``2025-10-06T12:30:00`` into
    a date-time before wblqa sees them; both are read by the rule of
    :func:`parse_date`: the date as written, the time ignored.
    """
    if isinstance(value, datetime):
        return in_range(value.date(), context)
    if isinstance(value, date):
        return in_range(value, context)
    if isinstance(value, str):
        return parse_date(value, context)
    raise _bad(repr(value), context, "expected a date such as 2025-07-15")


def _parse(text: str, value: str, context: str | None) -> date:
    if not value:
        raise _bad(text, context, "it is empty")
    for form in _FORMS:
        found = form.fullmatch(value)
        if found is not None:
            return _day_of(found, value, context)
    if _SHORT_YEAR.fullmatch(value):
        raise _bad(value, context, "give the year in full (2025, not 25)")
    if _NUMBER.fullmatch(value):  # 45853 (a spreadsheet's day number), 20250715
        raise _bad(
            value,
            context,
            "a bare number is not read as a date (a spreadsheet's day number depends on the "
            "workbook); format the column as a date before saving",
        )
    tokens = re.findall(r"[0-9]+|[A-Za-z]+", value)
    if sum(t.isdigit() or t.lower() in _MONTHS for t in tokens) < 3:  # "July 2025", "hello"
        raise _bad(value, context, "expected a day, a month and a year")
    raise _bad(value, context, "not a date in a form wblqa reads")


def _day_of(found: re.Match[str], value: str, context: str | None) -> date:
    parts = found.groupdict()
    month_text = parts["month"].lower()
    month = int(month_text) if month_text.isdigit() else _MONTHS.get(month_text)
    if month is None:
        raise _bad(value, context, f"{quoted(parts['month'])} is not a month")
    try:
        day = date(int(parts["year"]), month, int(parts["day"]))
    except ValueError:
        raise _bad(value, context, "that day does not exist") from None
    weekday = (parts.get("weekday") or "").lower()
    if weekday:
        if weekday not in _WEEKDAYS:
            raise _bad(value, context, f"{quoted(parts['weekday'])} is not a day of the week")
        if _WEEKDAYS[weekday] != day.weekday():
            raise _bad(value, context, f"{long_date(day)} is a {day:%A}")
    if parts.get("hour") is not None:
        second = int(parts.get("second") or 0)
        if int(parts["hour"]) > 23 or int(parts["minute"]) > 59 or second > 59:
            raise _bad(value, context, "the time after the date is not a time of day")
    return day


def parse_optional_date(text: str | None, context: str | None = None) -> date | None:
    """Like :func:`parse_date`, but an empty or missing value is ``None``."""
    if text is None or not str(text).strip():
        return None
    return parse_date(text, context)


_YEAR = re.compile(r"(\d{4})\s*[-/]\s*(\d{2}|\d{4})")


@dataclass(frozen=True, order=True)
class AcademicYear:
    """An academic year, 1 September ``start_year`` to 31 August ``start_year + 1``."""

    start_year: int

    @classmethod
    def parse(cls, text: str, context: str | None = None) -> AcademicYear:
        m = _YEAR.fullmatch(text.strip())
        if m:
            first = int(m.group(1))
            second = int(m.group(2))
            expected = first + 1 if len(m.group(2)) == 4 else (first + 1) % 100
            earliest, latest = date_range()
            if second == expected and earliest.year <= first <= latest.year:
                return cls(first)
            if second == expected:
                raise InputError(
                    f"{quoted(text)}{f' ({context})' if context else ''} is outside the years "
                    "wblqa "
                    f"works with ({earliest.year} to {latest.year}).",
                    hint="Write it as 2024-25 (or 2024/25): September 2024 to August 2025.",
                )
        place = f" ({context})" if context else ""
        raise InputError(
            f"{quoted(text)}{place} is not an academic year.",
            hint="Write it as 2024-25 (or 2024/25): September 2024 to August 2025.",
        )

    @classmethod
    def containing(cls, day: date) -> AcademicYear:
        start = day.year if day.month >= 9 else day.year - 1
        if start < 1:  # academic year 0-1 would start in year 0, which no date can hold
            raise InputError(
                f"{day.isoformat()} is before the first academic year wblqa can show "
                "(from 1 September 0001)."
            )
        return cls(start)

    @property
    def start(self) -> date:
        return date(self.start_year, 9, 1)

    @property
    def end(self) -> date:
        return date(self.start_year + 1, 8, 31)

    @property
    def label(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def __str__(self) -> str:
        return self.label

    def next(self) -> AcademicYear:
        return AcademicYear(self.start_year + 1)

    def previous(self) -> AcademicYear:
        return AcademicYear(self.start_year - 1)


def academic_year_option(text: str | None, today: date, context: str = "--year") -> AcademicYear:
    """The academic year a ``--year`` option names, or the one containing ``today``.

    A year whose days the calendar cannot hold (before 1 September 0001 or
    after 31 August 9999) is an :class:`InputError`, not a crash later on.
    """
    year = AcademicYear.containing(today) if text is None else AcademicYear.parse(text, context)
    if not 1 <= year.start_year <= 9998:
        what = f"{quoted(text)} ({context})" if text is not None else f"{quoted(today.isoformat())}"
        raise InputError(
            f"{what} is outside the academic years wblqa works with (0001-02 to 9998-99)."
        )
    return year


def long_date(day: date) -> str:
    """A date in words, for messages: ``1 September 2025``."""
    return f"{day.day} {day:%B %Y}"


def days_text(n: int) -> str:
    """``1 day``, ``2 days``."""
    return plural(n, "day")


def today() -> date:
    """Today's date; the only place the CLI asks the clock (commands take ``--as-of``)."""
    return date.today()
