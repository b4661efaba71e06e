"""Long work shows a progress bar on a terminal, nothing extra when piped, none with --quiet.

The terminal runs use a real pseudo-terminal (pexpect) with a timeout, so a
hang fails the test instead of stalling the suite; large outputs go to files.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

from _aqd_helpers import complete_document, register, write_json

pexpect = pytest.importorskip("pexpect")

REPO = Path(__file__).resolve().parents[1]
YEAR = "2025-26"
ROWS = 2_000
# What each long-running command says on its bar (output.progress descriptions).
BARS = ("Checking rows", "Importing", "Writing results", "Exporting answers")


@pytest.fixture
def workload(invoke: Any, db_path: Path, tmp_path: Path) -> dict[str, Path]:
    """A store with a centre, programmes and a complete AQD; big CSVs to check and import."""
    register(invoke)
    answers = write_json(tmp_path / "answers.json", complete_document())
    assert invoke("aqd", "start", "--year", YEAR, "--answers", str(answers)).exit_code == 0
    check = tmp_path / "check.csv"
    check.write_text(
        "id,certified,received\n" + "".join(f"C{i},2022-07-15,2022-08-01\n" for i in range(ROWS)),
        encoding="utf-8",
    )
    programmes = tmp_path / "programmes.csv"
    programmes.write_text(
        "code,title\n" + "".join(f"Q{i},Programme {i}\n" for i in range(1000)), encoding="utf-8"
    )
    return {"check": check, "programmes": programmes, "db": db_path, "dir": tmp_path}


def _records(folder: Path, prefix: str) -> Path:
    path = folder / f"records-{prefix}.csv"
    path.write_text(
        "id,programme,kind,certified,received,cohort\n"
        + "".join(
            f"{prefix}{i},603/1234/5,learner_work,2022-07-15,2022-08-01,2021-23\n"
            for i in range(ROWS)
        ),
        encoding="utf-8",
    )
    return path


def _env(db: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "WBLQA_DB": str(db), "TERM": "xterm"}
    env.pop("NO_COLOR", None)
    return env


def _on_a_terminal(args: list[str], db: Path, stdout: Path) -> tuple[int, str]:
    """Run wblqa on a pseudo-terminal, stdout sent to a file; (exit code, terminal text)."""
    child = pexpect.spawn(
        "/bin/sh",
        ["-c", 'exec "$0" "$@" > "$WBLQA_OUT"', sys.executable, "-m", "wblqa_cli", *args],
        env={**_env(db), "WBLQA_OUT": str(stdout)},
        timeout=90,
        dimensions=(24, 120),
        encoding="utf-8",
        codec_errors="replace",
    )
    try:
        text = child.read()  # everything until the end, or pexpect.TIMEOUT: never a hang
    finally:
        child.close(force=True)
    return child.exitstatus, text


def _commands(w: dict[str, Path], tag: str) -> list[tuple[list[str], str]]:
    """(arguments, the bar it must show) for each long-running command."""
    out = w["dir"]
    return [
        (
            ["retention", "check", str(w["check"]), "--csv", "--as-of", "2025-01-01"],
            "Checking rows",
        ),
        (["retention", "import", str(_records(out, tag))], "Importing"),
        (["programme", "import", str(w["programmes"])], "Checking rows"),
        (["aqd", "export", "--year", YEAR, "-o", str(out / f"{tag}.csv"), "--force"], "Exporting"),
    ]


@pytest.mark.slow
def test_a_terminal_shows_progress_and_quiet_silences_it(workload: dict[str, Path]) -> None:
    stdout = workload["dir"] / "stdout"
    for args, bar in _commands(workload, "T"):
        code, text = _on_a_terminal(args, workload["db"], stdout)
        assert code == 0, text
        assert bar in text, (args, text[-500:])
    for args, _ in _commands(workload, "Q"):
        code, text = _on_a_terminal([*args, "--quiet"], workload["db"], stdout)
        assert code == 0, text
        assert not any(bar in text for bar in BARS), (args, text[-500:])
    assert stdout.stat().st_size == 0 or "Traceback" not in stdout.read_text(encoding="utf-8")


def test_piped_runs_print_no_progress(invoke: Any, workload: dict[str, Path]) -> None:
    # In-process, stdout and stderr are pipes as far as wblqa can tell (not terminals).
    # retention check through a real pipe: test_retention_cli.py::test_progress_goes_to_...
    for args, _ in _commands(workload, "P"):
        result = invoke(*args)
        assert result.exit_code == 0, result.output
        assert not any(bar in result.output for bar in BARS), args
        assert "\x1b[" not in result.output  # no cursor movement or colour either
        if args[1] == "check":
            assert result.stderr == ""
            assert len(result.stdout.splitlines()) == ROWS + 1
        else:
            assert result.stderr == "" or result.stderr.startswith("Imported ")


def test_quiet_is_offered_by_every_long_running_command(invoke: Any) -> None:
    for group, command in (
        ("retention", "check"),
        ("retention", "import"),
        ("programme", "import"),
        ("aqd", "export"),
    ):
        result = invoke(group, command, "--help")
        assert result.exit_code == 0
        assert "--quiet" in result.stdout and "-q" in result.stdout, (group, command)
