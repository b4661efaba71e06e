"""Readers never block and are never blocked: read-only commands run read transactions.

On SQLite a read is a deferred ``BEGIN`` under WAL (a snapshot, no lock a writer
waits for); on PostgreSQL a ``READ ONLY`` transaction without the serialising
lock. Engine-agnostic tests run on both (``WBLQA_TEST_ENGINE``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa


def _writer_holding_the_lock(url: str, hold: threading.Event, held: threading.Event) -> None:
    from wblqa_cli.store import open_store

    store = open_store(url)
    try:
        with store.session() as session:  # BEGIN IMMEDIATE / wblqa_lock(): the write lock
            session.execute(sa.text("SELECT count(*) FROM centre"))
            held.set()
            hold.wait(60)
    finally:
        store.close()


@pytest.mark.parametrize(
    "args",
    [
        ("centre", "list"),
        ("programme", "list", "--json"),
        ("retention", "list"),
        ("status", "--as-of", "2025-11-03"),
        ("audit",),
        ("audit", "head"),
        ("db", "check"),
        ("aqd", "status", "--year", "2025-26"),
    ],
)
def test_a_read_only_command_does_not_wait_for_a_writer(
    invoke: Any, centre: str, args: Any
) -> None:
    url = os.environ["WBLQA_DB"]
    hold, held = threading.Event(), threading.Event()
    writer = threading.Thread(target=_writer_holding_the_lock, args=(url, hold, held))
    writer.start()
    try:
        assert held.wait(20)
        start = time.monotonic()
        result = invoke(*args)
        elapsed = time.monotonic() - start
    finally:
        hold.set()
        writer.join()
    assert result.exit_code in (0, 1), result.stderr
    assert "locked" not in result.stderr and "timeout" not in result.stderr
    assert elapsed < 10, elapsed  # a writer's lock would have held it for 30 s


def test_a_read_transaction_refuses_to_write(centre: str) -> None:
    from wblqa_cli.store import open_store

    store = open_store(os.environ["WBLQA_DB"])
    try:
        refused = pytest.raises(sa.exc.DBAPIError, match=r"readonly|read-only")
        with refused, store.reading() as session:
            session.execute(sa.text("UPDATE centre SET name = 'x'"))
        with store.session() as session:  # the same pool still writes
            session.execute(sa.text("UPDATE centre SET name = 'Renamed'"))
        with store.reading() as session:
            assert session.execute(sa.text("SELECT name FROM centre")).scalar() == "Renamed"
    finally:
        store.close()


@pytest.mark.slow
def test_a_reader_loop_during_a_200000_row_import_never_fails(
    invoke: Any, centre: str, tmp_path: Path
) -> None:
    assert invoke("programme", "add", "P1", "--title", "Business").exit_code == 0
    csv = tmp_path / "big.csv"
    with csv.open("w", encoding="utf-8") as f:
        f.write("id,programme,kind,cohort,learner,certified,received\n")
        for i in range(200_000):
            f.write(f"LW-{i},P1,learner_work,c{i % 50},,2022-07-15,2022-08-01\n")
    importer = subprocess.Popen(
        [sys.executable, "-m", "wblqa_cli", "retention", "import", "-q", str(csv)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    reads = failures = 0
    while importer.poll() is None:
        for args in (("centre", "list", "--json"), ("retention", "list", "--json")):
            result = invoke(*args)
            reads += 1
            if result.exit_code != 0:
                failures += 1
                print(args, result.stderr)
    out, err = importer.communicate()
    assert importer.returncode == 0, err
    assert failures == 0
    assert reads >= 4  # the loop did run while the import held the write lock
    assert "Imported 200000" in out


def test_a_long_read_does_not_hold_writers_up(invoke: Any, centre: str) -> None:
    """`aqd export | slow-reader`: a read transaction left open while a writer commits."""
    from wblqa_cli.store import open_store

    store = open_store(os.environ["WBLQA_DB"])
    try:
        with store.reading() as session:
            session.execute(sa.text("SELECT count(*) FROM centre")).scalar()
            start = time.monotonic()
            result = invoke("centre", "add", "23456", "--name", "Riverside School")
            assert result.exit_code == 0, result.stderr
            assert time.monotonic() - start < 10
    finally:
        store.close()
