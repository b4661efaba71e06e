"""Owner-only files, whole or not at all; schema safety through the command line.

Every file wblqa writes that holds learner data or a centre's answers is 0600
whatever the umask: the store and its -wal/-shm companions (and their folder,
0700), and each ``-o`` output. An ``-o`` output appears whole or not at all.
A store from a newer wblqa is refused, a migration backs the store up first,
and a migration that fails leaves the store as it was, all seen from ``wblqa``.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from _aqd_helpers import complete_document, register, write_json
from wblqa_cli.errors import EXIT_STORE
from wblqa_cli.store import migrations

YEAR = "2025-26"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def answered(invoke: Any, tmp_path: Path) -> None:
    register(invoke)
    answers = write_json(tmp_path / "answers.json", complete_document())
    result = invoke("aqd", "start", "--year", YEAR, "--answers", str(answers))
    assert result.exit_code == 0, result.output


def no_leftovers(folder: Path) -> None:
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".part")]


# ------------------------------------------------------------------ the store


def test_store_wal_and_shm_are_owner_only_after_a_write_through_the_cli(
    invoke: Any, db_path: Path, umask_022: None
) -> None:
    assert invoke("centre", "add", "12345", "--name", "North Vale").exit_code == 0
    # A reader keeps the write-ahead log and shared memory files in place.
    reader = sqlite3.connect(db_path)
    try:
        reader.execute("SELECT count(*) FROM centre").fetchone()
        result = invoke("programme", "add", "P1", "--title", "Engineering")
        assert result.exit_code == 0, result.output
        wal = db_path.with_name(db_path.name + "-wal")
        shm = db_path.with_name(db_path.name + "-shm")
        assert wal.exists() and shm.exists()
        assert (mode(db_path), mode(wal), mode(shm)) == (0o600, 0o600, 0o600)
        assert mode(db_path.parent) == 0o700
    finally:
        reader.close()


def _digest(path: Path) -> str:
    """The store's content (not its bytes: a checkpoint may move pages from the -wal file)."""
    conn = sqlite3.connect(path)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


def test_a_newer_store_is_refused_by_every_command_and_left_alone(
    invoke: Any, db_path: Path
) -> None:
    assert invoke("centre", "add", "12345", "--name", "North Vale").exit_code == 0
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("INSERT INTO wblqa_migrations (id, name, applied_at) VALUES (999, 'f', 'x')")
    conn.close()
    before = _digest(db_path)
    for args in (("db", "check"), ("centre", "list"), ("retention", "list")):
        result = invoke(*args)
        assert result.exit_code == EXIT_STORE, result.output
        assert result.stderr.startswith("Error: ") and "newer wblqa" in result.stderr
        assert "Upgrade wblqa" in result.stderr and result.stdout == ""
    assert _digest(db_path) == before
    assert not list(db_path.parent.glob("*.before-schema-*"))


def _extra(op: Any) -> None:
    op.create_table("extra", sa.Column("id", sa.Integer(), primary_key=True))


def _broken(op: Any) -> None:
    _extra(op)
    raise RuntimeError("half way")


def _add_migration(monkeypatch: pytest.MonkeyPatch, function: Any) -> int:
    number = migrations.SCHEMA_VERSION + 1
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, (number, "x", function)])
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", number)
    return number


def _version_and_tables(db: Path) -> tuple[int, set[str]]:
    conn = sqlite3.connect(db)
    try:
        version = conn.execute("SELECT max(id) FROM wblqa_migrations").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()
    return int(version), tables


