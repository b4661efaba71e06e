"""``wblqa aqd export``: every answer, one row each, as CSV, JSON or xlsx, streamed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from wblqa_cli.aqd.cli_common import (
    CENTRE_OPTION,
    YEAR_OPTION,
    resolve_centre,
    resolve_year,
)
from wblqa_cli.cli_common import QUIET_OPTION, store
from wblqa_cli.errors import InputError
from wblqa_cli.files import dash_is_stdout
from wblqa_cli.output import safe, say
from wblqa_cli.safetext import quoted


def export(
    ctx: typer.Context,
    year: str | None = YEAR_OPTION,
    centre: str | None = CENTRE_OPTION,
    format_: str = typer.Option("csv", "--format", help="csv, json or xlsx (an Excel workbook)."),
    output: Path | None = typer.Option(
        None,
        "-o",
        "--output",
        callback=dash_is_stdout,
        help="Write to this file (mode 0600) instead of stdout (- is stdout).",
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite the output file if it exists."),
    excel: bool = typer.Option(
        False, "--excel", help="CSV for Excel: begin with a UTF-8 byte-order mark."
    ),
    quiet: bool = QUIET_OPTION,
) -> None:
    """Export every answer, one row each, as CSV, JSON or an Excel workbook."""
    from wblqa_cli.aqd.bank import load_bank
    from wblqa_cli.aqd.export import EXPORT_COLUMNS, export_records, export_values
    from wblqa_cli.store.aqd_export import export_rows, export_target

    if format_ not in ("csv", "json", "xlsx"):
        raise InputError(
            f"{quoted(format_)} (--format) is not an export format; use csv, json or xlsx."
        )
    if excel and format_ != "csv":
        raise InputError("--excel is for --format csv.")
    bank = load_bank()
    s = store(ctx)
    academic_year = resolve_year(year)
    found = export_target(s, centre, academic_year.label)  # Core only: no ORM import
    if found is None:  # the general path, which says what is wrong
        from wblqa_cli.store.aqd import get_declaration

        declaration = get_declaration(s, resolve_centre(s, centre), academic_year.label)
        found = (declaration.id, declaration.centre_number)
    make = export_records if format_ == "json" else export_values
    records = make(bank, academic_year.label, found[1], export_rows(s, found[0]))
    from wblqa_cli.files import private_output
    from wblqa_cli.output import data_stdout, progress, show_progress

    with progress("Exporting answers", None, enabled=show_progress(quiet)) as p:
        counted = _counted(records, p.advance)
        if format_ == "xlsx":
            count = _write_xlsx(_typed(bank, counted), output, force)
            if output is None:
                return
        elif output is None:
            _write_export(data_stdout(), format_, EXPORT_COLUMNS, counted, excel)
            return
        else:
            # Whole or nothing: written beside the target and renamed into place at the end.
            with private_output(
                output, overwrite=force, exists_hint="Use --force to overwrite it."
            ) as stream:
                count = _write_export(stream, format_, EXPORT_COLUMNS, counted, excel)
    say(f"Exported {count} answers to {safe(output)}.")


def _write_xlsx(values: Any, output: Path | None, force: bool) -> int:
    from wblqa_cli.aqd.export import EXPORT_COLUMNS
    from wblqa_cli.tables import write_table
    from wblqa_cli.xlsx import Sheet, columns

    cols = columns(*EXPORT_COLUMNS, answer="value", answered_at="datetime", flagged="bool")
    return write_table("xlsx", [Sheet("AQD answers", cols, values)], output, force=force)


def _typed(bank: Any, rows: Any) -> Any:
    """Rows whose answer is a date (or dates) where its question asks for one, so that the
    workbook holds date cells; a yes/no answer is a boolean already."""
    from datetime import date

    from wblqa_cli.aqd.export import EXPORT_COLUMNS

    qid, answer = EXPORT_COLUMNS.index("question_id"), EXPORT_COLUMNS.index("answer")
    for row in rows:
        q, value = bank.get(row[qid]), row[answer]
        if q is not None and q.type in ("date", "dates") and value:
            try:
                days = [
                    date.fromisoformat(v) for v in (value if isinstance(value, list) else [value])
                ]
            except (TypeError, ValueError):  # an answer kept as it was typed stays text
                days = value
            row = (*row[:answer], days, *row[answer + 1 :])
        yield row


def _counted(records: Any, advance: Any) -> Any:
    n = 0
    for n, record in enumerate(records, start=1):
        if n % 1000 == 0:
            advance(1000)
        yield record
    advance(n % 1000)


def _write_export(
    stream: Any, format_: str, columns: tuple[str, ...], records: Any, excel: bool = False
) -> int:
    import json as json_
    from functools import lru_cache

    from wblqa_cli.csvio import neutralise, writer
    from wblqa_cli.output import escaped_json

    count = 0
    if format_ == "csv":

        @lru_cache(maxsize=4096)  # most cells repeat: year, centre, wording, answers
        def cell(value: object) -> str:
            return "yes" if value is True else "no" if value is False else neutralise(value)

        w = writer(stream, excel=excel)
        w.writerow(columns)
        for values in records:  # tuples in ``columns`` order
            # Several dates (expected certification) share one cell: "2026-03-01; 2026-07-15".
            w.writerow([cell("; ".join(v) if isinstance(v, list) else v) for v in values])
            count += 1
        return count
    stream.write("[")
    for r in records:
        stream.write(",\n  " if count else "\n  ")
        stream.write(escaped_json(json_.dumps(r, ensure_ascii=False)))
        count += 1
    stream.write("\n]\n" if count else "]\n")
    return count
