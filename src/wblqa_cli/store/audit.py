"""The append-only audit log, chained by hashes so that tampering shows.

Each entry's hash covers its own fields and the previous entry's hash;
:func:`verify` recomputes the chain. SQLite triggers refuse UPDATE and DELETE
on the table (see migration 1).
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text as sql
from sqlmodel import Session, col, select

from wblqa_cli.store import models as m
from wblqa_cli.store.engine import Store, as_utc

GENESIS = "0" * 64


@dataclass(frozen=True)
class Entry:
    id: int
    at: datetime
    user: str
    action: str
    entity: str
    entity_id: str
    summary: str
    details: dict[str, Any]
    hash: str

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(timespec="seconds"),
            "user": self.user,
            "action": self.action,
            "entity": self.entity,
            "entity_id": self.entity_id,
            "summary": self.summary,
            "details": self.details,
            "hash": self.hash,
        }


def current_user() -> str:
    """Who is acting: ``WBLQA_USER`` if set, else the login name."""
    name = os.environ.get("WBLQA_USER")
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def _utc(at: datetime) -> datetime:
    utc = as_utc(at)
    assert utc is not None
    return utc


def _digest(prev: str, at: datetime, user: str, action: str, entity: str, eid: str,
            summary: str, details: str) -> str:  # fmt: skip
    when = _utc(at).isoformat(timespec="microseconds")
    payload = json.dumps(
        [prev, when, user, action, entity, eid, summary, details],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append(
    session: Session,
    action: str,
    entity: str,
    entity_id: str,
    summary: str,
    details: dict[str, Any] | None = None,
    *,
    user: str | None = None,
) -> None:
    """Add one entry in the caller's transaction (so the change and its entry commit together).

    On PostgreSQL the server writes it (migration 7): ``wblqa_audit_append`` takes
    the lock, stamps the time and computes the hash; no role may insert directly.
    """
    who = user or current_user()
    text = json.dumps(details or {}, ensure_ascii=False, sort_keys=True, default=str)
    if session.get_bind().dialect.name == "postgresql":
        session.flush()  # the change this entry records, visible to the server's check
        session.execute(
            sql("SELECT wblqa_audit_append(:action, :entity, :eid, :summary, :details, :who)"),
            {"action": action, "entity": entity, "eid": entity_id, "summary": summary,
             "details": text, "who": who},
        )  # fmt: skip
        return
    last = session.exec(select(m.AuditEntry.hash).order_by(col(m.AuditEntry.id).desc())).first()
    prev = last or GENESIS
    at = m.utcnow()
    session.add(
        m.AuditEntry(
            at=at,
            user=who,
            action=action,
            entity=entity,
            entity_id=entity_id,
            summary=summary,
            details=text,
            prev_hash=prev,
            hash=_digest(prev, at, who, action, entity, entity_id, summary, text),
        )
    )


def entries(
    store: Store,
    *,
    entity: str | None = None,
    entity_id: str | None = None,
    action: str | None = None,
    limit: int | None = None,
) -> list[Entry]:
    with store.reading() as session:
        query = select(m.AuditEntry).order_by(col(m.AuditEntry.id))
        if entity:
            query = query.where(m.AuditEntry.entity == entity)
        if entity_id:
            query = query.where(m.AuditEntry.entity_id == entity_id)
        if action:
            query = query.where(m.AuditEntry.action == action)
        rows = list(session.exec(query).all())
    if limit is not None:
        rows = rows[-limit:]
    return [
        Entry(
            id=r.id or 0,
            at=_utc(r.at),
            user=r.user,
            action=r.action,
            entity=r.entity,
            entity_id=r.entity_id,
            summary=r.summary,
            details=json.loads(r.details),
            hash=r.hash,
        )
        for r in rows
    ]


@dataclass(frozen=True)
class Head:
    """The chain's last link: how many entries, and the last one's hash (an anchor)."""

    entries: int
    hash: str

    def as_json(self) -> dict[str, Any]:
        return {"entries": self.entries, "head": self.hash}


def head(store: Store) -> Head:
    with store.reading() as session:
        count = session.execute(sql("SELECT count(*) FROM audit_log")).scalar_one()
        last = session.exec(select(m.AuditEntry.hash).order_by(col(m.AuditEntry.id).desc())).first()
    return Head(int(count), last or GENESIS)


def head_of_file(path: Any) -> Head:
    """The head of a SQLite store file (a backup), read with the standard library."""
    import sqlite3

    # immutable: a finished copy nobody writes; no -wal/-shm files left beside it.
    conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        count = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        last = conn.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    return Head(int(count), last[0] if last else GENESIS)


def verify(store: Store) -> list[str]:
    """Recompute the hash chain; each problem found is one line. Empty means intact."""
    with store.reading() as session:
        return verify_rows(session.exec(select(m.AuditEntry).order_by(col(m.AuditEntry.id))))


def verify_rows(rows: Iterable[Any]) -> list[str]:
    """Check the chain over entries in id order (objects or rows with the log's columns)."""
    problems: list[str] = []
    prev = GENESIS
    for r in rows:
        if r.prev_hash != prev:
            problems.append(f"audit entry {r.id}: does not follow entry before it")
        expected = _digest(
            r.prev_hash, r.at, r.user, r.action, r.entity, r.entity_id, r.summary, r.details
        )
        if r.hash != expected:
            problems.append(f"audit entry {r.id}: its contents were changed after writing")
        prev = r.hash
    return problems
