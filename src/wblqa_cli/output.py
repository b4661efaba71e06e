"""Rendering: rich on a terminal, plain when piped or NO_COLOR, JSON on request.

``--json`` output is one document on stdout and nothing else; messages for
people go to stderr. Data (JSON, CSV, XML, iCalendar) goes out as UTF-8
whatever the locale (:func:`data_stdout`); text for people degrades on a
narrower encoding instead of failing (:func:`tolerant_streams`).

Terminal safety is structural here, not left to each command:

- every console this module hands out shows control characters (ESC, BEL,
  C1, DEL…) as ``\\xNN`` instead of sending them to the terminal, in every
  string it prints and every segment it renders, and drops hyperlinks (an
  OSC 8 sequence) whatever their origin;
- a table's ``add_row`` treats each ``str`` cell as data (markup escaped);
  a cell that must be styled is passed as :func:`styled` text;
- :func:`say` and :func:`note` read their message as markup written by the
  program; a stored or typed value inside it goes through :func:`safe`.
  A message whose markup is broken all the same prints literally rather
  than crash;
- :func:`plain_line` is the path for anything printed without rich (error
  lines, ``typer.echo`` of a path).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache
from typing import IO, TYPE_CHECKING, Any

from wblqa_cli.safetext import FORMAT_CHARACTERS, has_controls, visible_controls

# Kept importable from here until store/ imports them from wblqa_cli.words (issue 21's
# store side): the store may not import this module.
from wblqa_cli.words import fmt_date as fmt_date
from wblqa_cli.words import plural as plural

if TYPE_CHECKING:
    from rich.console import Console
    from rich.segment import Segment
    from rich.table import Table
    from rich.text import Text


def json_default(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def to_json(document: object) -> str:
    """JSON with every control character escaped (json escapes C0; DEL, C1 and the
    format characters of :mod:`wblqa_cli.safetext` here too)."""
    return escaped_json(json.dumps(document, default=json_default, ensure_ascii=False, indent=2))


def escaped_json(text: str) -> str:
    """JSON text (C0 already escaped) with DEL, C1 and the format characters escaped too."""
    return JSON_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


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
        elif reconfigure is not None and stream is sys.stderr:
            reconfigure(errors="backslashreplace")  # a stray surrogate: shown, never a crash


def print_json(document: object) -> None:
    """Write one JSON document to stdout as UTF-8 (ISO 8601 dates)."""
    out = data_stdout()
    out.write(to_json(document) + "\n")
    out.flush()


# DEL, C1 and the format characters (a right-to-left override…) as \uNNNN: data kept, never obeyed.
JSON_CONTROLS = re.compile(f"[\x7f-\x9f{FORMAT_CHARACTERS}]")
# The program's own style vocabulary; any other bracket in a message is text,
# so a value that slipped in unescaped can at worst be bold, never a link.
_STYLE_WORDS = r"(?:bold|dim|italic|underline|red|yellow|green|cyan|blue|magenta|white)"
_NOT_OUR_TAG = re.compile(rf"(?<!\\)\[(?!/?{_STYLE_WORDS}(?: {_STYLE_WORDS})*\]|/\])")


def _own_markup(message: str) -> str:
    return _NOT_OUR_TAG.sub(r"\[", message)


#: The most of one value (a table cell, a message) a screen shows; the rest is
#: counted, not printed, so that a ten-megabyte name costs no more than a short one.
SHOWN_LIMIT = 2000


def bounded(text: str, limit: int = SHOWN_LIMIT) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


def for_terminal(text: object, *, keep: str = "\t\n") -> str:
    """Stored or typed text ready to print through rich: controls shown, markup escaped."""
    from rich.markup import escape

    return escape(visible_controls(str(text), keep=keep))


def safe(value: object) -> str:
    """A stored or typed value ready to sit inside a markup message: shown, never obeyed."""
    return for_terminal(bounded(str(value)))


def plain_line(value: object) -> str:
    """Text printed without rich (an error line, a path): control characters shown."""
    return visible_controls(str(value))


def styled(markup: str) -> Text:
    """A cell or message part styled by the program's own markup (values inside: :func:`safe`)."""
    from rich.text import Text

    return Text.from_markup(_own_markup(visible_controls(markup)))


def console() -> Console:
    return _safe_console_class()(highlight=False, width=_natural_width(sys.stdout))


def err_console() -> Console:
    return _safe_console_class()(stderr=True, highlight=False, width=_natural_width(sys.stderr))


