"""End to end: ``wblqa aqd start`` in a real pseudo-terminal, driven with pexpect.

Most answers are pre-filled from a file to keep it short; the rest are given
at real questionary prompts. Ctrl-C mid-walk must exit 130 with every answer
given kept; a rerun resumes at the first unanswered question; then submit.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from _aqd_helpers import CODES, complete_document, register, write_json
from wblqa_cli.aqd.bank import load_bank

pexpect = pytest.importorskip("pexpect")

REPO = Path(__file__).resolve().parents[1]
BANK = load_bank()
YEAR = "2025-26"
LATER = (
    "programme.improvement.previous-actions",
    "programme.improvement.confidence",
    "programme.improvement.notes",
    "terms.head-of-centre-agreed",
    "terms.accept",
    "terms.comments",
)


def question(qid: str) -> str:
    q = BANK.get(qid)
    assert q is not None
    return q.question


def spawn(db: Path, *args: str) -> Any:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO / "src"),
        "TERM": "xterm",
        "COLUMNS": "220",
        "LINES": "50",
        "NO_COLOR": "1",
        "WBLQA_USER": "pty-tester",
        # No cursor-position requests: nobody on this pty would answer them.
        "PROMPT_TOOLKIT_NO_CPR": "1",
    }
    return pexpect.spawn(
        sys.executable,
        ["-m", "wblqa_cli", "--db", str(db), "aqd", "start", "--year", YEAR, *args],
        env=env,
        cwd=str(REPO),
        encoding="utf-8",
        dimensions=(50, 220),
        timeout=30,
    )


def wait_select(child: Any, qid: str) -> None:
    child.expect_exact(question(qid))
    child.expect_exact("? help · s skip")


def saved(invoke: Any, programme: str | None) -> dict[str, Any]:
    result = invoke("aqd", "status", "--year", YEAR, "--json")
    assert result.exit_code == 0, result.output
    scope = next(s for s in json.loads(result.stdout)["scopes"] if s["programme"] == programme)
    return scope["answers"]  # type: ignore[no-any-return]


@pytest.mark.slow
def test_start_in_a_terminal_interrupt_resume_finish_submit(
    invoke: Any, db_path: Path, tmp_path: Path
) -> None:
    register(invoke)
    first, second = CODES
    prefill = complete_document(skip=LATER)
    prefill["programmes"][second] = complete_document()["programmes"][second]
    result = invoke(
        "aqd", "start", "--year", YEAR, "--answers", str(write_json(tmp_path / "a.json", prefill))
    )
    assert result.exit_code == 0, result.output

    # First sitting: two answers, then Ctrl-C at the third question.
    child = spawn(db_path, "--programme", first)
    child.expect_exact("Programme 1 of 1 (603/1234/5)")
    wait_select(child, "programme.improvement.previous-actions")
    child.send("\r")  # the highlighted first choice, "all addressed"
    wait_select(child, "programme.improvement.confidence")
    child.send("m")  # "medium", answered at once
    child.expect_exact(question("programme.improvement.notes"))
    child.expect_exact("? for help")
    child.sendintr()
    child.expect_exact("Stopped. Kept: 2 answers saved; nothing you gave is lost.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    answers = saved(invoke, first)
    assert answers["programme.improvement.previous-actions"] == "all addressed"
    assert answers["programme.improvement.confidence"] == "medium"
    assert "programme.improvement.notes" not in answers

    # Second sitting resumes at the notes question: help, an answer, then the terms.
    child = spawn(db_path, "--programme", first)
    child.expect_exact(question("programme.improvement.notes"))
    child.expect_exact("? for help")
    child.send("?\r")
    child.expect_exact(BANK.get("programme.improvement.notes").help[:40])  # type: ignore[union-attr]
    child.expect_exact(question("programme.improvement.notes"))
    child.expect_exact("? for help")
    child.send("New assessor joins in spring\r")
    wait_select(child, "terms.head-of-centre-agreed")
    child.send("y")
    wait_select(child, "terms.accept")
    child.send("y")
    child.expect_exact(question("terms.comments"))
    child.expect_exact("? for help")
    child.send("\r")
    child.expect_exact("All questions answered")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    assert saved(invoke, first)["programme.improvement.notes"] == "New assessor joins in spring"
    assert saved(invoke, None)["terms.accept"] is True
    result = invoke("aqd", "submit", "--year", YEAR)
    assert result.exit_code == 0, result.output
    result = invoke("aqd", "status", "--year", YEAR, "--json")
    assert json.loads(result.stdout)["status"] == "submitted"


@pytest.mark.slow
def test_start_in_a_terminal_refuses_a_submitted_declaration(
    invoke: Any, db_path: Path, tmp_path: Path
) -> None:
    register(invoke)
    path = write_json(tmp_path / "a.json", complete_document())
    assert invoke("aqd", "start", "--year", YEAR, "--answers", str(path)).exit_code == 0
    assert invoke("aqd", "submit", "--year", YEAR).exit_code == 0
    child = spawn(db_path)
    child.expect_exact("aqd reopen")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
