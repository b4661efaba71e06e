"""The one sanitiser for text that leaves the store: terminal and file formats."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wblqa_cli.output import for_terminal
from wblqa_cli.safetext import for_file, has_controls, visible_controls


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
