"""The one place wblqa prompts a person (questionary), and a guard for saving.

Prompts are built elsewhere as plain data (a questionary question dict:
``type``, ``name``, ``message``, ``choices``, ``default``, ``validate``…);
:func:`ask` alone shows them. Tests replace :func:`ask` to script answers or
raise :class:`KeyboardInterrupt`, as copier's tests patch its prompt.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def ask(spec: dict[str, Any], **io: Any) -> Any:
    """Show one prompt and return its answer; Ctrl-C raises KeyboardInterrupt.

    Choices given as ``{"name", "value"}`` dicts become questionary ``Choice``
    objects here, so the spec stays plain data. ``io`` (``input``/``output``)
    is for tests that drive real prompts through a pipe.
    """
    import questionary

    question = dict(spec)
    if "choices" in question:
        question["choices"] = [
            questionary.Choice(title=c["name"], value=c["value"]) if isinstance(c, dict) else c
            for c in question["choices"]
        ]
    return questionary.unsafe_prompt([question], **io)[spec["name"]]


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C until the block ends, so a save in progress always completes.

    A Ctrl-C pressed while an answer is being committed is kept and raised as
    :class:`KeyboardInterrupt` right after the commit, never in the middle of it.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pressed: list[object] = []

    def hold(signum: int, frame: object) -> None:
        pressed.append(signum)

    previous = signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if pressed:
        raise KeyboardInterrupt
