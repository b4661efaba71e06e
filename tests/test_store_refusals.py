"""A store that is not a store is never taken for an empty one (issue 22).

An empty or foreign file is refused and left as it was; ``--db`` values that
name no lasting store are refused; a damaged store is diagnosed by ``db check``
(which page, which table) with the store's own exit code; reads work on a
read-only folder and on a full disk; each failure says what it is.

The read-only folder and the full disk are real: a small tmpfs, remounted
read-only or filled up (root only; skipped elsewhere).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from _aqd_helpers import complete_document, write_json
from test_pg import consortium  # noqa: F401  (a fixture)
from wblqa_cli.errors import EXIT_BAD_INPUT, StoreError

STORE_EXIT = StoreError.exit_code


def _refused(result: Any, code: int, *fragments: str) -> None:
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.stderr.startswith("Error: "), result.stderr
    assert len(result.stderr.splitlines()) <= 2, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


# ------------------------------------------------------------- not a store


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "is empty (0 bytes)"),
        (b"hello, this is a text file\n", "is not a wblqa store"),
        (b"\x00" * 8192, "is not a wblqa store"),
    ],
)
@pytest.mark.parametrize("command", [("status",), ("centre", "list"), ("db", "check")])
def test_an_empty_or_foreign_file_is_refused_and_kept(
    invoke: Any, tmp_path: Path, content: bytes, fragment: str, command: tuple[str, ...]
) -> None:
    path = tmp_path / "wblqa.db"
    path.write_bytes(content)
    _refused(invoke("--db", str(path), *command), STORE_EXIT, str(path), fragment)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wblqa.db"]


def test_another_programs_sqlite_file_is_refused(invoke: Any, tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
    before = path.read_bytes()
    result = invoke("--db", str(path), "centre", "add", "12345", "--name", "North Vale")
    _refused(result, STORE_EXIT, "is a SQLite database but not a wblqa store", "contacts")
    assert path.read_bytes() == before


def test_a_new_store_is_created_whole_or_not_at_all(
    invoke: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wblqa_cli.store import migrations

    path = tmp_path / "new" / "wblqa.db"

    def broken(*_: Any) -> None:
        raise KeyboardInterrupt  # Ctrl-C half way through creating it

    monkeypatch.setattr(migrations, "m003_aqd", broken)
    monkeypatch.setattr(
        migrations,
        "MIGRATIONS",
        [(n, name, broken if n == 3 else f) for n, name, f in migrations.MIGRATIONS],
    )
    result = invoke("--db", str(path), "centre", "list")
    assert result.exit_code == 130
    assert list(path.parent.iterdir()) == []  # no store, no half store, no hidden file
    monkeypatch.undo()
    assert invoke("--db", str(path), "centre", "list").exit_code == 0
    assert sorted(p.name for p in path.parent.iterdir() if not p.name.endswith(("-wal", "-shm")))\
        == ["wblqa.db"]  # fmt: skip


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "it is empty"),
        ("sqlite://", "in-memory"),
        ("sqlite:///:memory:", "in-memory"),
        (":memory:", "in-memory"),
        ("sqlite:///file::memory:?cache=shared", "in-memory"),
        ("sqlite://host/x.db", "a SQLite URL names a file"),
    ],
)
def test_db_values_that_name_no_lasting_store_are_refused(
    invoke: Any, value: str, fragment: str
) -> None:
    result = invoke("--db", value, "centre", "add", "55555", "--name", "Gone")
    _refused(result, EXIT_BAD_INPUT, f"{value!r} (--db)", fragment)


def test_an_in_memory_store_in_the_environment_is_refused(
    invoke: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WBLQA_DB", "sqlite://")
    _refused(invoke("centre", "list"), EXIT_BAD_INPUT, "(WBLQA_DB)", "in-memory")


def test_a_symlink_loop_is_a_clear_error(invoke: Any, tmp_path: Path) -> None:
    (tmp_path / "a.db").symlink_to(tmp_path / "b.db")
    (tmp_path / "b.db").symlink_to(tmp_path / "a.db")
    for command in (("status",), ("db", "path"), ("db", "check")):
        result = invoke("--db", str(tmp_path / "a.db"), *command)
        _refused(result, EXIT_BAD_INPUT, "symbolic links loop")


# ------------------------------------------------------------- damaged


@pytest.fixture
def sqlite_store(invoke: Any, tmp_path: Path) -> Path:
    path = tmp_path / "damaged" / "wblqa.db"
    for args in (("centre", "add", "12345", "--name", "North Vale College"),
                 ("programme", "add", "P1", "--title", "Business")):  # fmt: skip
        assert invoke("--db", str(path), *args).exit_code == 0
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def _damage_migrations_page(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        (root,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'wblqa_migrations'"
        ).fetchone()
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(path.read_bytes())
    page = data[(root - 1) * size : root * size]
    at = page.find(b"centres_programmes_audit")
    for k in range(at - 8, at - 2):  # the row's header: its id and the lengths after it
        data[(root - 1) * size + k] ^= 0x5A
    path.write_bytes(bytes(data))


def test_a_damaged_migrations_table_is_named_as_damage_not_a_newer_release(
    invoke: Any, sqlite_store: Path
) -> None:
    _damage_migrations_page(sqlite_store)
    result = invoke("--db", str(sqlite_store), "status")
    _refused(result, STORE_EXIT, "is damaged", "schema versions", "wblqa db check")
    assert "newer wblqa" not in result.stderr
    check = invoke("--db", str(sqlite_store), "db", "check", "--json")
    assert check.exit_code == STORE_EXIT, check.stderr
    report = json.loads(check.stdout)
    assert report["damaged"] is True
    assert any("wblqa_migrations" in p for p in report["problems"]), report["problems"]


def test_rows_no_release_wrote_in_the_migrations_table_are_damage(
    invoke: Any, sqlite_store: Path
) -> None:
    with sqlite3.connect(sqlite_store) as conn:  # our last migration's row, renumbered
        conn.execute("UPDATE wblqa_migrations SET id = 117 WHERE id = (SELECT max(id) FROM "
                     "wblqa_migrations)")  # fmt: skip
    result = invoke("--db", str(sqlite_store), "centre", "list")
    _refused(result, STORE_EXIT, "is damaged", "wblqa_migrations")
    assert "newer wblqa" not in result.stderr


def test_a_damaged_page_is_named_by_every_command_and_by_db_check(
    invoke: Any, sqlite_store: Path
) -> None:
    with sqlite3.connect(sqlite_store) as conn:
        (root,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'programme'"
        ).fetchone()
    with sqlite_store.open("r+b") as f:
        f.seek((root - 1) * 4096)
        f.write(b"\xff" * 4096)
    for command in (("programme", "list"), ("cycle", "plan"), ("status",)):
        result = invoke("--db", str(sqlite_store), *command)
        _refused(result, STORE_EXIT, "damaged", "wblqa db check")
    check = invoke("--db", str(sqlite_store), "db", "check")
    assert check.exit_code == STORE_EXIT
    assert "table programme" in check.stdout and f"page {root}" in check.stdout, check.stdout
    assert "The store is damaged" in check.stderr


def test_text_that_is_not_utf8_is_found_by_db_check_and_breaks_nothing(
    invoke: Any, sqlite_store: Path, tmp_path: Path
) -> None:
    db = ("--db", str(sqlite_store))
    answers = write_json(tmp_path / "a.json", complete_document(("P1",)))
    started = invoke(*db, "aqd", "start", "--year", "2025-26", "--answers", str(answers))
    assert started.exit_code == 0, started.stderr
    with sqlite3.connect(sqlite_store) as conn:
        conn.execute("UPDATE programme SET title = CAST(X'42FFFE7573696E657373' AS TEXT)")
        conn.execute(
            "UPDATE aqd_answer SET comment = CAST(X'6F6BFF' AS TEXT) WHERE id = (SELECT min(id) "
            "FROM aqd_answer)"
        )
    check = invoke(*db, "db", "check", "--json")
    assert check.exit_code == STORE_EXIT, check.stderr
    problems = json.loads(check.stdout)["problems"]
    assert any("table programme" in p and "column title" in p for p in problems), problems
    assert any("table aqd_answer" in p and "column comment" in p for p in problems), problems
    for fmt in ("csv", "json", "xlsx"):
        out = tmp_path / f"export.{fmt}"
        result = invoke(*db, "aqd", "export", "--year", "2025-26", "--format", fmt, "-o", str(out))
        assert result.exit_code == 0, result.stderr
    shown = invoke(*db, "programme", "list")
    assert shown.exit_code == 0 and "B\ufffd\ufffdusiness" in shown.stdout


# ------------------------------------------- a read-only folder and a full disk


@contextlib.contextmanager
def _tmpfs(where: Path, size: str) -> Iterator[Path]:
    where.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace')}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


class _Run:
    """The real ``wblqa`` in its own process (an in-process run keeps the file open)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self, *args: str) -> Any:
        import sys

        env = {**os.environ, "WBLQA_DB": str(self.path)}
        code = "from wblqa_cli.cli import main; main()"
        done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                              env=env, text=True, timeout=120, check=False)  # fmt: skip
        done.exit_code = done.returncode  # type: ignore[attr-defined]
        return done


