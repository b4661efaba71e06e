"""CSV and xlsx outputs read back by independent clients: Python's ``csv`` and openpyxl."""

from __future__ import annotations

import csv
import io
import stat
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _aqd_helpers import complete_document, register, write_json
from wblqa_cli.csvio import BOM, neutralise
from wblqa_cli.tables import write_csv
from wblqa_cli.xlsx import Sheet, columns

YEAR = "2025-26"
NASTY = 'Gŵyr "quoted", line\nbare CR\rbare LF\nend, “curly” €'


def read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


# ------------------------------------------------------------------ the writer


def write_rows(out: io.StringIO, header: list[str], rows: Any, *, excel: bool = False) -> int:
    """Text rows through the CSV writer every table of the tool goes through."""
    return write_csv(out, Sheet("t", columns(*header), rows), excel=excel)


def test_a_bare_cr_is_quoted_and_rows_end_in_crlf() -> None:
    out = io.StringIO(newline="")
    write_rows(out, ["a", "b"], [["x\ry", "plain"], ["Gŵyr", 'say "hi", then']])
    text = out.getvalue()
    assert text == 'a,b\r\n"x\ry",plain\r\nGŵyr,"say ""hi"", then"\r\n'
    assert read_csv(text) == [["a", "b"], ["x\ry", "plain"], ["Gŵyr", 'say "hi", then']]


@given(st.lists(st.lists(st.text(), min_size=3, max_size=3), max_size=8))
def test_any_text_reads_back_as_written(rows: list[list[str]]) -> None:
    out = io.StringIO(newline="")
    write_rows(out, ["one", "two", "three"], iter(rows))  # an iterator, read once
    back = read_csv(out.getvalue())
    assert back[0] == ["one", "two", "three"]
    assert back[1:] == [[neutralise(c) for c in row] for row in rows]


def calc_import(text: str, separators: str = ",;\t") -> list[list[str]]:
    """Rows as LibreOffice Calc's import dialog splits them with Comma, Semicolon and Tab
    ticked (a fresh profile): any separator outside double quotes ends a field."""
    rows, field, row, quoted, i = [], "", [], False, 0
    while i < len(text):
        c = text[i]
        if quoted:
            if c == '"' and text[i + 1 : i + 2] == '"':
                field, i = field + '"', i + 1
            elif c == '"':
                quoted = False
            else:
                field += c
        elif c == '"':
            quoted = True
        elif c in separators:
            row.append(field)
            field = ""
        elif c == "\r" and text[i + 1 : i + 2] == "\n":
            rows.append([*row, field])
            row, field, i = [], "", i + 1
        else:
            field += c
        i += 1
    return rows


def test_a_semicolon_or_tab_is_quoted_like_a_comma() -> None:
    out = io.StringIO(newline="")
    write_rows(out, ["a", "b", "c"], [["2026-03-02; 2026-07-15", "x\ty", "plain"]])
    assert out.getvalue() == 'a,b,c\r\n"2026-03-02; 2026-07-15","x\ty",plain\r\n'
    assert calc_import(out.getvalue())[1] == ["2026-03-02; 2026-07-15", "x\ty", "plain"]


def test_excel_flavour_begins_with_a_bom() -> None:
    out = io.StringIO(newline="")
    write_rows(out, ["name"], [["Gŵyr"]], excel=True)
    data = out.getvalue().encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf") and BOM == "\ufeff"
    assert read_csv(data.decode("utf-8-sig")) == [["name"], ["Gŵyr"]]


# ------------------------------------------------------------------ aqd export


@pytest.fixture
def answered(invoke: Any, tmp_path: Path) -> dict[str, Any]:
    register(invoke)
    doc = complete_document()
    doc["centre"]["terms.comments"] = {
        "answer": '=HYPERLINK("http://evil","x")',
        "comment": NASTY + "\x01\x1b[2J",
    }
    result = invoke(
        "aqd", "start", "--year", YEAR, "--answers", str(write_json(tmp_path / "a.json", doc))
    )
    assert result.exit_code == 0, result.output
    return doc


