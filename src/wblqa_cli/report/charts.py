"""Inline SVG charts for the visit pack, drawn from the same data as its tables (pure).

Each function returns one ``<svg>`` element as text; every label is escaped
here (the caller marks the result safe). Drawn in black, greys and white with
outlines and dashes rather than colour, so they read the same printed in
greyscale; each has a ``<title>`` and the pack shows a table beside it for
screen readers.

Every label lies inside the drawing: its width is measured (:func:`text_width`,
with DejaVu Sans' advances, the widest of the fonts named) and a label too long
for its room is cut with "…", its whole text kept in a ``<title>`` that a
browser shows on hover. Labels sit on a line of their own above their bar, so
the drawings are narrow enough (under 560 units) that a phone shows their text
at a readable size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from wblqa_cli.report.pack import Count, add_months
from wblqa_cli.safetext import for_page

FONT = 'font-family="DejaVu Sans, Arial, Helvetica, sans-serif"'
INK = "#000"
FILL = "#444"
LIGHT = "#ddd"
SIZE = 12  # the labels' font size, in the drawing's units
SMALL = 11  # months and years: still 7 px on a phone

# Advance widths of DejaVu Sans, in em: narrow letters, wide ones, capitals, digits.
_NARROW, _WIDE = set("fijlrt.,:;'!|()[] "), set("mwMW@%")
HALO = {"stroke": "#fff", "stroke_width": "3", "paint_order": "stroke"}
_EM = {"narrow": 0.34, "wide": 1.0, "upper": 0.78, "digit": 0.64, "other": 0.64}


def text_width(text: str, size: float = SIZE) -> float:
    """How wide ``text`` is drawn at ``size``, erring wide (never less than DejaVu Sans)."""
    total = 0.0
    for c in text:
        if c in _NARROW:
            kind = "narrow"
        elif c in _WIDE or not c.isascii():
            kind = "wide"
        elif c.isupper():
            kind = "upper"
        else:
            kind = "digit" if c.isdigit() else "other"
        total += _EM[kind]
    return total * size


def fitted(text: str, room: float, size: float = SIZE) -> str:
    """``text``, cut with "…" until it is drawn within ``room``."""
    if text_width(text, size) <= room:
        return text
    while text and text_width(text + "…", size) > room:
        text = text[:-1]
    return text.rstrip() + "…"


def _t(text: object) -> str:
    return escape(for_page(text), quote=True)


def _label(x: float, y: float, text: str, room: float, **attrs: str) -> str:
    """A ``<text>`` that fits ``room``; the whole label in its ``<title>`` when cut."""
    shown = fitted(text, room, float(attrs.get("font_size", SIZE)))
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    title = f"<title>{_t(text)}</title>" if shown != text else ""
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{title}{_t(shown)}</text>'


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" style="max-width: {width * 5 // 4}px" role="img" '
        f'aria-label="{_t(title)}" {FONT} font-size="{SIZE}">'
        f"<title>{_t(title)}</title>{''.join(body)}</svg>"
    )


@dataclass(frozen=True)
class Span:
    """One row of the timeline: a day, or a span of days."""

    label: str
    start: date
    end: date | None = None


def timeline(title: str, spans: Sequence[Span], first: date, last: date, today: date) -> str:
    """Key dates along the year: a dot for a day, a bar for a span, a dashed line for
    ``today`` when it falls within the year (else none)."""
    left, width, row, top = 10, 520, 36, 30
    height = top + row * max(len(spans), 1) + 18
    days = max((last - first).days, 1)

    def x(day: date) -> float:
        clamped = min(max(day, first), last)
        return left + width * (clamped - first).days / days

    body = [f'<rect x="{left}" y="{top - 4}" width="{width}" height="{height - top}" '
            f'fill="none" stroke="{LIGHT}"/>']  # fmt: skip
    month = date(first.year, first.month, 1)
    while month <= last:
        mx = x(month)
        body.append(f'<line x1="{mx:.1f}" y1="{top - 4}" x2="{mx:.1f}" y2="{height - 10}" '
                    f'stroke="{LIGHT}"/>')  # fmt: skip
        if mx + 2 + text_width(f"{month:%b}", SMALL) <= left + width:
            body.append(
                f'<text x="{mx + 2:.1f}" y="{top - 10}" font-size="{SMALL}">{month:%b}</text>'
            )
        month = add_months(month, 1)
    for i, s in enumerate(spans):
        y = top + i * row
        # A white outline keeps the label legible where the dashed "today" line crosses it.
        body.append(_label(left + 4, y + 13, s.label, width - 8, **HALO))
        mark = y + 24
        if s.end is not None and s.end > s.start:
            x1, x2 = x(s.start), x(s.end)
            body.append(f'<rect x="{x1:.1f}" y="{mark - 5:.1f}" width="{max(x2 - x1, 3):.1f}" '
                        f'height="10" fill="{FILL}" stroke="{INK}"/>')  # fmt: skip
        else:
            body.append(f'<circle cx="{x(s.start):.1f}" cy="{mark:.1f}" r="5" fill="{INK}"/>')
    if first <= today <= last:
        tx = x(today)
        body.append(f'<line x1="{tx:.1f}" y1="{top - 4}" x2="{tx:.1f}" y2="{height - 10}" '
                    f'stroke="{INK}" stroke-width="2" stroke-dasharray="5 3"/>')  # fmt: skip
        word = text_width("today", SMALL) * 1.1  # bold
        at = tx + 3 if tx + 3 + word <= left + width else tx - 3 - word
        body.append(f'<text x="{at:.1f}" y="{height - 6}" font-size="{SMALL}" '
                    'font-weight="bold">today</text>')  # fmt: skip
    return _svg(left + width + 10, height, title, body)


@dataclass(frozen=True)
class Progress:
    """One bar of the AQD chart: answered out of applicable, and how many flagged."""

    label: str
    answered: int
    applicable: int
    flagged: int


def progress_bars(title: str, bars: Sequence[Progress]) -> str:
    """A bar per scope under its label: the answered part filled, the rest outlined,
    figures beside it."""
    left, width, row, top, figures = 4, 340, 38, 4, 170
    height = top + row * max(len(bars), 1) + 4
    body = []
    for i, b in enumerate(bars):
        y = top + i * row
        share = b.answered / b.applicable if b.applicable else 1.0
        body.append(_label(left, y + 12, b.label, width + figures))
        body.append(f'<rect x="{left}" y="{y + 18}" width="{width}" height="14" fill="#fff" '
                    f'stroke="{INK}"/>')  # fmt: skip
        body.append(f'<rect x="{left}" y="{y + 18}" width="{width * share:.1f}" height="14" '
                    f'fill="{FILL}"/>')  # fmt: skip
        said = f"{b.answered}/{b.applicable}" + (f", {b.flagged} flagged" if b.flagged else "")
        body.append(_label(left + width + 8, y + 29, said, figures - 12))
    return _svg(left + width + figures, height, title, body)


def columns(title: str, counts: Sequence[Count]) -> str:
    """A column per label (a month), its count above it; zero shows as a baseline tick."""
    left, col, top, plot = 6, 42, 24, 150
    biggest = max((c.count for c in counts), default=0) or 1
    height = top + plot + 34
    base = top + plot
    body = [f'<line x1="{left}" y1="{base}" x2="{left + col * len(counts)}" y2="{base}" '
            f'stroke="{INK}"/>']  # fmt: skip
    for i, c in enumerate(counts):
        cx = left + i * col
        h = plot * c.count / biggest
        if c.count:
            body.append(f'<rect x="{cx + 7}" y="{base - h:.1f}" width="{col - 14}" '
                        f'height="{h:.1f}" fill="{FILL}" stroke="{INK}"/>')  # fmt: skip
        # A count is never cut: a very large one is drawn smaller to fit its column.
        size = min(SIZE, (col - 4) / text_width(str(c.count), 1))
        body.append(f'<text x="{cx + col / 2:.1f}" y="{base - h - 5:.1f}" text-anchor="middle" '
                    f'font-size="{size:g}">{c.count}</text>')  # fmt: skip
        month, _, year = c.label.partition(" ")  # "Oct 2025": the month, its year beneath
        for n, part in enumerate((month, year)):
            if part:
                shown = fitted(part, col - 2, SMALL)
                at = f'x="{cx + col / 2:.1f}" y="{base + 14 + 12 * n}" text-anchor="middle"'
                body.append(f'<text {at} font-size="{SMALL}">{_t(shown)}</text>')
    return _svg(left + col * max(len(counts), 1) + 6, height + 8, title, body)
