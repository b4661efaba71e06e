"""A programme's facts in a year, and which years it is delivered in.

Expected certification dates and Direct Claims Status are facts of a
programme in an academic year. They are kept once, by programme and year,
and both ``wblqa programme`` and the AQD's questions about them read and
write the same record. Each record is keyed by the AQD question it answers,
so a fact set with ``programme edit`` is the AQD's answer for that year and
an answer given in the AQD is the programme's fact.

Everything here is plain: no store, no terminal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

#: The AQD questions whose answers are programme facts.
EXPECTED = "programme.certification.expected-date"
DCS_HELD = "programme.dcs.held"
DCS_EXPIRY = "programme.dcs.expiry"
FACT_QUESTIONS = (EXPECTED, DCS_HELD, DCS_EXPIRY)

FactValue = bool | date | tuple[date, ...] | str | None


@dataclass(frozen=True)
class Fact:
    """One recorded fact: a programme's answer to one fact question for one year."""

    programme: str
    year: str  # academic year label, e.g. 2025-26
    question: str
    value: FactValue
    comment: str | None = None
    set_at: datetime | None = None
    set_by: str | None = None


@dataclass(frozen=True)
class InEffect:
    """The facts that hold in a year: the latest record at or before it, per question."""

    dcs_expiry: date | None
    expected_certification: tuple[date, ...]


def dates_of(value: FactValue) -> tuple[date, ...]:
    if isinstance(value, date):
        return (value,)
    if isinstance(value, tuple):
        return tuple(sorted(set(value)))
    return ()


def in_effect(facts: Iterable[Fact], year: str | None) -> InEffect:
    """What holds for ``year`` (None: every year recorded).

    Direct Claims Status is the latest record at or before the year (a
    record of "not held" ends it); when nothing is recorded that early, the
    earliest later record stands. Expected certification dates are every date
    recorded, whichever year's record gave it: a plan keeps those in its year.
    """
    by_question: dict[str, list[Fact]] = {}
    for f in sorted(facts, key=lambda f: f.year):
        by_question.setdefault(f.question, []).append(f)

    def latest(question: str) -> Fact | None:
        records = by_question.get(question, [])
        if not records:
            return None
        upto = [f for f in records if year is None or f.year <= year]
        return upto[-1] if upto else records[0]

    held = latest(DCS_HELD)
    expiry = latest(DCS_EXPIRY)
    dcs: date | None = None
    ended = held is not None and expiry is not None and held.year > expiry.year and not held.value
    if expiry is not None and isinstance(expiry.value, date) and not ended:
        dcs = expiry.value
    expected = sorted({d for f in by_question.get(EXPECTED, []) for d in dates_of(f.value)})
    return InEffect(dcs, tuple(expected))


def from_flags(
    *, dcs_expiry: date | None, expected: tuple[date, ...], clear_dcs: bool = False
) -> dict[str, FactValue]:
    """The fact records a ``programme add``/``edit`` sets from its options."""
    out: dict[str, FactValue] = {}
    if dcs_expiry is not None:
        out[DCS_HELD] = True
        out[DCS_EXPIRY] = dcs_expiry
    elif clear_dcs:
        out[DCS_HELD] = False
        out[DCS_EXPIRY] = None
    if expected:
        out[EXPECTED] = tuple(sorted(set(expected)))
    return out


def show(value: FactValue) -> str:
    """A fact as a person reads it (and as the audit log records it)."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return "; ".join(d.isoformat() for d in value) or "(none)"
    if isinstance(value, date):
        return value.isoformat()
    return value


def active_in(first_year: str | None, retired_from: str | None, year: str) -> bool:
    """Whether a programme delivered from ``first_year`` and retired from ``retired_from``
    is part of ``year``."""
    if first_year is not None and year < first_year:
        return False
    return retired_from is None or year < retired_from


def changed(before: Mapping[str, FactValue], after: Mapping[str, FactValue]) -> dict[str, object]:
    """The audit details of a change: each field that differs, before and after."""
    out: dict[str, object] = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new:
            out[key] = {"before": as_json(old), "after": as_json(new)}
    return out


def as_json(value: FactValue) -> object:
    if isinstance(value, tuple):
        return [d.isoformat() for d in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
