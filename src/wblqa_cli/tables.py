"""``--format``, parsed once for every command, and a table of rows as CSV or a workbook.

Every command that writes tables offers some of the same outputs
(:class:`Format`) and says which with a :class:`Formats`: its ``--format``
option, its default, which formats ``-o`` writes to a file. :meth:`Formats.choose`
is the one parser: the value, the shorthands (``--json``, ``--csv``), ``-o``
and ``--excel`` checked together, each refusal one line naming the option.

What ``--format csv`` and ``--format xlsx`` share across commands: CSV
through the one writer (:mod:`wblqa_cli.csvio`) with each column's values
written as text (ISO dates, yes/no, several values joined by ``; ``), a
workbook through :mod:`wblqa_cli.xlsx`; a file is written whole or not at all,
owner-only (:mod:`wblqa_cli.files`); stdout takes UTF-8
(:func:`wblqa_cli.output.data_stdout`). Rows are an iterable read once, never
a list. JSON goes through :mod:`wblqa_cli.json_stream`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

import typer

from wblqa_cli.errors import InputError
from wblqa_cli.files import dash_is_stdout
from wblqa_cli.safetext import quoted as echoed
from wblqa_cli.xlsx import Sheet, as_datetime


class Format(StrEnum):
    """Every output a command may offer with ``--format``."""

    TABLE = "table"  # for people, on the terminal
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"
    JUNIT = "junit"


_NOTES = {Format.XLSX: "an Excel workbook", Format.JUNIT: "JUnit XML for CI"}


def _listed(names: Sequence[str], last: str = "or") -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {last} {names[-1]}"


@dataclass(frozen=True)
class Formats:
    """The outputs one command offers: which, the default, and which ``-o`` writes."""

    offered: tuple[Format, ...]
    default: Format = Format.TABLE
    to_file: tuple[Format, ...] = (Format.CSV, Format.XLSX)
    #: Whether the command has ``--csv`` beside ``--json`` (``retention check``).
    csv_flag: bool = False

    def option(self, *names: str) -> Any:
        """The command's ``--format`` option (``names``: any alias, such as ``-f``)."""
        listed = _listed([f"{f} ({_NOTES[f]})" if f in _NOTES else f for f in self.offered])
        return typer.Option(self.default.value, "--format", *names, help=f"{listed}.")

    def choose(
        self,
        value: str,
        *,
        json: bool = False,
        csv: bool = False,
        output: Path | None = None,
        excel: bool = False,
    ) -> Format:
        """The one output that ``--format``, the shorthands ``--json`` and ``--csv``, ``-o``
        and ``--excel`` ask for together; an :class:`InputError` naming what does not fit.

        ``--format`` at its default gives way to a shorthand; any other value and a
        shorthand that disagrees with it are refused, as are two shorthands.
        """
        wanted = value.strip().casefold()
        if wanted not in self.offered:
            raise InputError(f"{echoed(value)} (--format) is not one of {', '.join(self.offered)}.")
        given = {f"--format {wanted}": Format(wanted)} if wanted != self.default else {}
        for name, shorthand, on in (("--json", Format.JSON, json), ("--csv", Format.CSV, csv)):
            if on:
                given[name] = shorthand
        if len(set(given.values())) > 1:
            raise InputError(f"Choose one output: {_listed(list(given))}.")
        chosen = next(iter(given.values()), self.default)
        if output is not None and chosen not in self.to_file:
            files = [f.value for f in self.offered if f in self.to_file]
            raise InputError(f"-o writes --format {_listed(files)}; add --format.")
        if excel and chosen != Format.CSV:
            where = "CSV (--csv or --format csv)" if self.csv_flag else "--format csv"
            raise InputError(f"--excel is for {where}.")
        return chosen


OVERWRITE_HINT = "Use --force to overwrite it."

OUTPUT_OPTION = typer.Option(
    None,
    "-o",
    "--output",
    callback=dash_is_stdout,
    help="Write to this file (mode 0600), not stdout (- is stdout).",
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


def write_csv(stream: IO[str], sheet: Sheet, *, excel: bool = False) -> int:
    """The sheet as CSV through :func:`wblqa_cli.csvio.writer`: each cell as text (ISO
    dates, yes/no, several values joined by ``; ``), neutralised, quoted; the number of rows.

    Fast path: most text cells of a long table repeat (a year, a status, a
    wording), so the field a text becomes is remembered (a bounded cache of a
    pure function); an empty cell is empty at once.
    """
    from wblqa_cli.csvio import neutralise, quoted, writer

    @lru_cache(maxsize=8192)  # text only: no True == 1 mix-up
    def text(value: str) -> str:
        return quoted(neutralise(value))

    def other(kind: str, value: object) -> str:
        return quoted(neutralise(_csv_cell(kind, value)))

    kinds = [c.kind for c in sheet.columns]
    w = writer(stream, excel=excel)
    w.writerow([c.name for c in sheet.columns])
    count = 0
    for row in sheet.rows:
        w.write_fields(
            [
                text(v) if v.__class__ is str else "" if v is None else other(k, v)
                for k, v in zip(kinds, row, strict=True)
            ]
        )
        count += 1
    return count


def write_table(
    fmt: Format,
    sheets: Sequence[Sheet],
    output: Path | None,
    *,
    force: bool = False,
    excel: bool = False,
) -> int:
    """Write ``sheets`` (CSV: the first only) to ``output`` or stdout; the number of rows."""
    from wblqa_cli.files import private_output
    from wblqa_cli.output import data_stdout

    if fmt == Format.XLSX:
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
