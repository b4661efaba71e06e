"""SQLModel tables mirroring the schema the migrations build (a test keeps them in step)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


def utcnow() -> dt.datetime:
    """The time now, in UTC (the store keeps aware UTC times)."""
    return dt.datetime.now(dt.UTC)


class Centre(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True)
    name: str
    created_at: dt.datetime = Field(default_factory=utcnow)


class Programme(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    title: str
    centre_id: int | None = Field(default=None, foreign_key="centre.id", index=True)
    sector: str | None = None
    created_at: dt.datetime = Field(default_factory=utcnow)
    first_year: str | None = None
    retired_from: str | None = None
    # The title's sector-group match (migration 8): found when the title is saved.
    sector_match_group: str | None = None
    sector_match_how: str | None = None
    sector_match_title: str | None = None
    sector_match_version: str | None = None


class ProgrammeFact(SQLModel, table=True):
    """A programme's answer to one fact question in one academic year (migration 9)."""

    __tablename__ = "programme_fact"
    __table_args__ = (sa.UniqueConstraint("programme_id", "academic_year", "question_id"),)
    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True, ondelete="CASCADE")
    academic_year: str
    question_id: str
    value: str = Field(sa_type=sa.Text)
    comment: str | None = Field(default=None, sa_type=sa.Text)
    set_at: dt.datetime
    set_by: str


class Setting(SQLModel, table=True):
    key: str = Field(primary_key=True)
    value: str


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime
    user: str
    action: str = Field(index=True)
    entity: str
    entity_id: str
    summary: str
    details: str
    prev_hash: str
    hash: str


class ArrangementRow(SQLModel, table=True):
    """A stored collaborative arrangement: the parsed file as JSON plus searchable columns."""

    __tablename__ = "arrangement"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    model: str
    academic_year: str = Field(index=True)
    delivery_start: dt.date
    apply_by: dt.date | None = None
    application_submitted: dt.date | None = None
    approved: dt.date | None = None
    document: str
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)


class AqdDeclaration(SQLModel, table=True):
    __tablename__ = "aqd_declaration"
    __table_args__ = (sa.UniqueConstraint("centre_id", "academic_year"),)
    id: int | None = Field(default=None, primary_key=True)
    centre_id: int = Field(foreign_key="centre.id", index=True)
    academic_year: str
    status: str = "open"
    bank_version: str
    created_at: dt.datetime = Field(default_factory=utcnow)
    submitted_at: dt.datetime | None = None
    submitted_by: str | None = None


class AqdCoverage(SQLModel, table=True):
    """A programme a submitted declaration covers (migration 9)."""

    __tablename__ = "aqd_coverage"
    __table_args__ = (sa.UniqueConstraint("declaration_id", "programme_code"),)
    id: int | None = Field(default=None, primary_key=True)
    declaration_id: int = Field(foreign_key="aqd_declaration.id", index=True, ondelete="CASCADE")
    programme_code: str


class AqdGroup(SQLModel, table=True):
    """A group of programmes answering a centre's declaration of a year together (migration 13)."""

    __tablename__ = "aqd_group"
    __table_args__ = (sa.UniqueConstraint("centre_id", "academic_year", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    centre_id: int = Field(foreign_key="centre.id", index=True)
    academic_year: str
    name: str
    created_at: dt.datetime = Field(default_factory=utcnow)


class AqdGroupMember(SQLModel, table=True):
    __tablename__ = "aqd_group_member"
    __table_args__ = (sa.UniqueConstraint("group_id", "programme_code"),)
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="aqd_group.id", index=True, ondelete="CASCADE")
    programme_code: str


class AqdAnswer(SQLModel, table=True):
    __tablename__ = "aqd_answer"
    __table_args__ = (
        sa.UniqueConstraint("declaration_id", "programme_code", "question_id"),
        # Partial (WHERE programme_code IS NULL): migration 3 creates it so on each
        # engine. The schema is only ever made by the migrations; naming the engines'
        # options here would load the PostgreSQL dialect on every start, SQLite too.
        sa.Index("ux_aqd_answer_centre_question", "declaration_id", "question_id", unique=True),
    )
    id: int | None = Field(default=None, primary_key=True)
    declaration_id: int = Field(foreign_key="aqd_declaration.id", ondelete="CASCADE")
    programme_code: str | None = None
    question_id: str
    value: str = Field(sa_type=sa.Text)
    comment: str | None = Field(default=None, sa_type=sa.Text)
    answered_at: dt.datetime
    answered_by: str
    bank_version: str


class RetentionRecord(SQLModel, table=True):
    __tablename__ = "retention_record"
    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(unique=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    kind: str
    cohort: str | None = None
    learner: str | None = None
    certified: dt.date | None = None
    received: dt.date | None = None
    top_up_received: dt.date | None = None
    top_up_pending: bool = False
    retain_until: dt.date | None = None
    dispose_from: dt.date | None = Field(default=None, index=True)
    hold_reason: str | None = None
    held_at: dt.datetime | None = None
    held_by: str | None = None
    disposed_at: dt.datetime | None = None
    disposed_by: str | None = None
    disposal_note: str | None = None
    created_at: dt.datetime = Field(default_factory=utcnow)
