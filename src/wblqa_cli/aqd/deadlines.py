"""The Annual Quality Declaration's deadline for any academic year.

The data gives the window (1 September to 14 October) and any deadline the
guidance states for a given year; a user can set a deadline the data does
not know (kept in the store's settings and passed in here). Order of
precedence: a deadline the user set, then one stated in the data, then the
window's fixed closing day.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from wblqa_cli.dates import AcademicYear
from wblqa_cli.rules import month_day, table


@dataclass(frozen=True)
class Window:
    opens: tuple[int, int]  # (month, day)
    closes: tuple[int, int]
    source: str


@dataclass(frozen=True)
class Deadline:
    """An AQD deadline: the date, where it comes from, and whether it is a weekend."""

    academic_year: AcademicYear
    opens: date
    deadline: date
    origin: str  # "data", "rule" or "user"
    source: str

    @property
    def on_weekend(self) -> bool:
        return self.deadline.weekday() >= 5

    @property
    def working_day_before(self) -> date:
        day = self.deadline
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        return day

    @property
    def note(self) -> str | None:
        if not self.on_weekend:
            return None
        return (
            f"{self.deadline:%d %B %Y} is a {self.deadline:%A}: a submission that day is accepted, "
            f"but you may prefer to submit by {self.working_day_before:%A %d %B}."
        )

    def days_left(self, today: date) -> int:
        return (self.deadline - today).days

    def as_json(self, today: date | None = None) -> dict[str, object]:
        out: dict[str, object] = {
            "academic_year": self.academic_year.label,
            "opens": self.opens,
            "deadline": self.deadline,
            "origin": self.origin,
            "source": self.source,
            "weekend": self.on_weekend,
            "note": self.note,
        }
        if today is not None:
            out["days_left"] = self.days_left(today)
        return out


@functools.cache
def rules() -> tuple[Window, dict[int, tuple[date, str]]]:
    """The AQD window and the deadlines the data states, by academic start year."""
    t = table("aqd.toml")
    w = t.table("window")
    assert w is not None
    window = Window(month_day(w, "opens"), month_day(w, "closes"), w.source())
    w.done()
    stated: dict[int, tuple[date, str]] = {}
    for entry in t.tables("deadlines"):
        year = AcademicYear.parse(entry.text("academic_year"))
        day = entry.day("date")
        if day not in year:
            raise entry.fail("date", f"{day} is not in the academic year {year}")
        stated[year.start_year] = (day, entry.source())
        entry.done()
    t.integer("format")
    t.done()
    return window, stated


def deadline_for(year: AcademicYear, user_set: Mapping[str, date] | None = None) -> Deadline:
    """The AQD deadline of ``year``: user-set, else stated in the data, else the rule."""
    window, stated = rules()
    opens = date(year.start_year, *window.opens)
    if user_set and year.label in user_set:
        return Deadline(
            year, opens, user_set[year.label], "user", "set by you (wblqa aqd deadline)"
        )
    if year.start_year in stated:
        day, source = stated[year.start_year]
        return Deadline(year, opens, day, "data", source)
    return Deadline(year, opens, date(year.start_year, *window.closes), "rule", window.source)
