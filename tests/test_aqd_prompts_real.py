"""Every prompt the walk builds, shown by real questionary through a pipe (no terminal).

The scripted tests replace :func:`wblqa_cli.aqd.cli_prompting.ask`; these make sure the
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

from wblqa_cli.aqd import cli_prompting as prompting
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


def test_menus_answer_to_their_first_letters_at_once(keys: Any) -> None:
    q = BANK.get("programme.collaboration.type")  # none, informal, formal, exceptional
    assert q is not None
    assert keys(prompt_spec(q, None), "f") == "formal"
    assert keys(prompt_spec(q, None), "i") == "informal"
    assert keys(prompt_spec(q, None), "?") == HELP
    assert keys(prompt_spec(q, None), "s") == SKIP
    yes_no = BANK.get("centre.wbl-group.selected")
    assert yes_no is not None
    assert keys(prompt_spec(yes_no, None), "y") == "yes"
    assert keys(prompt_spec(yes_no, True), "n") == "no"
    assert keys(prompt_spec(yes_no, False), "Y") == "yes"  # either case
    assert keys(prompt_spec(yes_no, True), "\x1b") == SKIP  # Esc: come back to it later
    assert keys(prompt_spec(yes_no, False), "\r") == "no"  # Enter keeps the saved answer


def test_menu_hint_line_names_every_key() -> None:
    q = BANK.get("programme.dcs.expiry-raised")  # yes, no, not yet due
    assert q is not None
    spec = prompt_spec(q, "no")
    assert spec["instruction"] == (
        "(y yes · n no · d not yet due · ? help · s skip · Enter keeps no)"
    )
    assert set(spec["keys"]) == {"y", "n", "d", "?", "s", "escape"}


def test_every_menu_of_the_bank_has_distinct_keys() -> None:
    for q in BANK.questions:
        if q.type in ("yes-no", "choice"):
            keys = [k for k in prompt_spec(q, None)["keys"] if k != "escape"]
            assert len(keys) == len(set(keys)) == len(q.choices or ("y", "n")) + 2, q.id


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
