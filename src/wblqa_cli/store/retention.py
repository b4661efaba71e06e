"""Retention records in the store: listing, what is due, holds and disposal.

Every change (hold, release, dispose; add and import are in
:mod:`wblqa_cli.store.retention_import`) writes its audit entry in the same
transaction as the change, so neither is kept without the other.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
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


#: Rows fetched from the database at a time while a listing streams.
STREAM_BATCH = 1000


def _stream(query: sa.Select[Any], store: Store) -> Iterator[sa.Row[Any]]:
    """The rows of ``query`` as the cursor yields them, never all at once.

    A server-side cursor on PostgreSQL (its driver would otherwise fetch the
    whole result first); SQLite's cursor steps through the rows by itself.
    The query runs here, so that a refusal is raised before anything is
    written; the connection is closed when the rows are used up or dropped.
    """
    conn = store.engine.connect()
    try:
        result = conn.execution_options(stream_results=True, yield_per=STREAM_BATCH).execute(query)
    except BaseException:
        conn.close()
        raise

    def rows() -> Iterator[sa.Row[Any]]:
        try:
            yield from result
        finally:
            result.close()
            conn.close()

    return rows()


def _record_filters(
    today: date, status: str | None, programme: str | None, kind: str | None
) -> list[Any]:
    where = [] if status is None else _status_filter(status, today)
    if programme is not None:
        where.append(_P.c.code == programme)
    if kind is not None:
        where.append(_R.c.kind == kind)
    return where


def iter_records(
    store: Store,
    today: date,
    *,
    status: str | None = None,
    programme: str | None = None,
    kind: str | None = None,
    limit: int | None = None,
) -> Iterator[StoredRecord]:
    """Records by programme, kind and id, yielded as they are read (memory stays flat)."""
    query = (
        _select()
        .where(*_record_filters(today, status, programme, kind))
        .order_by(_P.c.code, _R.c.kind, _R.c.ref)
    )
    if limit is not None:
        query = query.limit(limit)
    return (_record(r) for r in _stream(query, store))


def count_records(
    store: Store,
    today: date,
    *,
    status: str | None = None,
    programme: str | None = None,
    kind: str | None = None,
) -> int:
    """How many records :func:`iter_records` yields without a limit."""
    query = (
        sa.select(sa.func.count())
        .select_from(_R.join(_P, _R.c.programme_id == _P.c.id))
        .where(*_record_filters(today, status, programme, kind))
    )
    with store.engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def list_records(
    store: Store,
    today: date,
    *,
    status: str | None = None,
    programme: str | None = None,
    kind: str | None = None,
    limit: int | None = None,
) -> list[StoredRecord]:
    """:func:`iter_records` as a list (for small results)."""
    return list(
        iter_records(store, today, status=status, programme=programme, kind=kind, limit=limit)
    )


def due_counts(
    store: Store, today: date, *, programme: str | None = None, kind: str | None = None
) -> tuple[dict[tuple[str, str], int], dict[str, int]]:
    """How many records are due per (programme code, kind), and how many are held back
    (on hold, date unknown): what ``retention due`` says before it lists them."""

    def tally(status: str) -> Any:
        return sa.func.sum(sa.case((sa.and_(*_status_filter(status, today)), 1), else_=0))

    # One pass, every count at once: filtering on dispose_from would walk its index
    # over most of the table, slower than reading the table once.
    query = (
        sa.select(_P.c.code, _R.c.kind, tally(DISPOSABLE), tally(ON_HOLD), tally(UNKNOWN))
        .select_from(_R.join(_P, _R.c.programme_id == _P.c.id))
        .where(*_record_filters(today, None, programme, kind))
        .group_by(_P.c.code, _R.c.kind)
    )
    groups: dict[tuple[str, str], int] = {}
    held_back = {ON_HOLD: 0, UNKNOWN: 0}
    with store.engine.connect() as conn:
        for code, k, due_now, held, unknown in conn.execute(query):
            if due_now:
                groups[(code, k)] = int(due_now)
            held_back[ON_HOLD] += int(held or 0)
            held_back[UNKNOWN] += int(unknown or 0)
    return groups, held_back


def iter_due(
    store: Store,
    today: date,
    *,
    programme: str | None = None,
    kind: str | None = None,
    per_group: int | None = None,
) -> Iterator[tuple[Any, ...]]:
    """Records that may be disposed of on ``today``, by programme, kind, date and id, as read.

    Each row: (ref, programme code, programme title, kind, cohort, learner, dispose_from).
    With ``per_group``, only the first that many of each programme and kind (a
    window in the query: a screen of a million records reads a few thousand).
    """
    columns = (
        _R.c.ref,
        _P.c.code,
        _P.c.title,
        _R.c.kind,
        _R.c.cohort,
        _R.c.learner,
        _R.c.dispose_from,
    )
    where = (*_status_filter(DISPOSABLE, today), *_record_filters(today, None, programme, kind))
    joined = _R.join(_P, _R.c.programme_id == _P.c.id)
    if per_group is None:
        query = (
            sa.select(*columns)
            .select_from(joined)
            .where(*where)
            .order_by(_P.c.code, _R.c.kind, _R.c.dispose_from, _R.c.ref)
        )
    else:
        rank = sa.func.row_number().over(
            partition_by=(_P.c.code, _R.c.kind), order_by=(_R.c.dispose_from, _R.c.ref)
        )
        ranked = sa.select(*columns, rank.label("n")).select_from(joined).where(*where).subquery()
        c = ranked.c
        query = (
            sa.select(c.ref, c.code, c.title, c.kind, c.cohort, c.learner, c.dispose_from)
            .where(c.n <= per_group)
            .order_by(c.code, c.kind, c.dispose_from, c.ref)
        )
    return (tuple(r) for r in _stream(query, store))


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
    statuses = (DISPOSABLE, ON_HOLD, UNKNOWN, RETAIN)
    # One pass over the table, counting each status: four counts through the
    # dispose_from index read most rows four times over (slower on every engine).
    tally = sa.select(
        *(
            sa.func.coalesce(
                sa.func.sum(sa.case((sa.and_(*_status_filter(status, today)), 1), else_=0)), 0
            )
            for status in statuses
        )
    ).select_from(_R)
    with store.engine.connect() as conn:
        counts = dict(zip(statuses, map(int, conn.execute(tally).one()), strict=True))
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
