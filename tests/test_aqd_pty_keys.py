"""A whole declaration answered in a real terminal with the keys people press.

``y`` and ``n`` answer yes/no menus at once, a choice's first letter answers
it, ``?`` shows help and asks again, ``s`` skips for later, and Enter keeps
what is highlighted or leaves a text blank. The second sitting resumes, says
so, and finishes; then the declaration submits.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from _aqd_helpers import register
from wblqa_cli.aqd.bank import Question, load_bank
from wblqa_cli.aqd.interview import prompt_spec

pexpect = pytest.importorskip("pexpect")

REPO = Path(__file__).resolve().parents[1]
BANK = load_bank()
YEAR = "2025-26"
CODE = "603/1234/5"
NO_WITHOUT_FLAG = {"centre.collaboration.any", "programme.dcs.held"}
NO_WITH_FLAG = "centre.policies.malpractice"  # answered n: flagged, comment left blank
HELP_ON = "centre.wbl-group.selected"
SKIP_ON = "centre.policies.assessment"
TEXTS = [q.question for q in BANK.questions]
SELECT_READY = "? help · s skip"
TEXT_READY = "? for help"


def spawn(db: Path) -> Any:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO / "src"),
        "TERM": "xterm",
        "COLUMNS": "220",
        "LINES": "50",
        "NO_COLOR": "1",
        "WBLQA_USER": "pty-tester",
        "PROMPT_TOOLKIT_NO_CPR": "1",
    }
    return pexpect.spawn(
        sys.executable,
        ["-m", "wblqa_cli", "--db", str(db), "aqd", "start", "--year", YEAR],
        env=env,
        cwd=str(REPO),
        encoding="utf-8",
        dimensions=(50, 220),
        timeout=30,
    )


def first_choice_key(q: Question) -> str:
    spec = prompt_spec(q, None)
    return next(k for k, v in spec["keys"].items() if v == q.choices[0])


def answer(child: Any, q: Question, used: set[str]) -> None:
    """Answer one question with a single key (or a date and Enter)."""
    if q.type in ("date", "dates"):  # "dates": one or more, separated by ";"
        child.expect_exact(TEXT_READY)
        child.send("01/09/2025\r")
        used.add("date")
        return
    if q.type == "text":
        child.expect_exact(TEXT_READY)
        child.send("\r")  # Enter: left blank
        used.add("enter")
        return
    child.expect_exact(SELECT_READY)
    if q.id == HELP_ON:
        child.send("?")
        child.expect_exact(q.help[:50])
        child.expect_exact(SELECT_READY)
        used.add("?")
    if q.id == SKIP_ON:
        child.send("s")
        used.add("s")
        return
    if q.type == "choice":
        child.send(first_choice_key(q))
        used.add("letter")
    elif q.id in NO_WITHOUT_FLAG or q.id == NO_WITH_FLAG:
        child.send("n")
        used.add("n")
        if q.id == NO_WITH_FLAG:
            child.expect_exact("This answer will be flagged")
            child.send("\r")
    else:
        child.send("y")
        used.add("y")


def walk(child: Any, used: set[str]) -> str:
    """Answer every question asked until the sitting ends; returns how it ended."""
    while True:
        ends = ["answered in all", "All questions answered", "still open"]
        at = child.expect_exact(ends)
        if at:
            return ends[at]
        q = BANK.questions[child.expect_exact(TEXTS)]
        answer(child, q, used)


@pytest.mark.slow
def test_a_declaration_answered_with_single_keys(invoke: Any, db_path: Path) -> None:
    register(invoke, (CODE,))
    used: set[str] = set()

    child = spawn(db_path)
    child.expect_exact(f"Annual Quality Declaration {YEAR} for centre 12345, 1 programme")
    assert walk(child, used) == "still open"  # one question was skipped
    child.expect_exact(f"Run `wblqa aqd start --year {YEAR}` again")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    child = spawn(db_path)
    child.expect_exact(f"Resuming {YEAR} for centre 12345: ")
    child.expect_exact("; next: Centre declarations (centre)")
    child.expect_exact(BANK.get(SKIP_ON).question)  # type: ignore[union-attr]
    child.expect_exact(SELECT_READY)
    child.send("\r")  # Enter: the highlighted answer, Yes
    assert walk(child, used) == "All questions answered"
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert used >= {"y", "n", "?", "s", "enter", "letter", "date"}

    status = json.loads(invoke("aqd", "status", "--year", YEAR, "--json").stdout)
    assert status["complete"] is True
    centre = next(s for s in status["scopes"] if s["programme"] is None)
    assert centre["answers"][SKIP_ON] is True
    assert centre["answers"][NO_WITH_FLAG] is False
    assert centre["answers"]["centre.collaboration.any"] is False
    result = invoke("aqd", "submit", "--year", YEAR)
    assert result.exit_code == 0, result.output
