"""`wblqa consortium advise` driven through its questions in a real pseudo-terminal."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.mark.slow
def test_advise_interactive_in_a_terminal(tmp_path: Path) -> None:
    from wblqa_cli.consortium.rules import rules

    env = dict(os.environ, PYTHONPATH=str(SRC), WBLQA_DB=str(tmp_path / "w.db"), NO_COLOR="1")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "wblqa_cli", "consortium", "advise"],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 200),
    )
    try:
        for q in rules().questions:
            child.expect_exact(q.question)
            yes = q.id in ("mixed-groups", "uk-funded")
            child.send("y" if yes else "n")
        child.expect_exact("Recommended: formal")
        child.expect(r"all\s+registered\s+on\s+the\s+consortium\s+programme\s+code")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
