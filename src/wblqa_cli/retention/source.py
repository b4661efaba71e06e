"""A CSV file or standard input, to be read more than once.

Standard input is spooled to a temporary file so that it can be read twice
too. Lines are decoded one at a time, so a byte that is not UTF-8 is reported
on its own line; every other error names the file, the line, the column and the
value (:func:`cell_where`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hashlib import _Hash as Hash

from wblqa_cli.csvio import CsvReader
from wblqa_cli.errors import InputError, where
from wblqa_cli.safetext import quoted

_SPOOL_BYTES = 16 * 1024 * 1024


class Source:
    """A CSV file or standard input that can be read more than once."""

    def __init__(self, raw: IO[bytes], name: str) -> None:
        self.raw = raw
        self.name = name

    def lines(self, digest: Hash | None = None) -> Iterator[str]:
        """Decoded lines from the start; a non-UTF-8 line is an error naming its number.

        ``digest``, if given, is fed every byte read, so that a file read to its
        end has been hashed whole on the way.
        """
        self.raw.seek(0)
        for number, data in enumerate(self.raw, start=1):
            if digest is not None:
                digest.update(data)
            if number == 1 and data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]
            if b"\x00" in data:  # the fast path: one byte search per line
                raise InputError(
                    f"{self.name}, line {number}, character {data.index(0) + 1}: a NUL byte; "
                    "this is not a text CSV file.",
                    hint="Save the file as 'CSV UTF-8' from your spreadsheet.",
                )
            try:
                yield data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{self.name}, line {number}: not UTF-8 text "
                    f"(byte 0x{data[exc.start]:02x} at character {exc.start + 1}).",
                    hint="Save the file as 'CSV UTF-8' from your spreadsheet.",
                ) from None

    def reader(
        self, required: tuple[str, ...], optional: tuple[str, ...], digest: Hash | None = None
    ) -> CsvReader:
        return CsvReader(self.lines(digest), self.name, required, optional)  # type: ignore[arg-type]


@contextmanager
def open_source(name: str) -> Iterator[Source]:
    """``name`` as a :class:`Source`; ``-`` spools standard input to a temporary file.

    A file must be a regular file within the records limit (:mod:`wblqa_cli.inputs`):
    a FIFO or a device is refused at once; a pipe comes in as ``-``.
    """
    from wblqa_cli.inputs import open_file, standard_input

    if name == "-":
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as spool:
            _spool(standard_input("records"), spool)
            yield Source(spool, "<stdin>")  # type: ignore[arg-type]
        return
    with open_file(name, "records", stdin=True) as raw:
        yield Source(raw, name)


def _spool(source: Any, spool: Any) -> None:
    while chunk := source.read(1 << 20):
        spool.write(chunk)
    spool.seek(0)


def cell_where(name: str, line: int, column: str) -> str:
    return where(name, f"line {line}", f"column {quoted(column)}")


def lazy_where(name: str, line: int, column: str) -> Callable[[], str]:
    """Where a cell is, worked out only if an error needs it."""
    return lambda: cell_where(name, line, column)
