"""Rendering: rich on a terminal, plain when piped or NO_COLOR, JSON on request.

``--json`` output is one document on stdout and nothing else; messages for
people go to stderr.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

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


def print_json(document: object) -> None:
    """Write one JSON document to stdout (ISO 8601 dates)."""
    sys.stdout.write(to_json(document) + "\n")
    sys.stdout.flush()


class Streamed:
    """A JSON array whose items come from an iterable, written as they come.

    In a document given to :func:`stream_json`, it stands for a list that is
    never held in memory whole (the rows of a large listing).
    """

    def __init__(self, items: Iterable[object], *, nested: bool = False) -> None:
        self.items = items
        #: Whether its items hold streamed arrays themselves (else each is written whole).
        self.nested = nested


def _fast_json(value: object) -> str:
    """``to_json(value)``, by orjson where it can (the same text for what wblqa writes:
    text, whole numbers, booleans, null, dates and times); the standard library otherwise."""
    if isinstance(value, float) or not isinstance(value, (dict, list, tuple)):
        return to_json(value)
    import orjson

    try:
        return orjson.dumps(
            value,
            default=_default,
            # Dates and times as to_json writes them: ISO 8601, times to the second.
            option=orjson.OPT_INDENT_2 | orjson.OPT_OMIT_MICROSECONDS,
        ).decode("utf-8")
    except TypeError:  # orjson.JSONEncodeError: e.g. a key that is not text, a huge number
        return to_json(value)


def _json_chunks(value: object, level: int) -> Iterator[str]:
    """The text of ``value`` as ``to_json`` writes it at nesting ``level``, piece by piece.

    A :class:`Streamed` array may be a value of a dict or an item of a nested
    :class:`Streamed`; anything else is written whole.
    """
    pad = "  " * level
    if isinstance(value, dict) and any(isinstance(v, Streamed) for v in value.values()):
        yield "{"
        for i, (key, item) in enumerate(value.items()):
            yield ("," if i else "") + "\n" + pad + "  " + json.dumps(str(key), ensure_ascii=False)
            yield ": "
            yield from _json_chunks(item, level + 1)
        yield "\n" + pad + "}"
    elif isinstance(value, Streamed):
        empty = True
        inner = "\n" + pad + "  "
        for item in value.items:
            yield ("[" if empty else ",") + inner
            if value.nested:
                yield from _json_chunks(item, level + 1)
            else:
                yield _fast_json(item).replace("\n", inner)
            empty = False
        yield "[]" if empty else "\n" + pad + "]"
    else:
        text = _fast_json(value)
        yield text.replace("\n", "\n" + pad) if level else text


def stream_json(document: object) -> None:
    """Write one JSON document to stdout as :func:`print_json` does, its :class:`Streamed`
    arrays item by item: the output is the same text, the memory that of one item."""
    write = sys.stdout.write
    batch: list[str] = []
    for chunk in _json_chunks(document, 0):
        batch.append(chunk)
        if len(batch) >= 512:
            write("".join(batch))
            batch.clear()
    write("".join(batch) + "\n")
    sys.stdout.flush()


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
