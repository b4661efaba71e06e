"""Schema migrations: ordered, named functions, each applied once and recorded.

Like ``llm/migrations.py``: every schema change is a function here, applied
in order and recorded in ``wblqa_migrations``. Each uses Alembic's
operations, so the same migration runs on SQLite and PostgreSQL. Pending
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
from wblqa_cli.store.engine import PG_LOCK, Store, backup_name, backup_sqlite

if TYPE_CHECKING:
    from alembic.operations import Operations

TABLE = "wblqa_migrations"
Migration = Callable[["Operations"], None]


def _timestamps() -> list[sa.Column[datetime]]:
    return [sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)]


def m001_centres_programmes_audit(op: Operations) -> None:
    """Centres, their programmes, expected certification dates, settings, the audit log."""
    op.create_table(
        "centre",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("number", sa.String(), nullable=False, unique=True),
        sa.Column("name", sa.String(), nullable=False),
        *_timestamps(),
    )
    op.create_table(
        "programme",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(), nullable=False, unique=True),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column(
            "centre_id", sa.Integer(), sa.ForeignKey("centre.id", ondelete="RESTRICT"), index=True
        ),
        sa.Column("sector", sa.String()),
        sa.Column("dcs_expiry", sa.Date()),
        *_timestamps(),
    )
    op.create_table(
        "expected_certification",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "programme_id",
            sa.Integer(),
            sa.ForeignKey("programme.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("date", sa.Date(), nullable=False),
        sa.UniqueConstraint("programme_id", "date"),
    )
    op.create_table(
        "setting",
        sa.Column("key", sa.String(), primary_key=True),
        sa.Column("value", sa.String(), nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False, index=True),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("entity_id", sa.String(), nullable=False),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(), nullable=False),
        sa.Column("hash", sa.String(), nullable=False),
    )
    op.create_index("ix_audit_log_entity", "audit_log", ["entity", "entity_id"])
    if op.get_context().dialect.name == "sqlite":
        # Append-only: the database itself refuses to change or remove an entry.
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )


def m002_retention_records(op: Operations) -> None:
    """Retention records: one per kind of record per cohort or learner, with its dates.

    ``dispose_from`` is computed from the trigger dates when the record is
    written (null when a trigger is missing) and indexed for ``retention due``.
    A disposed record stays as a tombstone (``disposed_at``, ``disposed_by``).
    """
    op.create_table(
        "retention_record",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ref", sa.String(), nullable=False, unique=True),
        sa.Column(
            "programme_id",
            sa.Integer(),
            sa.ForeignKey("programme.id", ondelete="RESTRICT"),
            nullable=False,
            index=True,
        ),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("cohort", sa.String()),
        sa.Column("learner", sa.String()),
        sa.Column("certified", sa.Date()),
        sa.Column("received", sa.Date()),
        sa.Column("top_up_received", sa.Date()),
        sa.Column("top_up_pending", sa.Boolean(), nullable=False),
        sa.Column("retain_until", sa.Date()),
        sa.Column("dispose_from", sa.Date(), index=True),
        sa.Column("hold_reason", sa.String()),
        sa.Column("held_at", sa.DateTime(timezone=True)),
        sa.Column("held_by", sa.String()),
        sa.Column("disposed_at", sa.DateTime(timezone=True)),
        sa.Column("disposed_by", sa.String()),
        sa.Column("disposal_note", sa.String()),
        *_timestamps(),
    )


def m003_aqd(op: Operations) -> None:
    """Annual Quality Declarations: one per centre and academic year, and their answers."""
    op.create_table(
        "aqd_declaration",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "centre_id",
            sa.Integer(),
            sa.ForeignKey("centre.id", ondelete="RESTRICT"),
            nullable=False,
            index=True,
        ),
        sa.Column("academic_year", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("bank_version", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True)),
        sa.Column("submitted_by", sa.String()),
        sa.UniqueConstraint("centre_id", "academic_year"),
    )
    op.create_table(
        "aqd_answer",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "declaration_id",
            sa.Integer(),
            sa.ForeignKey("aqd_declaration.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("programme_code", sa.String()),
        sa.Column("question_id", sa.String(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("comment", sa.Text()),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_by", sa.String(), nullable=False),
        sa.Column("bank_version", sa.String(), nullable=False),
        sa.UniqueConstraint("declaration_id", "programme_code", "question_id"),
    )
    # NULLs are distinct in a unique constraint: a partial index keeps one
    # centre-level answer per question (SQLite and PostgreSQL both have them).
    op.create_index(
        "ux_aqd_answer_centre_question",
        "aqd_answer",
        ["declaration_id", "question_id"],
        unique=True,
        sqlite_where=sa.text("programme_code IS NULL"),
        postgresql_where=sa.text("programme_code IS NULL"),
    )


def m004_arrangements(op: Operations) -> None:
    """Stored collaborative arrangements: the parsed file as JSON, and its key dates."""
    op.create_table(
        "arrangement",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(), nullable=False, unique=True),
        sa.Column("model", sa.String(), nullable=False),
        sa.Column("academic_year", sa.String(), nullable=False, index=True),
        sa.Column("delivery_start", sa.Date(), nullable=False),
        sa.Column("apply_by", sa.Date()),
        sa.Column("application_submitted", sa.Date()),
        sa.Column("approved", sa.Date()),
        sa.Column("document", sa.Text(), nullable=False),
        *_timestamps(),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


AUDIT_LOCK = PG_LOCK  # the lock every wblqa transaction takes on PostgreSQL (engine.py)


def m005_postgresql_audit_guard(op: Operations) -> None:
    """PostgreSQL only (a no-op on SQLite, whose triggers came with migration 1).

    The audit log is append-only here too: a trigger function raises on UPDATE,
    DELETE and TRUNCATE. ``wblqa_audit_head()`` takes a transaction-scoped
    advisory lock and returns the last entry's hash, so concurrent writers
    append one after another (SQLite gets this from BEGIN IMMEDIATE) and a
    centre's role, which may not read the log, can still extend the chain: it
    runs with its owner's rights (SECURITY DEFINER, fixed search_path).
    """
    if op.get_context().dialect.name != "postgresql":
        return
    schema = op.get_bind().execute(sa.text("SELECT current_schema()")).scalar_one()
    path = '"' + str(schema).replace('"', '""') + '", pg_temp'
    op.execute(
        "CREATE FUNCTION wblqa_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION wblqa_audit_append_only()"
    )
    op.execute(
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION wblqa_audit_append_only()"
    )
    op.execute(
        "CREATE FUNCTION wblqa_audit_head() RETURNS text LANGUAGE plpgsql VOLATILE "
        f"SECURITY DEFINER SET search_path = {path} AS $$ "
        "DECLARE last_hash text; BEGIN "
        f"PERFORM pg_advisory_xact_lock({AUDIT_LOCK}); "
        "SELECT hash INTO last_hash FROM audit_log ORDER BY id DESC LIMIT 1; "
        "RETURN last_hash; END $$"
    )


def m008_programme_sector_match(op: Operations) -> None:
    """Each programme's sector-group match, stored instead of found again on every screen.

    The group found from the title (null when none), how it was found (exact,
    close, none), the listed title matched and the fingerprint of the sector
    data it was found with. Existing programmes start with none: the first
    screen that needs them finds and stores them once.
    """
    for name in ("group", "how", "title", "version"):
        op.add_column("programme", sa.Column(f"sector_match_{name}", sa.String(), nullable=True))


#: Every migration, in order. Append; never reorder, rename or edit a released one.
MIGRATIONS: list[tuple[int, str, Migration]] = [
    (1, "centres_programmes_audit", m001_centres_programmes_audit),
    (2, "retention_records", m002_retention_records),
    (3, "aqd", m003_aqd),
    (4, "arrangements", m004_arrangements),
    (5, "postgresql_audit_guard", m005_postgresql_audit_guard),
    (8, "programme_sector_match", m008_programme_sector_match),
]

SCHEMA_VERSION = MIGRATIONS[-1][0]


def applied(conn: sa.Connection) -> list[int]:
    if not sa.inspect(conn).has_table(TABLE):
        return []
    return [row[0] for row in conn.execute(sa.text(f"SELECT id FROM {TABLE} ORDER BY id"))]


def current_version(store: Store) -> int:
    with store.engine.connect() as conn:
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
