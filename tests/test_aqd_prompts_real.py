"""Every prompt the walk builds, shown by real questionary through a pipe (no terminal).

The scripted tests replace :func:`wblqa_cli.aqd.prompting.ask`; these make sure the
plain-data specs are ones questionary accepts, with and without defaults, and
that keys typed at them give the answers the walk expects.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from wblqa_cli.aqd import prompting
from wblqa_cli.aqd.answers import coerce
from wblqa_cli.aqd.bank import load_bank
from wblqa_cli.aqd.interview import HELP, SKIP, comment_spec, prompt_spec

BANK = load_bank()
DEFAULTS = {
    "yes-no": False,
    "choice": None,
    "date": "2025-10-14",
    "dates": "2025-10-14; 2026-03-02",
    "text": "Saved note",
}


@pytest.fixture
def keys() -> Iterator[Any]:
    with create_pipe_input() as pipe:

        def run(spec: dict[str, Any], typed: str) -> Any:
            pipe.send_text(typed)
            return prompting.ask(spec, input=pipe, output=DummyOutput())

        yield run


@pytest.mark.parametrize("qid", [q.id for q in BANK.questions])
def test_every_question_prompts_with_its_default(keys: Any, qid: str) -> None:
    q = BANK.get(qid)
    assert q is not None
    default: Any = DEFAULTS[q.type] if q.type != "choice" else q.choices[-1]
    value = coerce(q, default, qid)
    answer = keys(prompt_spec(q, value), "\r")
    assert coerce(q, answer, qid) == value


def test_select_shortcuts_reach_help_and_skip(keys: Any) -> None:
    q = BANK.get("programme.collaboration.type")
    assert q is not None
    assert keys(prompt_spec(q, None), "3\r") == "formal"
    assert keys(prompt_spec(q, None), f"{len(q.choices) + 1}\r") == HELP
    assert keys(prompt_spec(q, None), f"{len(q.choices) + 2}\r") == SKIP


def test_text_prompt_validates_dates(keys: Any) -> None:
    q = BANK.get("programme.dcs.expiry")
    assert q is not None
    # An impossible date is refused at the prompt; the corrected one is taken.
    assert keys(
        prompt_spec(q, None), "31/02/2026\r\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f28/02/2026\r"
    ) == ("28/02/2026")


def test_text_prompt_takes_several_dates(keys: Any) -> None:
    q = BANK.get("programme.certification.expected-date")
    assert q is not None
    spec = prompt_spec(q, None)
    assert "one or more dates" in spec["instruction"]
    typed = keys(spec, "2/3/2026; 31/02/2026\r" + "\x7f" * 10 + "15/07/2026\r")
    assert coerce(q, typed, "answer") == (date(2026, 3, 2), date(2026, 7, 15))


def test_comment_prompt(keys: Any) -> None:
    q = BANK.get("programme.liv.appointed")
    assert q is not None
    assert keys(comment_spec(q, "earlier"), "\r") == "earlier"
