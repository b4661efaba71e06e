"""Fast paths give the general paths' results: bulk inserts, the AQD export, opening a store."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa

from wblqa_cli.aqd.bank import load_bank
from wblqa_cli.aqd.export import EXPORT_COLUMNS, export_records, export_values
from wblqa_cli.registry.model import Centre, Programme
from wblqa_cli.store import Store, open_store
from wblqa_cli.store import models as m
from wblqa_cli.store.bulk import BulkInsert
from wblqa_cli.store.centres import add_centre
from wblqa_cli.store.programme_changes import save_programmes
from wblqa_cli.store.retention_import import ROW_COLUMNS

_R = m.RetentionRecord.__table__  # type: ignore[attr-defined]
NOW = datetime(2025, 7, 15, 9, 30, 12, 345678, tzinfo=UTC)

# ref, programme_id, kind, cohort, learner, certified, received, top_up_received,
# top_up_pending, retain_until, dispose_from, hold_reason, held_at, held_by, created_at
ROWS: list[tuple[Any, ...]] = [
    ("A1", 1, "qa_documents", "2020-22", None, date(2020, 2, 29), None, None, False,
     date(2023, 3, 1), date(2023, 3, 2), None, None, None, NOW),
    ("A2", 1, "learner_work", None, "Sam Jones", None, date(2024, 12, 31), date(2025, 1, 6),
     True, None, None, "appeal", NOW, "qn", NOW),
    ("A3", 1, "learner_work", "2020-22", None, None, None, None, False,
     None, None, None, None, None, NOW),
    ("A4", 1, "qa_documents", "2021-23", "x", date(1999, 1, 1), date(1999, 1, 1), None, False,
     date(2002, 1, 1), date(2002, 1, 2), None, None, None, NOW),
]  # fmt: skip


def _store(path: Path) -> Store:
    store = open_store(str(path))
    add_centre(store, Centre("12345", "College"))
    save_programmes(store, [(Programme("603/1234/5", "Diploma", "12345"), {})], "2025-26")
    return store


def _stored(path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT * FROM retention_record ORDER BY ref").fetchall()


def test_bulk_insert_stores_exactly_what_the_core_insert_stores(tmp_path: Path) -> None:
    core, bulk = _store(tmp_path / "core.db"), _store(tmp_path / "bulk.db")
    with core.session() as session:
        session.execute(sa.insert(_R), [dict(zip(ROW_COLUMNS, r, strict=True)) for r in ROWS])
    with bulk.session() as session:
        insert = BulkInsert(session.connection(), _R, ROW_COLUMNS)
        assert insert.execute(ROWS[:2]) == 2
        assert insert.execute(ROWS[2:]) == 2  # the remembered conversions serve again
        assert insert.execute([]) == 0
    core.close()
    bulk.close()
    assert _stored(tmp_path / "bulk.db") == _stored(tmp_path / "core.db")
    assert len(_stored(tmp_path / "bulk.db")) == len(ROWS)


def test_bulk_insert_refuses_a_column_list_the_statement_does_not_bind(tmp_path: Path) -> None:
    store = _store(tmp_path / "s.db")
    with store.engine.connect() as conn, pytest.raises(ValueError, match="retention_record"):
        # created_at has a Python-side default the driver would never see
        BulkInsert(conn, _R, [c for c in ROW_COLUMNS if c != "created_at"])
    store.close()


def _answer(code: str | None, qid: str, value: str, at: datetime) -> SimpleNamespace:
    return SimpleNamespace(
        programme_code=code,
        programme_title=None if code is None else f"Title {code}",
        question_id=qid,
        value=value,
        comment="=SUM(A1)" if code else None,
        answered_at=at,
        answered_by="qn",
    )


def test_export_values_are_the_records_and_a_naive_time_is_utc() -> None:
    bank = load_bank()
    naive = datetime(2025, 10, 1, 9, 30, 5)
    answers = [
        ("terms.accept", "true"),
        ("centre.wbl-group.selected", "false"),
    ]
    programme = [("programme.dcs.held", "true"), ("programme.dcs.expiry", '"2026-01-01"')]

    def rows(at: datetime) -> list[SimpleNamespace]:
        # the same answers for many programmes: the remembered decoding is used again
        return [_answer(None, q, v, at) for q, v in answers] + [
            _answer(f"P{i}", q, v, at) for i in range(3) for q, v in programme
        ]

    aware = list(export_records(bank, "2025-26", "12345", rows(naive.replace(tzinfo=UTC))))
    values = list(export_values(bank, "2025-26", "12345", rows(naive)))
    assert [dict(zip(EXPORT_COLUMNS, v, strict=True)) for v in values] == aware
    assert len(values) == 2 + 3 * 2
    assert {r["answered_at"] for r in aware} == {"2025-10-01T09:30:05+00:00"}
    expiry = [r for r in aware if r["question_id"] == "programme.dcs.expiry"]
    assert [r["answer"] for r in expiry] == ["2026-01-01"] * 3


PROBE = """
import sys
from wblqa_cli.store import open_store
open_store(sys.argv[1]).close()
print("alembic" in sys.modules)
"""


def test_a_current_store_opens_without_loading_alembic(tmp_path: Path) -> None:
    def opened(path: Path) -> str:
        done = subprocess.run(
            [sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    path = tmp_path / "s.db"
    assert opened(path) == "True"  # a new store: every migration is pending
    assert opened(path) == "False"  # migrated: the migrations table says so
    with sqlite3.connect(path) as conn:
        # The last migration creates a table on SQLite: as if this release were new.
        conn.execute("DELETE FROM wblqa_migrations WHERE id = (SELECT max(id) FROM "
                     "wblqa_migrations)")  # fmt: skip
    # the newest migration not recorded: Alembic loads and that migration runs (and fails
    # here, since its tables exist): the fast check never skips a pending migration
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, check=False
    )
    assert done.returncode != 0 and "already exists" in done.stderr, done.stderr
    with sqlite3.connect(path) as conn:  # a gap no release leaves: damage, nothing runs
        conn.execute("DELETE FROM wblqa_migrations WHERE id = 4")
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, check=False
    )
    assert done.returncode != 0 and "is damaged" in done.stderr, done.stderr


def _family(kind: Any) -> type:
    kind = getattr(kind, "impl", kind)  # a TypeDecorator (sqlmodel's AutoString) by its impl
    return next(base for base in (sa.Integer, sa.String, sa.DateTime) if isinstance(kind, base))


@pytest.mark.parametrize(
    ("light", "model"),
    [
        ("ANSWER", m.AqdAnswer),
        ("DECLARATION", m.AqdDeclaration),
        ("CENTRE", m.Centre),
        ("PROGRAMME", m.Programme),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_the_exports_core_only_tables_name_real_columns(light: str, model: Any) -> None:
    from wblqa_cli.store import aqd_export

    clause = getattr(aqd_export, light)
    table = model.__table__
    assert clause.name == table.name
    for column in clause.c:
        real = table.c[column.name]
        assert _family(column.type) is _family(real.type), column.name
        if isinstance(real.type, sa.DateTime):
            assert column.type.timezone == real.type.timezone


EXPORT_PROBE = """
import sys
from wblqa_cli.cli import main
sys.argv = ["wblqa", "--db", sys.argv[1], "aqd", "export", "--year", "2025-26", "-o", sys.argv[2]]
try:
    main()
