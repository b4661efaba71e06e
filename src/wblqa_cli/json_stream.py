"""JSON written as it is read: a listing's rows streamed to stdout, one item in memory.

:func:`stream_json` writes the same text as :func:`wblqa_cli.output.print_json`
(UTF-8 whatever the locale, ISO 8601 dates, control characters escaped), but a
:class:`Streamed` array in the document is written item by item, so a listing
of a million records needs the memory of one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from wblqa_cli.output import data_stdout, escaped_json, json_default, to_json


class Streamed:
    """A JSON array whose items come from an iterable, written as they come.

    In a document given to :func:`stream_json`, it stands for a list that is
    never held in memory whole (the rows of a large listing).
    """

    def __init__(self, items: Iterable[object], *, nested: bool = False) -> None:
        self.items = items
        #: Whether its items hold streamed arrays themselves (else each is written whole).
        self.nested = nested


def _fast_json(value: object) -> str:
    """``to_json(value)``, by orjson where it can (the same text for what wblqa writes:
    text, whole numbers, booleans, null, dates and times); the standard library otherwise."""
    if isinstance(value, float) or not isinstance(value, (dict, list, tuple)):
        return to_json(value)
    import orjson

    try:
        text = orjson.dumps(
            value,
            default=json_default,
            # Dates and times as to_json writes them: ISO 8601, times to the second.
            option=orjson.OPT_INDENT_2 | orjson.OPT_OMIT_MICROSECONDS,
        ).decode("utf-8")
    except TypeError:  # orjson.JSONEncodeError: e.g. a key that is not text, a huge number
        return to_json(value)
    # orjson escapes C0 as json does; DEL, C1 and the line separators as to_json does.
    return escaped_json(text)


def _json_chunks(value: object, level: int) -> Iterator[str]:
    """The text of ``value`` as ``to_json`` writes it at nesting ``level``, piece by piece.

    A :class:`Streamed` array may be a value of a dict or an item of a nested
    :class:`Streamed`; anything else is written whole.
    """
    pad = "  " * level
    if isinstance(value, dict) and any(isinstance(v, Streamed) for v in value.values()):
        yield "{"
        for i, (key, item) in enumerate(value.items()):
            yield ("," if i else "") + "\n" + pad + "  " + to_json(str(key))
            yield ": "
            yield from _json_chunks(item, level + 1)
        yield "\n" + pad + "}"
    elif isinstance(value, Streamed):
        empty = True
        inner = "\n" + pad + "  "
        for item in value.items:
            yield ("[" if empty else ",") + inner
            if value.nested:
                yield from _json_chunks(item, level + 1)
            else:
                yield _fast_json(item).replace("\n", inner)
            empty = False
        yield "[]" if empty else "\n" + pad + "]"
    else:
        text = _fast_json(value)
        yield text.replace("\n", "\n" + pad) if level else text


def stream_json(document: object, out: IO[str] | None = None) -> None:
    """Write one JSON document to stdout (or ``out``) as :func:`print_json` does, its
    :class:`Streamed` arrays item by item: the same text, the memory of one item."""
    if out is None:
        out = data_stdout()  # UTF-8 whatever the locale, as print_json
    write = out.write
    batch: list[str] = []
    for chunk in _json_chunks(document, 0):
        batch.append(chunk)
        if len(batch) >= 512:
            write("".join(batch))
            batch.clear()
    write("".join(batch) + "\n")
    out.flush()


def write_json(document: object, output: Path | None, *, force: bool = False) -> None:
    """:func:`stream_json` to the ``-o`` file (owner-only, whole or nothing) or to stdout."""
    if output is None:
        stream_json(document)
        return
    from wblqa_cli.files import private_output
    from wblqa_cli.tables import OVERWRITE_HINT

    with private_output(output, overwrite=force, exists_hint=OVERWRITE_HINT) as stream:
        stream_json(document, stream)
