"""Store-wide checks: integrity, schema version, the audit chain and what guards it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from wblqa_cli.errors import InputError
from wblqa_cli.store import audit, migrations
from wblqa_cli.store.diagnose import Diagnosis, diagnose
from wblqa_cli.store.engine import Store

#: What keeps the audit log append-only, by engine (migrations 1, 5 and 7).
SQLITE_TRIGGERS = ("audit_log_no_update", "audit_log_no_delete")
PG_TRIGGERS = ("audit_log_append_only", "audit_log_no_truncate", "audit_log_chain")
PG_FUNCTIONS = (
    "wblqa_audit_append_only",
    "wblqa_lock",
    "wblqa_audit_append",
    "wblqa_audit_digest",
    "wblqa_audit_may_record",
    "wblqa_audit_chain_guard",
)
HASH = re.compile(r"^[0-9a-f]{64}$")


def check_anchor(text: str) -> str:
    """An anchor as given to ``--anchor``: the 64 hex digits of a head hash."""
    value = text.strip().lower()
    if not HASH.match(value):
        raise InputError(
            f"--anchor: {text[:80]!r} is not an audit hash (64 hexadecimal digits).",
            hint="Use the hash `wblqa audit head` printed, or the one in a backup's .anchor file.",
        )
    return value


def guard_problems(store: Store, conn: sa.Connection) -> list[str]:
    """Each trigger or function that should guard the audit log and is missing or disabled."""
    if store.is_sqlite:
        rows = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
        )
        present = {name for name, body in rows if "RAISE(ABORT" in (body or "").upper()}
        return [
            f"audit guard: trigger {name} is missing; the log can be changed or cut short"
            for name in SQLITE_TRIGGERS
            if name not in present
        ]
    version = migrations.current_version(store)
    triggers = PG_TRIGGERS if version >= 7 else PG_TRIGGERS[:2]
    functions = PG_FUNCTIONS if version >= 7 else PG_FUNCTIONS[:1]
    enabled = {
        r[0]
        for r in conn.exec_driver_sql(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass "
            "AND NOT tgisinternal AND tgenabled <> 'D'"
        )
    }
    defined = {
        r[0]
        for r in conn.exec_driver_sql(
            "SELECT proname FROM pg_proc WHERE pronamespace = current_schema()::regnamespace"
        )
    }
    writers = [
        r[0]
        for r in conn.exec_driver_sql(
            "SELECT DISTINCT grantee FROM information_schema.role_table_grants "
            "WHERE table_schema = current_schema() AND table_name = 'audit_log' "
            "AND privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') "
            "AND grantee <> (SELECT tableowner FROM pg_tables "
            "WHERE schemaname = current_schema() AND tablename = 'audit_log')"
        )
    ]
    return (
        [f"audit guard: trigger {t} is missing or disabled" for t in triggers if t not in enabled]
        + [f"audit guard: function {f}() is missing" for f in functions if f not in defined]
        + [f"audit guard: role {w} may write to the audit log directly" for w in writers]
    )


def diagnose_file(path: Path | None) -> Diagnosis | None:
    """A SQLite store file checked before it is opened as a store (None: no file to check),
    so that ``db check`` works on a file no other command can open."""
    from wblqa_cli.store.engine import probe_file

    return diagnose(path) if path is not None and probe_file(path) else None


def damage_report(path: Path, found: Diagnosis) -> dict[str, Any]:
    """The report of a damaged SQLite store: what SQLite and the text scan found."""
    return {
        "store": str(path),
        "schema_version": None,
        "program_schema": migrations.SCHEMA_VERSION,
        "integrity": "ok" if found.integrity == ["ok"] else "; ".join(found.integrity[:5]),
        "audit_entries": None,
        "audit_chain": "not checked",
        "problems": found.problems,
        "damaged": True,
    }


def check_store(
    store: Store, anchor: str | None = None, found: Diagnosis | None = None
) -> dict[str, Any]:
    """Every check; a store too damaged to finish one is reported, not raised.

    ``found``: the file's :func:`diagnose`, if it was run already.
    """
    problems: list[str] = []
    integrity = "n/a"
    if found is None and store.is_sqlite and store.location.path is not None:
        found = diagnose(store.location.path)
    if found is not None:
        integrity = "ok" if found.integrity == ["ok"] else "; ".join(found.integrity[:5])
        problems.extend(found.problems)
    damaged = found is not None and found.damaged
    try:
        return {**_check(store, anchor, integrity, problems), "damaged": damaged}
    except sa.exc.DBAPIError as exc:
        problems.append(f"the store could not be read to the end: {exc.orig}")
        return {
            "store": store.location.display,
            "schema_version": None,
            "program_schema": migrations.SCHEMA_VERSION,
            "integrity": integrity,
            "audit_entries": None,
            "audit_chain": "unreadable",
            "problems": problems,
            "damaged": True,
        }


def _check(store: Store, anchor: str | None, integrity: str, problems: list[str]) -> dict[str, Any]:
    with store.read_connection() as conn:
        if store.is_sqlite:
            fk = list(conn.exec_driver_sql("PRAGMA foreign_key_check"))
            problems.extend(f"foreign key: {tuple(r)}" for r in fk)
        count = conn.execute(sa.text("SELECT count(*) FROM audit_log")).scalar_one()
        problems.extend(guard_problems(store, conn))
        anchored = None
        if anchor is not None:
            found = conn.execute(
                sa.text("SELECT id FROM audit_log WHERE hash = :h"), {"h": anchor}
            ).scalar()
            anchored = found is not None or anchor == audit.GENESIS
            if not anchored:
                problems.append(
                    f"anchor {anchor[:12]}…: no entry has this hash; entries were removed or "
                    "rewritten after it was taken"
                )
    chain = audit.verify(store)
    problems.extend(chain)
    report: dict[str, Any] = {
        "store": store.location.display,
        "schema_version": migrations.current_version(store),
        "program_schema": migrations.SCHEMA_VERSION,
        "integrity": integrity,
        "audit_entries": count,
        "audit_chain": "intact" if not chain else "broken",
        "problems": problems,
    }
    if anchor is not None:
        report["anchor"] = {"hash": anchor, "found": anchored}
    return report