except SystemExit as done:
    assert not done.code, done.code
print(sorted({m.split(".")[0] for m in sys.modules} & {"sqlmodel", "alembic"}))
"""


def test_aqd_export_of_a_current_store_loads_no_orm_and_no_alembic(tmp_path: Path) -> None:
    from wblqa_cli.store.aqd import bulk_insert_answers, open_declaration

    store = _store(tmp_path / "s.db")
    declaration = open_declaration(store, "12345", "2025-26", "test")
    with store.session() as session:
        bulk_insert_answers(
            session,
            [
                {
                    "declaration_id": declaration.id,
                    "programme_code": None,
                    "question_id": "terms.accept",
                    "value": "true",
                    "comment": None,
                    "answered_at": NOW,
                    "answered_by": "qn",
                    "bank_version": "test",
                }
            ],
        )
    store.close()
    out = tmp_path / "out.csv"
    done = subprocess.run(
        [sys.executable, "-c", EXPORT_PROBE, str(tmp_path / "s.db"), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"
    assert "terms.accept" in out.read_text(encoding="utf-8")
    assert "2025-07-15T09:30:12+00:00" in out.read_text(encoding="utf-8")


def test_date_cells_known_is_only_what_parse_gave_before() -> None:
    from wblqa_cli.errors import InputError
    from wblqa_cli.retention.deadline import DateCells

    cells = DateCells()
    assert cells.known("15/07/2025") is None
    assert cells.parse("15/07/2025", "x") == date(2025, 7, 15)
    assert cells.known("15/07/2025") == date(2025, 7, 15)
    assert cells.known("") is None and cells.parse("", "x") is None
    with pytest.raises(InputError, match=r"\(archive.csv, line 9\)"):
        cells.parse("2025-02-30", lambda: "archive.csv, line 9")
    assert cells.known("2025-02-30") is None  # a bad value is never remembered
