"""Several processes writing one store at once: none fails, every record is there."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

WRITER = """
import sys
from wblqa_cli.registry.model import Programme
from wblqa_cli.store import open_store
from wblqa_cli.store.programme_changes import save_programmes
prefix, count = sys.argv[1], int(sys.argv[2])
store = open_store(sys.argv[3])
for i in range(count):
    # one transaction per record, as `wblqa programme add` does
    save_programmes(store, [(Programme(code=f"{prefix}{i}", title=f"Title {i}"), {})], "2025-26")
print("done")
"""


def test_two_writers_never_see_database_is_locked(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    # Create and migrate first, as the first command a user runs would.
    subprocess.run([sys.executable, "-c", WRITER, "seed", "1", str(db)], env=env, check=True)
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, prefix, "500", str(db)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for prefix in ("A", "B")
    ]
    for w in writers:
        out, err = w.communicate(timeout=300)
        assert w.returncode == 0, err
        assert "locked" not in err
        assert out.strip() == "done"
    with sqlite3.connect(db) as conn:
        codes = {r[0] for r in conn.execute("SELECT code FROM programme")}
    assert len(codes) == 1001
    assert {f"A{i}" for i in range(500)} <= codes
    assert {f"B{i}" for i in range(500)} <= codes


def test_two_processes_opening_a_new_store_at_once_both_migrate_safely(tmp_path: Path) -> None:
    db = tmp_path / "fresh.db"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, prefix, "20", str(db)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for prefix in ("A", "B", "C")
    ]
    for w in writers:
        _, err = w.communicate(timeout=120)
        assert w.returncode == 0, err
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM programme").fetchone()[0] == 60
