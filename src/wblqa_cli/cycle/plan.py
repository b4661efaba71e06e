"""The year's verification plan: each programme's scope, DCS status and dates (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from wblqa_cli.aqd.deadlines import Deadline
from wblqa_cli.cycle.key_dates import KeyDate, key_dates
from wblqa_cli.cycle.rules import CycleRules, load_rules, load_sector_groups
from wblqa_cli.cycle.scope import Scope, classify
from wblqa_cli.cycle.sectors import (
    SectorGroup,
)
from wblqa_cli.dates import AcademicYear, long_date
from wblqa_cli.registry.model import Programme

DcsStatus = Literal["expired", "expiring", "ok"]


@dataclass(frozen=True)
class ProgrammePlan:
    code: str
    title: str
    scope: Scope
    dcs_expiry: date | None
    dcs_status: DcsStatus | None
    expected_certification: tuple[date, ...]  # within the academic year
    warnings: tuple[str, ...]
    notes: tuple[str, ...]
    dcs_raise_with: str  # whom to alert before it expires: the LSV, or the sector SV
    dcs_source: str

    def as_json(self) -> dict[str, object]:
        s = self.scope
        return {
            "code": self.code,
            "title": self.title,
            "sector_group": s.group.code if s.group else None,
            "in_lsv_scope": s.rule.in_lsv_scope,
            "min_standards_verification": s.rule.min_standards_verification,
            "dcs_expiry": self.dcs_expiry,
            "warnings": list(self.warnings),
            "sector": s.sector.key if s.sector else None,
            "sector_name": s.sector_name,
            "sector_area": s.area.code if s.area else None,
            "activity": s.rule.activity,
            "reason": s.reason,
            "source": s.rule.source,
            "strength": s.rule.strength,
            "dcs_status": self.dcs_status,
            "dcs_raise_with": self.dcs_raise_with if self.dcs_expiry else None,
            "dcs_source": self.dcs_source if self.dcs_expiry else None,
            "expected_certification": list(self.expected_certification),
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class Plan:
    academic_year: AcademicYear
    as_of: date
    programmes: tuple[ProgrammePlan, ...]
    key_dates: tuple[KeyDate, ...]
    notes: tuple[str, ...] = field(default=())

    def as_json(self) -> dict[str, object]:
        return {
            "academic_year": self.academic_year.label,
            "programmes": [p.as_json() for p in self.programmes],
            "key_dates": [k.as_json() for k in self.key_dates],
            "as_of": self.as_of,
            "notes": list(self.notes),
        }


def dcs_status(expiry: date | None, today: date, warn_days: int) -> DcsStatus | None:
    """``expired`` before today, ``expiring`` within ``warn_days`` of today, else ``ok``."""
    if expiry is None:
        return None
    if expiry < today:
        return "expired"
    if expiry <= today + timedelta(days=warn_days):
        return "expiring"
    return "ok"


def _programme_plan(
    p: Programme, year: AcademicYear, today: date, rules: CycleRules, groups: Sequence[SectorGroup]
) -> ProgrammePlan:
    scope = classify(p.title, p.sector, rules=rules, groups=groups, match=p.sector_match)
    status = dcs_status(p.dcs_expiry, today, rules.dcs_warn_days)
    dcs = rules.dcs_rule(scope.rule.in_lsv_scope)
    warnings: list[str] = []
    if p.dcs_expiry is not None and status == "expired":
        days = (today - p.dcs_expiry).days
        warnings.append(
            f"Direct Claims Status expired on {long_date(p.dcs_expiry)} ({days} days ago): "
            f"raise it with {dcs.raise_with}."
        )
    elif p.dcs_expiry is not None and status == "expiring":
        days = (p.dcs_expiry - today).days
        when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
        warnings.append(
            f"Direct Claims Status expires on {long_date(p.dcs_expiry)} ({when}): "
            f"alert {dcs.raise_with} before it does."
        )
    expected = tuple(d for d in p.expected_certification if d in year)
    if p.dcs_expiry is not None:
        after = [d for d in expected if d > p.dcs_expiry]
        if after:
            warnings.append(
                f"Expected certification on {long_date(after[0])} falls after the Direct "
                f"Claims Status expires ({long_date(p.dcs_expiry)}): plan its release with "
                + ("your LSV and SV." if scope.rule.in_lsv_scope else "your standards verifier.")
            )
    notes = list(scope.hints)
    if not expected:
        notes.append(
            f"No expected certification date in {year.label}: the AQD asks when you "
            "expect to certificate."
        )
    return ProgrammePlan(
        code=p.code,
        title=p.title,
        scope=scope,
        dcs_expiry=p.dcs_expiry,
        dcs_status=status,
        expected_certification=expected,
        warnings=tuple(warnings),
        notes=tuple(notes),
        dcs_raise_with=dcs.raise_with,
        dcs_source=dcs.cited.shown(),
    )


def plan(
    programmes: Sequence[Programme],
    year: AcademicYear,
    today: date,
    *,
    aqd: Deadline | None = None,
    rules: CycleRules | None = None,
    groups: Sequence[SectorGroup] | None = None,
) -> Plan:
    """The year's verification plan for ``programmes``, as of ``today``.

    ``aqd`` is the year's AQD deadline (default: from the data, see aqd/deadlines.py;
    pass one a user set).
    """
    from wblqa_cli.aqd.deadlines import deadline_for

    rules = rules or load_rules()
    groups = load_sector_groups() if groups is None else groups
    aqd = aqd or deadline_for(year)
    planned = tuple(_programme_plan(p, year, today, rules, groups) for p in programmes)
    include_lsv = not planned or any(p.scope.rule.in_lsv_scope for p in planned)
    notes: list[str] = []
    if not planned:
        notes.append("No programmes stored yet: add them with `wblqa programme add`.")
    elif not include_lsv:
        notes.append("None of your programmes is in LSV scope, so the LSV dates are left out.")
    return Plan(
        year,
        today,
        planned,
        key_dates(year, aqd, rules=rules, include_lsv=include_lsv),
        tuple(notes),
    )
