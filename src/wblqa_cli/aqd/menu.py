"""A question's menu as plain data: each option with the key that answers it at once.

Yes/no answers to ``y``/``n``, help to ``?``, skipping to ``s`` (and Esc);
other choices to their first free letter (then any free letter of their
words, then a digit). Enter takes the highlighted option, which starts on the
saved or last year's answer. Nothing here imports questionary.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

HELP = "?help"
SKIP = "?skip"
HELP_KEY = "?"
SKIP_KEY = "s"
ESCAPE = "escape"


def choice_keys(titles: Sequence[str], reserved: Sequence[str] = (HELP_KEY, SKIP_KEY)) -> list[str]:
    """One distinct key per title: the first free initial of its words, else any free
    letter of it, else a digit (``not yet due`` after ``no`` gets ``y``, then ``d``)."""
    taken = {k.casefold() for k in reserved}
    keys: list[str] = []
    for title in titles:
        words = title.casefold().split()
        initials = [w[0] for w in words if w[0].isascii() and w[0].isalpha()]
        letters = [c for c in title.casefold() if c.isascii() and c.isalpha()]
        digits = [str(d) for d in range(1, 10)]
        key = next((c for c in [*initials, *letters, *digits] if c not in taken), None)
        if key is None:
            raise ValueError(f"no key left for {title!r}")
        taken.add(key)
        keys.append(key)
    return keys


def menu_spec(
    message: str, options: Sequence[tuple[str, str]], default: str | None
) -> dict[str, Any]:
    """A select prompt over ``(title, value)`` options, plus help and skip, with its keys.

    ``keys`` maps each key to the value it answers at once; the instruction
    line names them so nobody has to guess.
    """
    keys = choice_keys([title for title, _ in options])
    choices: list[dict[str, str]] = [
        {"name": title, "value": value, "key": key}
        for key, (title, value) in zip(keys, options, strict=True)
    ]
    choices += [
        {"name": "Show help for this question", "value": HELP, "key": HELP_KEY},
        {"name": "Skip for now (come back to it later)", "value": SKIP, "key": SKIP_KEY},
    ]
    bound = {key: value for key, (_, value) in zip(keys, options, strict=True)}
    bound |= {HELP_KEY: HELP, SKIP_KEY: SKIP, ESCAPE: SKIP}
    named = " · ".join(f"{key} {title}" for key, (title, _) in zip(keys, options, strict=True))
    titles = {value: title for title, value in options}
    enter = (
        f"Enter keeps {titles[default]}" if default in titles else "Enter picks the highlighted one"
    )
    spec: dict[str, Any] = {
        "type": "select",
        "name": "answer",
        "message": message,
        "qmark": "?",
        "choices": choices,
        "keys": bound,
        "instruction": f"({named} · ? help · s skip · {enter})",
    }
    if default in titles:
        spec["default"] = default
    return spec
