"""README.md's console examples are true: each is run and its output compared.

Regenerate after an intended change: ``.venv/bin/python tests/readme_transcript.py --update``.
"""

from __future__ import annotations

import pytest

import readme_transcript as rt


def test_readme_console_examples_match_what_wblqa_prints() -> None:
    blocks = rt.run_all(rt.README.read_text(encoding="utf-8"))
    failed = rt.failures(blocks)
    lines: list[str] = []
    rt.report(failed, lines.append)
    assert not failed, "\n".join(
        [*lines, "Run: .venv/bin/python tests/readme_transcript.py --update"]
    )
    assert sum(len(b.commands) for b in blocks if "skip" not in b.directives) >= 30


@pytest.mark.parametrize(
    ("expected", "actual", "fits"),
    [
        (["a", "b"], ["a", "b"], True),
        (["a", "…"], ["a", "b", "c"], True),
        (["…", "c"], ["a", "b", "c"], True),
        (["a …"], ["a long line"], True),
        (["a …"], ["b"], False),
        (["a"], ["a", "b"], False),
        ([], ["x"], False),
        (["…"], [], True),
    ],
)
def test_elisions(expected: list[str], actual: list[str], fits: bool) -> None:
    assert rt.lines_match(expected, actual) is fits


def test_update_rewrites_only_what_differs() -> None:
    text = "x\n```console\n$ wblqa a\nold\n$ wblqa b\n…\n```\n"
    blocks = rt.parse(text)
    blocks[0].commands[0].actual = ["new"]
    blocks[0].commands[1].actual = ["anything", "at all"]
    assert rt.update(text, blocks) == "x\n```console\n$ wblqa a\nnew\n$ wblqa b\n…\n```\n"
