"""Identifiers are never cut: every table at 80 columns, and piped output at its natural width.

The ids a user types back (``retention hold LW-2022-0007``), the programme
codes and the statuses must appear whole on the screen and in ``grep``: rich
would otherwise cut them to ``LW-2022-…`` or fold them across lines when a
terminal (or a pipe, which rich took to be 80 columns) is narrow.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from two_centres import ARRANGEMENT, AS_OF, BIDI_REASON, NORTH, OTAKI, PROGRAMMES, YEAR, build


def whole(token: str, text: str) -> bool:
    """``token`` appears in ``text`` with no id character joined to either side."""
    return re.search(rf"(?<![\w/.-]){re.escape(token)}(?![\w/.-])", text) is not None


@pytest.fixture
def store(invoke: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    built = build(invoke, tmp_path / "files")
    monkeypatch.setenv("COLUMNS", "80")
    return built


def out_of(invoke: Any, *args: str, code: int = 0) -> str:
    result = invoke(*args)
    assert result.exit_code == code, result.output
    assert max(len(line) for line in result.stdout.splitlines()) <= 80, result.stdout
    return str(result.stdout)


def test_retention_list_at_80_columns_shows_every_row_whole(invoke: Any, store: Any) -> None:
    records = json.loads(invoke("retention", "list", "--as-of", AS_OF, "--json").stdout)
    out = out_of(invoke, "retention", "list", "--as-of", AS_OF)
    lines = out.splitlines()
    assert len(records["records"]) == len(store.retention_ids) == 100
    for r in records["records"]:
        # The row's first line holds its id, its programme and its status, each whole.
        (line,) = [line for line in lines if whole(r["id"], line)]
        assert whole(r["programme"], line) and whole(r["status"], line), line
    # The hold reason's right-to-left override is shown, not obeyed.
    assert "\u202e" not in out and "\\u202e" in out


def test_every_table_keeps_its_ids_whole_at_80_columns(invoke: Any, store: Any) -> None:
    codes = list(PROGRAMMES)
    due = out_of(invoke, "retention", "due", "--as-of", AS_OF)
    disposable = [
        r["id"]
        for r in json.loads(invoke("retention", "list", "--as-of", AS_OF, "--json").stdout)[
            "records"
        ]
        if r["status"] == "disposable"
    ]
    assert disposable and all(whole(ref, due) for ref in disposable)
    listed = out_of(invoke, "programme", "list")
    assert all(whole(code, listed) for code in codes)
    assert all(whole(n, out_of(invoke, "centre", "list")) for n in (NORTH, OTAKI))
    north = [c for c, (centre, _, _) in PROGRAMMES.items() if centre == NORTH]
    assert all(whole(c, out_of(invoke, "centre", "show", NORTH)) for c in north)
    plan = out_of(invoke, "cycle", "plan", "--year", YEAR, "--as-of", AS_OF)
    assert all(whole(code, plan) for code in codes)
    aqd = out_of(invoke, "aqd", "status", "--year", YEAR, "--centre", NORTH)
    assert all(whole(code, aqd) for code in north)
    check = out_of(invoke, "consortium", "show", ARRANGEMENT, "--as-of", AS_OF, code=1)
    report = json.loads(
        invoke("consortium", "show", ARRANGEMENT, "--as-of", AS_OF, "--json").stdout
    )
    assert all(whole(r["id"], check) for r in report["results"])
    questions = out_of(invoke, "aqd", "questions")
    ids = [q["id"] for q in json.loads(invoke("aqd", "questions", "--json").stdout)]
    assert all(whole(qid, questions) for qid in ids)
    to_check = store.records_csv.with_name("check.csv")  # retention check's own columns
    to_check.write_text(
        "id,certified,received\n"
        + "".join(f"{ref},2024-07-15,2024-08-01\n" for ref in store.retention_ids),
        encoding="utf-8",
    )
    checked = out_of(invoke, "retention", "check", str(to_check), "--as-of", AS_OF)
    assert all(whole(ref, checked) for ref in store.retention_ids)
    sectors = json.loads(invoke("sector", "list", "--json").stdout)
    listed_sectors = out_of(invoke, "sector", "list")
    assert all(whole(str(g["code"]), listed_sectors) for g in sectors["groups"])
    assert whole("formal", out_of(invoke, "consortium", "list"))
    status = out_of(invoke, "status", "--year", YEAR, "--as-of", AS_OF)
    assert whole(NORTH, status) and whole(OTAKI, status)
    for action in json.loads(invoke("status", "--year", YEAR, "--as-of", AS_OF, "--json").stdout)[
        "actions"
    ]:
        if action["command"] and len(action["command"]) <= 50:  # room for it beside two columns
            assert f"→ {action['command']}" in status  # one line, to copy as it is


def test_an_id_too_wide_for_the_terminal_folds_but_is_never_cut(
    invoke: Any, store: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    out = invoke("retention", "list", "--as-of", AS_OF).stdout
    assert "…" not in out
    assert max(len(line) for line in out.splitlines()) <= 40


def _piped(*args: str, tmp_path: Path) -> str:
    """``wblqa ARGS | cat`` in a real process, with no COLUMNS in its environment."""
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    done = subprocess.run(
        [sys.executable, "-m", "wblqa_cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_piped_without_columns_tables_have_their_natural_width(
    invoke: Any, store: Any, tmp_path: Path
) -> None:
    out = _piped("retention", "list", "--as-of", AS_OF, tmp_path=tmp_path)
    rows = [line for line in out.splitlines() if re.match(r" LW-\d{4}-\d{4} ", line)]
    assert len(rows) == 100  # one line a record: nothing wrapped, so grep finds each
    held = next(line for line in rows if "LW-2022-0007" in line)
    assert (
        "on-hold" in held
        and BIDI_REASON.replace("\u202e", "\\u202e").replace("\u202c", "\\u202c") in held
    )
