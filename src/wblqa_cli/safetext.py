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
whitespace, DEL (U+007F) and C1 (U+0080–U+009F); and the invisible format
characters that can disguise text: the bidirectional marks, embeddings,
overrides and isolates (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069, which
can make a reason read backwards), zero-width and invisible characters
(U+200B, U+2060–U+2064, U+FEFF, U+180E, U+00AD, U+206A–U+206F, U+FFF9–U+FFFB)
and the line and paragraph separators (U+2028/9). A terminal and the visit
pack show these as ``\u202e``; files drop them. Zero-width (non-)joiners
(U+200C/D) stay: scripts and emoji need them. Pure: no rich, no terminal.
"""

from __future__ import annotations

import re

# C0, DEL, C1 (CR is a control here: on a terminal it moves the cursor back over
# what was printed, in a file it splits lines); then the invisible format characters.
_C0_C1 = "\x00-\x1f\x7f-\x9f"
FORMAT_CHARACTERS = (
    "\u00ad\u061c\u180e\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
)
_CONTROLS_ALL = re.compile(f"[{_C0_C1}{FORMAT_CHARACTERS}]")
_C0_C1_ONLY = re.compile(f"[{_C0_C1}]")
# Never text in a file: lone surrogates (no UTF-8 for them) and the two non-characters
# XML 1.0 excludes.
_NOT_TEXT = re.compile("[\ud800-\udfff\ufffe\uffff]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 and code != 0xAD else f"\\u{code:04x}"


def has_controls(text: str, *, keep: str = "\t\n") -> bool:
    """Whether ``text`` holds a control character other than those in ``keep``."""
    return any(c not in keep for c in _CONTROLS_ALL.findall(text))


def visible_controls(text: str, *, keep: str = "\t\n") -> str:
    """Every control character not in ``keep`` written out as ``\\xNN`` (a format
    character as ``\\uNNNN``)."""
    if not _CONTROLS_ALL.search(text):
        return text
    return _CONTROLS_ALL.sub(lambda m: m.group() if m.group() in keep else _visible(m), text)


def for_page(text: object) -> str:
    """Text for an HTML page (the visit pack): control characters removed (HTML forbids
    them), format characters shown as ``\\u202e`` so that nothing reads reversed."""
    value = _removed(str(text), _C0_C1_ONLY, "\t\n")
    return visible_controls(value)


def for_file(text: object, *, keep: str = "\t\n") -> str:
    """Text for a file format: control and format characters removed.

    So are lone surrogates and U+FFFE/U+FFFF, which no UTF-8 file or XML
    document may hold.
    """
    return _removed(str(text), _CONTROLS_ALL, keep)


def _removed(value: str, pattern: re.Pattern[str], keep: str) -> str:
    if _NOT_TEXT.search(value):
        value = _NOT_TEXT.sub("", value)
    if not pattern.search(value):
        return value
    return pattern.sub(lambda m: m.group() if m.group() in keep else "", value)


#: How much of a value an error message echoes (README: Conventions).
ECHO_LIMIT = 200


def clip(text: object, limit: int = ECHO_LIMIT) -> str:
    """``text`` as an error echoes it: at most ``limit`` characters, the rest counted."""
    value = str(text)
    if len(value) <= limit:
        return value
    return f"{value[:limit]}… ({len(value) - limit:,} more characters)"


def quoted(value: object, limit: int = ECHO_LIMIT) -> str:
    """``repr`` of a value an error names, at most ``limit`` characters of it, the rest counted.

    The one way a message quotes what a user gave: a 120 KB argument is
    echoed as its first 200 characters and a count of the rest.
    """
    if isinstance(value, str):
        if len(value) <= limit:
            return repr(value)
        return f"{value[:limit]!r}… ({len(value) - limit:,} more characters)"
    shown = repr(value)
    return shown if len(shown) <= limit else f"{shown[:limit]}… ({len(shown) - limit:,} more)"


#: The longest message line an error prints whole; a longer one (a value echoed by a
#: message that did not use :func:`quoted`) is cut in its middle.
MESSAGE_LIMIT = 1000


def bounded(message: str, limit: int = MESSAGE_LIMIT) -> str:
    """An error message as printed: a quoted value longer than :data:`ECHO_LIMIT` cut (as
    :func:`quoted` would have), then the whole cut in its middle beyond ``limit``."""
    message = _LONG_QUOTE.sub(
        lambda m: (
            f"{m.group(1)}{m.group(2)[:ECHO_LIMIT]}{m.group(1)}… "
            f"({len(m.group(2)) - ECHO_LIMIT:,} more characters)"
        ),
        message,
    )
    if len(message) <= limit:
        return message
    head, tail = message[: limit - 200], message[-150:]
    return f"{head}… ({len(message) - len(head) - len(tail):,} characters cut) …{tail}"


_LONG_QUOTE = re.compile(rf"""(['"])((?:(?!\1).){{{ECHO_LIMIT + 1},}})\1""", re.DOTALL)
