"""Diff two versions of an arrangement: each change and what it needs from Pearson."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wblqa_cli.consortium.model import Arrangement

#: What a change needs from Pearson, strongest first.
NEEDS = ("new-arrangement", "withdrawal", "ask-pearson", "amendment", "none")


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


_WHAT = "btec-collab-guide-1.1: What is a BTEC Collaborative arrangement?"
_APPLICATION = "btec-collab-guide-1.1: Application"
_QA = "btec-collab-guide-1.1: Quality Assurance for BTEC Collaborative Arrangements"


def _fields_changed(old: object, new: object) -> list[str]:
    return [k for k in old.__dict__ if getattr(old, k) != getattr(new, k)]


def _model_change(old: Arrangement, new: Arrangement) -> list[Change]:
    if old.model == new.model:
        return []
    if new.model == "informal":
        return [
            Change(
                "withdrawal",
                "model-changed",
                "model",
                f"{old.model} → informal: an informal collaboration needs no arrangement with "
                f"Pearson, so the Lead Centre withdraws the {old.model} arrangement and tells "
                "Pearson it is no longer active.",
                _QA,
            )
        ]
    return [
        Change(
            "new-arrangement",
            "model-changed",
            "model",
            f"{old.model} → {new.model}: the Lead Centre applies for a {new.model} arrangement, "
            "approved before recruitment and delivery.",
            _APPLICATION,
        )
    ]


def _lead_change(old: Arrangement, new: Arrangement) -> list[Change]:
    """A change of Lead Centre: the guide's words when the old lead leaves; what it leaves open."""
    old_lead, new_lead = old.lead, new.lead
    if "informal" in (old.model, new.model) or old_lead is None:
        return []
    if new_lead is not None and new_lead.key == old_lead.key:
        return []
    to = new_lead.name if new_lead else "no Lead Centre named"
    if old_lead.key not in {o.key for o in new.organisations}:
        return [
            Change(
                "new-arrangement",
                "lead-withdrawn",
                old_lead.name,
                f"{old_lead.name}, the Lead Centre, withdraws or closes (new lead: {to}): it "
                "tells Pearson at once who the new Lead Centre will be, and a new arrangement "
                "must be set up.",
                _APPLICATION,
            )
        ]
    return [
        Change(
            "ask-pearson",
            "lead-changed",
            old_lead.name,
            f"The Lead Centre changes from {old_lead.name} to {to}, and {old_lead.name} stays "
            "in. The guide asks for a new arrangement only when the Lead Centre withdraws or "
            "closes, and has changes approved by an amendment; it does not say which a hand-over "
            "is. Ask Pearson before relying on either.",
            _APPLICATION,
        )
    ]


def _membership_needs(old: Arrangement, new: Arrangement) -> tuple[str, str | None, str]:
    """What adding or removing a centre or qualification needs: (needs, why not, source)."""
    if old.model != new.model:
        return "none", "part of the model change above", _APPLICATION
    if new.model == "informal":
        return "none", "an informal collaboration makes no application to Pearson", _WHAT
    return "amendment", None, _QA


def diff(old: Arrangement, new: Arrangement) -> Diff:
    """Name the changes between two versions and what each needs from Pearson."""
    out = _model_change(old, new) + _lead_change(old, new)
    leaving_lead = {old.lead.key for c in out if c.change == "lead-withdrawn" and old.lead}
    needs, why_not, member_source = _membership_needs(old, new)

    def member(change: str, subject: str, what: str, ask: str) -> Change:
        detail = f"{what}: {ask if why_not is None else why_not}."
        return Change(needs, change, subject, detail, member_source)

    olds = {o.key: o for o in old.organisations}
    news = {o.key: o for o in new.organisations}
    for key, o in news.items():
        if key not in olds:
            out.append(
                member(
                    "centre-added",
                    o.name,
                    f"{o.name} joins",
                    "the Lead Centre applies to Pearson to add it",
                )
            )
    for key, o in olds.items():
        if key not in news:
            if key not in leaving_lead:
                out.append(
                    member(
                        "centre-withdrawn",
                        o.name,
                        f"{o.name} leaves",
                        "the Lead Centre applies to Pearson to withdraw it",
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
                member(
                    "qualification-added",
                    code,
                    f"{code} ({q.title}) added",
                    "apply to amend the arrangement, listing each size",
                )
            )
    for code, q in oq.items():
        if code not in nq:
            out.append(
                member(
                    "qualification-withdrawn",
                    code,
                    f"{code} ({q.title}) withdrawn",
                    "tell Pearson the programme is no longer active",
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
