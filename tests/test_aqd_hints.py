"""Every hint an AQD command prints runs as printed and acts on the same declaration.

The declaration here is 2025-26 of centre 12345 in a store with two centres,
on a day in 2026-27: a hint that dropped ``--year`` or ``--centre`` would
open another year, or be refused for want of a centre.
"""

from __future__ import annotations

import re
import shlex
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from _aqd_helpers import CODES, complete_document, register, write_json
from wblqa_cli import dates
from wblqa_cli.aqd import cli_prompting as prompting
from wblqa_cli.aqd import cli_start

YEAR, CENTRE, TODAY = "2025-26", "12345", date(2026, 11, 2)
HINT = re.compile(r"`(wblqa aqd [^`]+)`|then run: (wblqa aqd .+)$", re.MULTILINE)
LATER = ("terms.accept", "terms.comments", "terms.head-of-centre-agreed")


def hints(text: str) -> list[str]:
    return [a or b for a, b in HINT.findall(text)]


@pytest.fixture
def world(invoke: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Two centres, a day in 2026-27, and a terminal whose person stops at once."""
    monkeypatch.setattr(dates, "today", lambda: TODAY)
    monkeypatch.setattr(cli_start, "_has_terminal", lambda: True)
    register(invoke)
    assert invoke("centre", "add", "23456", "--name", "Riverside").exit_code == 0

    def stop(spec: dict[str, Any]) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(prompting, "ask", stop)
    return invoke


def run_hint(invoke: Any, hint: str, tmp_path: Path) -> str:
    words = shlex.split(hint.replace("TEXT", "'checking hints'"))
    assert words[:2] == ["wblqa", "aqd"], hint
    result = invoke(*words[1:])
    out = result.stdout + result.stderr
    assert "No such option" not in out and "Usage:" not in out, (hint, out)
    assert "centres are registered" not in out, (hint, out)  # --centre was kept
    assert YEAR in out and CENTRE in out, (hint, out)
    assert "2026-27" not in out, (hint, out)
    return out


def test_every_hint_targets_the_same_declaration(world: Any, tmp_path: Path) -> None:
    invoke = world
    ours = ("--year", YEAR, "--centre", CENTRE)
    seen: list[str] = []

    def step(*args: str, code: int | None = None) -> str:
        result = invoke(*args)
        if code is not None:
            assert result.exit_code == code, result.output
        text = result.stdout + result.stderr
        seen.extend(hints(text))
        return text

    template = tmp_path / "my answers.toml"
    step("aqd", "template", "-o", str(template), *ours, code=0)
    partial = write_json(tmp_path / "partial.json", complete_document(skip=LATER))
    step("aqd", "start", *ours, "--answers", str(partial), code=0)
    step("aqd", "start", *ours, code=130)  # stopped at once: the hint to carry on
    step("aqd", "start", *ours, "--programme", CODES[0], code=130)
    step("aqd", "submit", *ours, code=1)  # incomplete
    doc = complete_document()
    doc["programmes"][CODES[0]]["programme.improvement.confidence"] = "low"  # a flag
    step("aqd", "start", *ours, "--answers", str(write_json(tmp_path / "all.json", doc)), code=0)
    step("aqd", "status", *ours, code=0)  # complete: submit it
    step("aqd", "submit", *ours, code=0)  # flagged: see status
    step("aqd", "start", *ours, code=1)  # submitted: reopen first
    step("aqd", "reopen", *ours, "--reason", "fix a date", code=0)
    expected = {
        f"wblqa aqd start --year {YEAR} --centre {CENTRE} --answers 'my answers.toml'",
        f"wblqa aqd status --year {YEAR} --centre {CENTRE}",
        f"wblqa aqd start --year {YEAR} --centre {CENTRE}",
        f"wblqa aqd start --year {YEAR} --centre {CENTRE} --programme {CODES[0]}",
        f"wblqa aqd submit --year {YEAR} --centre {CENTRE}",
        f"wblqa aqd reopen --year {YEAR} --centre {CENTRE} --reason TEXT",
        f"wblqa aqd start --year {YEAR} --centre {CENTRE} --review",
    }
    found = {re.sub(r"'?/\S*/(my answers.toml)'?", r"'\1'", h) for h in seen}
    assert expected <= found, expected - found
    # Run them, in a fresh order of states: each acts on 2025-26 of centre 12345.
    for hint in dict.fromkeys(seen):
        if "--answers" in hint:
            continue  # the template's hint: the file is still blank
        run_hint(invoke, hint, tmp_path)


def test_late_submission_is_stated_and_audited(world: Any, tmp_path: Path) -> None:
    invoke = world
    answers = write_json(tmp_path / "all.json", complete_document())
    ours = ("--year", YEAR, "--centre", CENTRE)
    assert invoke("aqd", "start", *ours, "--answers", str(answers)).exit_code == 0
    result = invoke("aqd", "submit", *ours)
    assert result.exit_code == 0, result.output
    late = (TODAY - date(2025, 10, 14)).days
    assert f"Submitted {late} days late: the deadline was Tue 14 Oct 2025." in result.stderr
    log = invoke("audit", "--id", f"{CENTRE}/{YEAR}", "--json")
    entries = [e for e in __import__("json").loads(log.stdout) if e["action"] == "aqd.submit"]
    assert entries and entries[-1]["details"]["days_late"] == late, log.stdout
    assert f"{late} days late" in entries[-1]["summary"]
