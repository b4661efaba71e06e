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


def _recorded(conn: sa.Connection) -> list[int] | None:
    """The migrations the store records, read with the plain DBAPI; None if it has no table."""
    cursor = conn.connection.cursor()
    try:
        cursor.execute(f"SELECT id FROM {TABLE} ORDER BY id")
        return [row[0] for row in cursor.fetchall()]
    except Exception:  # no such table (a new store), or a driver that says so otherwise
        return None
    finally:
        cursor.close()


def migrate(store: Store) -> list[str]:
    """Bring the store to :data:`SCHEMA_VERSION`; returns the names applied."""
    known = {number for number, _, _ in MIGRATIONS}
    with store.engine.connect() as conn:
        recorded = _recorded(conn)
        if recorded is not None and set(recorded) == known:
            return []  # current: the common case, without inspection or Alembic
        if recorded is None:
            conn.connection.rollback()  # PostgreSQL: the failed SELECT aborted the transaction
        done = applied(conn)
    newer = [n for n in done if n not in known]
    if newer or max(done, default=0) > SCHEMA_VERSION:
        raise StoreError(
            f"The store {store.location.display} was written by a newer wblqa "
            f"(schema {max(done)}; this program knows up to {SCHEMA_VERSION}).",
            hint="Upgrade wblqa (pip install --upgrade wblqa) to use this store.",
        )
    pending = [m for m in MIGRATIONS if m[0] not in done]
    if not pending:
        return []
    if done and store.is_sqlite and store.location.path is not None:
        path = store.location.path
        backup_sqlite(path, backup_name(path, f"before-schema-{pending[-1][0]}"))
    with store.engine.begin() as conn:
        # Read again under the write lock: another process may have migrated meanwhile.
        done = applied(conn)
        pending = [m for m in MIGRATIONS if m[0] not in done]
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
        for number, name, function in pending:
            function(op)
            conn.execute(
                sa.text(f"INSERT INTO {TABLE} (id, name, applied_at) VALUES (:i, :n, :a)"),
                {"i": number, "n": name, "a": datetime.now(UTC).isoformat(timespec="seconds")},
            )
    return [name for _, name, _ in pending]
