"""How far a declaration is: per scope, what applies, what is answered, missing, flagged.

A flag is an answer the bank marks as needing action (its ``flag_when``; for a
yes-no question, any answer but its ``expect``). Nothing here touches the store or the terminal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from wblqa_cli.aqd.answers import Answer, Key, to_json_value
from wblqa_cli.aqd.bank import Bank, Question, Value
from wblqa_cli.aqd.walk import applicable, scope_values


@dataclass(frozen=True)
class Flag:
    """An answer that differs from what a compliant centre would say."""

    programme: str | None
    question: Question
    answer: Value | None

    def as_json(self) -> dict[str, object]:
        return {
            "programme": self.programme,
            "question_id": self.question.id,
            "question": self.question.question,
            "answer": to_json_value(self.answer),
            "expected": self.question.expect,
            "flag_when": list(self.question.flag_when),
        }


@dataclass(frozen=True)
class ScopeStatus:
    programme: str | None
    applicable: int
    answered: int
    missing: tuple[str, ...]
    flagged: tuple[Flag, ...]

    @property
    def complete(self) -> bool:
        return not self.missing


def scope_status(bank: Bank, programme: str | None, answers: Mapping[Key, Answer]) -> ScopeStatus:
    values = scope_values(answers, programme)
    scope = "centre" if programme is None else "programme"
    qs = applicable(bank.of_scope(scope), values)
    answered = [q for q in qs if (programme, q.id) in answers]
    missing = tuple(
        q.id
        for q in qs
        if q.required and ((programme, q.id) not in answers or values.get(q.id) is None)
    )
    flagged = tuple(
        Flag(programme, q, values.get(q.id)) for q in answered if q.flags(values.get(q.id))
    )
    return ScopeStatus(programme, len(qs), len(answered), missing, flagged)


def statuses(
    bank: Bank, programmes: Sequence[str], answers: Mapping[Key, Answer]
) -> list[ScopeStatus]:
    """The centre's scope first, then each programme's."""
    by_scope: dict[str | None, dict[Key, Answer]] = {}
    for key, answer in answers.items():  # once, not once per programme
        by_scope.setdefault(key[0], {})[key] = answer
    return [scope_status(bank, p, by_scope.get(p, {})) for p in (None, *programmes)]


def missing(bank: Bank, programmes: Sequence[str], answers: Mapping[Key, Answer]) -> list[Key]:
    """Every required question that applies and has no answer yet."""
    return [(s.programme, qid) for s in statuses(bank, programmes, answers) for qid in s.missing]


def flags(bank: Bank, programmes: Sequence[str], answers: Mapping[Key, Answer]) -> list[Flag]:
    return [f for s in statuses(bank, programmes, answers) for f in s.flagged]
