"""The verification cycle: LSV scope, minimum standards verification, key dates, DCS expiry.

Pure: rules come from ``data/verification.toml`` (and ``sectors.toml``,
``aqd.toml``) as frozen dataclasses; :func:`plan` and :func:`lookup` take
plain programmes, an academic year and ``today`` and return plain results.
No store, no terminal.

Which rule a programme gets, in order (``wbl-qa-model-2024-25``):

1. the named sector it is tagged with (``construction``, ``work-based-learning``…);
2. the listed sector group it is in, by its tag (``214``) or, untagged, by its title;
3. otherwise the default: in LSV scope, one remote visit subject to risk.

A title that merely mentions a named sector ("… in Construction Operations")
is never promoted to that sector's rule by guessing: the result carries a hint
to tag it instead.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from wblqa_cli.aqd.deadlines import Deadline
from wblqa_cli.dates import AcademicYear, long_date
from wblqa_cli.errors import DataError
from wblqa_cli.registry import Programme
from wblqa_cli.rules import Table, load, month_day, table
from wblqa_cli.sectors import (
    SectorGroup,
    TitleMatch,
    find_group,
    groups_from_data,
    match_title,
    normalise_title,
)

RULES_FILE = "verification.toml"


# --- rules -------------------------------------------------------------------


@dataclass(frozen=True)
class ScopeRule:
    """What a kind of programme can expect: LSV or not, and the least SV activity."""

    in_lsv_scope: bool
    min_standards_verification: int
    activity: str
    reason: str
    source: str

    @property
    def minimum_text(self) -> str:
        n = self.min_standards_verification
        return f"at least {n} {self.activity}{'' if n == 1 else 's'}"


@dataclass(frozen=True)
class NamedSector:
    key: str
    name: str
    rule: ScopeRule
    title_words: tuple[str, ...]


@dataclass(frozen=True)
class KeyDateRule:
    """A date of every academic year, as month and day (a window when ``ends`` is set)."""

    key: str
    what: str
    detail: str
    starts: tuple[int, int]
    ends: tuple[int, int] | None
    lsv_only: bool
    reminder_days: int | None
    source: str


@dataclass(frozen=True)
class CycleRules:
    default: ScopeRule
    listed_group: ScopeRule
    sectors: dict[str, NamedSector]
    key_dates: tuple[KeyDateRule, ...]
    aqd_detail: str
    aqd_detail_source: str
    dcs_warn_days: int
    dcs_reminder_days: int
    dcs_source: str
    aqd_reminder_days: int
    certification_reminder_days: int
    arrangement_reminder_days: int
    certification_source: str


def _scope_rule(t: Table) -> ScopeRule:
    return ScopeRule(
        in_lsv_scope=t.flag("in_lsv_scope"),
        min_standards_verification=t.integer("min_standards_verification", minimum=1),
        activity=t.text("activity"),
        reason=t.text("reason"),
        source=t.source(),
    )


def rules_from(t: Table) -> CycleRules:
    """Typed rules from the parsed ``verification.toml`` (errors name file and key)."""
    t.integer("format")
    scope = t.table("scope")
    assert scope is not None
    default_t, listed_t = scope.table("default"), scope.table("listed_group")
    assert default_t is not None and listed_t is not None
    default, listed = _scope_rule(default_t), _scope_rule(listed_t)
    default_t.done()
    listed_t.done()
    scope.done()
    if not default.in_lsv_scope or listed.in_lsv_scope:
        raise t.fail("scope", "the default must be in LSV scope and a listed group out of it")

    sectors: dict[str, NamedSector] = {}
    for entry in t.tables("sectors", required=True):
        key = entry.text("key")
        if not re.fullmatch(r"[a-z][a-z0-9-]*", key) or key in sectors:
            raise entry.fail("key", f"{key!r} must be a new lowercase-hyphenated name")
        words = tuple(normalise_title(w, drop_brand=False) for w in entry.text_list("title_words"))
        sectors[key] = NamedSector(key, entry.text("name"), _scope_rule(entry), words)
        entry.done()

    key_dates: list[KeyDateRule] = []
    for entry in t.tables("key_dates", required=True):
        key_dates.append(
            KeyDateRule(
                key=entry.text("key"),
                what=entry.text("what"),
                detail=entry.text("detail"),
                starts=month_day(entry, "starts"),
                ends=month_day(entry, "ends") if entry.has("ends") else None,
                lsv_only=entry.flag("lsv_only"),
                reminder_days=entry.integer("reminder_days", required=False, minimum=1),
                source=entry.source(),
            )
        )
        entry.done()

    aqd = t.table("aqd")
    dcs = t.table("dcs_expiry")
    cal = t.table("calendar")
    assert aqd is not None and dcs is not None and cal is not None
    rules = CycleRules(
        default=default,
        listed_group=listed,
        sectors=sectors,
        key_dates=tuple(key_dates),
        aqd_detail=aqd.text("detail"),
        aqd_detail_source=aqd.source(),
        dcs_warn_days=dcs.integer("warn_within_days", minimum=0),
        dcs_reminder_days=dcs.integer("reminder_days", minimum=1),
        dcs_source=dcs.source(),
        aqd_reminder_days=cal.integer("aqd_reminder_days", minimum=1),
        certification_reminder_days=cal.integer("certification_reminder_days", minimum=1),
        arrangement_reminder_days=cal.integer("arrangement_reminder_days", minimum=1),
        certification_source=cal.source("certification_source"),
    )
    aqd.done()
    dcs.done()
    cal.done()
    t.done()
    return rules


@functools.cache
def load_rules() -> CycleRules:
    return rules_from(table(RULES_FILE))


@functools.cache
def load_sector_groups() -> tuple[SectorGroup, ...]:
    """The sector groups taken out of LSV (data/sectors.toml), checked."""
    try:
        return groups_from_data(load("sectors.toml"))
    except ValueError as exc:
        raise DataError(f"Rules file data/sectors.toml: {exc}.") from None


def _in_year(year: AcademicYear, when: tuple[int, int]) -> date:
    month, day = when
    return date(year.start_year if month >= 9 else year.start_year + 1, month, day)


# --- scope of one programme ------------------------------------------------------

Basis = Literal["sector", "group", "title", "none"]


@dataclass(frozen=True)
class Scope:
    """Where a programme stands in the verification cycle, and why."""

    rule: ScopeRule
    basis: Basis  # what decided it: a named-sector tag, a group tag, the title, nothing
    sector: NamedSector | None = None
    group: SectorGroup | None = None
    matched_title: str | None = None
    hints: tuple[str, ...] = ()

    @property
    def sector_name(self) -> str | None:
        if self.group is not None:
            return self.group.name
        return self.sector.name if self.sector is not None else None

    @property
    def reason(self) -> str:
        return self.rule.reason


def _title_hints(
    title: str, rules: CycleRules, group: SectorGroup | None = None
) -> tuple[str, ...]:
    """Hints for a title that names a sector with its own minimum (never applied by guess)."""
    words = f" {normalise_title(title, drop_brand=False)} "
    hints = []
    for sector in rules.sectors.values():
        if not any(f" {w} " in words for w in sector.title_words):
            continue
        if group is None:
            hints.append(
                f"The title mentions {sector.name}: if it is a {sector.name} programme, "
                f"tag it with --sector {sector.key} ({sector.rule.minimum_text})."
            )
        else:
            hints.append(
                f"The title mentions {sector.name}, for which the guidance sets "
                f"{sector.rule.minimum_text}; its listed group {group.code} expects "
                f"{rules.listed_group.minimum_text}. Ask your standards verifier which applies."
            )
    return tuple(hints)


@functools.lru_cache(maxsize=4096)
def _match(title: str, groups: tuple[SectorGroup, ...]) -> TitleMatch:
    """:func:`match_title`, remembered: a centre's programmes share a few titles."""
    return match_title(title, groups)


