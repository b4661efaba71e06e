"""``wblqa retention …`` and ``wblqa audit`` through CliRunner, every error path included."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
PROGRAMME = "603/1234/5"
HEADER = "id,programme,kind,cohort,learner,certified,received,top_up_received,hold"


def _ok(result: Any) -> Any:
    assert result.exit_code == 0, result.output
    return result


def _bad(result: Any, code: int = 2) -> Any:
    assert result.exit_code == code, result.output
    assert result.stdout == "", "nothing may be printed on error"
    assert result.stderr.startswith("Error: ")
    assert "Traceback" not in result.stderr
    return result


@pytest.fixture
def programme(invoke, centre) -> str:  # type: ignore[no-untyped-def]
    _ok(
        invoke(
            "programme",
            "add",
            PROGRAMME,
            "--title",
            "Pearson BTEC Level 3 Diploma in Business Administration",
        )
    )
    return PROGRAMME


def _write(tmp_path: Path, text: str | bytes, name: str = "in.csv") -> str:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


# --- calc -----------------------------------------------------------------------


def test_calc_human_says_both_dates_in_words_with_the_rule(invoke) -> None:  # type: ignore[no-untyped-def]
    out = _ok(
        invoke("retention", "calc", "--certified", "29/02/2024", "--received", "2024-03-01")
    ).stdout
    text = " ".join(out.split())
    assert "keep until Fri 24 May 2024" in text
    assert "disposed of from Sat 25 May 2024" in text
    assert "keep until Mon 1 Mar 2027" in text
    assert "disposed of from Tue 2 Mar 2027" in text
    assert "12 weeks after the certificates were received" in text
    assert "3 years after certification" in text
    assert "btec-collab-guide-1.1: Frequently asked questions" in text


def test_calc_json_has_exactly_the_contract_keys(invoke) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(_ok(invoke("retention", "calc", "--certified", "2024-02-29", "--json")).stdout)
    assert set(doc) == {"certified", "received", "learner_work", "qa_documents"}
    assert doc["certified"] == "2024-02-29"
    assert doc["received"] is None
    assert doc["learner_work"] is None
    qa = doc["qa_documents"]
    assert (qa["retain_until"], qa["dispose_from"]) == ("2027-03-01", "2027-03-02")
    assert qa["source"].startswith("btec-collab-guide-1.1:")


def test_calc_top_up_replaces_received(invoke) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(
        _ok(
            invoke(
                "retention",
                "calc",
                "--received",
                "2024-08-01",
                "--top-up-received",
                "2025-08-07",
                "--json",
            )
        ).stdout
    )
    lw = doc["learner_work"]
    assert (lw["dispose_from"], lw["trigger"]) == ("2025-10-31", "top_up_received")
    assert lw["source"] == "pearson-support:BTEC-Retention-Of-Learner-Work-Evidence"


def test_calc_without_a_date_is_exit_2(invoke) -> None:  # type: ignore[no-untyped-def]
    result = _bad(invoke("retention", "calc"))
    assert "--certified" in result.stderr and "--received" in result.stderr


@pytest.mark.parametrize("option", ["--certified", "--received", "--top-up-received"])
def test_calc_bad_date_names_the_option_and_value(invoke, option: str) -> None:  # type: ignore[no-untyped-def]
    result = _bad(invoke("retention", "calc", option, "31/02/2025"))
    assert "'31/02/2025'" in result.stderr and option in result.stderr


def test_calc_starts_without_the_database_layer() -> None:
    code = (
        "import sys\n"
        "from wblqa_cli.cli import main\n"
        "sys.argv = ['wblqa', 'retention', 'calc', '--received', '2025-02-28', '--json']\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "heavy = [m for m in ('sqlalchemy', 'sqlmodel', 'alembic', 'wblqa_cli.store') "
        "if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["learner_work"]["dispose_from"] == "2025-05-24"


# --- check ----------------------------------------------------------------------

CHECK_CSV = """id,certified,received,hold
A1,2022-07-15,2022-08-01,
A2,29/02/2024,,
A3,,15 July 2025,appeal 12
A4,,,
"""


LW_MISSING = (
    "the 'received' date is missing, and the rule (12 weeks after the certificates were "
    "received) needs it; it is never guessed"
)
QA_MISSING = (
    "the 'certified' date is missing, and the rule (3 years after certification) needs it; "
    "it is never guessed"
)


def test_check_csv_one_result_per_row(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = _ok(
        invoke("retention", "check", _write(tmp_path, CHECK_CSV), "--as-of", "2025-07-16", "--csv")
    ).stdout
    assert list(csv.reader(io.StringIO(out))) == [
        [
            "id",
            "learner_work_status",
            "learner_work_dispose_from",
            "learner_work_reason",
            "qa_documents_status",
            "qa_documents_dispose_from",
            "qa_documents_reason",
        ],
        ["A1", "disposable", "2022-10-25", "", "disposable", "2025-07-16", ""],
        ["A2", "unknown", "", LW_MISSING, "retain", "2027-03-02", ""],
        ["A3", "on-hold", "2025-10-08", "appeal 12", "on-hold", "", "appeal 12"],
        ["A4", "unknown", "", LW_MISSING, "unknown", "", QA_MISSING],
    ]


def test_check_day_before_dispose_from_is_retain(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = _ok(
        invoke("retention", "check", _write(tmp_path, CHECK_CSV), "--as-of", "2025-07-15", "--csv")
    ).stdout
    assert "A1,disposable,2022-10-25,,retain,2025-07-16," in out


def test_check_json_from_stdin(invoke) -> None:  # type: ignore[no-untyped-def]
    result = _ok(
        invoke("retention", "check", "-", "--as-of", "2025-07-16", "--json", input=CHECK_CSV)
    )
    doc = json.loads(result.stdout)
    assert doc["as_of"] == "2025-07-16"
    assert [r["id"] for r in doc["results"]] == ["A1", "A2", "A3", "A4"]
    assert doc["results"][1] == {
        "id": "A2",
        "learner_work_status": "unknown",
        "learner_work_dispose_from": None,
        "learner_work_reason": LW_MISSING,
        "qa_documents_status": "retain",
        "qa_documents_dispose_from": "2027-03-02",
        "qa_documents_reason": None,
    }
    assert doc["summary"]["rows"] == 4
    assert doc["summary"]["learner_work"] == {
        "retain": 0,
        "disposable": 1,
        "on-hold": 1,
        "unknown": 2,
    }


def test_check_default_reads_stdin_and_prints_a_table(invoke) -> None:  # type: ignore[no-untyped-def]
    out = _ok(invoke("retention", "check", "--as-of", "2025-07-16", input=CHECK_CSV)).stdout
    assert "A3" in out and "on-hold" in out and "Sat 25 Oct 2022" not in out
    assert "Tue 25 Oct 2022" in out
    assert "4 rows" in out


def test_check_top_up_column(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = "id,certified,received,top_up_received\nT1,2024-07-10,2024-08-01,2025-08-07\n"
    text += "T2,2024-07-10,2024-08-01,pending\n"
    out = _ok(
        invoke("retention", "check", _write(tmp_path, text), "--as-of", "2025-01-01", "--csv")
    ).stdout
    assert "T1,retain,2025-10-31,,retain,2027-07-11," in out
    assert "T2,unknown,,top-up route: no date yet for when the certificates for the largest " in out


def test_check_formula_ids_are_neutralised(invoke) -> None:  # type: ignore[no-untyped-def]
    text = 'id,certified,received\n"=HYPERLINK(1)",2022-07-15,\n'
    out = _ok(invoke("retention", "check", "--csv", "--as-of", "2025-01-01", input=text)).stdout
    assert "'=HYPERLINK(1)" in out


@pytest.mark.parametrize(
    ("body", "fragments"),
    [
        ("A1,2022-07-15,2022-08-01\nA2,31/02/2025,\n", ["line 3", "'certified'", "'31/02/2025'"]),
        ("A1,2022-07-15,2022-08-01\nA2,,last week\n", ["line 3", "'received'", "'last week'"]),
        ("A1,2022-07-15,2022-08-01\n,2022-07-15,\n", ["line 3", "'id'", "empty"]),
        ("A1,2022-07-15\n", ["line 2", "expected 3 cells"]),
        ("A1,9998-06-01,\n", ["line 2", "'certified'", "wblqa works with dates from"]),
    ],
    ids=["bad-certified", "bad-received", "empty-id", "short-row", "date-overflow"],
)
def test_check_bad_row_anywhere_means_exit_2_and_empty_stdout(  # type: ignore[no-untyped-def]
    invoke, tmp_path: Path, body: str, fragments: list[str]
) -> None:
    rows = "".join(f"OK{i},2022-07-15,2022-08-01\n" for i in range(50))
    text = "id,certified,received\n" + body + rows
    for args in (["--csv"], ["--json"], []):
        result = _bad(invoke("retention", "check", _write(tmp_path, text), *args))
        for fragment in fragments:
            assert fragment in result.stderr, result.stderr


def test_check_bad_top_up_cell(invoke) -> None:  # type: ignore[no-untyped-def]
    text = "id,certified,received,top_up_received\nT1,2024-07-10,2024-08-01,soon\n"
    result = _bad(invoke("retention", "check", "--csv", input=text))
    assert "line 2" in result.stderr and "'top_up_received'" in result.stderr
    assert "'soon'" in result.stderr


def test_check_bad_row_at_the_very_end_of_stdin(invoke) -> None:  # type: ignore[no-untyped-def]
    rows = "".join(f"R{i},2022-07-15,2022-08-01\n" for i in range(3000))
    text = "id,certified,received\n" + rows + "LAST,2022-13-01,\n"
    result = _bad(invoke("retention", "check", "-", "--csv", input=text))
    assert "line 3002" in result.stderr and "'2022-13-01'" in result.stderr


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("", "the file is empty"),
        ("id,certified\nA1,2022-07-15\n", "missing column 'received'"),
        ("id,certified,received,colour\n", "unknown column 'colour'"),
        ("id,certified,received\n", "no rows"),
        (b"id,certified,received\nA1,2022-07-15,\nA\xe9,2022-07-15,\n", "line 3: not UTF-8"),
    ],
    ids=["empty-file", "missing-column", "unknown-column", "header-only", "not-utf8"],
)
def test_check_malformed_files(invoke, tmp_path: Path, content: str | bytes, fragment: str) -> None:  # type: ignore[no-untyped-def]
    result = _bad(invoke("retention", "check", _write(tmp_path, content), "--csv"))
    assert fragment in result.stderr


def test_check_utf8_bom_and_non_ascii_ids(invoke) -> None:  # type: ignore[no-untyped-def]
    text = "\ufeffid,certified,received\nSíân-1,2022-07-15,\n"
    out = _ok(invoke("retention", "check", "--csv", "--as-of", "2025-01-01", input=text)).stdout
    assert f'Síân-1,unknown,,"{LW_MISSING}",retain,2025-07-16,' in out


def test_check_option_errors(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert "no such file" in _bad(invoke("retention", "check", str(tmp_path / "nope.csv"))).stderr
    both = _bad(invoke("retention", "check", "--json", "--csv", input=CHECK_CSV))
    assert "--json" in both.stderr
    as_of = _bad(invoke("retention", "check", "--as-of", "soon", input=CHECK_CSV))
    assert "--as-of" in as_of.stderr


# --- stored records -------------------------------------------------------------

IMPORT_CSV = f"""{HEADER}
LW-2022,{PROGRAMME},learner_work,2021-22 day,,2022-07-15,2022-08-01,,
QA-2022,{PROGRAMME},qa_documents,2021-22 day,,2022-07-15,2022-08-01,,
LW-2023,{PROGRAMME},learner_work,2022-23 day,,2023-07-14,2023-08-04,,appeal by learner 4411
LW-TOPUP,{PROGRAMME},learner-work,,Sam Patel,2023-07-14,2023-08-04,pending,
QA-2024,{PROGRAMME},qa_documents,2023-24 day,,2024-02-29,,,
"""


@pytest.fixture
def imported(invoke, programme, tmp_path: Path) -> str:  # type: ignore[no-untyped-def]
    result = _ok(invoke("retention", "import", _write(tmp_path, IMPORT_CSV, "records.csv")))
    assert "Imported 5 retention records" in result.stdout
    return programme


def _list(invoke, *args: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return json.loads(_ok(invoke("retention", "list", "--json", *args)).stdout)  # type: ignore[no-any-return]


def test_import_then_list_with_statuses(invoke, imported: str) -> None:  # type: ignore[no-untyped-def]
    doc = _list(invoke, "--as-of", "2025-08-01")
    status = {r["id"]: r["status"] for r in doc["records"]}
    assert status == {
        "LW-2022": "disposable",
        "QA-2022": "disposable",
        "LW-2023": "on-hold",
        "LW-TOPUP": "unknown",
        "QA-2024": "retain",
    }
    by_id = {r["id"]: r for r in doc["records"]}
    assert by_id["QA-2024"]["dispose_from"] == "2027-03-02"
    assert by_id["LW-TOPUP"]["top_up_received"] == "pending"
    assert by_id["LW-2023"]["hold"]["reason"] == "appeal by learner 4411"
    assert by_id["LW-2023"]["hold"]["by"] == "tester"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--status", "disposable"], {"LW-2022", "QA-2022"}),
        (["--status", "on-hold"], {"LW-2023"}),
        (["--status", "unknown"], {"LW-TOPUP"}),
        (["--status", "retain"], {"QA-2024"}),
        (["--kind", "qa_documents"], {"QA-2022", "QA-2024"}),
        (["--programme", "NOPE"], set()),
    ],
)
def test_list_filters(invoke, imported: str, args: list[str], expected: set[str]) -> None:  # type: ignore[no-untyped-def]
    doc = _list(invoke, "--as-of", "2025-08-01", *args)
    assert {r["id"] for r in doc["records"]} == expected


def test_list_human_and_bad_status(invoke, imported: str) -> None:  # type: ignore[no-untyped-def]
    out = _ok(invoke("retention", "list", "--as-of", "2025-08-01")).stdout
    assert "LW-TOPUP" in out and "largest qualification" in out
    assert "--status" in _bad(invoke("retention", "list", "--status", "gone")).stderr
    assert "--kind" in _bad(invoke("retention", "list", "--kind", "letters")).stderr


def test_list_empty_store(invoke) -> None:  # type: ignore[no-untyped-def]
    assert "No retention records yet" in _ok(invoke("retention", "list")).stdout


def test_due_groups_by_programme_and_kind(invoke, imported: str) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(_ok(invoke("retention", "due", "--as-of", "2025-08-01", "--json")).stdout)
    assert doc["total"] == 2
    assert doc["held_back"] == {"on-hold": 1, "unknown": 1}
    assert [(g["programme"], g["kind"], g["count"]) for g in doc["groups"]] == [
        (PROGRAMME, "learner_work", 1),
        (PROGRAMME, "qa_documents", 1),
    ]
    assert doc["groups"][1]["records"][0] == {
        "id": "QA-2022",
        "cohort": "2021-22 day",
        "learner": None,
        "dispose_from": "2025-07-16",
    }
    # The day before QA-2022's dispose_from it is not due.
    before = json.loads(_ok(invoke("retention", "due", "--as-of", "2025-07-15", "--json")).stdout)
    assert [r["id"] for g in before["groups"] for r in g["records"]] == ["LW-2022"]
    out = _ok(invoke("retention", "due", "--as-of", "2025-08-01")).stdout
    assert "2 may be disposed of" in " ".join(out.split())
    none = _ok(invoke("retention", "due", "--as-of", "2020-01-01")).stdout
    assert "Nothing may be disposed of" in none


def test_dispose_records_who_and_when_and_keeps_a_tombstone(invoke, imported: str) -> None:  # type: ignore[no-untyped-def]
    _ok(invoke("retention", "dispose", "LW-2022", "QA-2022", "--note", "shredded"))
    doc = _list(invoke, "--status", "disposed")
    assert {r["id"] for r in doc["records"]} == {"LW-2022", "QA-2022"}
    gone = doc["records"][0]["disposed"]
    assert gone["by"] == "tester" and gone["note"] == "shredded"
    assert gone["at"].startswith(date.today().isoformat()[:4])
    log = json.loads(_ok(invoke("audit", "--json", "--action", "retention.dispose")).stdout)
    assert [e["entity_id"] for e in log] == ["LW-2022", "QA-2022"]
    assert log[0]["user"] == "tester"
    assert log[0]["details"]["dispose_from"] == "2022-10-25"
    shown = json.loads(_ok(invoke("retention", "show", "LW-2022", "--json")).stdout)
    assert shown["status"] == "disposed"
    assert [h["action"] for h in shown["history"]] == ["retention.dispose"]
    again = _bad(invoke("retention", "dispose", "LW-2022"), 1)
    assert "already" in again.stderr
    assert "LW-2022" not in {
        r["id"]
        for g in json.loads(_ok(invoke("retention", "due", "--json")).stdout)["groups"]
        for r in g["records"]
    }


def test_dispose_too_early_says_when_it_becomes_allowed(invoke, programme: str) -> None:  # type: ignore[no-untyped-def]
    today = date.today()
    _ok(
        invoke(
            "retention",
            "add",
            "EARLY",
            "--programme",
            programme,
            "--kind",
            "learner_work",
            "--cohort",
            "2025-26",
            "--received",
            today.isoformat(),
        )
    )
    result = _bad(invoke("retention", "dispose", "EARLY"), 1)
    allowed = today + timedelta(weeks=12, days=1)
    assert allowed.isoformat() in result.stderr
    assert "btec-collab-guide-1.1" in result.stderr
    assert _list(invoke)["records"][0]["disposed"] is None


def test_dispose_while_held_then_release(invoke, imported: str) -> None:  # type: ignore[no-untyped-def]
    held = _bad(invoke("retention", "dispose", "LW-2023"), 1)
    assert "on hold (appeal by learner 4411)" in held.stderr
    assert "2023-10-28" in held.stderr
    _ok(invoke("retention", "release", "LW-2023", "--reason", "appeal closed"))
    _ok(invoke("retention", "dispose", "LW-2023"))


def test_dispose_is_all_or_nothing(invoke, imported: str) -> None:  # type: ignore[no-untyped-def]
    result = _bad(invoke("retention", "dispose", "LW-2022", "QA-2024", "LW-TOPUP"), 1)
    assert "Nothing was disposed of" in result.stderr
    assert "QA-2024" in result.stderr and "LW-TOPUP" in result.stderr
    assert _list(invoke, "--status", "disposed")["records"] == []


def test_dispose_unknown_id_and_unknown_date(invoke, imported: str) -> None:  # type: ignore[no-untyped-def]
    assert (
        "No retention record with id 'NOPE'" in _bad(invoke("retention", "dispose", "NOPE")).stderr
    )
    unknown = _bad(invoke("retention", "dispose", "LW-TOPUP"), 1)
    assert "largest qualification" in unknown.stderr


def test_hold_and_release_are_audited_with_reasons(invoke, imported: str) -> None:  # type: ignore[no-untyped-def]
    _ok(invoke("retention", "hold", "QA-2022", "--reason", "malpractice case 12"))
    assert _list(invoke, "--status", "on-hold", "--kind", "qa_documents")["records"][0]["id"] == (
        "QA-2022"
    )
    twice = _bad(invoke("retention", "hold", "QA-2022", "--reason", "again"))
    assert "already" in twice.stderr
    _ok(invoke("retention", "release", "QA-2022", "--reason", "case closed"))
    not_held = _bad(invoke("retention", "release", "QA-2022", "--reason", "x"))
    assert "not on hold" in not_held.stderr
    assert "--reason" in _bad(invoke("retention", "hold", "QA-2022", "--reason", "  ")).stderr
    assert "NOPE" in _bad(invoke("retention", "hold", "NOPE", "--reason", "x")).stderr
    log = json.loads(
        _ok(invoke("audit", "--json", "--entity", "retention_record", "--id", "QA-2022")).stdout
    )
    assert [(e["action"], e["details"]["reason"]) for e in log] == [
        ("retention.hold", "malpractice case 12"),
        ("retention.release", "case closed"),
    ]
    assert log[1]["details"]["hold_reason"] == "malpractice case 12"
    human = _ok(invoke("audit", "--id", "QA-2022")).stdout
    assert "retention.hold" in human and "malpractice case 12" in human


def test_add_records_and_its_errors(invoke, programme: str) -> None:  # type: ignore[no-untyped-def]
    out = _ok(
        invoke(
            "retention",
            "add",
            "L-1",
            "--programme",
            programme,
            "--kind",
            "learner_work",
            "--learner",
            "Sam Patel",
            "--received",
            "28/02/2025",
            "--hold",
            "complaint 3",
        )
    ).stdout
    assert "Sat 24 May 2025" in out and "on hold: complaint 3" in out
    added = json.loads(_ok(invoke("audit", "--json", "--id", "L-1")).stdout)
    assert [e["action"] for e in added] == ["retention.add"]
    base = ["retention", "add", "L-2", "--programme", programme, "--kind", "qa_documents"]
    dup = _bad(
        invoke(
            "retention",
            "add",
            "L-1",
            "--programme",
            programme,
            "--kind",
            "learner_work",
            "--cohort",
            "x",
        )
    )
    assert "exists already" in dup.stderr
    assert "--cohort" in _bad(invoke(*base)).stderr
    assert "is not a kind" in _bad(invoke(*base[:-1], "letters", "--cohort", "c")).stderr
    assert "--certified" in _bad(invoke(*base, "--cohort", "c", "--certified", "31/02/2025")).stderr
    unknown = _bad(
        invoke(
            "retention",
            "add",
            "L-3",
            "--programme",
            "NOPE",
            "--kind",
            "qa_documents",
            "--cohort",
            "c",
        )
    )
    assert "'NOPE'" in unknown.stderr and "not registered" in unknown.stderr
    top_up_qa = _bad(invoke(*base, "--cohort", "c", "--top-up-received", "pending"))
    assert "learner work only" in top_up_qa.stderr


@pytest.mark.parametrize(
    ("row", "fragments"),
    [
        (
            f"X,{PROGRAMME},learner_work,c,,2022-07-15,31/02/2025,,",
            ["line 3", "'received'", "'31/02/2025'"],
        ),
        (f"X,{PROGRAMME},learner_work,c,,sometime,,,", ["line 3", "'certified'", "'sometime'"]),
        (
            f"X,{PROGRAMME},learner_work,c,,,,next year,",
            ["line 3", "'top_up_received'", "'next year'"],
        ),
        (
            "X,NOPE,learner_work,c,,2022-07-15,,,",
            ["line 3", "'programme'", "'NOPE'", "not registered"],
        ),
        ("X,,learner_work,c,,2022-07-15,,,", ["line 3", "'programme'", "empty"]),
        (f"X,{PROGRAMME},letters,c,,2022-07-15,,,", ["line 3", "'kind'", "'letters'"]),
        (f"X,{PROGRAMME},learner_work,,,2022-07-15,,,", ["line 3", "cohort or a learner"]),
        (f"A,{PROGRAMME},learner_work,c,,2022-07-15,,,", ["line 3", "'id'", "already on line 2"]),
        (f",{PROGRAMME},learner_work,c,,2022-07-15,,,", ["line 3", "'id'", "empty"]),
    ],
    ids=[
        "bad-received",
        "bad-certified",
        "bad-top-up",
        "unknown-programme",
        "empty-programme",
        "bad-kind",
        "no-cohort-or-learner",
        "duplicate-id",
        "empty-id",
    ],
)
def test_import_is_all_or_nothing(  # type: ignore[no-untyped-def]
    invoke, programme: str, tmp_path: Path, row: str, fragments: list[str]
) -> None:
    text = f"{HEADER}\nA,{PROGRAMME},qa_documents,c,,2022-07-15,,,\n{row}\n"
    result = _bad(invoke("retention", "import", _write(tmp_path, text)))
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    assert _list(invoke)["records"] == []
    assert _retention_log(invoke) == []


def test_import_refuses_ids_already_stored(invoke, imported: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = (
        f"{HEADER}\nNEW,{PROGRAMME},qa_documents,c,,2022-07-15,,,\n"
        f"QA-2024,{PROGRAMME},qa_documents,c,,2022-07-15,,,\n"
    )
    result = _bad(invoke("retention", "import", _write(tmp_path, text, "again.csv")))
    assert "line 3" in result.stderr and "'QA-2024' is stored already" in result.stderr
    assert len(_list(invoke)["records"]) == 5


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("", "the file is empty"),
        ("id,programme,kind,certified\n", "missing column 'received'"),
        (f"{HEADER}\n", "no records"),
        (
            f"{HEADER}\nA,{PROGRAMME},qa_documents,c\xe9,,2022-07-15,,,\n".encode("latin-1"),
            "line 2: not UTF-8",
        ),
    ],
    ids=["empty-file", "missing-column", "header-only", "not-utf8"],
)
def test_import_malformed_files(  # type: ignore[no-untyped-def]
    invoke, programme: str, tmp_path: Path, content: str | bytes, fragment: str
) -> None:
    result = _bad(invoke("retention", "import", _write(tmp_path, content)))
    assert fragment in result.stderr


def test_import_from_stdin_with_one_audit_entry(invoke, programme: str) -> None:  # type: ignore[no-untyped-def]
    _ok(invoke("retention", "import", "-", input=IMPORT_CSV))
    log = _retention_log(invoke)
    assert [e["action"] for e in log] == ["retention.import"]
    assert log[0]["details"]["records"] == 5
    assert log[0]["details"]["on_hold"] == 1
    assert len(log[0]["details"]["sha256"]) == 64


def test_import_help_documents_the_header(invoke) -> None:  # type: ignore[no-untyped-def]
    out = " ".join(_ok(invoke("retention", "import", "--help")).stdout.split())
    assert "id,programme,kind,certified,received" in out
    assert "top_up_received" in out and "hold" in out


# --- audit and its chain --------------------------------------------------------


def test_audit_empty_and_filtered(invoke) -> None:  # type: ignore[no-untyped-def]
    assert "No audit entries" in _ok(invoke("audit")).stdout
    assert json.loads(_ok(invoke("audit", "--json", "--entity", "nothing")).stdout) == []


def test_db_check_detects_a_tampered_audit_entry(invoke, imported: str, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    _ok(invoke("retention", "hold", "QA-2022", "--reason", "appeal 9"))
    _ok(invoke("retention", "dispose", "LW-2022"))
    assert json.loads(_ok(invoke("db", "check", "--json")).stdout)["audit_chain"] == "intact"
    conn = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute(
            "UPDATE audit_log SET user = 'someone else' WHERE action = 'retention.dispose'"
        )
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET user = 'someone else' WHERE action = 'retention.dispose'")
    conn.commit()
    conn.close()
    result = invoke("db", "check", "--json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["audit_chain"] == "broken"
    assert any("changed after writing" in p for p in report["problems"])


def test_db_check_detects_a_deleted_audit_entry(invoke, imported: str, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    _ok(invoke("retention", "hold", "QA-2022", "--reason", "appeal 9"))
    _ok(invoke("retention", "release", "QA-2022", "--reason", "closed"))
    conn = sqlite3.connect(db_path)
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.execute("DELETE FROM audit_log WHERE action = 'retention.hold'")
    conn.commit()
    conn.close()
    result = invoke("db", "check")
    assert result.exit_code == 1, result.output
    assert "does not follow" in result.stdout


def test_retention_table_matches_its_model(invoke) -> None:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    from wblqa_cli.store import open_store
    from wblqa_cli.store.models import RetentionRecord

    store = open_store()
    try:
        inspector = sa.inspect(store.engine)
        columns = {c["name"]: c for c in inspector.get_columns("retention_record")}
        model = RetentionRecord.__table__.columns  # type: ignore[attr-defined]
        assert set(columns) == {c.name for c in model}
        for column in model:
            assert columns[column.name]["nullable"] == column.nullable, column.name
        indexed = {tuple(i["column_names"]) for i in inspector.get_indexes("retention_record")}
        assert ("dispose_from",) in indexed and ("programme_id",) in indexed
    finally:
        store.close()


def test_every_retention_command_has_help(invoke) -> None:  # type: ignore[no-untyped-def]
    from wblqa_cli.retention.cli import app

    names = [c.name for c in app.registered_commands]
    assert set(names) >= {
        "calc",
        "check",
        "add",
        "import",
        "list",
        "due",
        "hold",
        "release",
        "dispose",
    }
    for name in names:
        assert name is not None
        out = _ok(invoke("retention", name, "--help")).stdout
        assert len(out.split()) > 5
    assert "audit" in _ok(invoke("--help")).stdout


# --- progress on a terminal -----------------------------------------------------


def _on_a_terminal(args: list[str], env: dict[str, str], out: Path) -> tuple[int, bytes, bytes]:
    """Run wblqa with stderr on a pseudo-terminal and stdout to a file."""
    import os
    import pty

    master, slave = pty.openpty()
    with out.open("wb") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "wblqa_cli", *args],
            stdout=sink,
            stderr=slave,
            stdin=subprocess.DEVNULL,
            env=env,
        )
    os.close(slave)
    err = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        err += chunk
    os.close(master)
    code = proc.wait(timeout=60)
    return code, out.read_bytes(), err


@pytest.mark.slow
def test_progress_goes_to_a_terminal_and_data_stays_on_stdout(
    tmp_path: Path, db_path: Path
) -> None:
    import os

    rows = 12_000
    text = "id,certified,received\n" + "".join(f"R{i},2022-07-15,2022-08-01\n" for i in range(rows))
    archive = _write(tmp_path, text, "big.csv")
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "WBLQA_DB": str(db_path)}
    env.pop("NO_COLOR", None)
    env["TERM"] = "xterm"
    code, out, err = _on_a_terminal(
        ["retention", "check", archive, "--csv", "--as-of", "2025-01-01"], env, tmp_path / "out"
    )
    assert code == 0, err
    lines = out.decode().splitlines()
    assert len(lines) == rows + 1
    assert all(line.startswith("R") for line in lines[1:])
    assert b"Checking rows" in err
    assert b"R1," not in err  # no data routed through the progress display
    # Piped (as in every other test here): no progress at all.
    piped = subprocess.run(
        [sys.executable, "-m", "wblqa_cli", "retention", "check", archive, "--csv"],
        env=env,
        capture_output=True,
        check=False,
    )
    assert piped.returncode == 0 and piped.stderr == b""


def _retention_log(invoke: Any) -> list[dict[str, Any]]:
    """The audit log without the entries of registering the centre and programmes."""
    log = json.loads(_ok(invoke("audit", "--json")).stdout)
    return [e for e in log if e["entity"] not in ("centre", "programme")]
