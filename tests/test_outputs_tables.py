"""``retention list`` and ``cycle plan`` as spreadsheets, read back with openpyxl and ``csv``."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

RECORDS = (
    "id,programme,kind,cohort,certified,received,top_up_received,hold\n"
    "R1,603/1234/5,learner_work,2024-25,2025-07-01,2025-07-20,,\n"
    "=R2,603/1234/5,qa_documents,Gŵyr 2024-25,2025-07-01,,,appeal\n"
    "R3,603/1234/5,learner_work,2024-25,2025-07-01,2025-07-20,pending,\n"
)


@pytest.fixture
def records(invoke: Any, centre: str, tmp_path: Path) -> None:
    result = invoke(
        "programme",
        "add",
        "603/1234/5",
        "--title",
        "Pearson BTEC Level 3 Diploma in Business",
        "--dcs-expiry",
        "2026-03-01",
        "--expected-certification",
        "2026-06-30",
    )
    assert result.exit_code == 0, result.output
    path = tmp_path / "r.csv"
    path.write_text(RECORDS, encoding="utf-8")
    assert invoke("retention", "import", str(path)).exit_code == 0


def _sheet(path: Path, n: int = 0) -> tuple[Any, list[dict[str, Any]]]:
    ws = openpyxl.load_workbook(path).worksheets[n]
    rows = list(ws.iter_rows())
    header = [c.value for c in rows[0]]
    assert all(c.data_type != "f" for row in rows for c in row)
    return ws, [dict(zip(header, row, strict=True)) for row in rows[1:]]


def test_retention_list_xlsx(invoke: Any, records: None, tmp_path: Path) -> None:
    out = tmp_path / "list.xlsx"
    result = invoke(
        "retention", "list", "--as-of", "2025-11-01", "--format", "xlsx", "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    assert "Wrote 3 retention records" in result.stdout
    ws, rows = _sheet(out)
    assert ws.title == "Retention records" and ws.freeze_panes == "A2"
    by_id = {r["id"].value: r for r in rows}
    assert set(by_id) == {"R1", "=R2", "R3"} and by_id["=R2"]["id"].data_type == "s"
    r1 = by_id["R1"]
    assert r1["dispose_from"].is_date and r1["dispose_from"].value == datetime(2025, 10, 13)
    assert r1["status"].value == "disposable"
    assert by_id["=R2"]["hold_reason"].value == "appeal" and by_id["=R2"]["held_at"].is_date
    assert by_id["=R2"]["cohort"].value == "Gŵyr 2024-25"
    assert by_id["R3"]["top_up_received"].value == "pending"


def test_retention_list_csv_to_stdout(invoke: Any, records: None) -> None:
    result = invoke("retention", "list", "--as-of", "2025-11-01", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.count(b"\r\n") == 4
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    by_id = {r["id"]: r for r in rows}
    assert set(by_id) == {"R1", "'=R2", "R3"}
    assert by_id["R1"]["dispose_from"] == "2025-10-13"
    assert by_id["R3"]["top_up_received"] == "pending"


def test_cycle_plan_xlsx_has_two_typed_sheets(invoke: Any, records: None, tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    result = invoke(
        "cycle",
        "plan",
        "--year",
        "2025-26",
        "--as-of",
        "2025-09-01",
        "--format",
        "xlsx",
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    ws, programmes = _sheet(out, 0)
    assert ws.title == "Programmes" and ws.auto_filter.ref == "A1:M2"
    (p,) = programmes
    assert p["code"].value == "603/1234/5" and p["dcs_expiry"].value == datetime(2026, 3, 1)
    assert p["in_lsv_scope"].value is True and p["min_standards_verification"].value == 1
    assert p["expected_certification"].value == datetime(2026, 6, 30)  # one date: a date cell
    ws, keys = _sheet(out, 1)
    assert ws.title == "Key dates"
    due = next(k for k in keys if k["key"].value == "aqd-deadline")
    assert due["date"].is_date and due["source"].value


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["retention", "list", "-o", "x.xlsx"], "-o writes --format csv or xlsx"),
        (["retention", "list", "--format", "ods"], "'ods' (--format)"),
        (["retention", "list", "--json", "--format", "csv"], "Choose one output"),
        (["retention", "list", "--format", "xlsx", "--excel"], "--excel is for --format csv"),
        (["cycle", "plan", "--format", "csv"], "'csv' (--format)"),
        (["cycle", "plan", "-o", "p.xlsx"], "-o writes --format xlsx"),
    ],
)
def test_table_format_errors(invoke: Any, args: list[str], fragment: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert fragment in result.stderr and result.stdout == ""


def test_an_existing_file_is_kept_without_force(invoke: Any, records: None, tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    out.write_text("keep")
    result = invoke("cycle", "plan", "--year", "2025-26", "--format", "xlsx", "-o", str(out))
    assert result.exit_code == 2 and "--force" in result.stderr
    assert out.read_text() == "keep"
    forced = invoke(
        "cycle", "plan", "--year", "2025-26", "--format", "xlsx", "-o", str(out), "--force"
    )
    assert forced.exit_code == 0, forced.output
    assert openpyxl.load_workbook(out).sheetnames == ["Programmes", "Key dates"]


def test_xlsx_to_a_pipe_is_a_workbook(invoke: Any, records: None) -> None:
    result = invoke("retention", "list", "--format", "xlsx")  # CliRunner's stdout is no terminal
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.startswith(b"PK")  # a zip, as .xlsx files are
    book = openpyxl.load_workbook(io.BytesIO(result.stdout_bytes))
    assert book.worksheets[0].max_row == 4


def test_xlsx_is_refused_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from wblqa_cli.errors import InputError
    from wblqa_cli.tables import write_table
    from wblqa_cli.xlsx import Sheet, columns

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    with pytest.raises(InputError, match="not text for the terminal") as caught:
        write_table("xlsx", [Sheet("s", columns("a"), iter([("x",)]))], None)
    assert caught.value.hint == "Give a file name: -o FILE.xlsx"
