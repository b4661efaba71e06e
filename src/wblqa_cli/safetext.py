"""Text that came from the store or a user, made safe where it lands.

One place decides what a control character becomes:

- on a terminal (:func:`visible_controls`, through
  :func:`wblqa_cli.output.for_terminal`, which also escapes rich markup) an
  escape sequence or a control character is shown, not obeyed: ``ESC[2J``
  prints as ``\\x1b[2J``, BEL as ``\\x07``;
- in a file format (:func:`for_file`: iCalendar TEXT, XML) control
  characters are removed, keeping tab and newline where the format allows
  them, because strict parsers refuse the whole file otherwise.

What counts as a control character: C0 (U+0000–U+001F) except the kept
whitespace, DEL (U+007F) and C1 (U+0080–U+009F). Pure: no rich, no terminal.
"""

from __future__ import annotations

import re

# C0 except tab and newline, DEL, C1.  CR is a control here: on a terminal it
# moves the cursor back over what was printed, in a file it splits lines.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROLS_ALL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Never text in a file: lone surrogates (no UTF-8 for them) and the two non-characters
# XML 1.0 excludes.
_NOT_TEXT = re.compile("[\ud800-\udfff\ufffe\uffff]")


def _visible(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def has_controls(text: str, *, keep: str = "\t\n") -> bool:
    """Whether ``text`` holds a control character other than those in ``keep``."""
    return any(c not in keep for c in _CONTROLS_ALL.findall(text))


def visible_controls(text: str, *, keep: str = "\t\n") -> str:
    """Every control character not in ``keep`` written out as ``\\xNN``."""
    if not _CONTROLS_ALL.search(text):
        return text
    return _CONTROLS_ALL.sub(lambda m: m.group() if m.group() in keep else _visible(m), text)


def for_file(text: object, *, keep: str = "\t\n") -> str:
    """Text for a file format that refuses control characters: they are removed.

    So are lone surrogates and U+FFFE/U+FFFF, which no UTF-8 file or XML
    document may hold.
    """
    value = str(text)
    if _NOT_TEXT.search(value):
        value = _NOT_TEXT.sub("", value)
    if not _CONTROLS_ALL.search(value):
        return value
    return _CONTROLS_ALL.sub(lambda m: m.group() if m.group() in keep else "", value)