def test_export_csv_survives_cr_lf_quotes_and_non_ascii(invoke: Any, answered: Any) -> None:
    result = invoke("aqd", "export", "--year", YEAR)
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.count(b"\r\n") >= 2 and not result.stdout_bytes.startswith(
        BOM.encode()
    )
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    comment = next(r for r in rows if r["question_id"] == "terms.comments")
    assert comment["comment"].startswith(NASTY)
    assert comment["answer"] == '\'=HYPERLINK("http://evil","x")'
    assert len({len(r) for r in rows}) == 1  # no row was split


def test_export_keeps_a_multi_date_answer_in_one_cell(invoke: Any, tmp_path: Path) -> None:
    register(invoke)
    doc = complete_document()
    code = next(iter(doc["programmes"]))
    doc["programmes"][code]["programme.certification.expected-date"] = [
        "2026-03-02",
        "2026-07-15",
    ]
    done = invoke(
        "aqd", "start", "--year", YEAR, "--answers", str(write_json(tmp_path / "a.json", doc))
    )
    assert done.exit_code == 0, done.output
    text = invoke("aqd", "export", "--year", YEAR).stdout_bytes.decode("utf-8")
    assert '"2026-03-02; 2026-07-15"' in text
    rows = calc_import(text)  # as Calc splits it, the row keeps its columns
    assert len({len(r) for r in rows}) == 1
    out = tmp_path / "a.xlsx"
    assert (
        invoke("aqd", "export", "--year", YEAR, "--format", "xlsx", "-o", str(out)).exit_code == 0
    )
    _, cells = _cells(out)
    header = [c.value for c in cells[0]]
    by = {(r[2].value, r[5].value): dict(zip(header, r, strict=True)) for r in cells[1:]}
    several = by[(code, "programme.certification.expected-date")]["answer"]
    assert several.value == "2026-03-02; 2026-07-15" and several.data_type == "s"
    one = by[(code, "programme.standardisation.date")]["answer"]
    assert one.is_date and one.value == datetime(2025, 10, 1)  # a date answer: a date cell
    at = by[(code, "programme.standardisation.date")]["answered_at"]
    assert at.is_date and at.number_format.endswith('"UTC"')  # a workbook has no zones: said


def test_export_csv_for_excel_to_a_file(invoke: Any, answered: Any, tmp_path: Path) -> None:
    out = tmp_path / "a.csv"
    result = invoke("aqd", "export", "--year", YEAR, "--excel", "-o", str(out))
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfacademic_year,")
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert next(r for r in rows if r["question_id"] == "terms.comments")["comment"].startswith(
        NASTY
    )


def _cells(path: Path) -> tuple[Any, list[tuple[Any, ...]]]:
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    return ws, [tuple(c for c in row) for row in ws.iter_rows()]


