"""Store-wide checks: integrity, schema version, the audit chain."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from wblqa_cli.store import audit, migrations
from wblqa_cli.store.engine import Store


def check_store(store: Store) -> dict[str, Any]:
    problems: list[str] = []
    integrity = "n/a"
    with store.engine.connect() as conn:
        if store.is_sqlite:
            rows = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]
            integrity = "ok" if rows == ["ok"] else "; ".join(rows)
            if rows != ["ok"]:
                problems.extend(f"integrity: {r}" for r in rows)
            fk = list(conn.exec_driver_sql("PRAGMA foreign_key_check"))
            problems.extend(f"foreign key: {tuple(r)}" for r in fk)
        count = conn.execute(sa.text("SELECT count(*) FROM audit_log")).scalar_one()
    chain = audit.verify(store)
    problems.extend(chain)
    return {
        "store": store.location.display,
        "schema_version": migrations.current_version(store),
        "program_schema": migrations.SCHEMA_VERSION,
        "integrity": integrity,
        "audit_entries": count,
        "audit_chain": "intact" if not chain else "broken",
        "problems": problems,
    }
