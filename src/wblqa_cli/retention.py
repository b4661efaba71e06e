"""Retention of learner work and QA documents: pure rules over trigger dates.

The rules live in ``data/retention.toml``. For each kind of record a rule names
its trigger (the certification date, or the day the certificates were
received) and a period. ``retain_until`` is the trigger plus the period and
``dispose_from`` the day after. Where the anniversary does not exist
(certified 29 February 2024, three years on), the later date stands: a
retention date is never earlier than the rule allows.

Status on a given day: ``on-hold`` while a hold is open, whatever the dates;
``unknown`` when the trigger date is missing (never guessed), with the reason;
``disposable`` from ``dispose_from`` on; ``retain`` before it.

Nothing here touches the clock, the store or the terminal.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from wblqa_cli.errors import InputError

LEARNER_WORK = "learner_work"
QA_DOCUMENTS = "qa_documents"
KINDS = (LEARNER_WORK, QA_DOCUMENTS)
TRIGGERS = ("certified", "received")

RETAIN = "retain"
DISPOSABLE = "disposable"
ON_HOLD = "on-hold"
UNKNOWN = "unknown"
STATUSES = (RETAIN, DISPOSABLE, ON_HOLD, UNKNOWN)

#: The cell value that marks a top-up learner whose largest qualification is not certificated yet.
PENDING = "pending"


@dataclass(frozen=True)
class Period:
    """A retention period; calendar units first, then weeks and days."""

    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0

    def words(self) -> str:
        parts = []
        for n, unit in (
            (self.years, "year"),
            (self.months, "month"),
            (self.weeks, "week"),
            (self.days, "day"),
        ):
            if n:
                parts.append(f"{n} {unit}{'' if n == 1 else 's'}")
        return ", ".join(parts) or "no time"

    def as_json(self) -> dict[str, int]:
        return {k: v for k, v in vars(self).items() if v}

    def after(self, start: date) -> date:
        """``start`` plus this period, never early.

        Years and months move to the same calendar date; where that date does
        not exist (29 February, or the 31st of a shorter month) the day after
        the month's last day stands. Weeks and days are then added exactly.
        """
        try:
            end = start
            if self.years or self.months:
                from dateutil.relativedelta import relativedelta

                end = start + relativedelta(years=self.years, months=self.months)
                if end.day != start.day:  # relativedelta clipped to the month's end
                    end += timedelta(days=1)
            return end + timedelta(weeks=self.weeks, days=self.days)
        except (OverflowError, ValueError):
            raise InputError(
                f"{start.isoformat()} is too far in the future to add {self.words()} to."
            ) from None


@dataclass(frozen=True)
class Rule:
    kind: str
    label: str
    short_label: str
    trigger: str
    trigger_words: str
    period: Period
    covers: tuple[str, ...]
    source: str
    also: tuple[str, ...]

    def explain(self) -> str:
        """``12 weeks after the certificates were received``."""
        return f"{self.period.words()} after {self.trigger_words}"


@dataclass(frozen=True)
class TopUp:
    applies_to: str
    trigger: str
    trigger_words: str
    source: str


@dataclass(frozen=True)
class Hold:
    cases: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Rules:
    by_kind: dict[str, Rule]
    top_up: TopUp
    hold: Hold

    def __getitem__(self, kind: str) -> Rule:
        return self.by_kind[kind]


@functools.cache
def load_rules() -> Rules:
    """The retention rules from ``data/retention.toml``, checked strictly."""
    from wblqa_cli.rules import period_from, table

    doc = table("retention.toml")
    doc.integer("format")
    by_kind: dict[str, Rule] = {}
    for t in doc.tables("rules", required=True):
        kind = t.text("kind", choices=KINDS)
        if kind in by_kind:
            raise t.fail("kind", f"{kind!r} has a rule already")
        by_kind[kind] = Rule(
            kind=kind,
            label=t.text("label"),
            short_label=t.text("short_label"),
            trigger=t.text("trigger", choices=TRIGGERS),
            trigger_words=t.text("trigger_words"),
            period=Period(**period_from(t)),
            covers=tuple(t.text_list("covers")),
            source=t.source(),
            also=tuple(t.text_list("also", required=False) or ()),
        )
        t.done()
    missing = [k for k in KINDS if k not in by_kind]
    if missing:
        raise doc.fail("rules", f"no rule for {', '.join(missing)}")
    tu = doc.table("top_up")
    assert tu is not None
    top_up = TopUp(
        applies_to=tu.text("applies_to", choices=KINDS),
        trigger=tu.text("trigger"),
        trigger_words=tu.text("trigger_words"),
        source=tu.source(),
    )
    tu.done()
    h = doc.table("hold")
    assert h is not None
    hold = Hold(cases=tuple(h.text_list("cases")), source=h.source())
    h.done()
    doc.done()
    return Rules(by_kind=by_kind, top_up=top_up, hold=hold)


@dataclass(frozen=True)
class Triggers:
    """The dates a record's retention runs from; ``None`` when not known."""

    certified: date | None = None
    received: date | None = None
    top_up_received: date | None = None
    top_up_pending: bool = False

    def get(self, name: str) -> date | None:
        return getattr(self, name)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Deadline:
    """When a kind of record may go: ``retain_until`` and ``dispose_from``, and why."""

    kind: str
    trigger: str
    trigger_date: date
    retain_until: date
    dispose_from: date
    because: str
    source: str

    def as_json(self) -> dict[str, Any]:
        return {
            "retain_until": self.retain_until,
            "dispose_from": self.dispose_from,
            "trigger": self.trigger,
            "trigger_date": self.trigger_date,
            "rule": self.because,
            "source": self.source,
        }


