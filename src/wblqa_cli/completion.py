"""Shell completion of values the store holds: centre numbers and programme codes.

Typer calls these while the shell completes a word, never during a command.
They read the store named by ``--db`` or ``WBLQA_DB`` only if it already
exists (completing never creates one), and any failure completes nothing
rather than printing a traceback into the shell.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from wblqa_cli.store import Store


def _existing_store(ctx: typer.Context) -> Store | None:
    from wblqa_cli.location import resolve

    option = ctx.find_root().params.get("db_option")
    location = resolve(option if isinstance(option, str) else None)
    if location.path is not None and not location.path.is_file():
        return None
    from wblqa_cli.store import open_store

    return open_store(option if isinstance(option, str) else None, migrate=False)


def _complete(read: Callable[[Store], list[str]]) -> Callable[[typer.Context, str], list[str]]:
    def complete(ctx: typer.Context, incomplete: str) -> list[str]:
        try:
            s = _existing_store(ctx)
            values = [] if s is None else read(s)
        except Exception:  # a shell completing a word must never see a traceback
            return []
        return sorted(v for v in values if v.startswith(incomplete))

    return complete


def _centres(s: Store) -> list[str]:
    from wblqa_cli.store.centres import list_centres

    return [c.number for c in list_centres(s)]


def _programmes(s: Store) -> list[str]:
    from wblqa_cli.store.centres import programme_codes

    return list(programme_codes(s))


centre_numbers = _complete(_centres)
programme_codes = _complete(_programmes)