def test_the_cli_backs_up_before_migrating(
    invoke: Any, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert invoke("centre", "add", "12345", "--name", "North Vale").exit_code == 0
    number = _add_migration(monkeypatch, _extra)
    result = invoke("centre", "list", "--json")
    assert result.exit_code == 0, result.output
    assert "12345" in result.stdout
    (backup,) = db_path.parent.glob(f"wblqa.before-schema-{number}-*.db")
    assert mode(backup) == 0o600
    assert _version_and_tables(backup)[0] == number - 1
    assert _version_and_tables(db_path)[0] == number


def test_a_failed_migration_through_the_cli_is_a_message_and_changes_nothing(
    runner: Any, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wblqa_cli.cli import app

    assert runner.invoke(app, ["centre", "add", "12345", "--name", "N"]).exit_code == 0
    version, tables = _version_and_tables(db_path)
    _add_migration(monkeypatch, _broken)
    result = runner.invoke(app, ["centre", "list"])
    assert result.exit_code == EXIT_STORE, result.output
    assert isinstance(result.exception, SystemExit)
    assert result.stderr.startswith("Error: Cannot open the store ")
    assert "half way" in result.stderr and "left as it was" in result.stderr
    assert "Traceback" not in result.output
    assert _version_and_tables(db_path) == (version, tables)
    assert "extra" not in tables
    # The copy taken before the attempt is there too.
    assert len(list(db_path.parent.glob("wblqa.before-schema-*.db"))) == 1


# ------------------------------------------------------------------ -o files


@pytest.mark.parametrize("suffix", [".toml", ".json", ".yaml"])
def test_aqd_template_is_owner_only_and_never_overwrites(
    invoke: Any, tmp_path: Path, umask_022: None, suffix: str
) -> None:
    register(invoke)
    out = tmp_path / f"answers{suffix}"
    result = invoke("aqd", "template", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert mode(out) == 0o600 and out.stat().st_size > 0
    out.write_text("mine", encoding="utf-8")
    again = invoke("aqd", "template", "-o", str(out))
    assert again.exit_code == 2 and "already exists" in again.stderr
    assert out.read_text(encoding="utf-8") == "mine"
    no_leftovers(tmp_path)


@pytest.mark.parametrize("format_", ["csv", "json"])
def test_aqd_export_file_is_owner_only_even_when_forced_over_a_readable_file(
    invoke: Any, answered: None, tmp_path: Path, umask_022: None, format_: str
) -> None:
    out = tmp_path / f"export.{format_}"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o644)
    refused = invoke("aqd", "export", "--year", YEAR, "--format", format_, "-o", str(out))
    assert refused.exit_code == 2 and "--force" in refused.stderr
    assert out.read_text(encoding="utf-8") == "old"
    result = invoke("aqd", "export", "--year", YEAR, "--format", format_, "-o", str(out), "--force")
    assert result.exit_code == 0, result.output
    assert mode(out) == 0o600
    assert "603/1234/5" in out.read_text(encoding="utf-8")
    no_leftovers(tmp_path)


@pytest.mark.parametrize(
    ("format_", "producer"), [("csv", "export_values"), ("json", "export_records")]
)
def test_aqd_export_that_fails_half_way_leaves_no_file(
    invoke: Any,
    answered: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    format_: str,
    producer: str,
) -> None:
    from wblqa_cli.aqd import export
    from wblqa_cli.errors import InputError

    real = getattr(export, producer)

    def half(*args: Any) -> Any:
        yield next(iter(real(*args)))  # a first row reaches the writer
        raise InputError("stopped half way")

    monkeypatch.setattr(export, producer, half)
    out = tmp_path / f"export.{format_}"
    result = invoke("aqd", "export", "--year", YEAR, "--format", format_, "-o", str(out))
    assert result.exit_code == 2 and "stopped half way" in result.stderr
    assert not out.exists()
    no_leftovers(tmp_path)


def test_calendar_file_is_owner_only(
    invoke: Any, centre: str, tmp_path: Path, umask_022: None
) -> None:
    out = tmp_path / "qa.ics"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o644)
    result = invoke("calendar", "--year", YEAR, "-o", str(out), "--force")
    assert result.exit_code == 0, result.output
    assert mode(out) == 0o600 and out.read_bytes().startswith(b"BEGIN:VCALENDAR")
    no_leftovers(tmp_path)


def test_consortium_init_file_is_owner_only_and_never_overwrites(
    invoke: Any, tmp_path: Path, umask_022: None
) -> None:
    out = tmp_path / "arrangement.toml"
    result = invoke("consortium", "init", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert mode(out) == 0o600 and "[[organisations]]" in out.read_text(encoding="utf-8")
    again = invoke("consortium", "init", "-o", str(out))
    assert again.exit_code == 2 and "already exists" in again.stderr
    no_leftovers(tmp_path)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["consortium", "init", "-o", "{tmp}/no/such/folder/a.toml"], "does not exist"),
        (["consortium", "init", "-o", "{tmp}"], "is a folder"),
        (["calendar", "--year", YEAR, "-o", "{tmp}/missing/qa.ics"], "does not exist"),
        (["aqd", "template", "-o", "{tmp}/missing/a.toml"], "does not exist"),
    ],
)
def test_o_into_a_missing_folder_or_onto_a_folder_is_exit_2(
    invoke: Any, tmp_path: Path, args: list[str], fragment: str
) -> None:
    result = invoke(*(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: ") and fragment in result.stderr
