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
