"""AQD answers as values: the checked value of what was typed or read, and its stored form.

Answers are keyed by ``(programme code or None, question id)``: ``None`` is
the centre's scope. :func:`coerce` turns what a person typed or a file held
into a checked value; :func:`encode`/:func:`decode` are the store's JSON text
and :func:`display` is how a person reads it. Nothing here touches the store
or the terminal.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from wblqa_cli.aqd.bank import Question, Value
from wblqa_cli.errors import InputError

Key = tuple[str | None, str]

YES = ("yes", "y", "true")
NO = ("no", "n", "false")


@dataclass(frozen=True)
class Answer:
    """A saved answer; ``value`` None means an optional question left blank."""

    value: Value | None
    comment: str | None = None
    answered_at: datetime | None = None
    answered_by: str | None = None
    group: str | None = None  # given once for this programme's group (aqd/groups.py)


@dataclass(frozen=True)
class Given:
    """An answer from a file or a prompt, checked, not yet saved."""

    programme: str | None
    question_id: str
    value: Value | None
    comment: str | None = None

    @property
    def key(self) -> Key:
        return (self.programme, self.question_id)


def shown(value: object) -> str:
    """A value from an answers file as an error message quotes it: ``repr``, bounded.

    A YAML file can make a few lines expand to millions of items with anchors
    (``*a``); a plain ``repr`` of that would never finish.
    """
    import reprlib

    limits = reprlib.Repr()
    limits.maxlevel, limits.maxlist, limits.maxdict = 2, 4, 4
    limits.maxstring = limits.maxother = limits.maxlong = 80
    try:
        return limits.repr(value)
    except ValueError:  # an integer too long for Python to write out
        return "a number thousands of digits long"


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def coerce(question: Question, raw: object, context: str) -> Value:
    """A checked value for ``question`` from what was typed or read; InputError if invalid."""
    from wblqa_cli.dates import as_date

    kind = question.type
    if kind == "yes-no":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().casefold() in YES + NO:
            return raw.strip().casefold() in YES
        raise InputError(f"{context}: {shown(raw)} is not a yes-no answer; write true or false.")
    if kind == "date":
        if isinstance(raw, date | str):  # a date-time is read as its date (dates.as_date)
            try:
                return as_date(raw)
            except InputError as exc:
                raise InputError(f"{context}: {exc.message}", hint=exc.hint) from None
        raise InputError(f"{context}: {shown(raw)} is not a date; write it as 2025-10-14.")
    if kind == "dates":
        return _dates(question, raw, context)
    if kind == "choice":
        if isinstance(raw, str):
            wanted = " ".join(raw.split()).casefold()
            for choice in question.choices:
                if choice.casefold() == wanted:
                    return choice
        raise InputError(
            f"{context}: {shown(raw)} is not one of the choices: "
            + ", ".join(repr(c) for c in question.choices)
            + "."
        )
    if isinstance(raw, str) and "\x00" in raw:  # no store can keep one
        raise InputError(f"{context}: the answer contains a NUL character (\\u0000).")
    if isinstance(raw, str) and raw.strip():
        return raw.strip()
    raise InputError(f"{context}: {shown(raw)} is not text; write the answer in quotes.")


def _dates(question: Question, raw: object, context: str) -> tuple[date, ...]:
    """One or more dates: a list, or text with the dates separated by ';' or ','."""
    from dataclasses import replace

    items: list[object]
    if isinstance(raw, date):
        items = [raw]
    elif isinstance(raw, str):
        items = [part for part in raw.replace(",", ";").split(";") if part.strip()]
    elif isinstance(raw, list | tuple):
        items = list(raw)
    else:
        raise InputError(
            f"{context}: {shown(raw)} is not a list of dates; write e.g. 2025-10-14; 2026-03-02."
        )
    if not items:
        raise InputError(f"{context}: give at least one date, e.g. 2025-10-14.")
    single = replace(question, type="date")
    found = {coerce(single, item, context) for item in items}
    return tuple(sorted(d for d in found if isinstance(d, date)))


def to_json_value(value: Value | None) -> bool | str | list[str] | None:
    if isinstance(value, tuple):
        return [d.isoformat() for d in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def encode(value: Value | None) -> str:
    """The JSON text the store keeps for a value."""
    return json.dumps(to_json_value(value), ensure_ascii=False)


def decode(question: Question | None, text: str) -> Value | None:
    """A stored value back as the domain holds it (dates as :class:`date`)."""
    value = json.loads(text)
    if question is not None and question.type == "dates" and isinstance(value, list | str):
        try:
            items = value if isinstance(value, list) else [value]
            return tuple(sorted({date.fromisoformat(str(v)) for v in items}))
        except ValueError:
            return json.dumps(value)
    if question is not None and question.type == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, bool | str) or value is None:
        return value
    return str(value)


def display(value: Value | None) -> str:
    """An answer as a person reads it: yes/no, ISO dates ('; ' between), the choice or text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return "; ".join(d.isoformat() for d in value)
    return value
