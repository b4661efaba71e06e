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
    objects here, so the spec stays plain data. A select spec with ``keys``
    (key → value) is a menu answered by single keys (:func:`_menu`). ``io``
    (``input``/``output``) is for tests that drive real prompts through a pipe.
    """
    import questionary

    question = _wrapped(dict(spec))
    if question.get("type") == "select" and question.get("keys"):
        return _menu(question, io)
    if "choices" in question:
        question["choices"] = [
            questionary.Choice(title=c["name"], value=c["value"]) if isinstance(c, dict) else c
            for c in question["choices"]
        ]
    return questionary.unsafe_prompt([question], **io)[spec["name"]]


def _wrapped(question: dict[str, Any]) -> dict[str, Any]:
    """The message broken at word boundaries for the terminal, the instruction on its own line.

    A terminal wraps at its last column, mid-word; wrapping here first keeps
    every word whole.
    """
    import shutil

    from wblqa_cli.output import wrap

    width = shutil.get_terminal_size((80, 24)).columns - 3  # "? " before, a column spare
    # Room on the last line for the answer shown after it once given (" Yes").
    titles = [
        str(c["name"])
        for c in question.get("choices", ())
        if isinstance(c, dict) and not str(c["value"]).startswith("?")  # not help or skip
    ]
    room = max((len(t) + 1 for t in titles), default=0)
    question["message"] = wrap(str(question.get("message", "")), width - room, indent="  ")
    instruction = question.get("instruction")
    if instruction:
        question["instruction"] = "\n  " + wrap(instruction, width, indent="  ")
    return question


def _menu(question: dict[str, Any], io: dict[str, Any]) -> Any:
    """A select menu where each key of ``question["keys"]`` answers at once (``y`` for Yes).

    Each option is listed as ``y) Yes``; arrow keys and Enter work as in any
    questionary menu. The keys are bound after questionary's own bindings, so
    they take precedence; the answer is shown without its key, however given.
    """
    import questionary
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
    from questionary.prompts.common import InquirerControl

    options: list[dict[str, Any]] = question["choices"]
    keys: dict[str, Any] = question["keys"]
    chosen = questionary.select(
        question["message"],
        choices=[
            questionary.Choice(title=f"{c['key']}) {c['name']}", value=c["value"]) for c in options
        ],
        default=question.get("default"),
        qmark=question.get("qmark", "?"),
        instruction=question.get("instruction"),
        use_jk_keys=False,
        **io,
    )
    app = chosen.application
    control = next(c for c in app.layout.find_all_controls() if isinstance(c, InquirerControl))
    values = [c["value"] for c in options]

    def answer(event: Any, value: Any) -> None:
        index = values.index(value)
        control.pointed_at = index
        control.choices[index].title = options[index]["name"]  # shown as the answer
        control.is_answered = True
        event.app.exit(result=value)

    extra = KeyBindings()
    for key, value in keys.items():
        for typed in {key, key.upper()} if len(key) == 1 else {key}:  # y or Y
            extra.add(typed, eager=True)(lambda event, value=value: answer(event, value))
    extra.add("enter", eager=True)(lambda event: answer(event, control.get_pointed_at().value))
    app.key_bindings = merge_key_bindings([app.key_bindings or KeyBindings(), extra])
    return chosen.unsafe_ask()


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

    def hold(signum: int, _frame: object) -> None:
        pressed.append(signum)

    previous = signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if pressed:
        raise KeyboardInterrupt
