"""Diff two versions of an arrangement: each change and what it needs from Pearson."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wblqa_cli.consortium.model import Arrangement


@dataclass(frozen=True)
class Change:
    needs: str  # "new-arrangement" | "amendment" | "none"
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
        for k in ("new-arrangement", "amendment"):
            if k in kinds:
                return k
        return "none"

    def as_json(self) -> dict[str, Any]:
        return {
            "old": self.old,
            "new": self.new,
            "needs": self.needs,
            "changes": [c.as_json() for c in self.changes],
        }


_APPLICATION = "btec-collab-guide-1.1: Application"
_QA = "btec-collab-guide-1.1: Quality Assurance for BTEC Collaborative Arrangements"


def _fields_changed(old: object, new: object) -> list[str]:
    return [k for k in old.__dict__ if getattr(old, k) != getattr(new, k)]


def diff(old: Arrangement, new: Arrangement) -> Diff:
    """Name the changes between two versions and what each needs from Pearson."""
    out: list[Change] = []
    if old.model != new.model:
        out.append(
            Change(
                "new-arrangement",
                "model-changed",
                "model",
                f"{old.model} → {new.model}: apply for the new model as a new arrangement.",
                _APPLICATION,
            )
        )
    old_lead, new_lead = old.lead, new.lead
    if old_lead is not None and (new_lead is None or new_lead.key != old_lead.key):
        to = f"{new_lead.name}" if new_lead else "no lead"
        out.append(
            Change(
                "new-arrangement",
                "lead-changed",
                old_lead.name,
                f"The Lead Centre changes from {old_lead.name} to {to}: tell Pearson at once "
                "who the new Lead Centre is; a new arrangement must be set up.",
                _APPLICATION,
            )
        )
    olds = {o.key: o for o in old.organisations}
    news = {o.key: o for o in new.organisations}
    for key, o in news.items():
        if key not in olds:
            out.append(
                Change(
                    "amendment",
                    "centre-added",
                    o.name,
                    f"{o.name} joins: the Lead Centre applies to Pearson to add it.",
                    _QA,
                )
            )
    for key, o in olds.items():
        if key not in news:
            out.append(
                Change(
                    "amendment",
                    "centre-withdrawn",
                    o.name,
                    f"{o.name} leaves: the Lead Centre applies to Pearson to withdraw it.",
                    _QA,
                )
            )
        else:
            changed = [f for f in _fields_changed(o, news[key]) if f != "lead"]
            if changed:
                out.append(
                    Change(
                        "none",
                        "centre-updated",
                        o.name,
                        f"{o.name}: {', '.join(changed)} changed; no application needed.",
                        _APPLICATION,
                    )
                )
    oq = {q.code: q for q in old.qualifications}
    nq = {q.code: q for q in new.qualifications}
    for code, q in nq.items():
        if code not in oq:
            out.append(
                Change(
                    "amendment",
                    "qualification-added",
                    code,
                    f"{code} ({q.title}) added: apply to amend the arrangement; each size "
                    "needs listing.",
                    _APPLICATION,
                )
            )
    for code, q in oq.items():
        if code not in nq:
            out.append(
                Change(
                    "amendment",
                    "qualification-withdrawn",
                    code,
                    f"{code} ({q.title}) withdrawn: tell Pearson the programme is no "
                    "longer active.",
                    _QA,
                )
            )
        else:
            changed = _fields_changed(q, nq[code])
            if changed:
                out.append(
                    Change(
                        "none",
                        "qualification-updated",
                        code,
                        f"{code}: {', '.join(changed)} changed; no application needed.",
                        _APPLICATION,
                    )
                )
    top = [
        f
        for f in (
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
        if getattr(old, f) != getattr(new, f)
    ]
    if top:
        out.append(
            Change(
                "none",
                "arrangement-updated",
                new.name,
                f"{', '.join(top)} changed; no application needed.",
                _APPLICATION,
            )
        )
    return Diff(old.name, new.name, tuple(out))
