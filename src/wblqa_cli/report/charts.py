"""Inline SVG charts for the visit pack, drawn from the same data as its tables (pure).

Each function returns one ``<svg>`` element as text; every label is escaped
here (the caller marks the result safe). Drawn in black, greys and white with
outlines and dashes rather than colour, so they read the same printed in
greyscale; each has a ``<title>`` and the pack shows a table beside it for
screen readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from wblqa_cli.report.pack import Count, add_months

FONT = 'font-family="DejaVu Sans, Arial, Helvetica, sans-serif"'
INK = "#000"
FILL = "#444"
LIGHT = "#ddd"


def _t(text: object) -> str:
    return escape(str(text), quote=True)


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{_t(title)}" {FONT} font-size="12">'
        f"<title>{_t(title)}</title>{''.join(body)}</svg>"
    )


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Span:
    """One row of the timeline: a day, or a span of days."""

    label: str
    start: date
    end: date | None = None


def timeline(title: str, spans: Sequence[Span], first: date, last: date, today: date) -> str:
    """Key dates along the year: a dot for a day, a bar for a span, a dashed line for today."""
    left, width, row, top = 300, 580, 22, 30
    height = top + row * max(len(spans), 1) + 10
    days = max((last - first).days, 1)

    def x(day: date) -> float:
        clamped = min(max(day, first), last)
        return left + width * (clamped - first).days / days

    body = [f'<rect x="{left}" y="{top - 4}" width="{width}" height="{height - top}" '
            f'fill="none" stroke="{LIGHT}"/>']  # fmt: skip
    month = date(first.year, first.month, 1)
    while month <= last:
        mx = x(month)
        body.append(f'<line x1="{mx:.1f}" y1="{top - 4}" x2="{mx:.1f}" y2="{height - 6}" '
                    f'stroke="{LIGHT}"/>')  # fmt: skip
        body.append(f'<text x="{mx + 2:.1f}" y="{top - 10}" font-size="10">{month:%b}</text>')
        month = add_months(month, 1)
    for i, s in enumerate(spans):
        y = top + i * row + row / 2
        body.append(
            f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{_t(_short(s.label, 44))}'
            "</text>"
        )
        if s.end is not None and s.end > s.start:
            x1, x2 = x(s.start), x(s.end)
            body.append(f'<rect x="{x1:.1f}" y="{y - 6:.1f}" width="{max(x2 - x1, 3):.1f}" '
                        f'height="12" fill="{FILL}" stroke="{INK}"/>')  # fmt: skip
        else:
            body.append(f'<circle cx="{x(s.start):.1f}" cy="{y:.1f}" r="5" fill="{INK}"/>')
    if first <= today <= last:
        tx = x(today)
        body.append(f'<line x1="{tx:.1f}" y1="{top - 4}" x2="{tx:.1f}" y2="{height - 6}" '
                    f'stroke="{INK}" stroke-width="2" stroke-dasharray="5 3"/>')  # fmt: skip
        body.append(f'<text x="{tx + 3:.1f}" y="{height - 8}" font-size="10" '
                    'font-weight="bold">today</text>')  # fmt: skip
    return _svg(left + width + 20, height, title, body)


@dataclass(frozen=True)
class Progress:
    """One bar of the AQD chart: answered out of applicable, and how many flagged."""

    label: str
    answered: int
    applicable: int
    flagged: int


def progress_bars(title: str, bars: Sequence[Progress]) -> str:
    """A bar per scope: the answered part filled, the rest outlined, figures beside it."""
    left, width, row, top = 300, 420, 24, 8
    height = top + row * max(len(bars), 1) + 8
    body = []
    for i, b in enumerate(bars):
        y = top + i * row
        share = b.answered / b.applicable if b.applicable else 1.0
        body.append(
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end">{_t(_short(b.label, 44))}</text>'
        )
        body.append(f'<rect x="{left}" y="{y + 4}" width="{width}" height="14" fill="#fff" '
                    f'stroke="{INK}"/>')  # fmt: skip
        body.append(f'<rect x="{left}" y="{y + 4}" width="{width * share:.1f}" height="14" '
                    f'fill="{FILL}"/>')  # fmt: skip
        figures = f"{b.answered}/{b.applicable}" + (f", {b.flagged} flagged" if b.flagged else "")
        body.append(f'<text x="{left + width + 8}" y="{y + 15}">{_t(figures)}</text>')
    return _svg(left + width + 140, height, title, body)


def columns(title: str, counts: Sequence[Count]) -> str:
    """A column per label (a month), its count above it; zero shows as a baseline tick."""
    left, col, top, plot = 30, 58, 24, 150
    biggest = max((c.count for c in counts), default=0) or 1
    height = top + plot + 34
    base = top + plot
    body = [f'<line x1="{left}" y1="{base}" x2="{left + col * len(counts)}" y2="{base}" '
            f'stroke="{INK}"/>']  # fmt: skip
    for i, c in enumerate(counts):
        cx = left + i * col
        h = plot * c.count / biggest
        if c.count:
            body.append(f'<rect x="{cx + 10}" y="{base - h:.1f}" width="{col - 20}" '
                        f'height="{h:.1f}" fill="{FILL}" stroke="{INK}"/>')  # fmt: skip
        body.append(f'<text x="{cx + col / 2:.1f}" y="{base - h - 5:.1f}" text-anchor="middle">'
                    f"{c.count}</text>")  # fmt: skip
        body.append(f'<text x="{cx + col / 2:.1f}" y="{base + 16}" text-anchor="middle" '
                    f'font-size="10">{_t(c.label)}</text>')  # fmt: skip
    return _svg(left + col * max(len(counts), 1) + 10, height, title, body)
