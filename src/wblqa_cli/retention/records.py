"""Retention records: a new one checked, a stored one, and their status on a given day.

A new record (:func:`build_record`, from ``retention add`` or a row of an
import) is checked and given its deadline before the store sees it; a
:class:`StoredRecord` is what the store gives back.

Status on a given day: ``on-hold`` while a hold is open, whatever the dates;
``unknown`` when the trigger date is missing (never guessed), with the reason;
``disposable`` from ``dispose_from`` on; ``retain`` before it; ``disposed``
once a stored record was disposed of.

Nothing here touches the clock, the store or the terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from wblqa_cli.errors import InputError
from wblqa_cli.retention.deadline import (
    PENDING,
    Deadline,
    Triggers,
    Undetermined,
    deadline,
    received_too_early,
)
from wblqa_cli.retention.rules import KINDS, QA_DOCUMENTS, Rules, load_rules
from wblqa_cli.safetext import quoted
from wblqa_cli.words import fmt_date

RETAIN = "retain"
DISPOSABLE = "disposable"
ON_HOLD = "on-hold"
UNKNOWN = "unknown"
STATUSES = (RETAIN, DISPOSABLE, ON_HOLD, UNKNOWN)
DISPOSED = "disposed"
LIST_STATUSES = (*STATUSES, DISPOSED)


def status_name(dispose_from: date | None, today: date, *, on_hold: bool) -> str:
    """The status alone, for bulk paths that already hold ``dispose_from``."""
    if on_hold:
        return ON_HOLD
    if dispose_from is None:
        return UNKNOWN
    return DISPOSABLE if today >= dispose_from else RETAIN


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

    def status_reason(self, today: date) -> str | None:
        """Why the status is ``unknown`` (the missing date) or ``on-hold`` (the hold's reason)."""
        status = self.status(today)
        if status == ON_HOLD:
            return self.hold_reason
        if status == UNKNOWN:
            found = deadline(self.kind, self.triggers)
            return found.reason if isinstance(found, Undetermined) else None
        return None

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
            "status_reason": self.status_reason(today),
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
            f"{record.ref} was disposed of already, on {fmt_date(record.disposed_at)} "
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


@dataclass(frozen=True, slots=True)
class NewRecord:
    """One validated row of an import file."""

    line: int
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
    hold: str | None


def check_kind(value: str, context: str) -> str:
    kind = value.strip().casefold().replace("-", "_").replace(" ", "_")
    if kind not in KINDS:
        raise InputError(
            f"{context}: {quoted(value)} is not a kind of record; use {' or '.join(KINDS)}."
        )
    return kind


def _usable_ref(ref: str) -> bool:
    return bool(ref) and len(ref) <= 100 and ref.isprintable() and ref == ref.strip()


def check_ref(value: str, context: str) -> str:
    ref = value.strip()
    if not ref:
        raise InputError(f"{context}: empty; every record needs an id.")
    if not _usable_ref(ref):
        raise InputError(
            f"{context}: {quoted(value)} is not a usable id (printable text, at most 100 "
            "characters)."
        )
    return ref


#: Deadlines already worked out, by kind and the triggers its rule reads.
DeadlineMemo = dict[tuple[object, ...], "Deadline | Undetermined"]


def _memo_key(kind: str, triggers: Triggers, rules: Rules) -> tuple[object, ...]:
    """Only the dates the kind's rule reads: an archive repeats them over and over."""
    key: tuple[object, ...] = (kind, triggers.get(rules[kind].trigger))
    if rules.top_up.applies_to == kind:
        key += (triggers.top_up_received, triggers.top_up_pending)
    return key


def build_record(
    *,
    line: int,
    ref: str,
    programme: str,
    kind: str,
    cohort: str | None,
    learner: str | None,
    triggers: Triggers,
    hold: str | None,
    at: Callable[[str], str],
    rules: Rules | None = None,
    memo: DeadlineMemo | None = None,
) -> NewRecord:
    """A checked record; ``at(column)`` says where each value came from (asked on error)."""
    kind = kind if kind in KINDS else check_kind(kind, at("kind"))
    cohort = " ".join((cohort or "").split()) or None
    learner = " ".join((learner or "").split()) or None
    if cohort is None and learner is None:
        raise InputError(f"{at('cohort')}: give a cohort or a learner (or both) for each record.")
    if kind == QA_DOCUMENTS and (triggers.top_up_received or triggers.top_up_pending):
        raise InputError(
            f"{at('top_up_received')}: a top-up date applies to learner work only, "
            "not to QA documents."
        )
    column = (
        "certified"
        if kind == QA_DOCUMENTS
        else ("top_up_received" if triggers.top_up_received else "received")
    )
    too_early = received_too_early(triggers)
    if too_early is not None:
        raise InputError(f"{at('received')}: record {quoted(ref.strip())}: {too_early}.")
    rules = rules or load_rules()
    key = _memo_key(kind, triggers, rules)
    found = memo.get(key) if memo is not None else None
    if found is None:
        try:
            found = deadline(kind, triggers, rules)
        except InputError as exc:
            raise InputError(f"{at(column)}: {exc.message}") from None
        if memo is not None:
            if len(memo) > 100_000:
                memo.clear()
            memo[key] = found
    retain_until, dispose_from = (
        (found.retain_until, found.dispose_from) if isinstance(found, Deadline) else (None, None)
    )
    return NewRecord(
        line=line,
        ref=ref if _usable_ref(ref) else check_ref(ref, at("id")),
        programme=programme,
        kind=kind,
        cohort=cohort,
        learner=learner,
        certified=triggers.certified,
        received=triggers.received,
        top_up_received=triggers.top_up_received,
        top_up_pending=triggers.top_up_pending,
        retain_until=retain_until,
        dispose_from=dispose_from,
        hold=rules.hold.reason(hold),
    )
