"""Every test isolated: its own store, a pinned terminal width, no colour.

``WBLQA_TEST_ENGINE=postgresql`` gives every test a fresh database on a throwaway
PostgreSQL cluster (tests/pgserver.py) instead of a SQLite file; the ``pg_url``
fixture gives one to the tests that are about PostgreSQL whatever the engine.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import pgserver

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


ENGINE = os.environ.get("WBLQA_TEST_ENGINE", "sqlite")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pgserver.Server]:
    """A PostgreSQL cluster for this test session; skips (fails under CI=true) without one."""
    reason = pgserver.unavailable_reason()
    if reason is not None:
        if os.environ.get("CI") == "true" or ENGINE == "postgresql":
            pytest.fail(f"PostgreSQL tests must run here but cannot: {reason}")
        pytest.skip(reason)
    server = pgserver.start_server()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: pgserver.Server) -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database (as its superuser)."""
    url = pg_server.new_database()
    yield url
    pg_server.drop(url)


@pytest.fixture(autouse=True)
def isolated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[Path]:
    """Point WBLQA_DB at a fresh file (or database); no test may touch the real user store."""
    db = tmp_path / "store" / "wblqa.db"
    if ENGINE == "postgresql":
        server = request.getfixturevalue("pg_server")
        url = server.suite_database()
        monkeypatch.setenv("WBLQA_DB", url)
        request.addfinalizer(lambda: server.empty(url))
    else:
        monkeypatch.setenv("WBLQA_DB", str(db))
    monkeypatch.setenv("WBLQA_USER", "tester")
    # Reaching the crash handler fails the test (the exception goes through);
    # a test of the handler itself unsets this.
    monkeypatch.setenv("WBLQA_CRASH", "raise")
    monkeypatch.setenv("WBLQA_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    from wblqa_cli import rules

    rules.load.cache_clear()
    yield db


@pytest.fixture
def db_path(isolated: Path) -> Path:
    """The SQLite file of the test's store (tests that open it directly are SQLite's own)."""
    if ENGINE == "postgresql":
        pytest.skip("reads the SQLite store file directly")
    return isolated


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def invoke(runner: CliRunner):
    """Run ``wblqa ARGS`` in-process; returns the click Result (stdout, stderr, exit_code)."""
    from wblqa_cli.cli import app

    def run(*args: str, input: str | None = None):
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return run


@pytest.fixture
def centre(invoke):
    """A store with one centre, 12345."""
    result = invoke("centre", "add", "12345", "--name", "North Vale College")
    assert result.exit_code == 0, result.output
    return "12345"
