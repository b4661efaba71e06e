"""The store: location, permissions, pragmas, migrations, backups, the audit chain."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from wblqa_cli.errors import StoreError
from wblqa_cli.location import resolve
from wblqa_cli.store import audit, migrations, models, open_store


def test_location_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WBLQA_DB", str(tmp_path / "env.db"))
    assert resolve(None).path == tmp_path / "env.db"
    assert resolve(str(tmp_path / "opt.db")).path == tmp_path / "opt.db"
    assert resolve(f"sqlite:///{tmp_path}/u.db").path == tmp_path / "u.db"
    pg = resolve("postgresql+psycopg://qa:secret@db.example/wblqa")
    assert pg.path is None and "secret" not in pg.display
    monkeypatch.delenv("WBLQA_DB")
    default = resolve(None)
    assert default.origin == "default" and default.path is not None
    assert default.path.name == "wblqa.db"


def test_new_store_is_owner_only_even_under_umask_022(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = tmp_path / "fresh" / "wblqa.db"
        store = open_store(str(path))
        with store.session() as session:
            audit.append(session, "test", "thing", "1", "touch")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        for side in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if side.exists():
                assert stat.S_IMODE(side.stat().st_mode) == 0o600
        store.close()
    finally:
        os.umask(old)


def test_pragmas(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "p.db"))
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    store.close()


def test_models_match_the_migrated_schema(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "m.db"))
    inspector = sa.inspect(store.engine)
    for name, table in SQLModel.metadata.tables.items():
        assert inspector.has_table(name), name
        migrated = {c["name"] for c in inspector.get_columns(name)}
        assert migrated == {c.name for c in table.columns}, name
    store.close()


def test_schema_version_is_recorded(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "v.db"))
    assert migrations.current_version(store) == migrations.SCHEMA_VERSION
    assert migrations.migrate(store) == []  # nothing pending the second time
    store.close()


def test_a_newer_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    open_store(str(path)).close()
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO wblqa_migrations (id, name, applied_at) VALUES (999, 'future', 'x')"
        )
    with pytest.raises(StoreError, match="newer wblqa") as info:
        open_store(str(path))
    assert info.value.hint and "Upgrade" in info.value.hint


def _extra_migration(op: object) -> None:
    from alembic.operations import Operations

    assert isinstance(op, Operations)
    op.create_table("extra", sa.Column("id", sa.Integer(), primary_key=True))


def _broken_migration(op: object) -> None:
    _extra_migration(op)
    raise RuntimeError("half way")


def test_migrating_an_older_store_backs_it_up_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    open_store(str(path)).close()
    number = migrations.SCHEMA_VERSION + 1
    monkeypatch.setattr(
        migrations, "MIGRATIONS", [*migrations.MIGRATIONS, (number, "extra", _extra_migration)]
    )
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", number)
    store = open_store(str(path))
    assert migrations.current_version(store) == number
    store.close()
    backups = list(tmp_path.glob(f"old.before-schema-{number}-*.db"))
    assert len(backups) == 1
    assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600
    with sqlite3.connect(backups[0]) as conn:
        assert conn.execute("SELECT max(id) FROM wblqa_migrations").fetchone()[0] == number - 1


def test_a_failed_migration_leaves_the_store_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    open_store(str(path)).close()
    number = migrations.SCHEMA_VERSION + 1
    monkeypatch.setattr(
        migrations, "MIGRATIONS", [*migrations.MIGRATIONS, (number, "broken", _broken_migration)]
    )
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", number)
    with pytest.raises(RuntimeError, match="half way"):
        open_store(str(path))
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        version = conn.execute("SELECT max(id) FROM wblqa_migrations").fetchone()[0]
    assert "extra" not in tables
    assert version == number - 1


def test_store_path_that_is_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a directory"):
        open_store(str(tmp_path))


def test_audit_log_is_append_only_and_chained(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    store = open_store(str(path))
    with store.session() as session:
        audit.append(session, "hold", "retention", "R1", "held", {"reason": "appeal"})
    with store.session() as session:
        audit.append(session, "release", "retention", "R1", "released")
    entries = audit.entries(store)
    assert [e.action for e in entries] == ["hold", "release"]
    assert entries[0].user == "tester"
    assert audit.verify(store) == []
    with sqlite3.connect(path) as conn, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE audit_log SET summary = 'x'")
    with sqlite3.connect(path) as conn, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM audit_log")
    # Someone with the file drops the guard and edits history: the chain shows it.
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TRIGGER audit_log_no_update")
        conn.execute("UPDATE audit_log SET summary = 'nothing happened' WHERE id = 1")
    problems = audit.verify(store)
    assert problems == ["audit entry 1: its contents were changed after writing"]
    store.close()


def test_models_module_times_are_aware_utc() -> None:
    assert models.utcnow().utcoffset() is not None