@dataclass(frozen=True)
class Undetermined:
    """No deadline can be given: the reason, never a guess."""

    kind: str
    reason: str


def deadline(kind: str, triggers: Triggers, rules: Rules | None = None) -> Deadline | Undetermined:
    """The deadline of one kind of record from its trigger dates."""
    rules = rules or load_rules()
    rule = rules[kind]
    name, start = rule.trigger, triggers.get(rule.trigger)
    words, source = rule.trigger_words, rule.source
    top_up = rules.top_up
    if top_up.applies_to == kind:
        if triggers.top_up_pending:
            return Undetermined(
                kind,
                f"top-up route: no date yet for when {top_up.trigger_words} ({top_up.source})",
            )
        later = triggers.top_up_received
        if later is not None and (start is None or later > start):
            name, start, words, source = top_up.trigger, later, top_up.trigger_words, top_up.source
    if start is None:
        return Undetermined(kind, f"no date for when {rule.trigger_words}; it is never guessed")
    retain_until = rule.period.after(start)
    return Deadline(
        kind=kind,
        trigger=name,
        trigger_date=start,
        retain_until=retain_until,
        dispose_from=retain_until + timedelta(days=1),
        because=f"{rule.period.words()} after {words}",
        source=source,
    )


@dataclass(frozen=True)
class Outcome:
    """The status of one kind of record on a given day."""

    kind: str
    status: str
    dispose_from: date | None
    reason: str


def status_on(found: Deadline | Undetermined, today: date, *, on_hold: bool = False) -> Outcome:
    """``on-hold`` beats everything; then ``unknown``; then the dates decide."""
    dispose_from = found.dispose_from if isinstance(found, Deadline) else None
    if on_hold:
        return Outcome(found.kind, ON_HOLD, dispose_from, "on hold until the hold is released")
    if isinstance(found, Undetermined):
        return Outcome(found.kind, UNKNOWN, None, found.reason)
    if today >= found.dispose_from:
        return Outcome(found.kind, DISPOSABLE, dispose_from, f"{found.because} ({found.source})")
    return Outcome(found.kind, RETAIN, dispose_from, f"{found.because} ({found.source})")


def status_name(dispose_from: date | None, today: date, *, on_hold: bool) -> str:
    """The status alone, for bulk paths that already hold ``dispose_from``."""
    if on_hold:
        return ON_HOLD
    if dispose_from is None:
        return UNKNOWN
    return DISPOSABLE if today >= dispose_from else RETAIN


def calc(triggers: Triggers, rules: Rules | None = None) -> dict[str, Deadline | None]:
    """``retention calc``: each kind's deadline, or ``None`` where its trigger is not given."""
    out: dict[str, Deadline | None] = {}
    for kind in KINDS:
        found = deadline(kind, triggers, rules)
        out[kind] = found if isinstance(found, Deadline) else None
    return out


# --- dates from files, fast ---------------------------------------------------


