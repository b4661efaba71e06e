"""The Annual Quality Declaration walk, as pure functions over the question bank.

From the bank and the answers so far these functions say which questions
apply (``when`` conditions) and in what order ``aqd start`` asks them, and
which is next. Nothing here touches the store or the terminal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from wblqa_cli.aqd.answers import Answer, Key
from wblqa_cli.aqd.bank import Bank, Question, Value


@dataclass(frozen=True)
class Slot:
    """One question to ask, with where it stands in the walk."""

    programme: str | None
    question: Question
    index: int  # question i of m within its scope (1-based)
    total: int
    programme_index: int  # programme k of n (0 for the centre)
    programme_total: int

    @property
    def key(self) -> Key:
        return (self.programme, self.question.id)


def applies(question: Question, scope_answers: Mapping[str, Value | None]) -> bool:
    """Whether ``question`` is asked, given the answers of its own scope."""
    if question.when is None:
        return True
    return scope_answers.get(question.when.question) == question.when.equals


def scope_values(answers: Mapping[Key, Answer], programme: str | None) -> dict[str, Value | None]:
    return {qid: a.value for (p, qid), a in answers.items() if p == programme}


def applicable(
    questions: Iterable[Question], scope_answers: Mapping[str, Value | None]
) -> list[Question]:
    """The questions of one scope that apply, in bank order (conditions chain)."""
    out: list[Question] = []
    asked: set[str] = set()
    for q in questions:
        if q.when is not None and q.when.question not in asked:
            continue
        if applies(q, scope_answers):
            out.append(q)
            asked.add(q.id)
    return out


@dataclass(frozen=True)
class Reach:
    """How many questions a scope (or a whole declaration) holds so far, and how sure that is.

    ``undecided`` questions wait on a condition not yet answered: they are
    counted, so the total only ever falls as conditions are answered, and
    ``exact`` is False until none is left ("of about N").
    """

    answered: int
    applicable: int
    undecided: int

    @property
    def total(self) -> int:
        return self.applicable + self.undecided

    @property
    def exact(self) -> bool:
        return self.undecided == 0

    def __add__(self, other: Reach) -> Reach:
        return Reach(
            self.answered + other.answered,
            self.applicable + other.applicable,
            self.undecided + other.undecided,
        )

    def of(self, count: int | None = None) -> str:
        """``23 of 75`` or ``23 of about 75`` (``count`` defaults to the answered)."""
        n = self.answered if count is None else count
        return f"{n} of {'' if self.exact else 'about '}{self.total}"


def reach(questions: Iterable[Question], scope_answers: Mapping[str, Value | None]) -> Reach:
    """What one scope holds: questions that apply, and those whose condition is unanswered."""
    applying: set[str] = set()
    undecided: set[str] = set()
    answered = 0
    for q in questions:
        target = q.when.question if q.when else None
        if target is None or (target in applying and target in scope_answers):
            if applies(q, scope_answers):
                applying.add(q.id)
                answered += q.id in scope_answers
        elif target in applying or target in undecided:
            undecided.add(q.id)
    return Reach(answered, len(applying), len(undecided))


def overall(bank: Bank, programmes: Sequence[str], answers: Mapping[Key, Answer]) -> Reach:
    """The whole declaration: the centre's questions and every programme's."""
    total = reach(bank.of_scope("centre"), scope_values(answers, None))
    for code in programmes:
        total += reach(bank.of_scope("programme"), scope_values(answers, code))
    return total


def walk(bank: Bank, programmes: Sequence[str], answers: Mapping[Key, Answer]) -> list[Slot]:
    """Every question that applies, in the order ``aqd start`` asks them."""
    slots: list[Slot] = []
    centre_qs = bank.of_scope("centre")
    programme_qs = bank.of_scope("programme")
    centre_apply = applicable(centre_qs, scope_values(answers, None))
    per_programme = {
        code: applicable(programme_qs, scope_values(answers, code)) for code in programmes
    }
    centre_index = {q.id: i for i, q in enumerate(centre_apply, start=1)}
    for scope, block in bank.blocks():
        if scope == "centre":
            for q in block:
                if q.id in centre_index:
                    slots.append(Slot(None, q, centre_index[q.id], len(centre_apply), 0, 0))
            continue
        for k, code in enumerate(programmes, start=1):
            mine = per_programme[code]
            index = {q.id: i for i, q in enumerate(mine, start=1)}
            for q in block:
                if q.id in index:
                    slots.append(Slot(code, q, index[q.id], len(mine), k, len(programmes)))
    return slots


def next_unanswered(
    bank: Bank,
    programmes: Sequence[str],
    answers: Mapping[Key, Answer],
    skipped: Iterable[Key] = (),
) -> Slot | None:
    """The first question that applies and has no saved answer (and was not skipped now)."""
    passed = set(skipped)
    for slot in walk(bank, programmes, answers):
        if slot.key not in answers and slot.key not in passed:
            return slot
    return None