def classify(
    title: str,
    sector: str | None,
    *,
    rules: CycleRules,
    groups: Sequence[SectorGroup],
) -> Scope:
    """The scope of a programme from its stored sector (group code or named sector) or title."""
    if sector and sector in rules.sectors:
        named = rules.sectors[sector]
        return Scope(named.rule, "sector", sector=named)
    if sector:
        group = next((g for g in groups if g.code == sector), None)
        if group is not None:
            hints = _title_hints(title, rules, group)
            return Scope(rules.listed_group, "group", group=group, hints=hints)
        hint = (
            f"Its sector {sector!r} is no longer a listed group or named sector; "
            "set it again with `wblqa programme import`."
        )
        return Scope(rules.default, "none", hints=(hint, *_title_hints(title, rules)))
    found = _match(title, tuple(groups))
    if found.group is not None:
        hints = _title_hints(title, rules, found.group)
        return Scope(
            rules.listed_group, "title", group=found.group, matched_title=found.title, hints=hints
        )
    return Scope(rules.default, "none", hints=_title_hints(title, rules))


# --- key dates ---------------------------------------------------------------------


@dataclass(frozen=True)
class KeyDate:
    key: str
    date: dt.date
    end_date: dt.date | None
    what: str
    source: str
    detail: str | None = None
    lsv_only: bool = False
    reminder_days: int | None = None
    note: str | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "date": self.date,
            "what": self.what,
            "source": self.source,
            "key": self.key,
            "end_date": self.end_date,
            "detail": self.detail,
            "lsv_only": self.lsv_only,
            "note": self.note,
        }


