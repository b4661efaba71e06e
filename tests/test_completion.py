"""Shell completion: the script, and centre numbers and programme codes from the store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from _aqd_helpers import register


def _wblqa(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wblqa_cli", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


def test_show_completion_prints_a_bash_script() -> None:
    done = _wblqa("--show-completion", "bash")
    assert done.returncode == 0, done.stderr
    assert "complete -o default -F _wblqa_completion wblqa" in done.stdout
    assert "_WBLQA_COMPLETE=complete_bash" in done.stdout


def _complete(words: str, db: str | None) -> list[str]:
    env = {"_WBLQA_COMPLETE": "complete_bash", "COMP_WORDS": words}
    env["COMP_CWORD"] = str(len(words.split(" ")) - 1)
    if db is not None:
        env["WBLQA_DB"] = db
    done = _wblqa(env=env)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout.split()


def test_centres_and_programmes_complete_from_the_store(invoke: Any) -> None:
    register(invoke)
    assert invoke("centre", "add", "23456", "--name", "Riverside").exit_code == 0
    db = os.environ["WBLQA_DB"]  # the test's store, SQLite or PostgreSQL
    assert _complete("wblqa aqd status --centre ", db) == ["12345", "23456"]
    assert _complete("wblqa aqd status --centre 2", db) == ["23456"]
    assert _complete("wblqa aqd start --programme 603", db) == ["603/1234/5"]


def test_completion_never_creates_a_store(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    assert _complete("wblqa aqd status --centre ", str(missing)) == []
    assert not missing.exists()
