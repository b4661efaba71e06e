"""A table of rows as CSV or an Excel workbook, on stdout or in a file given with ``-o``.

What ``--format csv`` and ``--format xlsx`` share across commands: CSV
through the one writer (:mod:`wblqa_cli.csvio`) with each column's values
written as text (ISO dates, yes/no), a workbook through :mod:`wblqa_cli.xlsx`;
a file is written whole or not at all, owner-only (:mod:`wblqa_cli.files`);
stdout takes UTF-8 (:func:`wblqa_cli.output.data_stdout`). Rows are an
iterable read once, never a list.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import IO, Literal

import typer

from wblqa_cli.errors import InputError
from wblqa_cli.files import dash_is_stdout
from wblqa_cli.safetext import quoted
from wblqa_cli.xlsx import Column, Sheet, as_datetime

TableFormat = Literal["csv", "xlsx"]
OVERWRITE_HINT = "Use --force to overwrite it."

OUTPUT_OPTION = typer.Option(
    None,
    "-o",
    "--output",
    callback=dash_is_stdout,
    help="Write the csv or xlsx to this file (mode 0600), not stdout (- is stdout).",
)
FORCE_OPTION = typer.Option(False, "--force", help="Overwrite the -o file if it exists.")
EXCEL_OPTION = typer.Option(
    False, "--excel", help="CSV for Excel: begin with a UTF-8 byte-order mark."
)


def _csv_cell(kind: str, value: object) -> object:
    if value is None:
        return ""
    if kind == "datetime" and not isinstance(value, str):
        found = as_datetime(value)
        return found.isoformat(timespec="seconds") if found else ""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):  # several values in one cell, as the xlsx writes them
        return "; ".join(str(_csv_cell(kind, v)) for v in value)
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return value


def csv_rows(columns: Sequence[Column], rows: Iterable[Sequence[object]]) -> Iterator[list[object]]:
    kinds = [c.kind for c in columns]
    for row in rows:
        yield [_csv_cell(k, v) for k, v in zip(kinds, row, strict=True)]


def write_csv(stream: IO[str], sheet: Sheet, *, excel: bool = False) -> int:
    from wblqa_cli.csvio import write_rows

    return write_rows(
        stream, [c.name for c in sheet.columns], csv_rows(sheet.columns, sheet.rows), excel=excel
    )


def write_table(
    fmt: TableFormat,
    sheets: Sequence[Sheet],
    output: Path | None,
    *,
    force: bool = False,
    excel: bool = False,
) -> int:
    """Write ``sheets`` (CSV: the first only) to ``output`` or stdout; the number of rows."""
    from wblqa_cli.files import private_output
    from wblqa_cli.output import data_stdout

    if fmt == "xlsx":
        from wblqa_cli.xlsx import write_workbook

        if output is None:
            if sys.stdout.isatty():
                raise InputError(
                    "An Excel workbook is a file, not text for the terminal.",
                    hint="Give a file name: -o FILE.xlsx",
                )
            out = data_stdout()
            out.flush()
            count = write_workbook(out.buffer, sheets)  # type: ignore[attr-defined]
            out.buffer.flush()  # type: ignore[attr-defined]
            return count
        with private_output(output, overwrite=force, exists_hint=OVERWRITE_HINT, binary=True) as b:
            return write_workbook(b, sheets)  # type: ignore[arg-type]
    if output is None:
        return write_csv(data_stdout(), sheets[0], excel=excel)
    with private_output(output, overwrite=force, exists_hint=OVERWRITE_HINT) as stream:
        return write_csv(stream, sheets[0], excel=excel)


def table_format(
    value: str, json: bool, output: Path | None, excel: bool, allowed: Sequence[str]
) -> str:
    """The output a command's ``--format``, ``--json``, ``-o`` and ``--excel`` ask for, checked."""
    fmt = checked_format(value, allowed)
    if json and fmt not in ("table", "json"):
        raise InputError(f"Choose one output: --json or --format {fmt}.")
    fmt = "json" if json else fmt
    if output is not None and fmt not in ("csv", "xlsx"):
        raise InputError(
            f"-o writes --format {' or '.join(f for f in allowed if f in ('csv', 'xlsx'))}; "
            "add --format."
        )
    if excel and fmt != "csv":
        raise InputError("--excel is for --format csv.")
    return fmt


def checked_format(value: str, allowed: Sequence[str], option: str = "--format") -> str:
    """``value`` if it is one of ``allowed``, else an error naming it."""
    if value not in allowed:
        raise InputError(
            f"{quoted(value)} ({option}) is not a format here; use {', '.join(allowed)}."
        )
    return value
