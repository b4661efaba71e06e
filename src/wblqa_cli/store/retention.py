"""Retention records in the store: listing, what is due, holds and disposal.

Every change (hold, release, dispose; add and import are in
:mod:`wblqa_cli.store.retention_import`) writes its audit entry in the same
transaction as the change, so neither is kept without the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from wblqa_cli.errors import ActionNeeded, InputError, NotFound
from wblqa_cli.output import fmt_date
from wblqa_cli.retention.records import (
    DISPOSABLE,
    DISPOSED,
    ON_HOLD,
    RETAIN,
    UNKNOWN,
    StoredRecord,
    disposal_refusal,
)
from wblqa_cli.status.actions import RetentionSummary
from wblqa_cli.store import audit
from wblqa_cli.store import models as m
from wblqa_cli.store.engine import Store, as_utc

ENTITY = "retention_record"

_R = m.RetentionRecord.__table__  # type: ignore[attr-defined]
_P = m.Programme.__table__  # type: ignore[attr-defined]

_COLUMNS = (
    _R.c.ref,
    _P.c.code,
    _R.c.kind,
    _R.c.cohort,
    _R.c.learner,
    _R.c.certified,
    _R.c.received,
    _R.c.top_up_received,
    _R.c.top_up_pending,
    _R.c.retain_until,
    _R.c.dispose_from,
    _R.c.hold_reason,
    _R.c.held_at,
    _R.c.held_by,
    _R.c.disposed_at,
    _R.c.disposed_by,
    _R.c.disposal_note,
)


def _select() -> sa.Select[Any]:
    return sa.select(*_COLUMNS).select_from(_R.join(_P, _R.c.programme_id == _P.c.id))


def _record(row: Sequence[Any]) -> StoredRecord:
    values = list(row)
    for i in (12, 14):  # held_at, disposed_at
        values[i] = as_utc(values[i])
    return StoredRecord(*values)


def _status_filter(status: str, today: date) -> list[Any]:
    active = [_R.c.disposed_at.is_(None)]
    free = [*active, _R.c.hold_reason.is_(None)]
    return {
        DISPOSED: [_R.c.disposed_at.is_not(None)],
        ON_HOLD: [*active, _R.c.hold_reason.is_not(None)],
        UNKNOWN: [*free, _R.c.dispose_from.is_(None)],
        DISPOSABLE: [*free, _R.c.dispose_from <= today],
        RETAIN: [*free, _R.c.dispose_from > today],
    }[status]


def list_records(
    store: Store,
    today: date,
    *,
    status: str | None = None,
    programme: str | None = None,
    kind: str | None = None,
    limit: int | None = None,
) -> list[StoredRecord]:
    query = _select().order_by(_P.c.code, _R.c.kind, _R.c.ref)
    if status is not None:
        query = query.where(*_status_filter(status, today))
    if programme is not None:
        query = query.where(_P.c.code == programme)
    if kind is not None:
        query = query.where(_R.c.kind == kind)
    if limit is not None:
        query = query.limit(limit)
    with store.engine.connect() as conn:
        return [_record(r) for r in conn.execute(query)]


def due(
    store: Store, today: date, *, programme: str | None = None, kind: str | None = None
) -> tuple[list[tuple[Any, ...]], dict[str, int]]:
    """Records that may be disposed of on ``today``, ordered by programme, kind, date.

    Returns the rows (ref, programme code, programme title, kind, cohort,
    learner, dispose_from) and counts of what is held back (on hold, unknown).
    """
    query = (
        sa.select(
            _R.c.ref,
            _P.c.code,
            _P.c.title,
            _R.c.kind,
            _R.c.cohort,
            _R.c.learner,
            _R.c.dispose_from,
        )
        .select_from(_R.join(_P, _R.c.programme_id == _P.c.id))
        .where(*_status_filter(DISPOSABLE, today))
        .order_by(_P.c.code, _R.c.kind, _R.c.dispose_from, _R.c.ref)
    )
    extra = []
    if programme is not None:
        extra.append(_P.c.code == programme)
    if kind is not None:
        extra.append(_R.c.kind == kind)
    query = query.where(*extra)
    held_back: dict[str, int] = {}
    with store.engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(query)]
        for status in (ON_HOLD, UNKNOWN):
            counted = (
                sa.select(sa.func.count())
                .select_from(_R.join(_P, _R.c.programme_id == _P.c.id))
                .where(*_status_filter(status, today), *extra)
            )
            held_back[status] = int(conn.execute(counted).scalar_one())
    return rows, held_back


def _get(session: Session, ref: str) -> tuple[m.RetentionRecord, StoredRecord]:
    row = session.exec(select(m.RetentionRecord).where(m.RetentionRecord.ref == ref)).first()
    if row is None:
        raise NotFound(
            f"No retention record with id {ref!r}.",
            hint="See `wblqa retention list`.",
        )
    plain = session.execute(_select().where(_R.c.ref == ref)).one()
    return row, _record(plain)


def get_record(store: Store, ref: str) -> StoredRecord:
    with store.session() as session:
        return _get(session, ref)[1]


def hold(store: Store, ref: str, reason: str) -> StoredRecord:
    user = audit.current_user()
    with store.session() as session:
        row, record = _get(session, ref)
        if record.disposed_at is not None:
            raise InputError(
                f"{ref} was disposed of on {fmt_date(record.disposed_at)}; nothing to hold."
            )
        if record.hold_reason is not None:
            raise InputError(
                f"{ref} is on hold already ({record.hold_reason}, since "
                f"{fmt_date(record.held_at)} by {record.held_by})."
            )
        row.hold_reason, row.held_at, row.held_by = reason, m.utcnow(), user
        session.add(row)
        audit.append(
            session, "retention.hold", ENTITY, ref, f"Put {ref} on hold: {reason}",
            {"reason": reason}, user=user,
        )  # fmt: skip
    return get_record(store, ref)


def release(store: Store, ref: str, reason: str) -> StoredRecord:
    user = audit.current_user()
    with store.session() as session:
        row, record = _get(session, ref)
        if record.hold_reason is None:
            raise InputError(f"{ref} is not on hold; nothing to release.")
        details = {
            "reason": reason,
            "hold_reason": record.hold_reason,
            "held_at": record.held_at,
            "held_by": record.held_by,
        }
        row.hold_reason = row.held_at = row.held_by = None
        session.add(row)
        audit.append(
            session, "retention.release", ENTITY, ref, f"Released the hold on {ref}: {reason}",
            details, user=user,
        )  # fmt: skip
    return get_record(store, ref)


def dispose(
    store: Store, refs: Sequence[str], today: date, note: str | None = None
) -> list[StoredRecord]:
    """Dispose of every record in ``refs``, or of none: each refusal is reported (exit 1)."""
    user = audit.current_user()
    with store.session() as session:
        found = [_get(session, ref) for ref in dict.fromkeys(refs)]
        refusals = [r for _, rec in found if (r := disposal_refusal(rec, today)) is not None]
        if refusals:
            raise ActionNeeded(
                "Nothing was disposed of:\n" + "\n".join(refusals)
                if len(found) > 1
                else refusals[0]
            )
        now = m.utcnow()
        for row, record in found:
            row.disposed_at, row.disposed_by, row.disposal_note = now, user, note
            session.add(row)
            audit.append(
                session,
                "retention.dispose",
                ENTITY,
                record.ref,
                f"Disposed of {record.kind} record {record.ref} ({record.programme})",
                {
                    "programme": record.programme,
                    "kind": record.kind,
                    "cohort": record.cohort,
                    "learner": record.learner,
                    "dispose_from": record.dispose_from,
                    "judged_on": today,
                    "note": note,
                },
                user=user,
            )
    return [get_record(store, ref) for ref in dict.fromkeys(refs)]


def summary(store: Store, today: date) -> RetentionSummary:
    """Counts of stored (not disposed) records by status on ``today``, and the next date.

    Returns a :class:`wblqa_cli.status.actions.RetentionSummary`: how many may be
    disposed of, are on hold, lack a trigger date or are still kept, and the
    next day on which more become disposable (with how many).
    """
    counts: dict[str, int] = {}
    with store.engine.connect() as conn:
        for status in (DISPOSABLE, ON_HOLD, UNKNOWN, RETAIN):
            query = sa.select(sa.func.count()).select_from(_R).where(*_status_filter(status, today))
            counts[status] = int(conn.execute(query).scalar_one())
        next_day = conn.execute(
            sa.select(_R.c.dispose_from, sa.func.count())
            .where(*_status_filter(RETAIN, today))
            .group_by(_R.c.dispose_from)
            .order_by(_R.c.dispose_from)
            .limit(1)
        ).first()
    return RetentionSummary(
        disposable=counts[DISPOSABLE],
        on_hold=counts[ON_HOLD],
        unknown=counts[UNKNOWN],
        retained=counts[RETAIN],
        next_dispose_from=next_day[0] if next_day else None,
        next_count=int(next_day[1]) if next_day else 0,
    )


def disposal_dates(store: Store, start: date, end: date) -> list[tuple[date, str, int]]:
    """(dispose_from, kind, count) of records not disposed of nor on hold, in [start, end]."""
    query = (
        sa.select(_R.c.dispose_from, _R.c.kind, sa.func.count())
        .where(
            _R.c.disposed_at.is_(None),
            _R.c.hold_reason.is_(None),
            _R.c.dispose_from >= start,
            _R.c.dispose_from <= end,
        )
        .group_by(_R.c.dispose_from, _R.c.kind)
        .order_by(_R.c.dispose_from, _R.c.kind)
    )
    with store.engine.connect() as conn:
        return [(row[0], row[1], int(row[2])) for row in conn.execute(query)]
