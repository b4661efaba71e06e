"""Start-up is a feature: commands that need no database import none of it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "questionary", "icalendar", "yaml")

PROBE = """
import json, sys
watch = set(json.loads(sys.argv[2]))
sys.argv = ["wblqa", *json.loads(sys.argv[1])]
try:
    from wblqa_cli.cli import main
    main()
except SystemExit:
    pass
heavy = sorted({m.split(".")[0] for m in sys.modules} & watch)
sys.stderr.write("HEAVY=" + json.dumps(heavy) + "\\n")
"""


def _heavy_modules_after(args: list[str]) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args), json.dumps(list(HEAVY))],
        capture_output=True,
        text=True,
        check=False,
    )
    line = [x for x in done.stderr.splitlines() if x.startswith("HEAVY=")]
    assert line, done.stderr
    return list(json.loads(line[-1].removeprefix("HEAVY=")))


@pytest.mark.parametrize(
    "args",
    [["--help"], ["--version"], ["db", "path"], ["centre", "--help"], ["programme", "--help"]],
    ids=" ".join,
)
def test_light_commands_import_no_heavy_library(args: list[str]) -> None:
    assert _heavy_modules_after(args) == []


def test_importing_the_cli_imports_no_heavy_library() -> None:
    code = (
        "import sys, wblqa_cli.cli; "
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
