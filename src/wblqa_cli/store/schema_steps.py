"""The schema's steps: one function per migration, applied in order by ``migrations.py``.

Each takes Alembic's operations, so the same step runs on SQLite and PostgreSQL.
A released step is never edited: a change to the schema is a new step, listed
at the end of ``migrations.MIGRATIONS``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from wblqa_cli.store.engine import PG_LOCK

if TYPE_CHECKING:
    from alembic.operations import Operations


def _timestamps() -> list[sa.Column[datetime]]:
    return [sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)]


def _ref(name: str, target: str, ondelete: str) -> sa.Column[int]:
    """A required, indexed reference to ``target`` (``table.id``)."""
    return sa.Column(
        name, sa.Integer(), sa.ForeignKey(target, ondelete=ondelete), nullable=False, index=True
    )


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


def m006_store_id(op: Operations) -> None:
    """A random id for this store, made once (a ``setting`` row, ``store_id``).

    Calendar UIDs include it, so that two stores' events never share a UID
    even where their centres, programmes and years are alike. A store copied
    with ``db copy`` keeps its id: it is the same store, moved.
    """
    import secrets

    op.execute(
        sa.text("INSERT INTO setting (key, value) VALUES ('store_id', :value)").bindparams(
            value=secrets.token_hex(16)
        )
    )


def m007_postgresql_audit_append_function(op: Operations) -> None:
    """PostgreSQL only: the audit log written by its owner alone, chained by the server
    (the SQL and its reasons: ``audit_pg.py``)."""
    if op.get_context().dialect.name != "postgresql":
        return
    from wblqa_cli.store import audit_pg

    for statement in audit_pg.guard_statements(op.get_bind()):
        op.execute(statement)


def m008_programme_sector_match(op: Operations) -> None:
    """Each programme's sector-group match, stored instead of found again on every screen.

    The group found from the title (null when none), how it was found (exact,
    close, none), the listed title matched and the fingerprint of the sector
    data it was found with. Existing programmes start with none: the first
    screen that needs them finds and stores them once.
    """
    for name in ("group", "how", "title", "version"):
        op.add_column("programme", sa.Column(f"sector_match_{name}", sa.String(), nullable=True))


def m009_programme_facts(op: Operations) -> None:
    """Programme facts kept once (``programme_fact``); programmes' years; AQD coverage.

    The data step (:mod:`wblqa_cli.store.migrate_facts`) says where each old fact goes.
    """
    from wblqa_cli.store import migrate_facts

    op.add_column("programme", sa.Column("first_year", sa.String()))
    op.add_column("programme", sa.Column("retired_from", sa.String()))
    op.create_table(
        "programme_fact",
        sa.Column("id", sa.Integer(), primary_key=True),
        _ref("programme_id", "programme.id", "CASCADE"),
        sa.Column("academic_year", sa.String(), nullable=False),
        sa.Column("question_id", sa.String(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("comment", sa.Text()),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("set_by", sa.String(), nullable=False),
        sa.UniqueConstraint("programme_id", "academic_year", "question_id"),
    )
    op.create_table(
        "aqd_coverage",
        sa.Column("id", sa.Integer(), primary_key=True),
        _ref("declaration_id", "aqd_declaration.id", "CASCADE"),
        sa.Column("programme_code", sa.String(), nullable=False),
        sa.UniqueConstraint("declaration_id", "programme_code"),
    )
    migrate_facts.move(op.get_bind())
    op.drop_table("expected_certification")
    op.execute("ALTER TABLE programme DROP COLUMN dcs_expiry")


def m013_aqd_groups(op: Operations) -> None:
    """Programme groups of a declaration (their answers: scope ``group:NAME``)."""
    op.create_table(
        "aqd_group",
        sa.Column("id", sa.Integer(), primary_key=True),
        _ref("centre_id", "centre.id", "RESTRICT"),
        sa.Column("academic_year", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        *_timestamps(),
        sa.UniqueConstraint("centre_id", "academic_year", "name"),
    )
    op.create_table(
        "aqd_group_member",
        sa.Column("id", sa.Integer(), primary_key=True),
        _ref("group_id", "aqd_group.id", "CASCADE"),
        sa.Column("programme_code", sa.String(), nullable=False),
        sa.UniqueConstraint("group_id", "programme_code"),
    )
