"""Diff two versions of an arrangement: each change and what it needs from Pearson.

What each kind of change needs (and the section that says so) is data: the
``[diff]`` table of ``data/consortium.toml``. This module only tells the
situations apart and names what changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wblqa_cli.consortium.model import Arrangement
from wblqa_cli.consortium.rules import NEEDS, rules


@dataclass(frozen=True)
class Change:
    needs: str  # one of NEEDS
    change: str  # e.g. "centre-added"
    subject: str
    detail: str
    source: str

    def as_json(self) -> dict[str, str]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Diff:
    old: str
    new: str
    changes: tuple[Change, ...]

    @property
    def needs(self) -> str:
        kinds = {c.needs for c in self.changes}
        return next((k for k in NEEDS if k in kinds), "none")

    def as_json(self) -> dict[str, Any]:
        return {
            "old": self.old,
            "new": self.new,
            "needs": self.needs,
            "changes": [c.as_json() for c in self.changes],
        }


def _change(situation: str, change: str, subject: str, what: str) -> Change:
    """A change, with what its situation needs, the rule's words and its source from the data."""
    rule = rules().changes[situation]
    return Change(rule.needs, change, subject, f"{what}: {rule.says}.", rule.source)


def _fields_changed(old: object, new: object) -> list[str]:
    return [k for k in old.__dict__ if getattr(old, k) != getattr(new, k)]


def _model_change(old: Arrangement, new: Arrangement) -> list[Change]:
    if old.model == new.model:
        return []
    situation = "model-to-informal" if new.model == "informal" else "model-changed"
    return [_change(situation, "model-changed", "model", f"{old.model} → {new.model}")]


def _lead_change(old: Arrangement, new: Arrangement) -> list[Change]:
    """A change of Lead Centre: the old lead leaving, or handing over and staying in."""
    old_lead, new_lead = old.lead, new.lead
    if "informal" in (old.model, new.model) or old_lead is None:
        return []
    if new_lead is not None and new_lead.key == old_lead.key:
        return []
    to = new_lead.name if new_lead else "no Lead Centre named"
    if old_lead.key not in {o.key for o in new.organisations}:
        what = f"{old_lead.name}, the Lead Centre, leaves (new lead: {to})"
        return [_change("lead-withdrawn", "lead-withdrawn", old_lead.name, what)]
    what = f"The Lead Centre changes from {old_lead.name} to {to}, and {old_lead.name} stays in"
    return [_change("lead-handed-over", "lead-changed", old_lead.name, what)]


def _membership(old: Arrangement, new: Arrangement, kind: str) -> str:
    """The situation of a centre or qualification added or withdrawn (``kind``)."""
    if old.model != new.model:
        return "membership-with-model-change"
    if new.model == "informal":
        return "informal-membership"
    return kind


def diff(old: Arrangement, new: Arrangement) -> Diff:
    """Name the changes between two versions and what each needs from Pearson."""
    out = _model_change(old, new) + _lead_change(old, new)
    leaving = old.lead.key if old.lead and any(c.change == "lead-withdrawn" for c in out) else None

    def member(kind: str, subject: str, what: str) -> None:
        out.append(_change(_membership(old, new, kind), kind, subject, what))

    olds = {o.key: o for o in old.organisations}
    news = {o.key: o for o in new.organisations}
    for key, o in news.items():
        if key not in olds:
            member("centre-added", o.name, f"{o.name} joins")
    for key, o in olds.items():
        if key not in news:
            if key != leaving:
                member("centre-withdrawn", o.name, f"{o.name} leaves")
            continue
        changed = [f for f in _fields_changed(o, news[key]) if f != "lead"]
        if changed:
            what = f"{o.name}: {', '.join(changed)} changed"
            out.append(_change("details-updated", "centre-updated", o.name, what))
    oq = {q.code: q for q in old.qualifications}
    nq = {q.code: q for q in new.qualifications}
    for code, q in nq.items():
        if code not in oq:
            member("qualification-added", code, f"{code} ({q.title}) added")
    for code, q in oq.items():
        if code not in nq:
            member("qualification-withdrawn", code, f"{code} ({q.title}) withdrawn")
            continue
        changed = _fields_changed(q, nq[code])
        if changed:
            what = f"{code}: {', '.join(changed)} changed"
            out.append(_change("details-updated", "qualification-updated", code, what))
    top = [f for f in _TOP_FIELDS if getattr(old, f) != getattr(new, f)]
    if top:
        what = f"{', '.join(top)} changed"
        out.append(_change("details-updated", "arrangement-updated", new.name, what))
    return Diff(old.name, new.name, tuple(out))


_TOP_FIELDS = (
    "name",
    "academic_year",
    "delivery_start",
    "recruitment_start",
    "application_submitted",
    "approved",
    "shared_assessment",
    "joint_registration",
    "delivery_sites_declared",
    "mixed_groups",
    "waivers",
)
