"""New retention records into the store: one (``retention add``) or a whole file (``import``).

The bulk path inserts in chunks (Core, one transaction) and asks which ids are
stored already as it goes; a bad row or a clash keeps nothing. Each writes its
audit entry in the same transaction as the records, so neither is kept without
the other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import select

from wblqa_cli.errors import InputError, NotFound
from wblqa_cli.retention.records import NewRecord
from wblqa_cli.store import audit
from wblqa_cli.store import models as m
from wblqa_cli.store.bulk import BulkInsert
from wblqa_cli.store.engine import Store
from wblqa_cli.store.retention import ENTITY

CHUNK = 10_000
#: Ids asked about in one query (well under SQLite's 32,766 and PostgreSQL's 65,535 parameters).
_ASK = 5_000

_R = m.RetentionRecord.__table__  # type: ignore[attr-defined]


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
