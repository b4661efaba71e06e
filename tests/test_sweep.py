"""The sweep: (command, input, expected exit) over every command that reads a date, a
year, a file or a name. CI runs it on SQLite and again on PostgreSQL (.ci/run).

Whatever the input, the result is the expected exit code with a one-line
``Error:`` for exit 2, never a traceback (the suite turns the crash handler
into a failure), and no raw control character on either stream.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from _aqd_helpers import CODES
from wblqa_cli.cli import app
from wblqa_cli.consortium.template import TEMPLATE as UNEDITED

# The template as a person leaves it once filled in (its sample values kept).
TEMPLATE = UNEDITED.replace("unedited_template = true\n", "")

RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
HOSTILE = "E\x1b[2J\x1b]0;t\x07 [/] [link=x]y"

#: Files the sweep feeds to commands, by name: {NAME} in an argument is its path.
FILES = {
    "missing.csv": None,
    "folder": "<folder>",
    "empty.csv": "",
    "nul.csv": "id,programme,kind,cohort,certified,received\nA,P1,learner_work,c\x00,,\n",
    "archive-nul.csv": "id,certified,received\nA\x00,2020-01-01,\n",
    "programmes-nul.csv": "code,title\nP2,Ca\x00re\n",
    "programmes-far.csv": "code,title,dcs_expiry\nP2,Care,9999-12-31\n",
    "records-far.csv": "id,programme,kind,cohort,certified,received\n"
    f"A,{CODES[0]},learner_work,c,0001-01-01,\n",
    "records-ok.csv": "id,programme,kind,cohort,certified,received\n"
    f"A,{CODES[0]},learner_work,c {HOSTILE},2199-12-31,2199-12-31\n",
    "ancient.toml": TEMPLATE.replace("delivery_start = 2025-09-08", "delivery_start = 0001-01-01"),
    "nul.toml": TEMPLATE.replace("North Vale College", "North\\u0000Vale"),
    "hostile.toml": TEMPLATE.replace("North Vale College", "North \\u001b[2J [/] Vale"),
    "empty.toml": "",
    "huge.json": '{"centre": {"terms.comments": ' + "9" * 5000 + "}}",
    "mixed.yaml": "centre: {}\n2: 3\nz: 1\n",
    "nul.json": '{"centre": {"terms.comments": "a\\u0000b"}}',
}

SWEEP: list[tuple[tuple[str, ...], int]] = [
    # dates and years, at and beyond the ends of the range
    (("status", "--as-of", "0001-01-01"), 2),
    (("status", "--as-of", "9999-12-31"), 2),
    (("status", "--as-of", "2199-12-31"), 0),
    (("status", "--as-of", "1900-01-01"), 0),
    (("cycle", "plan", "--as-of", "0001-01-01"), 2),
    (("cycle", "plan", "--year", "0000-01"), 2),
    (("cycle", "plan", "--year", "9999-00"), 2),
    (("cycle", "plan", "--year", "2199-00", "--as-of", "2199-12-31"), 0),
    (("calendar", "--year", "0000-01", "-o", "{folder}/a.ics"), 2),
    (("calendar", "--year", "9999-00", "-o", "{folder}/b.ics"), 2),
    (("calendar", "--year", "2199-00", "-o", "{folder}/c.ics"), 0),
    (("aqd", "deadline", "--year", "0000-01"), 2),
    (("aqd", "status", "--year", "9999-00"), 2),
    (("aqd", "export", "--year", "0000-01"), 2),
    (("retention", "calc", "--certified", "0001-01-01"), 2),
    (("retention", "calc", "--certified", "2199-12-31", "--received", "2199-12-31"), 0),
    (("retention", "calc", "--certified", "1 January 0001"), 2),
    (("retention", "due", "--as-of", "9999-12-31"), 2),
    (("retention", "due", "--as-of", "2199-12-31"), 0),
    (("programme", "add", "PX", "--title", "T", "--dcs-expiry", "9999-12-31"), 2),
    (("programme", "add", "PX", "--title", "T", "--expected-certification", "0001-01-01"), 2),
    (
        (
            "retention",
            "add",
            "R9",
            "--programme",
            CODES[0],
            "--kind",
            "learner_work",
            "--cohort",
            "c",
            "--certified",
            "1899-12-31",
        ),
        2,
    ),
    # files
    (("retention", "import", "{missing.csv}"), 2),
    (("retention", "import", "{folder}"), 2),
    (("retention", "import", "{empty.csv}"), 2),
    (("retention", "import", "{nul.csv}"), 2),
    (("retention", "import", "{records-far.csv}"), 2),
    (("retention", "import", "{records-ok.csv}"), 0),
    (("retention", "check", "{archive-nul.csv}"), 2),
    (("retention", "check", "{missing.csv}"), 2),
    (("programme", "import", "{programmes-nul.csv}"), 2),
    (("programme", "import", "{programmes-far.csv}"), 2),
    (("programme", "import", "{missing.csv}"), 2),
    (("consortium", "check", "{missing.csv}"), 2),
    (("consortium", "check", "{folder}"), 2),
    (("consortium", "check", "{ancient.toml}"), 2),
    (("consortium", "check", "{nul.toml}"), 2),
    (("consortium", "check", "{hostile.toml}"), 0),
    (("consortium", "import", "{ancient.toml}"), 2),
    (("consortium", "diff", "{hostile.toml}", "{nul.toml}"), 2),
    (("aqd", "start", "--answers", "{empty.toml}"), 2),
    (("aqd", "start", "--answers", "{huge.json}"), 2),
    (("aqd", "start", "--answers", "{mixed.yaml}"), 2),
    (("aqd", "start", "--answers", "{nul.json}"), 2),
    (("db", "backup", "/proc/1/x.db"), 2),
    (("db", "check", "--anchor", "zz"), 2),
    # names and ids, hostile
    (("centre", "add", "99999", "--name", HOSTILE), 0),
    (("centre", "show", HOSTILE), 2),
    (("retention", "show", HOSTILE), 2),
    (("retention", "hold", "LW-1", "--reason", HOSTILE), 0),
    (("sector", "lookup", HOSTILE), 0),
    (("audit", "--id", HOSTILE), 0),
    (("programme", "add", "P-H", "--title", HOSTILE), 0),
]


@pytest.fixture
def ready(invoke, tmp_path: Path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    assert invoke("centre", "add", "12345", "--name", "North Vale College").exit_code == 0
    assert invoke("programme", "add", CODES[0], "--title", "Business").exit_code == 0
    assert invoke("retention", "add", "LW-1", "--programme", CODES[0], "--kind",
                  "learner_work", "--cohort", "c1").exit_code == 0  # fmt: skip
    paths: dict[str, str] = {}
    for name, content in FILES.items():
        path = tmp_path / "in" / name
        path.parent.mkdir(exist_ok=True)
        if content == "<folder>":
            path.mkdir()
        elif content is not None:
            path.write_text(content, encoding="utf-8")
        paths[name] = str(path)
    return paths


@pytest.mark.parametrize(("args", "expected"), SWEEP, ids=[" ".join(a)[:60] for a, _ in SWEEP])
def test_sweep(ready: dict[str, str], args: tuple[str, ...], expected: int) -> None:
    argv = [re.sub(r"\{([^{}]+)\}", lambda m: ready[m.group(1)], a) for a in args]
    result = CliRunner().invoke(app, argv, catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    assert result.exit_code == expected, (result.exit_code, result.stdout, result.stderr)
    if expected == 2:
        assert result.stderr.startswith("Error: "), result.stderr
        assert len(result.stderr.splitlines()) <= 3, result.stderr
    for stream in (result.stdout, result.stderr):
        assert RAW.search(stream) is None, stream[:500]
