"""Schema migrations: ordered, named functions, each applied once and recorded.

Like ``llm/migrations.py``: every schema change is a function (in
``schema_steps.py``), listed here, applied in order and recorded in
``wblqa_migrations``. Each uses Alembic's operations, so the same migration
runs on SQLite and PostgreSQL. Pending
migrations run in one transaction after a backup copy of the file, so a
failed migration leaves the store as it was. A store that records a
migration this program does not know was written by a newer wblqa and is
refused.

Opening a current store reads the migrations table once and never imports
Alembic: it is loaded only when a migration is pending.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from wblqa_cli.errors import StoreError
from wblqa_cli.store.engine import Store, backup_name, backup_sqlite
from wblqa_cli.store.schema_steps import (
    m001_centres_programmes_audit,
    m002_retention_records,
    m003_aqd,
    m004_arrangements,
    m005_postgresql_audit_guard,
    m006_store_id,
    m007_postgresql_audit_append_function,
    m008_programme_sector_match,
    m009_programme_facts,
    m013_aqd_groups,
)

if TYPE_CHECKING:
    from alembic.operations import Operations

TABLE = "wblqa_migrations"
Migration = Callable[["Operations"], None]


#: Every migration, in order. Append; never reorder, rename or edit a released one.
MIGRATIONS: list[tuple[int, str, Migration]] = [
    (1, "centres_programmes_audit", m001_centres_programmes_audit),
    (2, "retention_records", m002_retention_records),
    (3, "aqd", m003_aqd),
    (4, "arrangements", m004_arrangements),
    (5, "postgresql_audit_guard", m005_postgresql_audit_guard),
    (6, "store_id", m006_store_id),
    (7, "postgresql_audit_append_function", m007_postgresql_audit_append_function),
    (8, "programme_sector_match", m008_programme_sector_match),
    (9, "programme_facts", m009_programme_facts),
    (13, "aqd_groups", m013_aqd_groups),
]

SCHEMA_VERSION = MIGRATIONS[-1][0]


def applied(conn: sa.Connection) -> list[int]:
    if not sa.inspect(conn).has_table(TABLE):
        return []
    return [row[0] for row in conn.execute(sa.text(f"SELECT id FROM {TABLE} ORDER BY id"))]


def current_version(store: Store) -> int:
    with store.read_connection() as conn:
        done = applied(conn)
    return max(done, default=0)


def _recorded(conn: sa.Connection) -> list[tuple[int, str]] | None:
    """The migrations the store records, read with the plain DBAPI; None if it has no table.

    Any other failure (a damaged page) is raised, never taken for a new store.
    """
    cursor = conn.connection.cursor()
    try:
        cursor.execute(f"SELECT id, name FROM {TABLE} ORDER BY id")
        return [(row[0], row[1]) for row in cursor.fetchall()]
    except Exception as exc:
        if "no such table" in str(exc) or getattr(exc, "sqlstate", None) == "42P01":
            return None  # a new store (42P01: PostgreSQL's undefined_table)
        raise
    finally:
        cursor.close()


def _damaged(store: Store, why: str) -> StoreError:
    from wblqa_cli.errors import StoreDamaged

    return StoreDamaged(
        f"The store {store.location.display} is damaged: {why}.",
        hint="Run `wblqa db check` to see what is wrong, then restore your latest backup "
        "(`wblqa db backup` writes them).",
    )


def _quick_check(store: Store, conn: sa.Connection) -> str | None:
    """What SQLite's quick check finds wrong, or None (always None on a server)."""
    if not store.is_sqlite:
        return None
    try:
        rows = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA quick_check")]
    except Exception as exc:
        return str(getattr(exc, "orig", None) or exc)
    return None if rows == ["ok"] else "; ".join(rows[:3])


