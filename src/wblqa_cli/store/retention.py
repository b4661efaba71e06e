"""Retention records in the store: bulk import, listing, what is due, holds and disposal.

Every change (add, import, hold, release, dispose) writes its audit entry in
the same transaction as the change, so neither is kept without the other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from wblqa_cli.errors import ActionNeeded, InputError, NotFound
from wblqa_cli.retention import (
    DISPOSABLE,
    DISPOSED,
    ON_HOLD,
    RETAIN,
    UNKNOWN,
    StoredRecord,
    disposal_refusal,
)
from wblqa_cli.retention_files import NewRecord
from wblqa_cli.status.actions import RetentionSummary
from wblqa_cli.store import audit
from wblqa_cli.store import models as m
from wblqa_cli.store.bulk import BulkInsert
from wblqa_cli.store.engine import Store, as_utc

ENTITY = "retention_record"
CHUNK = 10_000
#: Ids asked about in one query (well under SQLite's 32,766 and PostgreSQL's 65,535 parameters).
_ASK = 5_000

_R = m.RetentionRecord.__table__  # type: ignore[attr-defined]
_P = m.Programme.__table__  # type: ignore[attr-defined]


#: The columns :func:`_row` fills (the disposal ones stay NULL until a disposal).
ROW_COLUMNS = (
    "ref",
    "programme_id",
    "kind",
    "cohort",
    "learner",
    "certified",
    "received",
    "top_up_received",
    "top_up_pending",
    "retain_until",
    "dispose_from",
    "hold_reason",
    "held_at",
    "held_by",
    "created_at",
)


def _row(record: NewRecord, programme_id: int, user: str, now: Any) -> tuple[Any, ...]:
    """The values of :data:`ROW_COLUMNS` for a new record."""
    held = record.hold is not None
    return (
        record.ref,
        programme_id,
        record.kind,
        record.cohort,
        record.learner,
        record.certified,
        record.received,
        record.top_up_received,
        record.top_up_pending,
        record.retain_until,
        record.dispose_from,
        record.hold,
        now if held else None,
        user if held else None,
        now,
    )


def programme_ids(store: Store) -> dict[str, int]:
    with store.session() as session:
        rows = session.exec(select(m.Programme.code, m.Programme.id)).all()
    return {code: pid for code, pid in rows if pid is not None}


def existing_refs(store: Store, refs: Iterable[str]) -> set[str]:
    """Which of ``refs`` the store holds already (asked in chunks)."""
    found: set[str] = set()
    batch: list[str] = []
    with store.engine.connect() as conn:
        for ref in refs:
            batch.append(ref)
            if len(batch) == 500:
                found.update(conn.execute(sa.select(_R.c.ref).where(_R.c.ref.in_(batch))).scalars())
                batch = []
        if batch:
            found.update(conn.execute(sa.select(_R.c.ref).where(_R.c.ref.in_(batch))).scalars())
    return found


class StoredAlready(Exception):
    """Ids of an import the store holds already: ref → the line it is on (all of them)."""

    def __init__(self, clashes: dict[str, int]) -> None:
        super().__init__(f"{len(clashes)} ids are stored already")
        self.clashes = clashes


class _StoredRefs:
    """Which of some ids the store held when an import began, asked on its connection.

    The query is compiled once per number of ids and run raw: rendering an
    ``IN`` of thousands of parameters on every call costs more than the lookups.
    A store with no records yet is not asked at all.
    """

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn
        self.empty = conn.execute(sa.select(_R.c.ref).limit(1)).first() is None
        self._compiled: dict[int, tuple[str, bool]] = {}

    def _statement(self, n: int) -> tuple[str, bool]:
        if n not in self._compiled:
            marks = [sa.bindparam(f"r{i}", type_=_R.c.ref.type) for i in range(n)]
            compiled = (
                sa.select(_R.c.ref).where(_R.c.ref.in_(marks)).compile(dialect=self.conn.dialect)
            )
            self._compiled[n] = (compiled.string, compiled.positional)
        return self._compiled[n]

    def __call__(self, refs: Sequence[str]) -> set[str]:
        found: set[str] = set()
        if self.empty:
            return found
        for start in range(0, len(refs), _ASK):
            part = refs[start : start + _ASK]
            sql, positional = self._statement(len(part))
            params: Any = tuple(part) if positional else {f"r{i}": r for i, r in enumerate(part)}
            found.update(ref for (ref,) in self.conn.exec_driver_sql(sql, params))
        return found


def insert_records(
    store: Store,
    records: Iterable[NewRecord],
    *,
    summary: Callable[[int], str],
    details: Callable[[], dict[str, Any]],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Insert records in one transaction (Core, in chunks) with one audit entry; all or none.

    ``records`` may be checked as they are read: an error it raises part-way
    rolls back the rows inserted before it. Ids the store holds already are
    collected to the end (a bad row later on is reported first, as when the file
    was checked whole beforehand) and raised as :class:`StoredAlready`, again
    with nothing kept. ``summary(count)`` and ``details()`` are asked for the
    audit entry once every record has been read.
    """
    ids = programme_ids(store)
    user = audit.current_user()
    now = m.utcnow()
    count = held = 0
    clashes: dict[str, int] = {}
    with store.session() as session:
        conn = session.connection()
        insert = BulkInsert(conn, _R, ROW_COLUMNS)
        stored_already = _StoredRefs(conn)
        batch: list[tuple[Any, ...]] = []
        lines: dict[str, int] = {}

        def flush() -> None:
            nonlocal count
            stored = stored_already(list(lines))
            clashes.update((ref, lines[ref]) for ref in stored)
            if not clashes:
                count += insert.execute(batch)
            if progress is not None:
                progress(len(batch))
            batch.clear()
            lines.clear()

        for record in records:
            batch.append(_row(record, ids[record.programme], user, now))
            lines[record.ref] = record.line
            held += record.hold is not None
            if len(batch) >= CHUNK:
                flush()
        if batch:
            flush()
        if clashes:
            raise StoredAlready(clashes)
        audit.append(
            session,
            "retention.import",
            "retention_import",
            str(details().get("sha256", ""))[:16] or "import",
            summary(count),
            {**details(), "records": count, "on_hold": held},
            user=user,
        )
    return count


def add_record(store: Store, record: NewRecord) -> None:
    ids = programme_ids(store)
    if record.programme not in ids:
        raise NotFound(
            f"Programme {record.programme!r} (--programme) is not registered.",
            hint="Register it first with `wblqa programme add CODE --title TITLE`.",
        )
    if existing_refs(store, [record.ref]):
        raise InputError(f"A retention record with id {record.ref!r} exists already.")
    user = audit.current_user()
    with store.session() as session:
        BulkInsert(session.connection(), _R, ROW_COLUMNS).execute(
            [_row(record, ids[record.programme], user, m.utcnow())]
        )
        audit.append(
            session,
            "retention.add",
            ENTITY,
            record.ref,
            f"Added {record.kind} record {record.ref} for programme {record.programme}",
            {
                "programme": record.programme,
                "kind": record.kind,
                "cohort": record.cohort,
                "learner": record.learner,
                "certified": record.certified,
                "received": record.received,
                "top_up_received": record.top_up_received,
                "top_up_pending": record.top_up_pending,
                "dispose_from": record.dispose_from,
                "hold": record.hold,
            },
            user=user,
        )


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
                f"{ref} was disposed of on {record.disposed_at:%d %b %Y}; nothing to hold."
            )
        if record.hold_reason is not None:
            raise InputError(
                f"{ref} is on hold already ({record.hold_reason}, since "
                f"{record.held_at:%d %b %Y} by {record.held_by})."
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
