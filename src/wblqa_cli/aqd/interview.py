"""The interactive AQD walk: builds each prompt as data, asks it, saves each answer at once.

The store and the screen are handed in (``save``, ``out``), and prompts go
through :func:`wblqa_cli.aqd.prompting.ask`, so the walk is tested with scripted
answers and no terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from wblqa_cli.aqd import prompting
from wblqa_cli.aqd.answers import Answer, Given, Key, coerce, display
from wblqa_cli.aqd.bank import Bank, Question, Value
from wblqa_cli.aqd.menu import HELP, SKIP, menu_spec
from wblqa_cli.aqd.walk import Slot, next_unanswered, walk
from wblqa_cli.errors import InputError


@dataclass(frozen=True)
class Skip:
    """The person chose to come back to a question later."""


def _validator(q: Question) -> Callable[[str], bool | str]:
    def validate(text: str) -> bool | str:
        if text.strip() in ("", "?"):
            return True
        try:
            coerce(q, text, "answer")
        except InputError as exc:
            return exc.message.removeprefix("answer: ")
        return True

    return validate


def prompt_spec(q: Question, default: Value | None) -> dict[str, Any]:
    """The questionary prompt for ``q`` as plain data (no questionary import here)."""
    if q.type in ("yes-no", "choice"):
        options = (
            [("Yes", "yes"), ("No", "no")] if q.type == "yes-no" else [(c, c) for c in q.choices]
        )
        # A saved answer no longer offered (the bank changed) is not a default.
        return menu_spec(q.question, options, None if default is None else display(default))
    spec: dict[str, Any] = {"name": "answer", "message": q.question, "qmark": "?"}
    blank = "leave blank to skip for now" if q.required else "leave blank if none"
    kind = "a date, e.g. 14/10/2025 · " if q.type == "date" else ""
    spec.update(
        type="text",
        instruction=f"({kind}? for help · {blank})",
        validate=_validator(q),
    )
    if default is not None:
        spec["default"] = display(default)
    return spec


def comment_spec(q: Question, current: str | None) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "type": "text",
        "name": "answer",
        "qmark": "!",
        "message": "This answer will be flagged for action. Add a comment for your verifier?",
        "instruction": "(what you are doing about it; leave blank for none)",
    }
    if current:
        spec["default"] = current
    return spec


@dataclass
class Interview:
    """One sitting of ``aqd start``."""

    bank: Bank
    programmes: Sequence[tuple[str, str]]  # (code, title), in walk order
    answers: dict[Key, Answer]
    save: Callable[[Given], None]
    out: Callable[[str], None]
    centre_label: str
    defaults: Mapping[Key, Answer] = field(default_factory=dict)
    review: bool = False
    answered: int = 0
    skipped: set[Key] = field(default_factory=set)
    _last_heading: tuple[str | None, str] | None = None

    @property
    def codes(self) -> list[str]:
        return [code for code, _ in self.programmes]

    def _heading(self, slot: Slot) -> None:
        here = (slot.programme, slot.question.section)
        if here == self._last_heading:
            return
        if self._last_heading is None or self._last_heading[0] != slot.programme:
            if slot.programme is None:
                self.out(f"\n[bold]Centre {self.centre_label}[/bold]")
            else:
                title = dict(self.programmes).get(slot.programme, "")
                self.out(
                    f"\n[bold]Programme {slot.programme_index} of {slot.programme_total}: "
                    f"{slot.programme}[/bold] {title}"
                )
        self.out(f"[bold]{self.bank.section(slot.question.section).title}[/bold]")
        self._last_heading = here

    def _progress(self, slot: Slot) -> str:
        where = (
            "Centre"
            if slot.programme is None
            else f"Programme {slot.programme_index} of {slot.programme_total} ({slot.programme})"
        )
        return f"{where} · question {slot.index} of {slot.total}"

    def ask_slot(self, slot: Slot) -> Given | Skip:
        """Ask one question until it is answered or skipped (help re-asks it)."""
        q = slot.question
        self._heading(slot)
        saved = self.answers.get(slot.key)
        last_year = self.defaults.get(slot.key)
        default = saved.value if saved else (last_year.value if last_year else None)
        self.out(f"[dim]{self._progress(slot)}[/dim]")
        if saved is None and last_year is not None and last_year.value is not None:
            self.out(f"[dim]Last year you answered: {display(last_year.value)}[/dim]")
        elif saved is not None:
            self.out(f"[dim]Saved answer: {display(saved.value) or '(left blank)'}[/dim]")
        while True:
            raw = prompting.ask(prompt_spec(q, default))
            text = raw.strip() if isinstance(raw, str) else raw
            if text in (HELP, "?"):
                self.out(f"[italic]{q.help}[/italic]\n[dim]Source: {q.source}[/dim]")
                continue
            if text == SKIP:
                return Skip()
            if text is None or text == "":
                if q.required:
                    return Skip()
                return Given(slot.programme, q.id, None)
            try:
                value = coerce(q, text, q.id)
            except InputError as exc:
                self.out(f"[red]{exc.message}[/red]")
                continue
            return Given(slot.programme, q.id, value, saved.comment if saved else None)

    def _record(self, given: Given) -> None:
        """Save one answer; a flagged one is saved first, then a comment is asked for."""
        saved = self.answers.get(given.key)
        if saved is None or (saved.value, saved.comment) != (given.value, given.comment):
            with prompting.interrupts_deferred():
                self.save(given)
                self.answers[given.key] = Answer(given.value, given.comment)
                self.answered += 1
        q = self.bank.get(given.question_id)
        if q is None or q.expect is None or given.value in (None, q.expect):
            return
        typed = prompting.ask(comment_spec(q, given.comment))
        comment = (typed or "").strip() or None
        if comment is not None and comment != given.comment:
            with prompting.interrupts_deferred():
                self.save(replace(given, comment=comment))
                self.answers[given.key] = Answer(given.value, comment)

    def run(self) -> None:
        """Walk to the end (or Ctrl-C, which propagates; every answer given is saved)."""
        if self.review:
            self._run_review()
            return
        while True:
            slot = next_unanswered(self.bank, self.codes, self.answers, self.skipped)
            if slot is None:
                return
            result = self.ask_slot(slot)
            if isinstance(result, Skip):
                self.skipped.add(slot.key)
            else:
                self._record(result)

    def _run_review(self) -> None:
        # Conditions only look back, so the slots before position i never change.
        i = 0
        while True:
            slots = walk(self.bank, self.codes, self.answers)
            if i >= len(slots):
                return
            slot = slots[i]
            i += 1
            result = self.ask_slot(slot)
            if isinstance(result, Skip):
                if slot.key not in self.answers:
                    self.skipped.add(slot.key)
                continue
            self._record(result)
