"""Forging audit evidence on a shared PostgreSQL store: every attempt refused by the server.

The store of ``test_pg.consortium``: a Lead Centre (12345) and two home centres
(23456, 34567), grants applied. Each test connects as a centre's own role, as
an adversary would with the credentials it was given, and tries one forgery
the issue found: a direct INSERT with the next hash computed, an explicit id,
a bad hash, an entry about a record the role cannot see, holding wblqa's lock.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from test_pg import _json, consortium, ok  # noqa: F401  (consortium is a fixture)
from wblqa_cli.store.audit import _digest
from wblqa_cli.store.engine import PG_LOCK

ROLES = ("23456", "12345")  # a home centre, the Lead Centre

INSERT = (
    'INSERT INTO audit_log ({id}at, "user", action, entity, entity_id, summary, details, '
    "prev_hash, hash) VALUES ({value}:at, :user, :action, 'retention_record', :eid, "
    ":summary, '{{}}', :prev, :hash)"
)


def _forged(head: str, eid: str = "LW-34567") -> dict[str, Any]:
    at = datetime.now(UTC)
    row = {"at": at, "user": "Lead QN", "action": "retention.dispose", "eid": eid,
           "summary": f"Disposed of {eid}", "prev": head}  # fmt: skip
    row["hash"] = _digest(head, at, row["user"], row["action"], "retention_record", eid,
                          row["summary"], "{}")  # fmt: skip
    return row


def _head(owner: str) -> str:
    engine = sa.create_engine(owner)
    try:
        with engine.connect() as c:
            return str(c.exec_driver_sql("SELECT hash FROM audit_log ORDER BY id DESC").scalar())
    finally:
        engine.dispose()


def _intact(invoke: Any, consortium: dict[str, str], count: int) -> None:  # noqa: F811
    check = _json(invoke, consortium["owner"], "db", "check", "--json")
    assert check["problems"] == [] and check["audit_entries"] == count
    lead = _json(invoke, consortium["12345"], "audit", "--json")
    assert not [e for e in lead if e["summary"].startswith("Disposed of LW-34567")]


def _count(owner: str) -> int:
    engine = sa.create_engine(owner)
    try:
        with engine.connect() as c:
            return int(c.exec_driver_sql("SELECT count(*) FROM audit_log").scalar_one())
    finally:
        engine.dispose()


@pytest.mark.parametrize("who", ROLES)
def test_no_centre_role_may_insert_into_the_log(
    invoke: Any,
    consortium: dict[str, str],  # noqa: F811
    who: str,
) -> None:
    owner = consortium["owner"]
    before = _count(owner)
    row = _forged(_head(owner))
    engine = sa.create_engine(consortium[who])
    try:
        for statement, params in (
            (INSERT.format(id="", value=""), row),  # the next hash, correctly computed
            (INSERT.format(id="id, ", value="999999, "), row),  # an explicit id
            (INSERT.format(id="", value=""), {**row, "hash": "0" * 64}),  # a bad hash
        ):
            refused = pytest.raises(sa.exc.DBAPIError, match="permission denied")
            with refused, engine.begin() as c:
                c.execute(sa.text(statement), params)
        for statement in (
            "UPDATE audit_log SET summary = 'x'",
            "DELETE FROM audit_log",
            "SELECT 1 FROM wblqa_lock FOR UPDATE",  # the serialising lock: owner only
            "SELECT wblqa_audit_head()",
            "SELECT wblqa_audit_chain_guard()",
        ):
            refused = pytest.raises(sa.exc.DBAPIError, match=r"permission denied|append-only")
            with refused, engine.begin() as c:
                c.exec_driver_sql(statement)
    finally:
        engine.dispose()
    _intact(invoke, consortium, before)


def test_a_home_role_cannot_record_what_concerns_another_centre(
    invoke: Any,
    consortium: dict[str, str],  # noqa: F811
) -> None:
    before = _count(consortium["owner"])
    call = sa.text("SELECT wblqa_audit_append(:a, :e, :i, :s, '{}', :u)")
    engine = sa.create_engine(consortium["23456"])
    try:
        for entity, eid, action in (
            ("retention_record", "LW-34567", "retention.dispose"),  # another home centre's
            ("retention_record", "LW-12345", "retention.dispose"),  # the lead's
            ("aqd", "34567/2025-26", "aqd.submit"),
            ("arrangement", "North Vale BTEC Consortium", "consortium.import"),  # lead only
        ):
            refused = pytest.raises(sa.exc.DBAPIError, match="permission denied")
            with refused, engine.begin() as c:
                c.execute(call, {"a": action, "e": entity, "i": eid,
                                 "s": f"Disposed of {eid}", "u": "Lead QN"})  # fmt: skip
        # Its own record: accepted, but the entry names the role that wrote it.
        with engine.begin() as c:
            c.execute(call, {"a": "retention.note", "e": "retention_record", "i": "LW-23456",
                             "s": "checked", "u": "Lead QN"})  # fmt: skip
    finally:
        engine.dispose()
    _intact(invoke, consortium, before + 1)
    last = _json(invoke, consortium["12345"], "audit", "--json")[-1]
    assert last["user"] == "Lead QN (role wblqa_23456)"


def test_even_the_owner_can_only_extend_the_chain(
    invoke: Any,
    consortium: dict[str, str],  # noqa: F811
) -> None:
    owner = consortium["owner"]
    before = _count(owner)
    head = _head(owner)
    engine = sa.create_engine(owner)
    try:
        for statement, params, message in (
            (INSERT.format(id="", value=""), {**_forged(head), "hash": "f" * 64}, "hash"),
            (INSERT.format(id="", value=""), _forged("e" * 64), "does not follow"),
            (INSERT.format(id="id, ", value="1, "), _forged(head), "would not come after"),
        ):
            with pytest.raises(sa.exc.DBAPIError, match=message), engine.begin() as c:
                c.execute(sa.text(statement), params)
    finally:
        engine.dispose()
    _intact(invoke, consortium, before)


def test_an_advisory_lock_on_the_old_key_stalls_no_one(
    invoke: Any,
    consortium: dict[str, str],  # noqa: F811
) -> None:
    """A home role holding wblqa's former advisory key: the others' writes go on."""
    engine = sa.create_engine(consortium["23456"])
    held = threading.Event()
    release = threading.Event()

    def squat() -> None:
        with engine.connect() as c:
            c.exec_driver_sql(f"SELECT pg_advisory_lock({PG_LOCK})")
            held.set()
            release.wait(60)
            c.exec_driver_sql(f"SELECT pg_advisory_unlock({PG_LOCK})")

    thread = threading.Thread(target=squat)
    thread.start()
    try:
        assert held.wait(10)
        start = time.monotonic()
        ok(invoke("--db", consortium["34567"], "retention", "hold", "LW-34567",
                  "--reason", "appeal 9"))  # fmt: skip
        ok(invoke("--db", consortium["12345"], "retention", "hold", "LW-12345",
                  "--reason", "appeal 10"))  # fmt: skip
        assert time.monotonic() - start < 10
    finally:
        release.set()
        thread.join()
        engine.dispose()


def test_migration_7_keeps_an_older_shared_store_and_takes_back_direct_inserts(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store made by the code before migration 7, grants as they were: upgraded in place."""
    from wblqa_cli.store import audit, migrations, open_store

    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:5])
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", 5)
    old = open_store(pg_url)
    prev = audit.GENESIS
    with old.engine.begin() as c:
        for n in range(3):
            at = datetime.now(UTC)
            h = _digest(prev, at, "Ann", "test.old", "thing", str(n), f"old {n}", "{}")
            c.execute(sa.text(INSERT.format(id="", value="").replace("'retention_record'",
                      "'thing'")), {"at": at, "user": "Ann", "action": "test.old", "eid": str(n),
                                    "summary": f"old {n}", "prev": prev, "hash": h})  # fmt: skip
            prev = h
        c.exec_driver_sql(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'wblqa_centre') "
            "THEN CREATE ROLE wblqa_centre NOLOGIN; END IF; END $$"
        )
        c.exec_driver_sql("GRANT INSERT ON audit_log TO wblqa_centre")  # as db grant did
    old.close()
    monkeypatch.undo()

    store = open_store(pg_url)
    try:
        assert migrations.current_version(store) == migrations.SCHEMA_VERSION
        assert [e.summary for e in audit.entries(store)] == ["old 0", "old 1", "old 2"]
        with store.session() as session:
            audit.append(session, "test.new", "thing", "3", "new", user="Ann")
        assert audit.verify(store) == [] and audit.head(store).entries == 4
        with store.engine.connect() as c:
            may = "SELECT has_table_privilege('wblqa_centre', 'audit_log', 'INSERT')"
            assert c.exec_driver_sql(may).scalar() is False
    finally:
        store.close()
