"""``wblqa aqd export``: every answer, one row each, as CSV, JSON or xlsx, streamed.

The rows go out through the writers every table of the tool uses: CSV and
xlsx through :func:`wblqa_cli.tables.write_table`, JSON through
:func:`wblqa_cli.json_stream.write_json`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import typer

from wblqa_cli.aqd.cli_common import (
    CENTRE_OPTION,
    YEAR_OPTION,
    resolve_centre,
    resolve_year,
)
from wblqa_cli.cli_common import QUIET_OPTION, store
from wblqa_cli.output import safe, say
from wblqa_cli.tables import EXCEL_OPTION, FORCE_OPTION, OUTPUT_OPTION, Format, Formats

T = TypeVar("T")

FORMATS = Formats(
    (Format.CSV, Format.JSON, Format.XLSX),
    default=Format.CSV,
    to_file=(Format.CSV, Format.JSON, Format.XLSX),
)


def export(
    ctx: typer.Context,
    year: str | None = YEAR_OPTION,
    centre: str | None = CENTRE_OPTION,
    format_: str = FORMATS.option(),
    output: Path | None = OUTPUT_OPTION,
    force: bool = FORCE_OPTION,
    excel: bool = EXCEL_OPTION,
    quiet: bool = QUIET_OPTION,
) -> None:
    """Export every answer, one row each, as CSV, JSON or an Excel workbook."""
    from wblqa_cli.aqd.bank import load_bank
    from wblqa_cli.aqd.export import EXPORT_COLUMNS, export_records, export_values
    from wblqa_cli.json_stream import Streamed, write_json
    from wblqa_cli.output import progress, show_progress
    from wblqa_cli.store.aqd_export import export_rows, export_target
    from wblqa_cli.tables import write_table
    from wblqa_cli.xlsx import Sheet, columns

    fmt = FORMATS.choose(format_, output=output, excel=excel)
    bank = load_bank()
    s = store(ctx)
    academic_year = resolve_year(year)
    found = export_target(s, centre, academic_year.label)  # Core only: no ORM import
    if found is None:  # the general path, which says what is wrong
        from wblqa_cli.store.aqd import get_declaration

        declaration = get_declaration(s, resolve_centre(s, centre), academic_year.label)
        found = (declaration.id, declaration.centre_number)
    rows = export_rows(s, found[0])
    with progress("Exporting answers", None, enabled=show_progress(quiet)) as p:
        if fmt == Format.JSON:
            records = _Counted(export_records(bank, academic_year.label, found[1], rows), p.advance)
            write_json(Streamed(records), output, force=force)
            count = records.n
        else:
            values = export_values(bank, academic_year.label, found[1], rows)
            if fmt == Format.XLSX:
                values = _typed(bank, values)
            cols = columns(*EXPORT_COLUMNS, answer="value", answered_at="datetime", flagged="bool")
            sheet = Sheet("AQD answers", cols, _Counted(values, p.advance))
            count = write_table(fmt, [sheet], output, force=force, excel=excel)
    if output is not None:
        say(f"Exported {count} answers to {safe(output)}.")


def _typed(bank: Any, rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
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


class _Counted(Iterable[T]):
    """The items of ``items`` as they pass, counted (``n``), the progress bar told every 1,000."""

    def __init__(self, items: Iterable[T], advance: Callable[[int], None]) -> None:
        self.items, self.advance, self.n = items, advance, 0

    def __iter__(self) -> Iterator[T]:
        n = 0
        for n, item in enumerate(self.items, start=1):
            if n % 1000 == 0:
                self.advance(1000)
            yield item
        self.advance(n % 1000)
        self.n = n
