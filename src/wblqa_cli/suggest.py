"""Commands wblqa prints for a person to run: built from words, so they run as printed.

Every word is quoted for a POSIX shell (``shlex``): an arrangement called
``North Vale & Ōtaki <BTEC> "Consortium"`` is one argument, not five, and
``&`` or ``<`` never reach the shell as operators. A stored value given as an
argument that starts with ``-`` follows ``--``, so it is never read as an
option. Pure: the caller decides which options the command needs (``--centre``
when more than one centre is registered, ``--year`` always).
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence


def command(*words: str, arguments: Sequence[str] = ()) -> str:
    """``wblqa WORDS… ARGUMENTS…`` as a shell line; ``--`` before the arguments if one
    of them starts with a dash."""
    tail = list(arguments)
    if any(a.startswith("-") for a in tail):
        tail.insert(0, "--")
    return shlex.join(["wblqa", *words, *tail])


def centre_option(centre: str | None, several: bool) -> list[str]:
    """``--centre NUMBER`` when more than one centre is registered (a bare command would
    refuse to guess), else nothing."""
    return ["--centre", centre] if several and centre is not None else []
