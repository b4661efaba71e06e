"""Random and hostile input to every command that reads a file, a date or a title.

Whatever arrives, the result is exit 0, 1 or 2 with a message, never a
traceback, and never a partial write.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from wblqa_cli.cli import app

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
CELL = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)


def run(*args: str, input: str | bytes | None = None):
    return CliRunner().invoke(app, list(args), input=input, catch_exceptions=True)


def assert_clean(result) -> None:
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output, result.exception)
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert result.stderr.startswith("Error: "), result.stderr


def programme_count(db: Path) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM programme").fetchone()[0])


@SETTINGS
@given(
    rows=st.lists(st.lists(CELL, min_size=1, max_size=7), max_size=6),
    header=st.sampled_from(
        [
            "code,title",
            "code,title,centre,sector,dcs_expiry,expected_certification",
            "code,title,dcs_expiry",
            "title",
            "",
        ]
    ),
)
def test_programme_import_of_anything(db_path: Path, tmp_path: Path, header: str, rows) -> None:
    run("centre", "add", "12345", "--name", "N")
    before = programme_count(db_path)
    path = tmp_path / "in.csv"
    body = "\n".join([header, *(",".join(r) for r in rows)])
    path.write_text(body, encoding="utf-8")
    result = run("programme", "import", str(path))
    assert_clean(result)
    if result.exit_code != 0:
        assert programme_count(db_path) == before


@SETTINGS
@given(raw=st.binary(max_size=200))
def test_programme_import_of_arbitrary_bytes(db_path: Path, tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(b"code,title\n" + raw)
    before = programme_count(db_path)
    result = run("programme", "import", str(path))
    assert_clean(result)
    if result.exit_code != 0:
        assert programme_count(db_path) == before


@SETTINGS
@given(text=st.text(max_size=30), title=st.text(max_size=60))
def test_programme_add_with_any_date_and_title(db_path: Path, text: str, title: str) -> None:
    before = programme_count(db_path)
    result = run("programme", "add", "P1", "--title", title or "x", "--dcs-expiry", text or "x")
    assert_clean(result)
    if result.exit_code != 0:
        assert programme_count(db_path) == before
    else:
        run("--db", str(db_path), "db", "check")
