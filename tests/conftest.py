"""Every test isolated: its own store, a pinned terminal width, no colour."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point WBLQA_DB at a fresh file; no test may touch the real user store."""
    db = tmp_path / "store" / "wblqa.db"
    monkeypatch.setenv("WBLQA_DB", str(db))
    monkeypatch.setenv("WBLQA_USER", "tester")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    from wblqa_cli import rules

    rules.load.cache_clear()
    yield db


@pytest.fixture
def db_path(isolated: Path) -> Path:
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
