"""Advise: which collaboration model yes/no answers point to, with reasons and next steps."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wblqa_cli.consortium.rules import rules
from wblqa_cli.errors import InputError


@dataclass(frozen=True)
class Advice:
    model: str  # "informal" | "formal" | "exceptional" | "gq"
    summary: str
    reasons: tuple[tuple[str, str], ...]  # (reason, source)
    registration: str | None
    next_steps: tuple[str, ...]
    answers: Mapping[str, bool] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "summary": self.summary,
            "reasons": [{"reason": r, "source": s} for r, s in self.reasons],
            "registration": self.registration,
            "next_steps": list(self.next_steps),
            "answers": dict(self.answers),
        }


_STRENGTH = ("gq", "exceptional", "formal")


def advise(answers: Mapping[str, bool]) -> Advice:
    """Recommend a model from yes/no answers keyed by question id (missing = no)."""
    r = rules()
    known = {q.id for q in r.questions}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise InputError(f"Unknown advise question(s): {', '.join(unknown)}.")
    yes = [q for q in r.questions if answers.get(q.id)]
    pointed = {q.points_to for q in yes}
    model = next((m for m in _STRENGTH if m in pointed), "informal")
    chosen = r.advice[model]
    reasons: list[tuple[str, str]] = [(q.reason, q.source) for q in yes if q.points_to == model]
    if model == "informal":
        reasons.insert(
            0,
            (
                "Sharing information, assignments, staff and resources between approved centres, "
                "each assessing and registering its own learners, is an informal collaboration.",
                chosen.source,
            ),
        )
    if model == "formal":
        registration = (
            chosen.registration_mixed
            if answers.get("mixed-groups")
            else chosen.registration_separate
        )
    else:
        registration = chosen.registration
    steps = list(chosen.next_steps)
    if model != "gq":
        # Answers that do not change the model still change what to do next.
        steps.extend(q.reason for q in yes if q.points_to == "none")
    return Advice(
        model=model,
        summary=chosen.summary,
        reasons=tuple(reasons),
        registration=registration,
        next_steps=tuple(steps),
        answers={q.id: bool(answers.get(q.id)) for q in r.questions},
    )
