"""Rendering: rich on a terminal, plain when piped or NO_COLOR, JSON on request.

``--json`` output is one document on stdout and nothing else; messages for
people go to stderr. Data (JSON, CSV, XML, iCalendar) goes out as UTF-8
whatever the locale (:func:`data_stdout`); text for people degrades on a
narrower encoding instead of failing (:func:`tolerant_streams`).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import IO, TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

T = TypeVar("T")


def _default(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def to_json(document: object) -> str:
    return json.dumps(document, default=_default, ensure_ascii=False, indent=2)


def _is_utf8(stream: IO[str]) -> bool:
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
    return encoding in ("utf-8", "utf8")


def data_stdout() -> IO[str]:
    """stdout for a data format (JSON, CSV, XML, iCalendar): UTF-8, no newline translation.

    A redirect on Windows, or ``PYTHONIOENCODING=cp1252``, gives stdout a
    narrow encoding; the formats we write declare or assume UTF-8, so stdout
    is switched to it (a character it cannot hold would otherwise end the
    command half way). Every data writer to stdout goes through here.
    """
    stream = sys.stdout
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        stream.flush()
        reconfigure(encoding="utf-8", errors="replace", newline="")
    return stream


def write_data_bytes(data: bytes) -> None:
    """Bytes already encoded as UTF-8 (an iCalendar file, say) to stdout."""
    stream = data_stdout()
    raw = getattr(stream, "buffer", None)
    if raw is None:
        stream.write(data.decode("utf-8"))
    else:
        raw.write(data)
        raw.flush()
    stream.flush()


def tolerant_streams() -> None:
    """On a stdout or stderr that is not UTF-8, a character it cannot show becomes ``?``.

    Text for people then degrades instead of ending in a traceback; data
    formats switch stdout to UTF-8 themselves (:func:`data_stdout`).
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and not _is_utf8(stream):
            reconfigure(errors="replace")


def print_json(document: object) -> None:
    """Write one JSON document to stdout as UTF-8 (ISO 8601 dates)."""
    out = data_stdout()
    out.write(to_json(document) + "\n")
    out.flush()


def console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


def err_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def table(*columns: str, title: str | None = None) -> Table:
    from rich import box
    from rich.table import Table

    t = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", show_edge=False)
    for column in columns:
        t.add_column(column)
    return t


def say(message: str) -> None:
    """A line for a person on stdout (rich markup allowed)."""
    console().print(message)


def note(message: str) -> None:
    """A line for a person on stderr, so that stdout stays clean for data."""
    err_console().print(message)


def fmt_date(value: date | None) -> str:
    """A date as a person reads it at a glance: ``Tue 15 Jul 2025``."""
    if value is None:
        return "—"
    return value.strftime("%a %d %b %Y").replace(" 0", " ")


def show_progress(quiet: bool = False) -> bool:
    """Progress bars only on an interactive stderr, and not when asked to be quiet."""
    return not quiet and sys.stderr.isatty()


@contextmanager
def progress(description: str, total: int | None, *, enabled: bool) -> Iterator[Any]:
    """A rich progress bar on stderr, or a do-nothing stand-in when disabled."""
    if not enabled:
        yield _NoProgress()
        return
    from rich.progress import Progress

    # No redirection: rich would otherwise route sys.stdout (the data a command
    # writes while the bar runs) through the stderr console.
    with Progress(
        console=err_console(), transient=True, redirect_stdout=False, redirect_stderr=False
    ) as bar:
        task = bar.add_task(description, total=total)
        yield _Advance(bar, task)


class _NoProgress:
    def advance(self, n: int = 1) -> None:
        pass


class _Advance:
    def __init__(self, bar: Any, task: Any) -> None:
        self.bar, self.task = bar, task

    def advance(self, n: int = 1) -> None:
        self.bar.advance(self.task, n)


def rows_of(items: Iterable[T], keys: Sequence[str]) -> list[list[str]]:
    return [[str(getattr(item, k)) for k in keys] for item in items]
