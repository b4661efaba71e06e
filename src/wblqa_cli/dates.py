"""Dates in, and academic years.

Accepted date forms: ISO 8601 (``2025-07-15``) and the UK's day-first forms
(``15/07/2025``, ``15-07-2025``, ``15.07.2025``, ``15 July 2025``,
``15 Jul 2025``, ``Tuesday 15 July 2025``). An all-numeric date is read
day-first. A date that does not exist (``31/02/2025``), a partial date
(``July 2025``) or anything that is not a date is an :class:`InputError`
naming the value and where it came from.

Academic years are written ``2024-25`` (``2024/25`` and ``2024-2025`` are
accepted too). The year ``N-(N+1)`` runs from 1 September N to 31 August N+1.

Every date and academic year must fall in the tool's range (``data/dates.toml``,
1900 to 2199): far enough inside Python's years 1 to 9999 that no arithmetic on
an accepted date overflows. :func:`in_range` is the check for a date that did
not come through :func:`parse_date` (a TOML date, a YAML date).
"""

from __future__ import annotations

import functools
import re
import tomllib
import warnings
from dataclasses import dataclass
from datetime import date, datetime

from wblqa_cli.errors import DataError, InputError
from wblqa_cli.words import plural

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMERIC = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})")
# Two defaults that differ in every field: a component missing from the text
# takes its value from the default, so the two parses disagree.
_DEFAULT_A = datetime(2001, 1, 1)
_DEFAULT_B = datetime(2002, 2, 2)


def _bad(text: str, context: str | None, why: str) -> InputError:
    place = f" ({context})" if context else ""
    return InputError(
        f"{text!r}{place} is not a valid date: {why}.",
        hint="Write dates as 2025-07-15, 15/07/2025 or 15 July 2025.",
    )


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
    return in_range(_parse(text, value, context), context, value)


def _parse(text: str, value: str, context: str | None) -> date:
    if not value:
        raise _bad(str(text), context, "it is empty")
    if _ISO.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise _bad(value, context, "that day does not exist") from None
    numeric = _NUMERIC.fullmatch(value)
    if numeric:
        day, month, year = (int(g) for g in numeric.groups())
        if len(numeric.group(3)) == 2:
            year += 2000
        try:
            return date(year, month, day)
        except ValueError:
            raise _bad(value, context, "that day does not exist") from None
    return _parse_words(value, context)


def _parse_words(value: str, context: str | None) -> date:
    from dateutil import parser

    if not re.search(r"[A-Za-z]", value) or not re.search(r"\d", value):
        raise _bad(value, context, "expected a day, a month and a year")
    try:
        with warnings.catch_warnings():  # e.g. UnknownTimezoneWarning: not for a user's eyes
            warnings.simplefilter("ignore")
            a = parser.parse(value, dayfirst=True, default=_DEFAULT_A)
            b = parser.parse(value, dayfirst=True, default=_DEFAULT_B)
    except (ValueError, OverflowError) as exc:
        why = "that day does not exist" if "out of range" in str(exc) else "not a date"
        raise _bad(value, context, why) from None
    if (a.year, a.month, a.day) != (b.year, b.month, b.day):
        raise _bad(value, context, "it needs a day, a month and a year")
    if a.time() != datetime.min.time() or a.tzinfo is not None:
        raise _bad(value, context, "give a date without a time")
    written = re.findall(r"(?<!\d)\d{3,4}(?!\d)", value)
    if written and int(written[-1]) != a.year:  # dateutil reads "0001" as 2001
        earliest, latest = date_range()
        raise _bad(value, context, f"wblqa works with dates from {earliest} to {latest}")
    return a.date()


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
                    f"{text!r}{f' ({context})' if context else ''} is outside the years wblqa "
                    f"works with ({earliest.year} to {latest.year}).",
                    hint="Write it as 2024-25 (or 2024/25): September 2024 to August 2025.",
                )
        place = f" ({context})" if context else ""
        raise InputError(
            f"{text!r}{place} is not an academic year.",
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
        what = f"{text!r} ({context})" if text is not None else f"{today.isoformat()!r}"
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