def _filled(run: _Run) -> None:
    assert run("centre", "add", "12345", "--name", "North Vale College").exit_code == 0
    assert run("programme", "add", "P1", "--title", "Business").exit_code == 0
    assert run("retention", "add", "R1", "--programme", "P1", "--kind", "learner_work",
               "--cohort", "c").exit_code == 0  # fmt: skip


READS = [
    ("centre", "list"),
    ("programme", "list"),
    ("status", "--as-of", "2025-10-06"),
    ("retention", "list", "--json"),
    ("cycle", "plan", "--year", "2025-26"),
    ("calendar", "--year", "2025-26", "-o", "-"),
    ("programme", "show", "P1"),
    ("db", "check"),
    ("audit",),
]


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")
def test_reads_work_in_a_read_only_folder_and_writes_say_why_not(tmp_path: Path) -> None:
    with _tmpfs(tmp_path / "ro", "4m") as folder:
        run = _Run(folder / "wblqa.db")
        _filled(run)
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        for command in READS:
            result = run(*command)
            assert result.exit_code == 0, (command, result.stderr)
        result = run("centre", "add", "23456", "--name", "Riverside")
        _refused(result, STORE_EXIT, "cannot be written", "read-only")


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")
def test_reads_work_on_a_full_disk_and_writes_say_it_is_full(tmp_path: Path) -> None:
    with _tmpfs(tmp_path / "full", "2m") as folder:
        run = _Run(folder / "wblqa.db")
        _filled(run)
        with contextlib.suppress(OSError), (folder / "filler").open("wb") as filler:
            while True:
                filler.write(b"\0" * 4096)
                filler.flush()
        for command in READS:
            result = run(*command)
            assert result.exit_code == 0, (command, result.stderr)
        result = run("centre", "add", "23456", "--name", "Riverside")
        _refused(result, STORE_EXIT, "is full")
        assert "disk I/O error" not in result.stderr


