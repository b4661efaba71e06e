"""The interactive walk with the prompt replaced (as copier's tests patch its prompt).

``wblqa_cli.aqd.cli_prompting.ask`` is the only function that prompts; here it is
scripted. The walk must save each answer as it is given, so a Ctrl-C at any
point keeps every answer already given, and a rerun resumes at the first
unanswered question.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _aqd_helpers import CODES, complete_document, register, write_json
from wblqa_cli.aqd import cli_prompting as prompting
from wblqa_cli.aqd import cli_start as aqd_commands
from wblqa_cli.aqd.answers import Answer, Given, Key, coerce
from wblqa_cli.aqd.bank import load_bank
from wblqa_cli.aqd.cli_sitting import walk_line
from wblqa_cli.aqd.interview import FINAL_NOTE, HELP, SKIP, Interview, prompt_spec

BANK = load_bank()


def compliant(spec: dict[str, Any]) -> Any:
    """Answer a prompt the way a compliant centre would."""
    if spec["type"] == "select":
        return spec["choices"][0]["value"]
    if spec["type"] == "confirm":
        return False
    if "date" in spec.get("instruction", ""):
        return "01/10/2025"
    return ""


class Script:
    """A stand-in for prompting.ask: records messages, answers by rule, can be interrupted."""

    def __init__(
        self,
        answer: Callable[[dict[str, Any]], Any] = compliant,
        interrupt_at: int | None = None,
        exc: type[BaseException] = KeyboardInterrupt,
    ) -> None:
        self.answer = answer
        self.interrupt_at = interrupt_at
        self.exc = exc
        self.asked: list[dict[str, Any]] = []

    def __call__(self, spec: dict[str, Any]) -> Any:
        if self.interrupt_at is not None and len(self.asked) + 1 == self.interrupt_at:
            raise self.exc
        self.asked.append(spec)
        return self.answer(spec)

    @property
    def messages(self) -> list[str]:
        return [s["message"] for s in self.asked]


def interview(
    saved: dict[Key, Answer], codes: tuple[str, ...] = ("A",), **kw: Any
) -> tuple[Interview, list[Given], list[str]]:
    log: list[Given] = []
    lines: list[str] = []

    def save(g: Given) -> None:
        log.append(g)

    iv = Interview(
        bank=BANK,
        programmes=[(c, f"Title {c}") for c in codes],
        answers=saved,
        save=save,
        out=lambda line: lines.append(walk_line(line)),
        ask=lambda spec: prompting.ask(spec),
        centre_label="12345 Test",
        **kw,
    )
    return iv, log, lines


# ------------------------------------------------------------- prompt data


def test_prompt_spec_is_plain_data() -> None:
    q = BANK.get("programme.collaboration.type")
    assert q is not None
    spec = prompt_spec(q, "formal")
    assert spec["type"] == "select"
    assert spec["message"] == q.question
    assert [c["value"] for c in spec["choices"]] == [*q.choices, HELP, SKIP]
    assert spec["default"] == "formal"
    date_q = BANK.get("programme.dcs.expiry")
    assert date_q is not None
    text_spec = prompt_spec(date_q, None)
    assert text_spec["type"] == "text"
    assert text_spec["validate"]("31/02/2025") != True  # noqa: E712 - a message, not True
    assert text_spec["validate"]("14/10/2025") is True
    assert text_spec["validate"]("?") is True


# ------------------------------------------------------------- the walk


def test_walk_saves_every_answer_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    script = Script()
    monkeypatch.setattr(prompting, "ask", script)
    iv, log, _ = interview({})
    iv.run()
    assert [g.question_id for g in log][:3] == [
        "centre.wbl-group.selected",
        "centre.policies.registration-certification",
        "centre.policies.assessment",
    ]
    assert len(log) == len(iv.answers) == iv.answered
    assert log[-1].question_id == "terms.comments"
    assert log[-1].value is None  # optional text left blank is recorded, not re-asked


def test_interrupt_mid_walk_keeps_what_was_given(monkeypatch: pytest.MonkeyPatch) -> None:
    script = Script(interrupt_at=6)
    monkeypatch.setattr(prompting, "ask", script)
    iv, log, _ = interview({})
    with pytest.raises(KeyboardInterrupt):
        iv.run()
    assert len(log) == 5
    assert set(iv.answers) == {g.key for g in log}


def test_help_shows_and_asks_again(monkeypatch: pytest.MonkeyPatch) -> None:
    replies = iter([HELP, "yes"])
    script = Script(answer=lambda spec: next(replies), interrupt_at=3)
    monkeypatch.setattr(prompting, "ask", script)
    iv, log, lines = interview({})
    with pytest.raises(KeyboardInterrupt):
        iv.run()
    first = BANK.questions[0]
    assert script.messages == [first.question, first.question]
    assert any(first.help in line for line in lines)
    assert [(g.question_id, g.value) for g in log] == [(first.id, True)]


def test_skip_moves_on_without_saving(monkeypatch: pytest.MonkeyPatch) -> None:
    replies = iter([SKIP, "yes"])
    script = Script(answer=lambda spec: next(replies), interrupt_at=3)
    monkeypatch.setattr(prompting, "ask", script)
    iv, log, _ = interview({})
    with pytest.raises(KeyboardInterrupt):
        iv.run()
    assert [g.question_id for g in log] == ["centre.policies.registration-certification"]
    assert (None, "centre.wbl-group.selected") in iv.skipped


def test_flagged_answer_asks_for_a_comment(monkeypatch: pytest.MonkeyPatch) -> None:
    replies = iter(["no", "Policy being rewritten", "yes"])
    script = Script(answer=lambda spec: next(replies), interrupt_at=4)
    monkeypatch.setattr(prompting, "ask", script)
    iv, log, _ = interview({})
    with pytest.raises(KeyboardInterrupt):
        iv.run()
    assert [(g.value, g.comment) for g in log][:2] == [
        (False, None),
        (False, "Policy being rewritten"),
    ]
    assert "flagged" in script.asked[1]["message"]


def test_interrupt_at_the_comment_prompt_keeps_the_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    replies = iter(["no"])
    script = Script(answer=lambda spec: next(replies), interrupt_at=2)
    monkeypatch.setattr(prompting, "ask", script)
    iv, log, _ = interview({})
    with pytest.raises(KeyboardInterrupt):
        iv.run()
    assert [(g.question_id, g.value) for g in log] == [("centre.wbl-group.selected", False)]
    assert iv.answers[(None, "centre.wbl-group.selected")].value is False


def test_bad_typed_date_is_reasked(monkeypatch: pytest.MonkeyPatch) -> None:
    # A date typed past the validator (as a test can) is refused and asked again.
    done = complete_document(("A",))
    saved: dict[Key, Answer] = {}
    for qid, raw in done["centre"].items():
        saved[(None, qid)] = Answer(raw)
    for qid, raw in done["programmes"]["A"].items():
        if qid != "programme.assessment.first-date":
            saved[("A", qid)] = Answer(raw)
    replies = iter(["31/02/2025", "01/10/2025"])
    monkeypatch.setattr(prompting, "ask", Script(answer=lambda spec: next(replies)))
    iv, log, lines = interview(saved)
    iv.run()
    assert [(g.question_id, str(g.value)) for g in log] == [
        ("programme.assessment.first-date", "2025-10-01")
    ]
    assert any("does not exist" in line for line in lines)


def test_review_offers_saved_answers_as_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    saved = {(None, "centre.wbl-group.selected"): Answer(False)}
    script = Script(answer=lambda spec: spec.get("default") or compliant(spec), interrupt_at=2)
    monkeypatch.setattr(prompting, "ask", script)
    iv, _, _ = interview(saved, review=True)
    with pytest.raises(KeyboardInterrupt):
        iv.run()
    assert script.asked[0]["default"] == "no"


def test_last_years_answers_are_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    last = {(None, "centre.wbl-group.selected"): Answer(False)}
    script = Script(interrupt_at=2)
    monkeypatch.setattr(prompting, "ask", script)
    iv, _, lines = interview({}, defaults=last)
    with pytest.raises(KeyboardInterrupt):
        iv.run()
    assert script.asked[0]["default"] == "no"
    assert any("Last year you answered: no" in line for line in lines)


def test_progress_and_headings_are_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prompting, "ask", Script())
    iv, _, lines = interview({}, codes=("A", "B"))
    iv.run()
    text = "\n".join(lines)
    assert "Centre · question 1 of" in text
    assert "Programme 2 of 2 (B) · question 1 of" in text
    assert "Programme 1 of 2: A" in text
    assert "Standardisation" in text


# ---------------------------------------------------- through the command


@pytest.fixture
def tty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aqd_commands, "_has_terminal", lambda: True)


def status(invoke: Any) -> dict[str, Any]:
    result = invoke("aqd", "status", "--year", "2025-26", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def saved_count(invoke: Any) -> int:
    return sum(len(s["answers"]) for s in status(invoke)["scopes"])


@pytest.mark.parametrize("exc", [KeyboardInterrupt, EOFError])
def test_start_interrupted_exits_130_and_keeps_answers(
    invoke: Any, tty: None, monkeypatch: pytest.MonkeyPatch, exc: type[BaseException]
) -> None:
    register(invoke)
    script = Script(interrupt_at=8, exc=exc)
    monkeypatch.setattr(prompting, "ask", script)
    result = invoke("aqd", "start", "--year", "2025-26")
    assert result.exit_code == 130, result.output
    assert "saved" in result.stderr and "`wblqa aqd start --year 2025-26`" in result.stderr
    assert saved_count(invoke) == 7


def test_start_resumes_at_first_unanswered(
    invoke: Any, tty: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(invoke)
    monkeypatch.setattr(prompting, "ask", Script(interrupt_at=4))
    assert invoke("aqd", "start", "--year", "2025-26").exit_code == 130
    again = Script(interrupt_at=2)
    monkeypatch.setattr(prompting, "ask", again)
    assert invoke("aqd", "start", "--year", "2025-26").exit_code == 130
    assert again.messages == [BANK.questions[3].question]


def test_every_interruption_point_loses_nothing(
    invoke: Any, tty: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(invoke, CODES[:1])
    given = 0
    for stop in (1, 2, 5, 1, 9, 3):
        monkeypatch.setattr(prompting, "ask", Script(interrupt_at=stop))
        result = invoke("aqd", "start", "--year", "2025-26")
        assert result.exit_code == 130, result.output
        given += stop - 1
        assert saved_count(invoke) == given


def test_start_completes_then_submit(
    invoke: Any, tty: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(invoke)
    monkeypatch.setattr(prompting, "ask", Script())
    result = invoke("aqd", "start", "--year", "2025-26")
    assert result.exit_code == 0, result.output
    assert "All questions answered" in result.stdout
    assert status(invoke)["complete"] is True
    assert invoke("aqd", "submit", "--year", "2025-26").exit_code == 0


def test_start_with_programme_limits_the_walk(
    invoke: Any, tty: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(invoke)
    monkeypatch.setattr(prompting, "ask", Script())
    result = invoke("aqd", "start", "--year", "2025-26", "--programme", CODES[1])
    assert result.exit_code == 0, result.output
    scopes = {s["programme"]: s for s in status(invoke)["scopes"]}
    assert scopes[CODES[1]]["missing"] == []
    assert scopes[CODES[0]]["answered"] == 0


def test_start_on_submitted_declaration_is_refused(
    invoke: Any, tty: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    register(invoke)
    path = write_json(tmp_path / "a.json", complete_document())
    assert invoke("aqd", "start", "--year", "2025-26", "--answers", str(path)).exit_code == 0
    assert invoke("aqd", "submit", "--year", "2025-26").exit_code == 0
    monkeypatch.setattr(prompting, "ask", Script())
    result = invoke("aqd", "start", "--year", "2025-26")
    assert result.exit_code == 1, result.output
    assert "aqd reopen" in result.stderr


def test_start_registers_centre_and_programme_on_the_fly(
    invoke: Any, tty: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup = iter(["54321", "South Dale Training", True, "600/9999/9", "Business Skills", "", False])

    def answer(spec: dict[str, Any]) -> Any:
        return next(setup)

    script = Script(answer=answer, interrupt_at=8)
    monkeypatch.setattr(prompting, "ask", script)
    result = invoke("aqd", "start", "--year", "2025-26")
    assert result.exit_code == 130, result.output
    confirms = [s for s in script.asked if s["type"] == "confirm"]
    assert [c["default"] for c in confirms] == [True, False]
    # The sector found from the title (none here) is shown, and can be kept or chosen.
    assert "No sector group found from the title" in result.stdout
    sector = next(s for s in script.asked if s["message"].startswith("Sector"))
    assert "Enter keeps none" in sector["message"]
    assert sector["validate"]("nonsense sector") is not True
    assert sector["validate"]("construction") is True
    shown = json.loads(invoke("centre", "show", "54321", "--json").stdout)
    assert [p["code"] for p in shown["programmes"]] == ["600/9999/9"]


def test_on_the_fly_registration_can_choose_a_sector(
    invoke: Any, tty: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup = iter(["54321", "South Dale", True, "P1", "Level 3 Diploma in Managment", "none", False])
    script = Script(answer=lambda spec: next(setup), interrupt_at=8)
    monkeypatch.setattr(prompting, "ask", script)
    result = invoke("aqd", "start", "--year", "2025-26")
    assert result.exit_code == 130, result.output
    assert "by a close match to the listed title" in result.stdout
    assert "out of scope for Lead Standards Verification" in result.stdout
    (p,) = json.loads(invoke("programme", "list", "--json").stdout)
    assert p["sector"] is None  # the person said none


def test_last_years_submitted_answers_are_offered(
    invoke: Any, tty: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    register(invoke)
    doc = complete_document()
    doc["centre"]["centre.collaboration.any"] = True
    doc["centre"]["centre.policies.collaborative-arrangements"] = True
    path = write_json(tmp_path / "a.json", doc)
    assert invoke("aqd", "start", "--year", "2024-25", "--answers", str(path)).exit_code == 0
    assert invoke("aqd", "submit", "--year", "2024-25").exit_code == 0
    script = Script(interrupt_at=9)
    monkeypatch.setattr(prompting, "ask", script)
    assert invoke("aqd", "start", "--year", "2025-26").exit_code == 130
    collab = BANK.get("centre.collaboration.any")
    assert collab is not None
    asked = next(s for s in script.asked if s["message"] == collab.question)
    assert asked["default"] == "yes"


def test_a_saved_choice_no_longer_offered_is_not_a_default() -> None:
    q = BANK.get("programme.delivery.mode")
    assert q is not None
    assert "default" not in prompt_spec(q, "by carrier pigeon")
    assert prompt_spec(q, "blended")["default"] == "blended"


def test_start_when_everything_is_answered(
    invoke: Any, tty: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    register(invoke)
    path = write_json(tmp_path / "a.json", complete_document())
    assert invoke("aqd", "start", "--year", "2025-26", "--answers", str(path)).exit_code == 0
    script = Script()
    monkeypatch.setattr(prompting, "ask", script)
    result = invoke("aqd", "start", "--year", "2025-26")
    assert result.exit_code == 0, result.output
    assert script.asked == []
    assert "--review" in result.stdout


# --------------------------------------------------------------- property

BY_TEXT = {q.question: q for q in BANK.questions}


@settings(max_examples=60, deadline=None)
@given(data=st.data(), stops=st.lists(st.integers(1, 15), min_size=1, max_size=6))
def test_no_sequence_of_interrupts_loses_a_given_answer(data: Any, stops: list[int]) -> None:
    """Whatever is answered (yes, no, help, skip, a comment) and wherever Ctrl-C falls,
    every answer given is in the store afterwards, with the value given."""
    stored: dict[Key, Answer] = {}
    expected: dict[str, Any] = {}

    def save(g: Given) -> None:
        stored[g.key] = Answer(g.value, g.comment)

    def answer(spec: dict[str, Any]) -> Any:
        if spec["type"] == "select":
            picked = data.draw(st.sampled_from([c["value"] for c in spec["choices"]]))
        elif spec["qmark"] == "!":
            picked = data.draw(st.sampled_from(["", "fixing it"]))
        else:
            picked = data.draw(st.sampled_from(["", "?", "01/10/2025"]))
        q = BY_TEXT.get(spec["message"])
        if q is not None and picked not in (HELP, SKIP, "?", ""):
            expected[q.id] = coerce(q, picked, q.id)
        return picked

    for stop in stops:
        script = Script(answer=answer, interrupt_at=stop)
        iv = Interview(
            bank=BANK,
            programmes=[("A", "Title A")],
            answers=dict(stored),
            save=save,
            out=lambda line: None,
            ask=lambda spec: prompting.ask(spec),
            centre_label="12345",
        )
        with patch.object(prompting, "ask", script), contextlib.suppress(KeyboardInterrupt):
            iv.run()
    for qid, value in expected.items():
        scope = None if qid.startswith(("centre.", "terms.")) else "A"
        assert stored[(scope, qid)].value == value, qid


# ------------------------------------------- progress, review, resume (issue 13)


def test_overall_progress_never_jumps_up_and_says_about(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prompting, "ask", Script())
    iv, _, lines = interview({}, codes=("A", "B"))
    iv.run()
    figures = [re.search(r"(\d+) of (about )?(\d+) answered in all", line) for line in lines]
    found = [(int(m[1]), bool(m[2]), int(m[3])) for m in figures if m]
    assert found and found[0][0] == 0 and found[0][1]  # conditions unknown: "about"
    totals = [total for _, _, total in found]
    assert totals == sorted(totals, reverse=True)  # only ever falls
    assert not found[-1][1]  # by the last question every condition is known
    assert [n for n, _, _ in found] == list(range(len(found)))


def test_final_declarations_are_announced_once_after_the_programmes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(prompting, "ask", Script())
    iv, _, lines = interview({}, codes=("A",))
    iv.run()
    notes = [i for i, line in enumerate(lines) if FINAL_NOTE in line]
    last_programme = max(i for i, line in enumerate(lines) if "(A) · question" in line)
    assert len(notes) == 1 and notes[0] > last_programme


def test_review_shows_a_saved_comment_and_keeps_it_when_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = (None, "centre.wbl-group.selected")
    saved = {key: Answer(False, "Form being corrected")}

    def answer(spec: dict[str, Any]) -> Any:
        if spec["type"] == "confirm":
            return spec["message"].startswith("Your answer changed")  # keep it
        return "yes" if spec["message"] == BANK.get(key[1]).question else compliant(spec)  # type: ignore[union-attr]

    script = Script(answer=answer, interrupt_at=3)
    monkeypatch.setattr(prompting, "ask", script)
    iv, log, lines = interview(saved, review=True)
    with pytest.raises(KeyboardInterrupt):
        iv.run()
    assert any("Saved comment: Form being corrected" in line for line in lines)
    assert "Form being corrected" in script.asked[1]["message"]  # asked whether to keep it
    assert log[0].value is True and log[0].comment == "Form being corrected"


def test_review_drops_a_comment_the_person_does_not_keep(monkeypatch: pytest.MonkeyPatch) -> None:
    key = (None, "centre.wbl-group.selected")
    saved = {key: Answer(False, "Form being corrected")}

    def answer(spec: dict[str, Any]) -> Any:
        if spec["type"] == "confirm":
            return False
        return "yes" if spec["message"] == BANK.get(key[1]).question else compliant(spec)  # type: ignore[union-attr]

    monkeypatch.setattr(prompting, "ask", Script(answer=answer, interrupt_at=3))
    iv, log, _ = interview(saved, review=True)
    with pytest.raises(KeyboardInterrupt):
        iv.run()
    assert (log[0].value, log[0].comment) == (True, None)


def test_an_unchanged_answer_keeps_its_comment_without_asking(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    saved = {(None, "centre.wbl-group.selected"): Answer(False, "Form being corrected")}
    script = Script(answer=lambda spec: spec.get("default") or compliant(spec), interrupt_at=3)
    monkeypatch.setattr(prompting, "ask", script)
    iv, _, _ = interview(saved, review=True)
    with pytest.raises(KeyboardInterrupt):
        iv.run()
    assert all(s["type"] != "confirm" for s in script.asked)
    # The flag's comment prompt offers the saved comment as its default.
    assert script.asked[1]["default"] == "Form being corrected"


def test_a_low_confidence_choice_is_flagged_and_asks_for_a_comment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def answer(spec: dict[str, Any]) -> Any:
        if "confident" in spec["message"]:
            return "low"
        if spec["qmark"] == "!":
            return "New LIV from January"
        return compliant(spec)

    monkeypatch.setattr(prompting, "ask", Script(answer=answer))
    iv, log, _ = interview({}, codes=("A",))
    iv.run()
    low = [g for g in log if g.question_id == "programme.improvement.confidence"]
    assert low[-1].value == "low" and low[-1].comment == "New LIV from January"


def test_resume_says_how_far_and_what_is_next(
    invoke: Any, tty: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    register(invoke)
    doc = complete_document(skip=("programme.improvement.notes",))
    path = write_json(tmp_path / "a.json", doc)
    assert invoke("aqd", "start", "--year", "2025-26", "--answers", str(path)).exit_code == 0
    monkeypatch.setattr(prompting, "ask", Script(interrupt_at=1))
    result = invoke("aqd", "start", "--year", "2025-26")
    assert result.exit_code == 130
    answered = saved_count(invoke)
    line = next(x for x in result.stdout.splitlines() if x.startswith("Resuming"))
    assert line.startswith(
        f"Resuming 2025-26 for centre 12345: {answered} of {answered + 2} answered; "
        "next: Improvement"
    ), line


def test_interrupt_during_centre_registration_says_nothing_was_saved(
    invoke: Any, tty: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prompting, "ask", Script(interrupt_at=2))  # at the centre's name
    result = invoke("aqd", "start", "--year", "2025-26")
    assert result.exit_code == 130
    assert "Stopped. Nothing was saved this time." in result.stderr
    assert "saved" not in result.stderr.replace("Nothing was saved", "")
    assert invoke("centre", "list", "--json").stdout.strip() == "[]"


# ------------------------------------------- the walk's lines: data, styled by the CLI


def test_the_walk_hands_out_words_and_the_cli_styles_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """aqd/interview.py builds no markup: a centre or title holding brackets reaches the
    screen as typed, styled only by cli_sitting.walk_line."""
    from wblqa_cli.aqd.interview import Shown

    shown: list[Shown] = []
    script = Script(interrupt_at=2)
    iv = Interview(
        bank=BANK,
        programmes=[("A", "[red]Evil[/red] title")],
        answers={},
        save=lambda g: None,
        out=shown.append,
        ask=script,
        centre_label="12345 [bold]North[/bold] \x1b[2J",
    )
    with pytest.raises(KeyboardInterrupt):
        iv.run()
    heading = next(s for s in shown if s.kind == "heading")
    assert heading.text == "Centre 12345 [bold]North[/bold] \x1b[2J"  # the words, as stored
    styles = ("[bold]", "[dim]", "[italic]", "[red]", "\n")
    assert not any(s.text.startswith(styles) for s in shown), shown
    line = walk_line(heading)
    assert line.startswith("\n[bold]Centre 12345 \\[bold]North\\[/bold] \\x1b[2J")
    assert line.endswith("[/bold]")
    title = walk_line(Shown("heading", "Programme 1 of 1: A", "[red]Evil[/red] title"))
    assert title == "\n[bold]Programme 1 of 1: A[/bold] \\[red]Evil\\[/red] title"
    assert walk_line(Shown("refused", "[x]")) == "[red]\\[x][/red]"
    assert (
        walk_line(Shown("help", "Why", "Source: s")) == "[italic]Why[/italic]\n[dim]Source: s[/dim]"
    )
