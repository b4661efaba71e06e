"""The one sanitiser for text that leaves the store: terminal and file formats."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wblqa_cli.output import for_terminal
from wblqa_cli.safetext import for_file, for_page, has_controls, visible_controls


def test_escape_sequences_are_shown_not_obeyed() -> None:
    assert visible_controls("E\x1b[2J\x1b]0;title\x07") == "E\\x1b[2J\\x1b]0;title\\x07"


def test_rich_markup_is_escaped_for_the_terminal() -> None:
    from rich.console import Console

    console = Console(record=True, width=80, force_terminal=False)
    console.print(for_terminal("Evil [/] name [bold]x[/bold]"))
    assert console.export_text().strip() == "Evil [/] name [bold]x[/bold]"


def test_tab_and_newline_are_kept_others_removed_in_files() -> None:
    assert for_file("a\tb\nc\x01d\x7fe\x85f\rg") == "a\tb\ncdefg"
    assert for_file("a\rb", keep="\t\n\r") == "a\rb"


def test_c1_and_del_count_as_controls() -> None:
    assert has_controls("\x9b")
    assert has_controls("\x7f")
    assert not has_controls("Gŵyr\tcollege\n")


@given(st.text())
def test_no_control_survives(text: str) -> None:
    assert not has_controls(for_file(text))
    assert not has_controls(visible_controls(text))
    assert "\x1b" not in for_terminal(text)


BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
INVISIBLE = "\u200b\u2060\ufeff\u00ad"


def test_bidirectional_and_invisible_characters_are_shown_on_a_terminal() -> None:
    assert visible_controls("edir\u202erevo") == "edir\\u202erevo"
    assert all(has_controls(c) for c in BIDI + INVISIBLE)
    shown = visible_controls(BIDI + INVISIBLE)
    assert not any(c in shown for c in BIDI + INVISIBLE)
    assert for_terminal("a\u2066b") == "a\\u2066b"


def test_files_drop_them_and_the_pack_shows_them() -> None:
    assert for_file(f"Appeal {BIDI}{INVISIBLE}lodged") == "Appeal lodged"
    assert for_page("Appeal \u202eLTR\x1b") == "Appeal \\u202eLTR"  # ESC removed: HTML forbids it


def test_joiners_that_scripts_and_emoji_need_are_kept() -> None:
    text = "क्\u200dष \u200c 👩\u200d💻"
    assert visible_controls(text) == text and for_file(text) == text


def test_json_escapes_them() -> None:
    from wblqa_cli.output import to_json

    assert to_json("a\u202eb") == '"a\\u202eb"'