#: Wide enough that nothing is wrapped: a table piped to a file or to grep keeps its rows whole.
NATURAL_WIDTH = 10_000


def _natural_width(stream: IO[str]) -> int | None:
    """``None`` (rich asks the terminal, or ``COLUMNS``), or :data:`NATURAL_WIDTH` when
    ``stream`` is not a terminal and no ``COLUMNS`` is set: piped output is not wrapped
    to the width of whatever terminal the command was typed in."""
    import os

    if "COLUMNS" in os.environ:
        return None
    isatty = getattr(stream, "isatty", None)
    return None if isatty is not None and isatty() else NATURAL_WIDTH


@cache
def _safe_console_class() -> type[Console]:
    from rich.console import Console
    from rich.segment import Segment

    class SafeConsole(Console):
        """A rich console that never sends a control character it was given to the terminal."""

        def render_str(self, text: str, **kwargs: Any) -> Text:
            return super().render_str(visible_controls(text), **kwargs)

        def render(self, renderable: Any, options: Any = None) -> Iterable[Segment]:
            for segment in super().render(renderable, options):
                if segment.control:  # rich's own cursor moves, never text from anywhere
                    yield segment
                    continue
                text, style = segment.text, segment.style
                if has_controls(text, keep="\n"):
                    text = visible_controls(text, keep="\n")
                if style is not None and style.link:
                    style = style.clear_meta_and_links()
                yield Segment(text, style)

        def print(self, *objects: Any, **kwargs: Any) -> None:
            from rich.errors import MarkupError

            try:
                super().print(*objects, **kwargs)
            except MarkupError:  # broken markup in a message: print it as it is
                super().print(*objects, **{**kwargs, "markup": False})

    return SafeConsole


def table(*columns: str, title: str | None = None, whole: Collection[str] = ()) -> Table:
    """A table whose ``str`` cells are data: markup escaped, controls shown.

    The cells of the ``whole`` columns (ids, codes, statuses: what a user types
    back into a command or greps for) are never cut or wrapped; the other
    columns wrap around them, and no column ends in "…".
    """
    made: Table = _safe_table_class()(*columns, title=title, whole=whole)
    return made


@cache
def _safe_table_class() -> type[Any]:
    from rich import box
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    def width(cell: Any) -> int:
        if isinstance(cell, str):
            return max(map(cell_len, visible_controls(bounded(cell)).splitlines() or [""]))
        return cell.cell_len if isinstance(cell, Text) else 0

    class SafeTable(Table):
        def __init__(
            self, *columns: str, title: str | None = None, whole: Collection[str] = ()
        ) -> None:
            super().__init__(
                title=None if title is None else safe(title),
                box=box.SIMPLE_HEAD,
                title_justify="left",
                show_edge=False,
            )
            if set(whole) - set(columns):
                raise ValueError(f"not columns of this table: {sorted(set(whole) - set(columns))}")
            self.whole = [i for i, name in enumerate(columns) if name in whole]
            for i, column in enumerate(columns):
                keep = i in self.whole
                self.add_column(
                    safe(column),
                    no_wrap=keep,
                    overflow="fold",
                    min_width=width(column) if keep else None,
                )

        def add_row(self, *cells: Any, **kwargs: Any) -> None:
            for i in self.whole:
                if i < len(cells):
                    column = self.columns[i]
                    column.min_width = max(column.min_width or 0, width(cells[i]))
            super().add_row(*(safe(c) if isinstance(c, str) else c for c in cells), **kwargs)

        def __rich_console__(self, console: Any, options: Any) -> Any:
            from wblqa_cli.table_fit import fitted

            with fitted(self.columns, options.max_width):
                yield from super().__rich_console__(console, options)

    return SafeTable


def say(message: str, *, wrap: bool = True) -> None:
    """A line for a person on stdout: the program's markup; values inside through :func:`safe`.

    ``wrap=False`` keeps the line whole (a command or a hash to copy)."""
    console().print(_message(message), soft_wrap=not wrap)


def note(message: str) -> None:
    """A line for a person on stderr, so that stdout stays clean for data."""
    err_console().print(_message(message))


def _message(message: str) -> Text:
    """A message as styled text; broken markup (a value not passed through :func:`safe`)
    prints literally rather than crash."""
    from rich.errors import MarkupError
    from rich.text import Text

    shown = visible_controls(bounded(message, 4 * SHOWN_LIMIT))
    try:
        return Text.from_markup(_own_markup(shown))
    except MarkupError:
        return Text(shown)


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
