"""What the audit chain proves, on both engines: verified before it is shown, its guards
checked, and an anchor (`audit head`, every `db backup`) that closes the truncation gap."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from wblqa_cli.store.audit import GENESIS, _digest


@pytest.fixture
def logged(invoke: Any) -> str:
    """A store with five audit entries (centre, programme, three of a record); its head hash."""
    for args in (
        ("centre", "add", "12345", "--name", "North Vale College"),
        ("programme", "add", "P1", "--title", "Business"),
        ("retention", "add", "R1", "--programme", "P1", "--kind", "learner_work",
         "--learner", "Ann", "--certified", "2020-01-01", "--received", "2020-02-01"),
        ("retention", "hold", "R1", "--reason", "appeal 1"),
        ("retention", "release", "R1", "--reason", "appeal closed"),
    ):  # fmt: skip
        assert invoke(*args).exit_code == 0
    head = json.loads(invoke("audit", "head", "--json").stdout)
    assert head["entries"] == 5 and len(head["head"]) == 64
    return str(head["head"])


def test_head_prints_count_and_hash_and_check_finds_it(invoke: Any, logged: str) -> None:
    shown = invoke("audit", "head")
    assert shown.exit_code == 0
    assert "5 entries" in shown.stdout and f"wblqa db check --anchor {logged}" in shown.stdout
    assert invoke("retention", "hold", "R1", "--reason", "appeal 2").exit_code == 0
    check = invoke("db", "check", "--anchor", logged, "--json")
    assert check.exit_code == 0
    assert json.loads(check.stdout)["anchor"] == {"hash": logged, "found": True}


def test_a_bad_anchor_is_refused_clearly(invoke: Any, logged: str) -> None:
    result = invoke("db", "check", "--anchor", "not-a-hash")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: --anchor: 'not-a-hash' is not an audit hash")


def test_the_empty_log_has_the_genesis_anchor(invoke: Any) -> None:
    head = json.loads(invoke("audit", "head", "--json").stdout)
    assert head == {"entries": 0, "head": GENESIS}
    assert invoke("db", "check", "--anchor", GENESIS).exit_code == 0


def test_every_backup_records_the_head_beside_it(
    invoke: Any, logged: str, tmp_path: Path, db_path: Path
) -> None:
    target = tmp_path / "copies" / "before-visit.db"
    result = invoke("db", "backup", str(target))
    assert result.exit_code == 0, result.stderr
    anchor = target.with_name("before-visit.db.anchor")
    assert anchor.read_text(encoding="utf-8") == f"entries 5\nhead {logged}\n"
    assert stat.S_IMODE(anchor.stat().st_mode) == 0o600
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name, anchor.name]
    with sqlite3.connect(target) as conn:  # the copy itself holds that head
        assert conn.execute("SELECT hash FROM audit_log ORDER BY id DESC").fetchone()[0] == logged
    assert logged in result.stdout


def _rewrite(db: Path, sql: str, recompute: bool) -> None:
    """What a user with the SQLite file can do: drop the triggers, change, re-chain."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("DROP TRIGGER audit_log_no_update")
        conn.execute("DROP TRIGGER audit_log_no_delete")
        conn.execute(sql)
        if recompute:
            prev = GENESIS
            rows = conn.execute(
                'SELECT id, at, "user", action, entity, entity_id, summary, details '
                "FROM audit_log ORDER BY id"
            ).fetchall()
            for id_, at, user, action, entity, eid, summary, details in rows:
                from datetime import datetime

                h = _digest(prev, datetime.fromisoformat(at), user, action, entity, eid,
                            summary, details)  # fmt: skip
                conn.execute(
                    "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", (prev, h, id_)
                )
                prev = h
        conn.commit()
    finally:
        conn.close()


def test_cutting_the_last_entries_is_caught_by_the_anchor(
    invoke: Any, logged: str, db_path: Path
) -> None:
    _rewrite(db_path, "DELETE FROM audit_log WHERE action = 'retention.release'", False)
    report = invoke("db", "check", "--anchor", logged, "--json")
    assert report.exit_code == 1
    problems = json.loads(report.stdout)["problems"]
    assert any("audit_log_no_delete is missing" in p for p in problems)
    assert any("no entry has this hash" in p for p in problems)


def test_an_edit_rechained_is_caught_by_the_anchor_even_with_triggers_back(
    invoke: Any, logged: str, db_path: Path
) -> None:
    _rewrite(db_path, "UPDATE audit_log SET summary = 'nothing' WHERE action = 'retention.hold'",
             True)  # fmt: skip
    with sqlite3.connect(db_path) as conn:  # the triggers put back, as they were
        for verb in ("UPDATE", "DELETE"):
            conn.execute(
                f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )
    assert invoke("db", "check").exit_code == 0  # without an anchor, nothing shows
    caught = invoke("db", "check", "--anchor", logged)
    assert caught.exit_code == 1 and "NOT found" in caught.stdout


def test_audit_verifies_the_chain_before_showing_it(
    invoke: Any, logged: str, db_path: Path
) -> None:
    assert invoke("audit").exit_code == 0
    _rewrite(db_path, "UPDATE audit_log SET summary = 'nothing' WHERE action = 'retention.hold'",
             False)  # fmt: skip
    shown = invoke("audit")
    assert shown.exit_code == 1
    assert "nothing" in shown.stdout  # still shown, so the damage can be seen
    assert "Audit chain broken" in shown.stderr and "cannot be relied on" in shown.stderr
    assert invoke("audit", "--json").exit_code == 1


def test_db_check_reports_disabled_guards_and_direct_writers_on_postgresql(
    invoke: Any, pg_url: str
) -> None:
    assert invoke("--db", pg_url, "centre", "add", "12345", "--name", "North").exit_code == 0
    assert invoke("--db", pg_url, "db", "check").exit_code == 0
    engine = sa.create_engine(pg_url)
    try:
        with engine.begin() as c:
            c.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_chain")
            c.exec_driver_sql("DROP TRIGGER audit_log_no_truncate ON audit_log")
            c.exec_driver_sql("CREATE ROLE wblqa_sneak NOLOGIN")
            c.exec_driver_sql("GRANT INSERT ON audit_log TO wblqa_sneak")
        report = invoke("--db", pg_url, "db", "check", "--json")
        assert report.exit_code == 1
        problems = json.loads(report.stdout)["problems"]
        assert "audit guard: trigger audit_log_chain is missing or disabled" in problems
        assert "audit guard: trigger audit_log_no_truncate is missing or disabled" in problems
        assert "audit guard: role wblqa_sneak may write to the audit log directly" in problems
    finally:
        with engine.begin() as c:
            c.exec_driver_sql("REVOKE ALL ON audit_log FROM wblqa_sneak")
            c.exec_driver_sql("DROP ROLE wblqa_sneak")
        engine.dispose()