def test_export_xlsx_typed_cells_no_formula(invoke: Any, answered: Any, tmp_path: Path) -> None:
    out = tmp_path / "a.xlsx"
    result = invoke("aqd", "export", "--year", YEAR, "--format", "xlsx", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    ws, rows = _cells(out)
    header = [c.value for c in rows[0]]
    assert header[:3] == ["academic_year", "centre_number", "programme_code"]
    assert ws.freeze_panes == "A2"
    last_column = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[len(header) - 1]
    assert ws.auto_filter.ref == f"A1:{last_column}{len(rows)}"
    assert all(c.data_type != "f" for row in rows for c in row)
    by_id = {
        row[5].value: dict(zip(header, (c.value for c in row), strict=True)) for row in rows[1:]
    }
    comments = by_id["terms.comments"]
    assert comments["answer"] == '=HYPERLINK("http://evil","x")'  # text, as typed, never run
    assert comments["comment"] == NASTY.replace("\r", "") + "[2J"  # controls removed
    first = dict(zip(header, rows[1], strict=True))
    assert isinstance(first["answered_at"].value, datetime)
    assert first["flagged"].value is False and first["answer"].value is True  # yes: a boolean
    assert ws.column_dimensions["G"].width > 20  # the question's wording is wide
    expected = len(answered["centre"]) + sum(len(p) for p in answered["programmes"].values())
    assert len(rows) == expected + 1


def test_export_xlsx_refuses_to_overwrite_and_excel_flag_errors(
    invoke: Any, answered: Any, tmp_path: Path
) -> None:
    out = tmp_path / "a.xlsx"
    out.write_text("keep me")
    result = invoke("aqd", "export", "--year", YEAR, "--format", "xlsx", "-o", str(out))
    assert result.exit_code == 2 and "--force" in result.stderr
    assert out.read_text() == "keep me"
    bad = invoke("aqd", "export", "--year", YEAR, "--format", "json", "--excel")
    assert bad.exit_code == 2 and "--excel" in bad.stderr and bad.stdout == ""


# ------------------------------------------------------------------ retention check

CHECK_CSV = (
    "id,certified,received\nR1,2024-07-15,2024-08-01\n=cmd|' /C calc'!A0,2020-01-01,\nGŵyr,,\n"
)


def test_check_xlsx_has_date_cells(invoke: Any, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(CHECK_CSV, encoding="utf-8")
    out = tmp_path / "check.xlsx"
    result = invoke(
        "retention",
        "check",
        str(source),
        "--as-of",
        "2025-07-15",
        "--format",
        "xlsx",
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    ws, rows = _cells(out)
    assert [c.value for c in rows[0]][:2] == ["id", "learner_work_status"]
    assert rows[1][0].value == "R1" and rows[1][2].value == datetime(2024, 10, 25)
    assert rows[1][2].is_date
    assert rows[2][0].value == "=cmd|' /C calc'!A0" and rows[2][0].data_type == "s"
    assert rows[3][0].value == "Gŵyr" and rows[3][2].value is None
    assert ws.freeze_panes == "A2"


def test_check_csv_to_a_file_crlf(invoke: Any, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(CHECK_CSV, encoding="utf-8")
    out = tmp_path / "check.csv"
    result = invoke(
        "retention",
        "check",
        str(source),
        "--as-of",
        "2025-07-15",
        "--csv",
        "-o",
        str(out),
        "--excel",
    )
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfid,") and data.count(b"\r\n") == 4
    rows = read_csv(data.decode("utf-8-sig"))
    assert rows[1][:3] == ["R1", "disposable", date(2024, 10, 25).isoformat()]
    assert rows[2][0] == "'=cmd|' /C calc'!A0"


def test_check_csv_for_excel_on_stdout(invoke: Any, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(CHECK_CSV, encoding="utf-8")
    result = invoke("retention", "check", str(source), "--as-of", "2025-07-15", "--csv", "--excel")
    assert result.exit_code == 0, result.output
    data = result.stdout_bytes
    assert data.startswith(b"\xef\xbb\xbfid,") and data.count(b"\r\n") == 4
    assert read_csv(data.decode("utf-8-sig"))[3][0] == "Gŵyr"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--format", "ods"], "'ods' (--format)"),
        (["--json", "--format", "xlsx"], "Choose one output"),
        (["-o", "x.csv"], "-o writes --format csv or xlsx"),
        (["--json", "--excel"], "--excel is for CSV"),
    ],
)
def test_check_format_errors(invoke: Any, tmp_path: Path, args: list[str], fragment: str) -> None:
    source = tmp_path / "in.csv"
    source.write_text(CHECK_CSV, encoding="utf-8")
    result = invoke("retention", "check", str(source), *args)
    assert result.exit_code == 2
    assert fragment in result.stderr and result.stdout == ""


@pytest.mark.slow
def test_fifty_thousand_answers_open_in_openpyxl_typed_and_formula_free(
    db_path: Path, tmp_path: Path, invoke: Any
) -> None:
    """The issue's measure: 50,000 answers (many look like formulas) as a workbook."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bench.scale import seed_aqd

    assert seed_aqd(str(db_path), 50_000) == 50_000
    out = tmp_path / "a.xlsx"
    result = invoke("aqd", "export", "--year", YEAR, "--format", "xlsx", "-o", str(out), "--quiet")
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out, read_only=True).worksheets[0]
    rows = ws.iter_rows()
    header = [c.value for c in next(rows)]
    at, flagged, answer = (header.index(n) for n in ("answered_at", "flagged", "answer"))
    count = looks_like_formula = 0
    for row in rows:
        count += 1
        assert all(c.data_type != "f" for c in row)
        assert isinstance(row[at].value, datetime) and isinstance(row[flagged].value, bool)
        looks_like_formula += str(row[answer].value).startswith("=")
    assert count == 50_000 and looks_like_formula > 0
