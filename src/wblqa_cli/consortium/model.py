"""The arrangement file's model: organisations, qualifications, waivers, the arrangement.

Frozen dataclasses of an arrangement file (TOML, format 1); :mod:`.loader` reads
one strictly and :meth:`Arrangement.to_document` writes its shape back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from wblqa_cli.consortium.rules import latest_application_date
from wblqa_cli.dates import AcademicYear

FORMAT = 1
KINDS = ("btec", "functional-skills", "tech-award-2022")
#: The programme code a centre registers its learners on (consortium or its own).
REGISTERS_ON = ("consortium", "own")
TECH_AWARD = "tech-award-2022"
FUNCTIONAL_SKILLS = "functional-skills"


@dataclass(frozen=True)
class Organisation:
    name: str
    approved_centre: bool
    uk: bool
    registers_learners: bool
    centre_number: str | None = None
    lead: bool = False
    receives_funding: bool = False
    aqd_completed: bool = False
    policies: tuple[str, ...] = ()
    approved_qualifications: tuple[str, ...] = ()
    written_contract: bool | None = None
    due_diligence: bool | None = None
    sub_site: str | None = None
    qa_access: bool | None = None
    regular_meetings: bool | None = None
    registers_on: str | None = None  # "consortium" | "own" programme code

    @property
    def key(self) -> str:
        """How the diff recognises the same organisation in two files."""
        return f"centre {self.centre_number}" if self.centre_number else self.name


@dataclass(frozen=True)
class Qualification:
    code: str
    title: str
    kind: str = "btec"
    liv_appointed: date | None = None
    standardised: date | None = None
    first_assessment: date | None = None
    assessment_site_jcq_compliant: bool | None = None
    registered_at_assessment_site: bool | None = None


@dataclass(frozen=True)
class Waiver:
    check: str
    reason: str
    approved_by: str
    expires: date

    def in_force(self, as_of: date) -> bool:
        return self.expires >= as_of


@dataclass(frozen=True)
class Arrangement:
    """One arrangement file, parsed and validated."""

    name: str
    model: str
    academic_year: AcademicYear
    delivery_start: date
    organisations: tuple[Organisation, ...]
    qualifications: tuple[Qualification, ...]
    recruitment_start: date | None = None
    application_submitted: date | None = None
    approved: date | None = None
    shared_assessment: bool | None = None
    joint_registration: bool | None = None
    delivery_sites_declared: bool | None = None
    mixed_groups: bool | None = None
    waivers: tuple[Waiver, ...] = ()
    #: Written by `consortium init` and removed by a person once the file is filled in.
    unedited_template: bool = False

    @property
    def lead(self) -> Organisation | None:
        """The Lead Centre when exactly one organisation is marked lead, else None."""
        leads = [o for o in self.organisations if o.lead]
        return leads[0] if len(leads) == 1 else None

    @property
    def vocational(self) -> tuple[Qualification, ...]:
        """The qualifications the vocational guide covers (all but Tech Awards 2022)."""
        return tuple(q for q in self.qualifications if q.kind != TECH_AWARD)

    def apply_by(self) -> date | None:
        """The latest date to apply (delivery start less the lead time); None if informal."""
        if self.model == "informal":
            return None
        return latest_application_date(self.delivery_start)

    def to_document(self) -> dict[str, Any]:
        """The file's shape as JSON-ready data (dates ISO); the loader reads it back."""

        def clean(values: dict[str, Any]) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for k, v in values.items():
                if v is None:
                    continue
                out[k] = v.isoformat() if isinstance(v, date) else v
            return out

        doc = clean(
            {
                "format": FORMAT,
                "unedited_template": True if self.unedited_template else None,
                "name": self.name,
                "model": self.model,
                "academic_year": self.academic_year.label,
                "delivery_start": self.delivery_start,
                "recruitment_start": self.recruitment_start,
                "application_submitted": self.application_submitted,
                "approved": self.approved,
                "shared_assessment": self.shared_assessment,
                "joint_registration": self.joint_registration,
                "delivery_sites_declared": self.delivery_sites_declared,
                "mixed_groups": self.mixed_groups,
            }
        )
        doc["organisations"] = [
            clean(
                dict(
                    o.__dict__,
                    policies=list(o.policies),
                    approved_qualifications=list(o.approved_qualifications),
                )
            )
            for o in self.organisations
        ]
        doc["qualifications"] = [clean(dict(q.__dict__)) for q in self.qualifications]
        if self.waivers:
            doc["waivers"] = [clean(dict(w.__dict__)) for w in self.waivers]
        return doc
