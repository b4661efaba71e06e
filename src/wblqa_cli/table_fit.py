"""How a terminal table's columns share the width: identifiers whole, prose wrapped.

A column marked whole (``output.table(..., whole=…)``: ids, codes, statuses)
is ``no_wrap`` with a ``min_width`` of its widest cell, so rich narrows and
wraps the other columns around it. A column may also prefer a width without
insisting (a command to copy). When the terminal is too narrow for all of
that, :func:`fitted` gives up the preferences first, then lets the whole
columns share the room at fixed widths, wrapped: folded onto more lines,
never cut with "…" (rich crops a ``no_wrap`` cell, however it was asked to
overflow).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

#: The least room a wrapping column is left beside the whole ones (else they fold).
PROSE_WIDTH = 3


@contextmanager
def fitted(columns: Sequence[Any], max_width: int) -> Iterator[None]:
    """Within the block, ``columns`` (rich ``Column``s) fit ``max_width``; then as they were."""
    saved = [(c.min_width, c.no_wrap, c.width) for c in columns]
    prose = sum(not c.no_wrap for c in columns)
    room = max_width - 3 * len(columns) - (PROSE_WIDTH - 1) * prose

    def needed() -> int:
        return sum(c.min_width or 1 for c in columns)

    for c in columns:
        if needed() > room and not c.no_wrap:
            c.min_width = None
    if needed() > room:
        whole = [c for c in columns if c.no_wrap]
        share = max(room - prose, len(whole))
        total = sum(c.min_width or 1 for c in whole)
        for c in whole:  # a fixed width, wrapped: folded, where no_wrap would crop
            c.width = max(1, (c.min_width or 1) * share // total)
            c.min_width, c.no_wrap = None, False
    try:
        yield
    finally:
        for c, (min_width, no_wrap, width) in zip(columns, saved, strict=True):
            c.min_width, c.no_wrap, c.width = min_width, no_wrap, width