def fast_date(text: str, context: str | None = None) -> date:
    """:func:`wblqa_cli.dates.parse_date`, with a short cut for plain ISO dates.

    A ten-character ASCII ``YYYY-MM-DD`` that :meth:`date.fromisoformat` accepts
    is exactly what the general parser returns for it (tests check this);
    everything else, errors included, goes through the general parser.
    """
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii():
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    from wblqa_cli.dates import parse_date

    return parse_date(text, context)


class DateCells:
    """Parse date cells with a memo: an archive repeats the same few thousand dates."""

    def __init__(self, limit: int = 50_000) -> None:
        self._memo: dict[str, date] = {}
        self._limit = limit

    def known(self, text: str) -> date | None:
        """The date a cell's text was parsed to before, if it was (no context needed)."""
        return self._memo.get(text)

    def parse(self, text: str, context: str | Callable[[], str]) -> date | None:
        """An optional date cell: empty is ``None``; a bad value raises naming ``context``.

        ``context`` may be a function, called only when the text is new.
        """
        if not text:
            return None
        found = self._memo.get(text)
        if found is None:
            found = fast_date(text, context if isinstance(context, str) else context())
            if len(self._memo) >= self._limit:
                self._memo.clear()
            self._memo[text] = found
        return found


def top_up_cell(
    cells: DateCells, text: str, context: str | Callable[[], str]
) -> tuple[date | None, bool]:
    """A ``top_up_received`` cell: a date, ``pending``, or empty."""
    if text.strip().casefold() == PENDING:
        return None, True
    return cells.parse(text, context), False


# --- stored records -------------------------------------------------------------

DISPOSED = "disposed"
LIST_STATUSES = (*STATUSES, DISPOSED)


@dataclass(frozen=True)
class StoredRecord:
    """A retention record as the store keeps it (plain data, no session)."""

    ref: str
    programme: str
    kind: str
    cohort: str | None
    learner: str | None
    certified: date | None
    received: date | None
    top_up_received: date | None
    top_up_pending: bool
    retain_until: date | None
    dispose_from: date | None
    hold_reason: str | None = None
    held_at: datetime | None = None
    held_by: str | None = None
    disposed_at: datetime | None = None
    disposed_by: str | None = None
    disposal_note: str | None = None

    @property
    def triggers(self) -> Triggers:
        return Triggers(self.certified, self.received, self.top_up_received, self.top_up_pending)

    def status(self, today: date) -> str:
        if self.disposed_at is not None:
            return DISPOSED
        return status_name(self.dispose_from, today, on_hold=self.hold_reason is not None)

    def as_json(self, today: date) -> dict[str, Any]:
        return {
            "id": self.ref,
            "programme": self.programme,
            "kind": self.kind,
            "cohort": self.cohort,
            "learner": self.learner,
            "certified": self.certified,
            "received": self.received,
            "top_up_received": PENDING if self.top_up_pending else self.top_up_received,
            "retain_until": self.retain_until,
            "dispose_from": self.dispose_from,
            "status": self.status(today),
            "hold": (
                {"reason": self.hold_reason, "at": self.held_at, "by": self.held_by}
                if self.hold_reason is not None
                else None
            ),
            "disposed": (
                {"at": self.disposed_at, "by": self.disposed_by, "note": self.disposal_note}
                if self.disposed_at is not None
                else None
            ),
        }


def disposal_refusal(record: StoredRecord, today: date, rules: Rules | None = None) -> str | None:
    """Why ``record`` may not be disposed of on ``today`` (and when it may), or ``None``."""
    found = deadline(record.kind, record.triggers, rules)
    if record.disposed_at is not None:
        return (
            f"{record.ref} was disposed of already, on {record.disposed_at:%d %b %Y} "
            f"by {record.disposed_by}."
        )
    if record.hold_reason is not None:
        when = (
            f"; once released it may be disposed of from {found.dispose_from.isoformat()}"
            if isinstance(found, Deadline)
            else ""
        )
        return f"{record.ref} is on hold ({record.hold_reason}){when}. Release the hold first."
    if isinstance(found, Undetermined):
        return f"{record.ref}: no disposal date can be given: {found.reason}."
    if today < found.dispose_from:
        return (
            f"{record.ref} must be kept until {found.retain_until.isoformat()} "
            f"({found.because}, on {found.trigger_date.isoformat()}; {found.source}); "
            f"it may be disposed of from {found.dispose_from.isoformat()}."
        )
    return None
