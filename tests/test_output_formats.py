"""``--format``: one enum and one parser for every command that writes tables.

The parser (:meth:`wblqa_cli.tables.Formats.choose`) is tested as a table of
cases; the commands are tested through it, and a scan of the source keeps any
command from growing its own ``--format`` again.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest

from wblqa_cli.errors import InputError
from wblqa_cli.tables import Format, Formats

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "wblqa_cli"
TABLE, JSON, CSV, XLSX, JUNIT = Format
LIST = Formats((TABLE, JSON, CSV, XLSX))
CHECK = Formats((TABLE, CSV, JSON, XLSX), csv_flag=True)
EXPORT = Formats((CSV, JSON, XLSX), default=CSV, to_file=(CSV, JSON, XLSX))
PLAN = Formats((TABLE, JSON, XLSX), to_file=(XLSX,))
CONSORTIUM = Formats((TABLE, JSON, JUNIT), to_file=())
OUT = Path("out.file")


@pytest.mark.parametrize(
    ("formats", "value", "options", "chosen"),
    [
        pytest.param(LIST, "table", {}, TABLE, id="the default"),
        pytest.param(LIST, "csv", {}, CSV, id="as given"),
        pytest.param(LIST, " XLSX ", {"output": OUT}, XLSX, id="any case, spaces trimmed"),
        pytest.param(LIST, "table", {"json": True}, JSON, id="--json over the default"),
        pytest.param(LIST, "json", {"json": True}, JSON, id="--json and --format json agree"),
        pytest.param(CHECK, "table", {"csv": True, "excel": True}, CSV, id="--csv --excel"),
        pytest.param(EXPORT, "csv", {}, CSV, id="export: csv by default"),
        pytest.param(EXPORT, "json", {"output": OUT}, JSON, id="export: json to a file"),
        pytest.param(CONSORTIUM, "junit", {}, JUNIT, id="junit"),
        pytest.param(CONSORTIUM, "table", {"json": True}, JSON, id="consortium --json"),
    ],
)
def test_the_one_parser_chooses(
    formats: Formats, value: str, options: dict[str, Any], chosen: Format
) -> None:
    assert formats.choose(value, **options) is chosen


@pytest.mark.parametrize(
    ("formats", "value", "options", "message"),
    [
        (LIST, "ods", {}, "'ods' (--format) is not one of table, json, csv, xlsx."),
        (EXPORT, "table", {}, "'table' (--format) is not one of csv, json, xlsx."),
        (PLAN, "csv", {}, "'csv' (--format) is not one of table, json, xlsx."),
        (LIST, "csv", {"json": True}, "Choose one output: --format csv or --json."),
        (CHECK, "table", {"json": True, "csv": True}, "Choose one output: --json or --csv."),
        (CONSORTIUM, "junit", {"json": True}, "Choose one output: --format junit or --json."),
        (LIST, "table", {"output": OUT}, "-o writes --format csv or xlsx; add --format."),
        (LIST, "table", {"json": True, "output": OUT}, "-o writes --format csv or xlsx"),
        (PLAN, "json", {"output": OUT}, "-o writes --format xlsx; add --format."),
        (LIST, "xlsx", {"excel": True}, "--excel is for --format csv."),
        (EXPORT, "json", {"excel": True}, "--excel is for --format csv."),
        (CHECK, "table", {"json": True, "excel": True}, "--excel is for CSV (--csv or --format"),
    ],
)
def test_the_one_parser_refuses_in_one_line(
    formats: Formats, value: str, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(InputError) as refused:
        formats.choose(value, **options)
    assert refused.value.message.startswith(message)
    assert "\n" not in refused.value.message


def test_every_format_option_is_made_by_formats() -> None:
    """No command parses ``--format`` itself: the option's name is written once, in tables.py."""
    spelled = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value == "--format":
                spelled.append(str(path.relative_to(PACKAGE)))
    assert spelled == ["tables.py"]


@pytest.mark.parametrize(
    ("args", "offered"),
    [
        (("aqd", "export"), "csv, json or xlsx (an Excel workbook)"),
        (("cycle", "plan"), "table, json or xlsx (an Excel workbook)"),
        (("retention", "list"), "table, json, csv or xlsx (an Excel workbook)"),
        (("retention", "check"), "table, csv, json or xlsx (an Excel workbook)"),
        (("consortium", "check"), "table, json or junit (JUnit XML for CI)"),
        (("consortium", "show"), "table, json or junit (JUnit XML for CI)"),
    ],
)
def test_each_command_names_its_formats_in_help(
    invoke: Any, args: tuple[str, ...], offered: str
) -> None:
    result = invoke(*args, "--help")
    assert result.exit_code == 0, result.output
    assert offered in " ".join(result.stdout.replace("│", " ").split())


def test_consortium_refuses_two_outputs(invoke: Any) -> None:
    from consortium_helpers import fixture_path

    result = invoke("consortium", "check", str(fixture_path("formal")), "--json", "-f", "junit")
    assert result.exit_code == 2, result.output
    assert result.stderr == "Error: Choose one output: --format junit or --json.\n"
    assert result.stdout == ""


# ------------------------------------------------------------------ aqd export


@pytest.fixture
def answered(invoke: Any, tmp_path: Path) -> None:
    from _aqd_helpers import complete_document, register, write_json

    register(invoke)
    doc = complete_document()
    doc["centre"]["terms.comments"] = {
        "answer": "line\u2028separator",
        "comment": "C1 \x85 and DEL \x7f and ESC \x1b[2J",
    }
    path = write_json(tmp_path / "a.json", doc)
    assert invoke("aqd", "start", "--year", "2025-26", "--answers", str(path)).exit_code == 0


def test_export_json_is_the_tools_json_with_every_control_escaped(
    invoke: Any, answered: None
) -> None:
    """The export's JSON is written as every other JSON of the tool: indented, DEL, C1 and
    the line separators escaped (they break JavaScript and move terminals' cursors)."""
    result = invoke("aqd", "export", "--year", "2025-26", "--format", "JSON")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith('[\n  {\n    "academic_year": "2025-26",\n') and text.endswith("\n]\n")
    for raw in ("\u2028", "\x85", "\x7f", "\x1b"):
        assert raw not in text
    assert "\\u2028" in text and "\\u0085" in text and "\\u007f" in text and "\\u001b" in text
    rows = json.loads(text)
    comment = next(r for r in rows if r["question_id"] == "terms.comments")
    assert comment["answer"] == "line\u2028separator"
    assert comment["comment"] == "C1 \x85 and DEL \x7f and ESC \x1b[2J"


def test_export_csv_lists_several_dates_in_one_cell(invoke: Any, tmp_path: Path) -> None:
    from _aqd_helpers import complete_document, register, write_json
    from wblqa_cli.aqd.bank import load_bank

    register(invoke)
    doc = complete_document()
    dates = next(q.id for q in load_bank().of_scope("programme") if q.type == "dates")
    first = next(iter(doc["programmes"]))
    doc["programmes"][first][dates] = ["2025-10-01", "2026-03-01"]
    path = write_json(tmp_path / "a.json", doc)
    assert invoke("aqd", "start", "--year", "2025-26", "--answers", str(path)).exit_code == 0
    result = invoke("aqd", "export", "--year", "2025-26")
    assert result.exit_code == 0, result.output
    assert "2025-10-01; 2026-03-01" in result.stdout
