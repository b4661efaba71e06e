"""Retention deadlines: the trigger dates of a record, and when it may go.

``retain_until`` is the trigger plus the rule's period and ``dispose_from`` the
day after. Where the anniversary does not exist (certified 29 February 2024,
three years on), the later date stands: a retention date is never earlier than
the rule allows. Date cells of files are parsed here too, fast.

Nothing here touches the clock, the store or the terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from wblqa_cli.retention.rules import KINDS, Rules, load_rules

#: The cell value that marks a top-up learner whose largest qualification is not certificated yet.
PENDING = "pending"


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
    strength: str | None = None  # "must" or "should": how firmly the source asks it

    def as_json(self) -> dict[str, Any]:
        return {
            "retain_until": self.retain_until,
            "dispose_from": self.dispose_from,
            "trigger": self.trigger,
            "trigger_date": self.trigger_date,
            "rule": self.because,
            "source": self.source,
            "strength": self.strength,
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
    words, source, strength = rule.trigger_words, rule.source, rule.cited.strength
    top_up = rules.top_up
    if top_up.applies_to == kind:
        if triggers.top_up_pending:
            return Undetermined(
                kind,
                f"top-up route: no date yet for when {top_up.trigger_words} ({top_up.source})",
            )
        later = triggers.top_up_received
        if later is not None and (start is None or later > start):
            name, start, words = top_up.trigger, later, top_up.trigger_words
            source, strength = top_up.source, top_up.cited.strength
    if start is None:
        return Undetermined(
            kind,
            f"the '{rule.trigger}' date is missing, and the rule ({rule.explain()}) "
            "needs it; it is never guessed",
        )
    retain_until = rule.period.after(start)
    return Deadline(
        kind=kind,
        trigger=name,
        trigger_date=start,
        retain_until=retain_until,
        dispose_from=retain_until + timedelta(days=1),
        because=f"{rule.period.words()} after {words}",
        source=source,
        strength=strength,
    )


def received_too_early(triggers: Triggers) -> str | None:
    """Why the dates cannot be right, if the certificates arrived before certification."""
    c, r = triggers.certified, triggers.received
    if c is not None and r is not None and r < c:
        return (
            f"the certificates cannot be received ({r.isoformat()}) before the learners "
            f"were certificated ({c.isoformat()})"
        )
    return None


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
        from wblqa_cli.dates import date_range

        try:
            day = date.fromisoformat(text)
        except ValueError:
            pass
        else:
            earliest, latest = date_range()
            if earliest <= day <= latest:
                return day
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