def key_dates(
    year: AcademicYear, aqd: Deadline, *, rules: CycleRules, include_lsv: bool = True
) -> tuple[KeyDate, ...]:
    """The year's key dates: the AQD window and deadline, then the data's dates, by date."""
    from wblqa_cli.aqd.deadlines import rules as aqd_rules

    window, _ = aqd_rules()
    out = [
        KeyDate(
            "aqd-opens",
            aqd.opens,
            None,
            "Annual Quality Declaration opens",
            window.source,
            detail="The window for this year's declaration opens.",
        ),
        KeyDate(
            "aqd-deadline",
            aqd.deadline,
            None,
            "Annual Quality Declaration due",
            aqd.source
            if aqd.source == rules.aqd_detail_source
            else f"{aqd.source}; {rules.aqd_detail_source}",
            detail=rules.aqd_detail,
            reminder_days=rules.aqd_reminder_days,
            note=aqd.note,
        ),
    ]
    for rule in rules.key_dates:
        if rule.lsv_only and not include_lsv:
            continue
        out.append(
            KeyDate(
                rule.key,
                _in_year(year, rule.starts),
                _in_year(year, rule.ends) if rule.ends else None,
                rule.what,
                rule.source,
                detail=rule.detail,
                lsv_only=rule.lsv_only,
                reminder_days=rule.reminder_days,
            )
        )
    return tuple(sorted(out, key=lambda k: (k.date, k.end_date or k.date, k.key)))


# --- the plan ----------------------------------------------------------------------

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
            "activity": s.rule.activity,
            "reason": s.reason,
            "source": s.rule.source,
            "dcs_status": self.dcs_status,
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
    scope = classify(p.title, p.sector, rules=rules, groups=groups)
    status = dcs_status(p.dcs_expiry, today, rules.dcs_warn_days)
    warnings: list[str] = []
    if p.dcs_expiry is not None and status == "expired":
        days = (today - p.dcs_expiry).days
        warnings.append(
            f"Direct Claims Status expired on {long_date(p.dcs_expiry)} ({days} days ago): "
            "raise it with your LSV."
        )
    elif p.dcs_expiry is not None and status == "expiring":
        days = (p.dcs_expiry - today).days
        when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
        warnings.append(
            f"Direct Claims Status expires on {long_date(p.dcs_expiry)} ({when}): "
            "alert your LSV before it does."
        )
    expected = tuple(d for d in p.expected_certification if d in year)
    if p.dcs_expiry is not None:
        after = [d for d in expected if d > p.dcs_expiry]
        if after:
            warnings.append(
                f"Expected certification on {long_date(after[0])} falls after the Direct "
                f"Claims Status expires ({long_date(p.dcs_expiry)}): plan its release with "
                "your LSV and SV."
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

    ``aqd`` is the year's AQD deadline (default: from the data, see deadlines.py;
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


# --- sector lookup -------------------------------------------------------------------

LookupKind = Literal["title", "group", "sector", "none"]


@dataclass(frozen=True)
class Lookup:
    """The answer to ``sector lookup``: what the query matched and what it means."""

    query: str
    kind: LookupKind
    rule: ScopeRule
    title: str | None = None
    exact: bool = False
    group: SectorGroup | None = None
    sector: NamedSector | None = None
    suggestions: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "query": self.query,
            "title": self.title,
            "sector_group": self.group.code if self.group else None,
            "sector_name": (
                self.group.name if self.group else self.sector.name if self.sector else None
            ),
            "in_lsv_scope": self.rule.in_lsv_scope,
            "min_standards_verification": self.rule.min_standards_verification,
            "reason": self.rule.reason,
            "source": self.rule.source,
            "matched": self.kind,
            "exact": self.exact,
            "activity": self.rule.activity,
            "sector": self.sector.key if self.sector else None,
            "suggestions": list(self.suggestions),
            "hints": list(self.hints),
        }
        if self.kind == "group" and self.group is not None:
            out["titles"] = list(self.group.titles)
        return out


def _sector_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def lookup(
    query: str,
    *,
    rules: CycleRules | None = None,
    groups: Sequence[SectorGroup] | None = None,
) -> Lookup:
    """Look a qualification title, a group code or name, or a named sector up."""
    rules = rules or load_rules()
    groups = load_sector_groups() if groups is None else groups
    group = find_group(query, groups)
    if group is not None:
        return Lookup(query, "group", rules.listed_group, group=group)
    key = _sector_key(query)
    for named in rules.sectors.values():
        if key in (named.key, _sector_key(named.name)):
            return Lookup(query, "sector", named.rule, sector=named)
    found = match_title(query, groups)
    if found.group is not None:
        return Lookup(
            query,
            "title",
            rules.listed_group,
            title=found.title,
            exact=found.exact,
            group=found.group,
            hints=_title_hints(found.title or query, rules, found.group),
        )
    hints = _title_hints(query, rules)
    if re.fullmatch(r"\s*\d{3}\s*", query):
        codes = ", ".join(g.code for g in groups)
        hints = (f"{query.strip()} is not a listed sector group ({codes}).", *hints)
    return Lookup(query, "none", rules.default, suggestions=found.suggestions, hints=hints)
