"""``wblqa aqd export``: every answer, one row each, as CSV or JSON, streamed."""

from __future__ import annotations

import sys
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
from wblqa_cli.output import say


def export(
    ctx: typer.Context,
    year: str | None = YEAR_OPTION,
    centre: str | None = CENTRE_OPTION,
    format_: str = typer.Option("csv", "--format", help="csv or json."),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="Write to this file (mode 0600) instead of stdout."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite the output file if it exists."),
    quiet: bool = QUIET_OPTION,
) -> None:
    """Export every answer, one row each, as CSV or JSON."""
    from wblqa_cli.aqd.bank import load_bank
    from wblqa_cli.aqd.export import EXPORT_COLUMNS, export_records, export_values
    from wblqa_cli.store.aqd_export import export_rows, export_target

    if format_ not in ("csv", "json"):
        raise InputError(f"{format_!r} (--format) is not an export format; use csv or json.")
    bank = load_bank()
    s = store(ctx)
    academic_year = resolve_year(year)
    found = export_target(s, centre, academic_year.label)  # Core only: no ORM import
    if found is None:  # the general path, which says what is wrong
        from wblqa_cli.store.aqd import get_declaration

        declaration = get_declaration(s, resolve_centre(s, centre), academic_year.label)
        found = (declaration.id, declaration.centre_number)
    make = export_values if format_ == "csv" else export_records
    records = make(bank, academic_year.label, found[1], export_rows(s, found[0]))
    from wblqa_cli.files import private_output
    from wblqa_cli.output import progress, show_progress

    with progress("Exporting answers", None, enabled=show_progress(quiet)) as p:
        counted = _counted(records, p.advance)
        if output is None:
            _write_export(sys.stdout, format_, EXPORT_COLUMNS, counted)
            return
        # Whole or nothing: written beside the target and renamed into place at the end.
        with private_output(
            output, overwrite=force, exists_hint="Use --force to overwrite it."
        ) as stream:
            count = _write_export(stream, format_, EXPORT_COLUMNS, counted)
    say(f"Exported {count} answers to {output}.")


def _counted(records: Any, advance: Any) -> Any:
    n = 0
    for n, record in enumerate(records, start=1):
        if n % 1000 == 0:
            advance(1000)
        yield record
    advance(n % 1000)


def _write_export(stream: Any, format_: str, columns: tuple[str, ...], records: Any) -> int:
    import json as json_
    from functools import lru_cache

    from wblqa_cli.csvio import neutralise, writer

    count = 0
    if format_ == "csv":

        @lru_cache(maxsize=4096)  # most cells repeat: year, centre, wording, answers
        def cell(value: object) -> str:
            return "yes" if value is True else "no" if value is False else neutralise(value)

        w = writer(stream)
        w.writerow(columns)
        for values in records:  # tuples in ``columns`` order
            w.writerow([cell(v) for v in values])
            count += 1
        return count
    stream.write("[")
    for r in records:
        stream.write(",\n  " if count else "\n  ")
        stream.write(json_.dumps(r, ensure_ascii=False))
        count += 1
    stream.write("\n]\n" if count else "]\n")
    return count
