"""``wblqa db copy``: move a whole store to another engine (SQLite ⇄ PostgreSQL), all or nothing.

Every table of the schema is copied row for row, ids and audit hashes kept, in
one transaction on the target, parents before children. Before that
transaction commits, each table is counted on both sides and the audit chain
is verified on the target; any difference rolls everything back. The source
is read in one snapshot (SQLite: under BEGIN IMMEDIATE, so no writer slips in;
PostgreSQL: REPEATABLE READ). The target must be fresh: no wblqa tables yet, or
migrated to the same schema with every table empty.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel

from wblqa_cli.errors import InputError, StoreError
from wblqa_cli.store import audit, bulk, migrations
from wblqa_cli.store import models as m
from wblqa_cli.store.calendar import STORE_ID_KEY
from wblqa_cli.store.engine import Store, as_utc
from wblqa_cli.store.opening import open_store

CHUNK = 5_000


@dataclass(frozen=True)
class TableCount:
    table: str
    source: int
    target: int

    @property
    def ok(self) -> bool:
        return self.source == self.target


@dataclass
class CopyReport:
    source: str
    target: str
    schema_version: int
    tables: list[TableCount] = field(default_factory=list)
    audit_entries: int = 0
    audit_chain: str = "intact"
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(t.target for t in self.tables)

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "schema_version": self.schema_version,
            "tables": [
                {"table": t.table, "source": t.source, "target": t.target} for t in self.tables
            ],
            "rows": self.rows,
            "audit_entries": self.audit_entries,
            "audit_chain": self.audit_chain,
            "seconds": round(self.seconds, 3),
        }


def tables() -> list[sa.Table]:
    """The schema's tables, parents before children."""
    return list(SQLModel.metadata.sorted_tables)


def _utc(value: Any) -> Any:
    return as_utc(value) if isinstance(value, datetime) else value


def _order(table: sa.Table) -> list[sa.Column[Any]]:
    return list(table.primary_key.columns)


def _counts(conn: sa.Connection) -> dict[str, int]:
    return {
        t.name: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())
        for t in tables()
    }


def _rows(conn: sa.Connection, table: sa.Table) -> Iterator[list[dict[str, Any]]]:
    result = conn.execution_options(stream_results=True, yield_per=CHUNK).execute(
        sa.select(table).order_by(*_order(table))
    )
    for part in result.mappings().partitions(CHUNK):
        yield [{k: _utc(v) for k, v in row.items()} for row in part]


def _require_fresh(target: Store) -> None:
    """Refuse a target holding anything: copying into data would mix two stores."""
    inspector = sa.inspect(target.engine)
    names = set(inspector.get_table_names())
    ours = {t.name for t in tables()} | {migrations.TABLE}
    if not names & ours:
        return
    version = migrations.current_version(target)
    if version != migrations.SCHEMA_VERSION:
        raise StoreError(
            f"The target {target.location.display} has a wblqa schema (version {version}) "
            f"that is not this program's ({migrations.SCHEMA_VERSION}).",
            hint="Copy into a new, empty database or file.",
        )
    with target.engine.connect() as conn:
        counts = _counts(conn)
        counts["setting"] -= _own_id_rows(conn)  # a new store's own id is not data
        filled = {name: n for name, n in counts.items() if n}
    if filled:
        listed = ", ".join(f"{name} ({n} rows)" for name, n in sorted(filled.items()))
        raise StoreError(
            f"The target {target.location.display} is not empty: {listed}.",
            hint="Copy into a new, empty database or file; nothing was copied.",
        )


def _own_id_rows(conn: sa.Connection) -> int:
    setting = SQLModel.metadata.tables["setting"]
    query = sa.select(sa.func.count()).where(setting.c.key == STORE_ID_KEY)
    return int(conn.execute(query).scalar_one())


def _reset_sequences(conn: sa.Connection) -> None:
    """PostgreSQL: the next id after the copied ones (SQLite follows max(id) itself)."""
    for table in tables():
        pk = _order(table)
        if len(pk) != 1 or not isinstance(pk[0].type, sa.Integer):
            continue
        conn.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence(:t, :c), "
                f'COALESCE((SELECT max("{pk[0].name}") FROM "{table.name}"), 0) + 1, false)'
            ),
            {"t": table.name, "c": pk[0].name},
        )


def copy_store(
    source: Store,
    target_option: str,
    *,
    progress: Callable[[str, int], None] | None = None,
) -> CopyReport:
    """Copy every row of ``source`` into the fresh store ``target_option`` (a path or URL)."""
    from wblqa_cli.location import resolve

    started = time.perf_counter()
    where = resolve(target_option)
    if where.url == source.location.url:
        raise InputError(f"--to names the store being copied ({where.display}).")
    created_file = where.path is not None and not where.path.exists()
    target = open_store(target_option, migrate=False)
    try:
        _require_fresh(target)
        migrations.migrate(target)
        report = CopyReport(
            source=source.location.display,
            target=target.location.display,
            schema_version=migrations.SCHEMA_VERSION,
        )
        read = source.engine.connect()
        if not source.is_sqlite:
            read = read.execution_options(isolation_level="REPEATABLE READ")
        with read, read.begin(), target.engine.begin() as write:
            before = _counts(read)
            # The copy keeps the source's id (the same store, moved), not the one
            # migrating the target made.
            setting = SQLModel.metadata.tables["setting"]
            write.execute(sa.delete(setting).where(setting.c.key == STORE_ID_KEY))
            for table in tables():
                for batch in _rows(read, table):
                    bulk.insert_rows(write, table, batch)
                    if progress is not None:
                        progress(table.name, len(batch))
            if not target.is_sqlite:
                _reset_sequences(write)
            after = _counts(write)
            report.tables = [TableCount(t.name, before[t.name], after[t.name]) for t in tables()]
            wrong = [t for t in report.tables if not t.ok]
            if wrong:
                raise StoreError(
                    "The copy's counts differ, so nothing was kept: "
                    + ", ".join(f"{t.table} {t.source} → {t.target}" for t in wrong)
                    + "."
                )
            entries = m.AuditEntry.__table__  # type: ignore[attr-defined]
            chain = audit.verify_rows(write.execute(sa.select(entries).order_by(entries.c.id)))
            if chain:
                raise StoreError(
                    f"The copied audit log does not verify ({chain[0]}), so nothing was kept."
                )
            report.audit_entries = after[entries.name]
    except BaseException:
        target.close()
        if created_file and where.path is not None:
            for suffix in ("", "-wal", "-shm"):
                where.path.with_name(where.path.name + suffix).unlink(missing_ok=True)
        raise
    target.close()
    report.seconds = time.perf_counter() - started
    return report
