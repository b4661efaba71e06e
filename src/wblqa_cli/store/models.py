"""SQLModel tables mirroring the schema the migrations build (a test keeps them in step)."""

from __future__ import annotations

import datetime as dt

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
    dcs_expiry: dt.date | None = None
    created_at: dt.datetime = Field(default_factory=utcnow)


class ExpectedCertification(SQLModel, table=True):
    __tablename__ = "expected_certification"
    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    date: dt.date


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
