"""The interactive AQD walk: builds each prompt as data, asks it, saves each answer at once.

Pure: the store, the prompt and the screen are handed in (``save``, ``ask``,
``out``). Each prompt is a questionary question as plain data, each line for
the screen a :class:`Shown` (what it is and its words); the command side asks
(:mod:`wblqa_cli.aqd.cli_prompting`) and styles (:mod:`wblqa_cli.aqd.cli_sitting`),
so the walk is tested with scripted answers and no terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from wblqa_cli.aqd.answers import Answer, Given, Key, coerce, display
from wblqa_cli.aqd.bank import Bank, Question, Value
from wblqa_cli.aqd.menu import HELP, SKIP, menu_spec
from wblqa_cli.aqd.walk import Slot, next_unanswered, overall, reach, scope_values, walk
from wblqa_cli.errors import InputError


@dataclass(frozen=True)
class Shown:
    """A line of the walk for the screen, as data: what kind of line, and its words.

    ``heading`` (a centre or a programme, its title in ``detail``) and ``note``
    start a new block; ``section`` names the questions' section; ``aside`` is
    where the walk stands or what was saved; ``help`` is a question's help, its
    source in ``detail``; ``refused`` says why a typed answer was not taken.
    """

    kind: Literal["heading", "note", "section", "aside", "help", "refused"]
    text: str
    detail: str | None = None


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
    kind = {"date": "a date, e.g. 14/10/2025 · ",
            "dates": "one or more dates, e.g. 14/10/2025; 2/3/2026 · "}.get(q.type, "")  # fmt: skip
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


def keep_comment_spec(comment: str) -> dict[str, Any]:
    """Asked in a review when an answer with a comment changes: does the comment still hold?"""
    return {
        "type": "confirm",
        "name": "answer",
        "qmark": "!",
        "message": f"Your answer changed. Keep its comment ({comment!r})?",
        "default": False,
    }


FINAL_NOTE = (
    "Last come the centre's final declarations. They are asked after every programme "
    "because they confirm the whole declaration: answer them once everything above is right."
)


@dataclass
class Interview:
    """One sitting of ``aqd start``."""

    bank: Bank
    programmes: Sequence[tuple[str, str]]  # (code, title), in walk order
    answers: dict[Key, Answer]
    save: Callable[[Given], None]
    out: Callable[[Shown], None]
    ask: Callable[[dict[str, Any]], Any]  # shows one prompt (its spec), returns the answer
    centre_label: str
    #: Held around each save, so that Ctrl-C never lands half way through one.
    guard: Callable[[], AbstractContextManager[None]] = nullcontext
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
                if self._after_programmes(slot):
                    self.out(Shown("note", FINAL_NOTE))
                self.out(Shown("heading", f"Centre {self.centre_label}"))
            else:
                title = dict(self.programmes).get(slot.programme, "")
                self.out(
                    Shown(
                        "heading",
                        f"Programme {slot.programme_index} of {slot.programme_total}: "
                        f"{slot.programme}",
                        title,
                    )
                )
        self.out(Shown("section", self.bank.section(slot.question.section).title))
        self._last_heading = here

    def _after_programmes(self, slot: Slot) -> bool:
        """Whether a centre question comes after the programme blocks (a final declaration)."""
        if not self.codes:
            return False
        blocks = self.bank.blocks()
        at = next(i for i, (_, qs) in enumerate(blocks) if slot.question in qs)
        return any(scope == "programme" for scope, _ in blocks[:at])

    def _progress(self, slot: Slot) -> str:
        scope = "centre" if slot.programme is None else "programme"
        here = reach(self.bank.of_scope(scope), scope_values(self.answers, slot.programme))
        where = (
            "Centre"
            if slot.programme is None
            else f"Programme {slot.programme_index} of {slot.programme_total} ({slot.programme})"
        )
        total = overall(self.bank, self.codes, self.answers)
        return f"{where} · question {here.of(slot.index)} · {total.of()} answered in all"

    def ask_slot(self, slot: Slot) -> Given | Skip:
        """Ask one question until it is answered or skipped (help re-asks it)."""
        q = slot.question
        self._heading(slot)
        saved = self.answers.get(slot.key)
        last_year = self.defaults.get(slot.key)
        default = saved.value if saved else (last_year.value if last_year else None)
        self.out(Shown("aside", self._progress(slot)))
        if saved is None and last_year is not None and last_year.value is not None:
            self.out(Shown("aside", f"Last year you answered: {display(last_year.value)}"))
        elif saved is not None:
            self.out(Shown("aside", f"Saved answer: {display(saved.value) or '(left blank)'}"))
            if saved.comment:
                self.out(Shown("aside", f"Saved comment: {saved.comment}"))
        while True:
            raw = self.ask(prompt_spec(q, default))
            text = raw.strip() if isinstance(raw, str) else raw
            if text in (HELP, "?"):
                self.out(Shown("help", q.help, f"Source: {q.shown_source}"))
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
                self.out(Shown("refused", exc.message))
                continue
            return Given(slot.programme, q.id, value, self._comment_kept(saved, value))

    def _comment_kept(self, saved: Answer | None, value: Value) -> str | None:
        """The saved comment, if the answer is unchanged or the person keeps it."""
        if saved is None or not saved.comment:
            return None
        if saved.value == value or self.ask(keep_comment_spec(saved.comment)):
            return saved.comment
        return None

    def _record(self, given: Given) -> None:
        """Save one answer; a flagged one is saved first, then a comment is asked for."""
        saved = self.answers.get(given.key)
        if saved is None or (saved.value, saved.comment) != (given.value, given.comment):
            with self.guard():
                self.save(given)
                self.answers[given.key] = Answer(given.value, given.comment)
                self.answered += 1
        q = self.bank.get(given.question_id)
        if q is None or not q.flags(given.value):
            return
        typed = self.ask(comment_spec(q, given.comment))
        comment = (typed or "").strip() or None
        if comment is not None and comment != given.comment:
            with self.guard():
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
