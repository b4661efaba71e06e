"""centre, programme and db commands, happy paths and every error path."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest

from wblqa_cli import __version__
from wblqa_cli.errors import EXIT_STORE

BA = "Pearson BTEC Level 3 Diploma in Business Administration"


def _count(db: Path, table: str) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_version_and_help(invoke) -> None:
    assert invoke("--version").stdout.strip() == f"wblqa {__version__}"
    result = invoke("--help")
    assert result.exit_code == 0
    for group in ("centre", "programme", "db"):
        assert group in result.stdout


def test_db_path_follows_option_and_env(invoke, db_path: Path, tmp_path: Path) -> None:
    assert invoke("db", "path").stdout.strip() == str(db_path)
    other = tmp_path / "other.db"
    assert invoke("--db", str(other), "db", "path").stdout.strip() == str(other)
    assert not other.exists()  # `db path` only says where; it creates nothing


def test_centre_add_list_show(invoke, db_path: Path) -> None:
    result = invoke("centre", "add", "12345", "--name", "North Vale College")
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    listed = json.loads(invoke("centre", "list", "--json").stdout)
    assert listed == [{"number": "12345", "name": "North Vale College", "programmes": 0}]
    assert "North Vale College" in invoke("centre", "list").stdout
    shown = json.loads(invoke("centre", "show", "12345", "--json").stdout)
    assert shown["programmes"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("centre", "add", "12 345", "--name", "X"), "'12 345' (NUMBER) is not a centre number"),
        (("centre", "add", "abc", "--name", "X"), "'abc' (NUMBER) is not a centre number: Pearson"),
        (("centre", "add", "12345", "--name", "  "), "--name must not be empty"),
        (("centre", "show", "99999"), "Centre '99999' is not registered"),
    ],
)
def test_centre_errors(invoke, db_path: Path, args: tuple[str, ...], message: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.stdout == ""
    assert _count(db_path, "centre") == 0


def test_duplicate_centre(invoke, centre: str, db_path: Path) -> None:
    result = invoke("centre", "add", centre, "--name", "Again")
    assert result.exit_code == 2
    assert "already registered" in result.stderr
    assert _count(db_path, "centre") == 1


def test_programme_add_looks_up_the_sector_and_lists(invoke, centre: str) -> None:
    result = invoke(
        "programme", "add", "603/1234/5", "--title", BA,
        "--expected-certification", "15/07/2026", "--expected-certification", "2026-03-01",
        "--dcs-expiry", "31 March 2026",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "sector 214." in result.stdout
    assert "Sector group 214 (Business Administration (NVQ)): the title is listed there" in (
        result.stdout
    )
    listed = json.loads(invoke("programme", "list", "--json").stdout)
    assert listed == [
        {
            "code": "603/1234/5",
            "title": BA,
            "centre": "12345",
            "sector": "214",
            "sector_match": {"group": "214", "how": "exact", "listed_title": BA},
            "dcs_expiry": "2026-03-31",
            "expected_certification": ["2026-03-01", "2026-07-15"],
            "first_year": None,  # registered before the centre's first declaration
            "retired_from": None,
        }
    ]


@pytest.mark.parametrize(
    ("sector", "stored"), [("construction", "construction"), ("Emergency Care", "emergency-care"),
                           ("214", "214"), ("marketing", "205")],
)  # fmt: skip
def test_programme_sector_by_name_or_code(invoke, centre: str, sector: str, stored: str) -> None:
    result = invoke("programme", "add", "P1", "--title", "Some Title", "--sector", sector)
    assert result.exit_code == 0, result.output
    assert json.loads(invoke("programme", "list", "--json").stdout)[0]["sector"] == stored


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--dcs-expiry", "31/02/2025"), "'31/02/2025' (--dcs-expiry) is not a valid date"),
        (("--expected-certification", "soon"), "'soon' (--expected-certification)"),
        (("--sector", "constructon"), "Did you mean 'construction'"),
        (("--centre", "55555"), "Centre '55555' is not registered"),
    ],
)
def test_programme_add_errors_write_nothing(
    invoke, centre: str, db_path: Path, extra, message
) -> None:
    result = invoke("programme", "add", "P1", "--title", BA, *extra)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert _count(db_path, "programme") == 0


def test_programme_needs_a_centre_when_several(invoke, centre: str) -> None:
    invoke("centre", "add", "67890", "--name", "Riverside")
    result = invoke("programme", "add", "P1", "--title", BA)
    assert result.exit_code == 2
    assert "say which with --centre" in result.stderr
    ok = invoke("programme", "add", "P1", "--title", BA, "--centre", "67890")
    assert ok.exit_code == 0, ok.output


def test_duplicate_programme(invoke, centre: str) -> None:
    invoke("programme", "add", "P1", "--title", BA)
    result = invoke("programme", "add", "P1", "--title", BA)
    assert result.exit_code == 2 and "already registered" in result.stderr


def _write(path: Path, text: str | bytes) -> str:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def test_programme_import_adds_and_updates(invoke, centre: str, tmp_path: Path) -> None:
    csv = _write(
        tmp_path / "p.csv",
        "code,title,centre,sector,dcs_expiry,expected_certification\n"
        f"603/1234/5,{BA},12345,,2026-03-31,15/07/2026;01/03/2026\n"
        "SEC1,Pearson BTEC Level 2 Award in Door Supervision,,security,,\n",
    )
    result = invoke("programme", "import", csv)
    assert result.exit_code == 0, result.output
    assert "2 added, 0 updated" in result.stdout
    again = invoke("programme", "import", csv)
    assert "0 added, 2 updated" in again.stdout
    rows = {p["code"]: p for p in json.loads(invoke("programme", "list", "--json").stdout)}
    assert rows["603/1234/5"]["sector"] == "214"
    assert rows["603/1234/5"]["expected_certification"] == ["2026-03-01", "2026-07-15"]
    assert rows["SEC1"]["sector"] == "security"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        ("code\nP1\n", "missing column 'title'"),
        ("code,title,colour\nP1,T,red\n", "unknown column 'colour'"),
        ("code,title\n", "no programmes in the file"),
        ("code,title\nP1,T\nP2\n", "line 3: expected 2 cells"),
        ("code,title,dcs_expiry\nP1,T,2025-01-01\nP2,T,31/02/2025\n",
         "'31/02/2025' (bad.csv, line 3, column 'dcs_expiry') is not a valid date"),
        ("code,title,centre\nP1,T,99999\n", "line 2, column 'centre': centre '99999'"),
        ("code,title\nP1,T\nP1,T again\n", "line 3, column 'code': 'P1' is already on line 2"),
        ("code,title,expected_certification\nP1,T,2026-01-01;nope\n",
         "'nope' (bad.csv, line 2, column 'expected_certification')"),
        ("code,title,sector\nP1,T,nowhere\n", "column 'sector'): is not"),
        (b"code,title\nP1,Caf\xe9\n", "line 2: not UTF-8"),
    ],
)  # fmt: skip
def test_programme_import_errors_write_nothing(
    invoke, centre: str, db_path: Path, tmp_path: Path, content, message: str
) -> None:
    result = invoke("programme", "import", _write(tmp_path / "bad.csv", content))
    assert result.exit_code == 2, result.output
    assert message.replace("): is not", ")") in result.stderr.replace(str(tmp_path) + "/", "")
    assert result.stdout == ""
    assert _count(db_path, "programme") == 0


def test_programme_import_missing_file(invoke, centre: str) -> None:
    result = invoke("programme", "import", "/nonexistent/p.csv")
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_programme_import_from_stdin(invoke, centre: str) -> None:
    result = invoke("programme", "import", "-", input=f"code,title\nP9,{BA}\n")
    assert result.exit_code == 0, result.output
    assert "1 added" in result.stdout


def test_db_check_and_backup(invoke, centre: str, db_path: Path, tmp_path: Path) -> None:
    report = json.loads(invoke("db", "check", "--json").stdout)
    assert report["integrity"] == "ok" and report["audit_chain"] == "intact"
    assert report["schema_version"] == report["program_schema"]
    target = tmp_path / "copy.db"
    result = invoke("db", "backup", str(target))
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert _count(target, "centre") == 1
    again = invoke("db", "backup", str(target))
    assert again.exit_code == 2 and "already exists" in again.stderr


def test_db_check_reports_a_broken_chain(invoke, centre: str, db_path: Path) -> None:
    from wblqa_cli.store import audit, open_store

    store = open_store(str(db_path))
    with store.session() as session:
        audit.append(session, "hold", "retention", "R1", "held")
    store.close()
    with sqlite3.connect(db_path) as conn:
        conn.execute("DROP TRIGGER audit_log_no_update")
        conn.execute("UPDATE audit_log SET user = 'someone else'")
    result = invoke("db", "check")
    assert result.exit_code == 1
    assert "changed after writing" in result.stdout


def test_a_newer_store_is_refused_by_every_command(invoke, centre: str, db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute("INSERT INTO wblqa_migrations VALUES (999, 'future', 'x')")
    result = invoke("centre", "list")
    assert result.exit_code == EXIT_STORE
    assert "newer wblqa" in result.stderr


@pytest.mark.parametrize(
    ("db", "message"),
    [
        ("nosuchengine://host/db", "Cannot use the store URL nosuchengine://host/db"),
        ("/dev/null/wblqa.db", "Cannot create the store at /dev/null/wblqa.db"),
    ],
)
def test_a_store_that_cannot_be_opened_is_a_clear_error(invoke, db: str, message: str) -> None:
    result = invoke("--db", db, "centre", "list")
    assert result.exit_code == EXIT_STORE, result.output
    assert result.stderr.startswith(f"Error: {message}")
    assert "Traceback" not in result.output
