"""Words for people, pure: counts that agree with their noun, dates at a glance, notes folded.

Plain functions over plain values: no terminal, no rich. Domain modules use
them to build the sentences they hand to a screen, a file or a message;
:mod:`wblqa_cli.output` decides how those are shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date


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