def pending(store: Store) -> list[tuple[int, str, Migration]]:
    """The migrations ``store`` lacks, without writing anything.

    Refused, each with a clear line: a table of migrations that is damaged
    (unreadable, a gap, a name that is not ours), and a store written by a newer
    wblqa.
    """
    known = [(number, name) for number, name, _ in MIGRATIONS]
    with store.engine.connect() as conn:
        try:
            recorded = _recorded(conn)
        except Exception as exc:
            found = _quick_check(store, conn) or str(getattr(exc, "orig", None) or exc)
            why = f"its table of schema versions cannot be read ({found})"
            raise _damaged(store, why) from None
        if recorded == known:
            return []  # current: the common case, without inspection or Alembic
        if recorded is None:
            conn.connection.rollback()  # PostgreSQL: the failed SELECT aborted the transaction
            return list(MIGRATIONS)
        ours = [r for r in recorded if r[0] <= SCHEMA_VERSION]
        newer = [r for r in recorded if r[0] > SCHEMA_VERSION]
        names = {name for _, name in known}
        plausible = ours == known[: len(ours)] and all(
            isinstance(n, int) and n < 100_000 and isinstance(name, str)
            and re.fullmatch(r"[a-z0-9_]{1,80}", name) and name not in names
            for n, name in newer
        )  # fmt: skip
        problem: str | None = None if plausible else "rows this program did not write"
        problem = problem or (_quick_check(store, conn) if newer else None)
    if problem is not None:
        raise _damaged(store, f"its table of schema versions (wblqa_migrations): {problem}")
    if newer:
        raise StoreError(
            f"The store {store.location.display} was written by a newer wblqa "
            f"(schema {newer[-1][0]}; this program knows up to {SCHEMA_VERSION}).",
            hint="Upgrade wblqa (pip install --upgrade wblqa) to use this store.",
        )
    return MIGRATIONS[len(ours) :]


def migrate(store: Store) -> list[str]:
    """Bring the store to :data:`SCHEMA_VERSION`; returns the names applied."""
    todo = pending(store)
    if not todo:
        return []
    upgrading = len(todo) < len(MIGRATIONS)  # an existing store, not a new one
    if upgrading and not store.is_sqlite:
        _require_owner(store, todo[0][0] - 1)
    if upgrading and store.is_sqlite and store.location.path is not None:
        path = store.location.path
        backup_sqlite(path, backup_name(path, f"before-schema-{todo[-1][0]}"))
    with store.engine.begin() as conn:
        # Read again under the write lock: another process may have migrated meanwhile.
        done = applied(conn)
        todo = [m for m in MIGRATIONS if m[0] not in done]
        if not done:
            conn.execute(
                sa.text(
                    f"CREATE TABLE IF NOT EXISTS {TABLE} "
                    "(id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at VARCHAR NOT NULL)"
                )
            )
        from alembic.operations import Operations
        from alembic.runtime.migration import MigrationContext

        op = Operations(MigrationContext.configure(conn))
        for number, name, function in todo:
            function(op)
            conn.execute(
                sa.text(f"INSERT INTO {TABLE} (id, name, applied_at) VALUES (:i, :n, :a)"),
                {"i": number, "n": name, "a": datetime.now(UTC).isoformat(timespec="seconds")},
            )
    return [name for _, name, _ in todo]


def _require_owner(store: Store, version: int) -> None:
    """On a shared store, only its owner upgrades: a centre's role is told to ask them."""
    with store.engine.connect() as conn:
        row = conn.execute(
            sa.text(
                "SELECT tableowner, pg_has_role(current_user, tableowner, 'MEMBER') "
                "FROM pg_tables WHERE schemaname = current_schema() AND tablename = :t"
            ),
            {"t": TABLE},
        ).first()
    if row is None or row[1]:
        return
    raise StoreError(
        f"The store {store.location.display} is at schema {version} and this wblqa needs "
        f"{SCHEMA_VERSION}; only the store's owner ({row[0]}) can upgrade it, and has not yet.",
        hint="Ask the owner to upgrade the store: run any command of this wblqa release once "
        "as the owner (e.g. `wblqa db check`). Until then, use the release the store was "
        "upgraded with.",
    )
