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


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """A count and its noun, agreeing: ``1 entry``, ``2 entries``, ``0 records``.

    The plural is ``singular + "s"`` unless given (``plural(n, "entry", "entries")``).
    """
    return f"{n} {singular if n == 1 else (plural_form or singular + 's')}"


def folded(notes: Iterable[tuple[str, str]], noun: str = "programme", shown: int = 3) -> list[str]:
    """``(subject, note)`` pairs as lines, one per distinct note, in first-seen order.

    A note said of one subject reads ``SUBJECT: note``; the same note said of
    several is one line with a count: ``note (13 programmes: A, B, C, …)``.
    """
    by_note: dict[str, list[str]] = {}
    for subject, note in notes:
        by_note.setdefault(note, []).append(subject)
    lines = []
    for note, subjects in by_note.items():
        if len(subjects) == 1:
            lines.append(f"{subjects[0]}: {note}")
            continue
        named = ", ".join(subjects[:shown]) + (", …" if len(subjects) > shown else "")
        lines.append(f"{note} ({plural(len(subjects), noun)}: {named})")
    return lines


def wrap(text: str, width: int | None = None, indent: str = "") -> str:
    """``text`` broken at word boundaries to fit ``width`` (default: the terminal's).

    Lines after the first start with ``indent``; words longer than a line are
    left whole rather than cut. Existing line breaks are kept.
    """
    import shutil
    import textwrap

    width = width or shutil.get_terminal_size((80, 24)).columns
    return "\n".join(
        textwrap.fill(
            line,
            width=max(width, 20),
            subsequent_indent=indent,
            break_long_words=False,
            break_on_hyphens=False,
        )
        or line
        for line in text.splitlines() or [""]
    )


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
