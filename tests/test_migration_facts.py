"""Migration 9 on a store made by the current release (schema 5): nothing given is lost.

The store is built here with the release's own migrations (1-5) and filled
with facts in both old homes: the programme's columns and the AQD's answers.
Runs on SQLite and, with ``WBLQA_TEST_ENGINE=postgresql``, on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import Any

import pytest
import sqlalchemy as sa

from wblqa_cli.dates import AcademicYear
from wblqa_cli.store import audit, migrations, open_store

RELEASED = 5
T = dt.datetime(2024, 9, 2, 9, 0, tzinfo=dt.UTC)
NOW_YEAR = AcademicYear.containing(dt.date.today()).label


@pytest.fixture
def fresh(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """A store location nothing has migrated yet (PostgreSQL: a new database)."""
    if os.environ.get("WBLQA_TEST_ENGINE") == "postgresql":
        url = str(request.getfixturevalue("pg_url"))
        monkeypatch.setenv("WBLQA_DB", url)
    return os.environ["WBLQA_DB"]


def _released_store(monkeypatch: pytest.MonkeyPatch, where: str) -> Any:
    with monkeypatch.context() as m:
        m.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:RELEASED])
        m.setattr(migrations, "SCHEMA_VERSION", RELEASED)
        store = open_store(where)
    assert migrations.current_version(store) == RELEASED
    return store


def _fill(store: Any) -> None:
    def insert(conn: sa.Connection, table: str, **values: Any) -> int:
        cols = ", ".join(values)
        marks = ", ".join(f":{k}" for k in values)
        sql = f"INSERT INTO {table} ({cols}) VALUES ({marks}) RETURNING id"
        return int(conn.execute(sa.text(sql), values).scalar_one())

    with store.engine.begin() as conn:
        c = insert(conn, "centre", number="12345", name="North Vale", created_at=T)
        a = insert(conn, "programme", code="A1", title="BA", centre_id=c, sector="214",
                   dcs_expiry=dt.date(2026, 3, 31), created_at=T)  # fmt: skip
        insert(conn, "programme", code="W1", title="WH", centre_id=c, created_at=T)
        insert(conn, "programme", code="LATE", title="Late", centre_id=c,
               created_at=dt.datetime(2025, 11, 1, tzinfo=dt.UTC))  # fmt: skip
        for day in (dt.date(2025, 3, 1), dt.date(2026, 7, 15)):
            insert(conn, "expected_certification", programme_id=a, date=day)
        d1 = insert(conn, "aqd_declaration", centre_id=c, academic_year="2024-25",
                    status="submitted", bank_version="v", created_at=T + dt.timedelta(days=30),
                    submitted_at=T + dt.timedelta(days=40), submitted_by="nq")  # fmt: skip
        later = T + dt.timedelta(days=400)
        d2 = insert(conn, "aqd_declaration", centre_id=c, academic_year="2025-26",
                    status="open", bank_version="v", created_at=later)  # fmt: skip

        def answer(d: int, code: str | None, qid: str, value: object, comment: str | None = None):
            insert(conn, "aqd_answer", declaration_id=d, programme_code=code, question_id=qid,
                   value=json.dumps(value), comment=comment, answered_at=T, answered_by="nq",
                   bank_version="v")  # fmt: skip

        answer(d1, None, "centre.terms.accept", True)
        answer(d1, "A1", "programme.certification.expected-date", "2025-06-30")
        answer(d1, "A1", "programme.dcs.held", True)
        answer(d1, "A1", "programme.dcs.expiry", "2025-08-31", "LSV told")
        answer(d1, "A1", "programme.registration.timely", True)
        answer(d1, "W1", "programme.registration.timely", True)
        answer(d2, "A1", "programme.certification.expected-date", "2026-02-01")


def test_migration_keeps_facts_from_both_places(
    monkeypatch: pytest.MonkeyPatch, fresh: str
) -> None:
    store = _released_store(monkeypatch, fresh)
    _fill(store)
    store.close()
    store = open_store(fresh)  # the current code migrates it
    try:
        assert migrations.current_version(store) == migrations.SCHEMA_VERSION
        with store.engine.connect() as conn:
            rows = conn.execute(sa.text(
                "SELECT p.code, f.academic_year, f.question_id, f.value, f.comment, f.set_by "
                "FROM programme_fact f JOIN programme p ON p.id = f.programme_id"
            )).all()  # fmt: skip
            facts = {(r[0], r[1], r[2]): (json.loads(r[3]), r[4], r[5]) for r in rows}
            left = conn.execute(sa.text(
                "SELECT programme_code, question_id FROM aqd_answer ORDER BY id"
            )).all()  # fmt: skip
            covered = conn.execute(sa.text(
                "SELECT programme_code FROM aqd_coverage ORDER BY programme_code"
            )).scalars().all()  # fmt: skip
            first = dict(conn.execute(sa.text("SELECT code, first_year FROM programme")).all())
            tables = sa.inspect(conn).get_table_names()
            columns = {c["name"] for c in sa.inspect(conn).get_columns("programme")}
        # The AQD's answers keep their year, comment and author; dates of both places join.
        e = "programme.certification.expected-date"
        assert facts[("A1", "2024-25", e)][0] == ["2025-03-01", "2025-06-30"]
        assert facts[("A1", "2025-26", e)][0] == ["2026-02-01", "2026-07-15"]
        assert facts[("A1", "2024-25", "programme.dcs.expiry")] == ("2025-08-31", "LSV told", "nq")
        assert facts[("A1", "2024-25", "programme.dcs.held")][0] is True
        # The programme's own DCS expiry is how things stand now.
        assert facts[("A1", NOW_YEAR, "programme.dcs.expiry")][0] == "2026-03-31"
        # Fact answers left the answers table; the others stayed.
        assert [tuple(r) for r in left] == [
            (None, "centre.terms.accept"),
            ("A1", "programme.registration.timely"),
            ("W1", "programme.registration.timely"),
        ]
        # The submitted declaration keeps the programmes it answered for.
        assert covered == ["A1", "W1"]
        # Registered before the first declaration: every year; LATE from its own year.
        assert first == {"A1": None, "W1": None, "LATE": "2025-26"}
        assert "expected_certification" not in tables and "dcs_expiry" not in columns
        assert audit.verify(store) == []
    finally:
        store.close()


def test_migrated_store_reads_the_same_in_every_view(
    monkeypatch: pytest.MonkeyPatch, invoke: Any, fresh: str
) -> None:
    store = _released_store(monkeypatch, fresh)
    _fill(store)
    store.close()
    old = json.loads(invoke("aqd", "status", "--year", "2024-25", "--json").stdout)
    assert old["status"] == "submitted"
    assert old["coverage"]["programmes"] == ["A1", "W1"]
    a1 = next(s for s in old["scopes"] if s["programme"] == "A1")
    assert a1["answers"]["programme.dcs.expiry"] == "2025-08-31"
    assert a1["answers"]["programme.certification.expected-date"] == ["2025-03-01", "2025-06-30"]
    listed = {p["code"]: p for p in json.loads(invoke("programme", "list", "--json").stdout)}
    assert listed["A1"]["dcs_expiry"] == "2026-03-31"
    assert (
        "LATE"
        not in json.loads(invoke("aqd", "status", "--year", "2024-25", "--json").stdout)[
            "coverage"
        ]["programmes"]
    )
    assert invoke("db", "check").exit_code == 0
