"""CSV in and out.

In: a header row naming known columns; every error names the file, the line
and the column. Out: the one CSV writer of the tool (:func:`writer`), RFC 4180
as spreadsheets read it: UTF-8, a header row, rows ending in CRLF, any field
holding a CR, LF, quote, comma, semicolon or tab quoted; formula-like cells neutralised as
OWASP advises (a leading ``'`` before ``=``, ``+``, ``-``, ``@``, tab, CR);
and, for Excel, a byte-order mark first (``excel=True``), without which Excel
on Windows reads UTF-8 as its ANSI code page.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO

from wblqa_cli.errors import InputError
from wblqa_cli.safetext import for_file
from wblqa_cli.safetext import quoted as echoed

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: object) -> str:
    """A cell a spreadsheet will show as text, never run as a formula; control characters
    (an escape sequence, BEL) removed; tab, CR and LF kept (the writer quotes them)."""
    if cell is None:
        return ""
    text = for_file(cell if isinstance(cell, str) else str(cell), keep="\t\n\r")
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


#: Excel recognises UTF-8 only by this mark at the start of the file.
BOM = "\ufeff"


#: A field holding any of these is quoted: RFC 4180's comma, quote, CR and LF, and also the
#: semicolon and tab, which a spreadsheet's import dialog may split on as well (LibreOffice
#: Calc ticks Comma, Semicolon and Tab in a fresh profile): several values in one cell
#: ("2026-03-02; 2026-07-15") stay one cell whatever the separator chosen.
_QUOTED = re.compile(r'[,;\t"\r\n]')


def quoted(field: str) -> str:
    """One CSV field: as it is, or in double quotes (quotes doubled) if it holds a separator."""
    if _QUOTED.search(field):
        return '"' + field.replace('"', '""') + '"'
    return field


def _text(field: object) -> str:
    return field if isinstance(field, str) else "" if field is None else str(field)


class RowWriter:
    """Writes rows of text fields as RFC 4180 lines ending in CRLF (:func:`quoted`)."""

    def __init__(self, stream: IO[str]) -> None:
        self.write = stream.write

    def writerow(self, row: Iterable[object]) -> None:
        self.write_fields([quoted(_text(f)) for f in row])

    def write_fields(self, fields: list[str]) -> None:
        """A row of fields already :func:`quoted` (a writer that remembers them, for speed)."""
        if fields == [""]:  # a row of one empty field, not a blank line
            fields = ['""']
        self.write(",".join(fields) + "\r\n")

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream: IO[str], *, excel: bool = False) -> RowWriter:
    """A writer of RFC 4180 rows on ``stream`` (CRLF; a separator, quote or line break
    quoted). With ``excel`` the byte-order mark is written first. ``stream`` should not
    translate newlines (``newline=""``, as :mod:`wblqa_cli.files` and
    :func:`wblqa_cli.output.data_stdout` give it).
    """
    if excel:
        stream.write(BOM)
    return RowWriter(stream)


def _decoded(lines: Iterable[bytes], name: str) -> Iterator[str]:
    """Decode line by line, so that a bad byte is reported on its own line."""
    for number, raw in enumerate(lines, start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{name}, line {number}: not UTF-8 text (byte 0x{raw[exc.start]:02x}).",
                hint="Save the file as 'CSV UTF-8' from your spreadsheet.",
            ) from None
        if number == 1:
            text = text.removeprefix("\ufeff")
        if "\x00" in text:  # no spreadsheet writes one; PostgreSQL cannot store one
            raise InputError(
                f"{name}, line {number}, character {text.index(chr(0)) + 1}: a NUL byte; "
                "this is not a text CSV file.",
                hint="Save the file as 'CSV UTF-8' from your spreadsheet.",
            )
        yield text


@contextmanager
def open_input(name: str, kind: str) -> Iterator[tuple[Iterator[str], str]]:
    """A CSV file of ``kind`` (or ``-`` for stdin) as UTF-8 lines; yields (lines, display name).

    Read through :mod:`wblqa_cli.inputs`: a regular file within the kind's limit.
    """
    from wblqa_cli.inputs import opened

    with opened(name, kind, stdin=True) as (stream, display):
        yield _decoded(stream, display), display


class CsvReader:
    """Iterate a CSV's data rows as dicts, checking the header and every row's width.

    ``required`` columns must be in the header; ``optional`` ones may be; any
    other column is an error naming it. Lines are counted as a spreadsheet
    shows them (the header is line 1).
    """

    def __init__(
        self,
        stream: Iterable[str],
        name: str,
        required: Sequence[str],
        optional: Sequence[str] = (),
    ) -> None:
        self.name = name
        self._reader = csv.reader(stream)
        self.required = tuple(required)
        self.optional = tuple(optional)
        self.header = self._read_header()

    def _next(self) -> list[str] | None:
        try:
            return next(self._reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            raise InputError(f"{self.name}, line {self._reader.line_num}: {exc}.") from None

    def _read_header(self) -> list[str]:
        row = self._next()
        expected = ", ".join(self.required + self.optional)
        if row is None:
            raise InputError(f"{self.name}: the file is empty; expected a header row: {expected}.")
        header = [h.strip().lower() for h in row]
        for column in header:
            if column not in self.required and column not in self.optional:
                raise InputError(
                    f"{self.name}, line 1: unknown column {echoed(column)}; expected {expected}."
                )
        for column in self.required:
            if column not in header:
                raise InputError(
                    f"{self.name}, line 1: the header is missing column {echoed(column)}; "
                    f"expected {expected}."
                )
        if len(set(header)) != len(header):
            raise InputError(f"{self.name}, line 1: a column is named twice.")
        return header

    @property
    def line(self) -> int:
        return self._reader.line_num

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        width = len(self.header)
        while True:
            row = self._next()
            if row is None:
                return
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            line = self._reader.line_num
            if len(row) != width:
                raise InputError(
                    f"{self.name}, line {line}: expected {width} cells "
                    f"({', '.join(self.header)}), found {len(row)}."
                )
            yield line, dict(zip(self.header, map(str.strip, row), strict=True))