# ------------------------------------------------------------- a shared store


def test_a_home_role_on_a_new_release_is_told_to_ask_the_owner_to_upgrade(
    invoke: Any,
    consortium: dict[str, str],  # noqa: F811
) -> None:
    import sqlalchemy as sa

    from wblqa_cli.store import migrations

    last = migrations.SCHEMA_VERSION
    engine = sa.create_engine(consortium["owner"])
    try:  # the store as the previous release left it: the newest migration not yet run
        with engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM wblqa_migrations WHERE id = :n"), {"n": last})
    finally:
        engine.dispose()
    for command in (("centre", "list"), ("retention", "list"), ("programme", "add", "P9",
                                                                "--title", "Care")):  # fmt: skip
        result = invoke("--db", consortium["23456"], *command)
        _refused(result, STORE_EXIT, "only the store's owner", "Ask the owner to upgrade")
        assert "row-level security" not in result.stderr


def _extra_migration(op: Any) -> None:
    import sqlalchemy as sa

    op.create_table("extra", sa.Column("id", sa.Integer(), primary_key=True))


def test_a_reading_command_upgrades_an_older_store_then_reads_it(
    invoke: Any, sqlite_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wblqa_cli.store import migrations

    number = migrations.SCHEMA_VERSION + 1  # a release newer than the one that made the store
    monkeypatch.setattr(
        migrations, "MIGRATIONS", [*migrations.MIGRATIONS, (number, "extra", _extra_migration)]
    )
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", number)
    result = invoke("--db", str(sqlite_store), "programme", "list", "--json")
    assert result.exit_code == 0, result.stderr
    assert [p["code"] for p in json.loads(result.stdout)] == ["P1"]
    with sqlite3.connect(sqlite_store) as conn:
        assert conn.execute("SELECT max(id) FROM wblqa_migrations").fetchone()[0] == number
    assert list(sqlite_store.parent.glob(f"wblqa.before-schema-{number}-*.db"))
