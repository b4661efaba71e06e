"""The consortium rules: ``data/consortium.toml`` read strictly (cached).

The check catalogue (each check's title, models, source, strength and action),
the policies, the application lead time, the window before the academic year
in which a yearly appointment counts, and the advise questions and answers.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from wblqa_cli.dates import AcademicYear
from wblqa_cli.rules import Cited, Table, period_from, table

MODELS = ("informal", "formal", "exceptional")
#: What a change between two versions of an arrangement needs from Pearson, strongest first.
NEEDS = ("new-arrangement", "withdrawal", "ask-pearson", "amendment", "none")
#: The situations `consortium diff` tells apart; data/consortium.toml [diff] has one entry each.
SITUATIONS = (
    "model-changed",
    "model-to-informal",
    "lead-withdrawn",
    "lead-handed-over",
    "centre-added",
    "centre-withdrawn",
    "qualification-added",
    "qualification-withdrawn",
    "informal-membership",
    "membership-with-model-change",
    "details-updated",
)


@dataclass(frozen=True)
class CheckRule:
    id: str
    title: str
    models: tuple[str, ...]
    cited: Cited
    action: str

    @property
    def source(self) -> str:
        """The citation, or ``wblqa default`` for a check of the tool's own."""
        return self.cited.source

    @property
    def strength(self) -> str:
        return self.cited.strength

    def broken_status(self) -> str:
        """What a broken rule reports: ``fail`` for a must, ``warn`` for a should."""
        return "fail" if self.cited.strength == "must" else "warn"


@dataclass(frozen=True)
class ChangeRule:
    """What one kind of change to an arrangement needs from Pearson, and why."""

    needs: str
    source: str
    says: str


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    points_to: str
    reason: str
    source: str


@dataclass(frozen=True)
class ModelAdvice:
    summary: str
    source: str
    next_steps: tuple[str, ...]
    registration: str | None = None
    registration_mixed: str | None = None
    registration_separate: str | None = None


@dataclass(frozen=True)
class Rules:
    lead_time: Mapping[str, int]
    lead_time_cited: Cited
    year_window: Mapping[str, int]
    year_window_reason: str
    known_policies: tuple[str, ...]
    minimum_policies: tuple[str, ...]
    minimum_source: str
    exceptional_lead_policies: tuple[str, ...]
    collaborative_policy: str
    checks: tuple[CheckRule, ...]
    changes: Mapping[str, ChangeRule]
    questions: tuple[Question, ...]
    advice: Mapping[str, ModelAdvice]

    def check(self, check_id: str) -> CheckRule:
        for rule in self.checks:
            if rule.id == check_id:
                return rule
        raise KeyError(check_id)

    @property
    def check_ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.checks)

    @property
    def lead_time_source(self) -> str:
        return self.lead_time_cited.source

    def year_opens(self, year: AcademicYear) -> date:
        """The first day a yearly appointment or standardisation counts for ``year``."""
        return year.start - _step(self.year_window)


def known_list(t: Table, key: str, allowed: Sequence[str]) -> tuple[str, ...]:
    values = t.text_list(key)
    for v in values:
        if v not in allowed:
            raise t.fail(key, f"{v!r} is not one of {', '.join(allowed)}")
    return tuple(values)


@functools.cache
def rules() -> Rules:
    """Read ``data/consortium.toml`` strictly (cached)."""
    t = table("consortium.toml")
    t.integer("format")
    app = t.table("application")
    assert app is not None
    lead_time = period_from(app, "lead_time")
    lead_time_cited = app.cited()
    app.done()

    w = t.table("year_window")
    assert w is not None
    year_window = period_from(w, "before_start")
    _, window_reason = w.citation()
    if window_reason is None:
        raise w.fail("source", "the guide names no window: mark it 'wblqa default' with a reason")
    w.done()

    p = t.table("policies")
    assert p is not None
    known = tuple(p.text_list("known"))
    p.source("known_source")
    minimum = known_list(p, "minimum", known)
    minimum_source = p.source("minimum_source")
    exceptional_lead = known_list(p, "exceptional_lead", known)
    p.source("exceptional_lead_source")
    collaborative = p.text("collaborative", choices=known)
    p.source("collaborative_source")
    p.done()

    checks: list[CheckRule] = []
    for c in t.tables("checks", required=True):
        rule = CheckRule(
            id=c.text("id"),
            title=c.text("title"),
            models=known_list(c, "models", MODELS),
            cited=c.cited(),
            action=c.text("action"),
        )
        c.done()
        if rule.id in {r.id for r in checks}:
            raise c.fail("id", f"{rule.id!r} is listed twice")
        checks.append(rule)

    changes = _changes(t)

    adv = t.table("advise")
    assert adv is not None
    questions: list[Question] = []
    for q in adv.tables("questions", required=True):
        questions.append(
            Question(
                id=q.text("id"),
                question=q.text("question"),
                points_to=q.text("points_to", choices=("none", "gq", "formal", "exceptional")),
                reason=q.text("reason"),
                source=q.source(),
            )
        )
        q.done()
    models_t = adv.table("models")
    assert models_t is not None
    advice: dict[str, ModelAdvice] = {}
    for model in ("gq", *MODELS):
        m = models_t.table(model)
        assert m is not None
        advice[model] = ModelAdvice(
            summary=m.text("summary"),
            source=m.source(),
            next_steps=tuple(m.text_list("next_steps")),
            registration=m.text("registration", required=False),
            registration_mixed=m.text("registration_mixed", required=False),
            registration_separate=m.text("registration_separate", required=False),
        )
        m.done()
    models_t.done()
    adv.done()
    t.done()
    return Rules(
        lead_time=lead_time,
        lead_time_cited=lead_time_cited,
        year_window=year_window,
        year_window_reason=window_reason,
        known_policies=known,
        minimum_policies=minimum,
        minimum_source=minimum_source,
        exceptional_lead_policies=exceptional_lead,
        collaborative_policy=collaborative,
        checks=tuple(checks),
        changes=changes,
        questions=tuple(questions),
        advice=advice,
    )


def _changes(t: Table) -> dict[str, ChangeRule]:
    d = t.table("diff")
    assert d is not None
    out: dict[str, ChangeRule] = {}
    for situation in SITUATIONS:
        c = d.table(situation)
        assert c is not None
        out[situation] = ChangeRule(
            needs=c.text("needs", choices=NEEDS), source=c.source(), says=c.text("says")
        )
        c.done()
    d.done()
    return out


def _step(period: Mapping[str, int]) -> relativedelta:
    return relativedelta(
        years=period.get("years", 0),
        months=period.get("months", 0),
        weeks=period.get("weeks", 0),
        days=period.get("days", 0),
    )


def latest_application_date(delivery_start: date) -> date:
    """Delivery start less the application lead time in the data (six weeks)."""
    return delivery_start - _step(rules().lead_time)
