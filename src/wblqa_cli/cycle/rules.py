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

import functools
import re
from dataclasses import dataclass
from datetime import date

from wblqa_cli.cycle.sectors import (
    SectorGroup,
    groups_from_data,
    normalise_title,
)
from wblqa_cli.dates import AcademicYear
from wblqa_cli.errors import DataError
from wblqa_cli.rules import WBLQA_DEFAULT, Cited, Table, load, month_day, table

RULES_FILE = "verification.toml"


# --- rules -------------------------------------------------------------------


@dataclass(frozen=True)
class ScopeRule:
    """What a kind of programme can expect: LSV or not, and the least SV activity."""

    in_lsv_scope: bool
    min_standards_verification: int
    activity: str
    reason: str
    cited: Cited

    @property
    def source(self) -> str:
        return self.cited.shown()

    @property
    def strength(self) -> str | None:
        return self.cited.strength

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
    cited: Cited
    reminder: Days | None = None

    @property
    def source(self) -> str:
        return self.cited.shown()


@dataclass(frozen=True)
class DcsRule:
    """Whom to raise an expiring Direct Claims Status with, and on what authority."""

    raise_with: str
    cited: Cited


@dataclass(frozen=True)
class Days:
    """A number of days the tool uses, with where it comes from (often its own default)."""

    days: int
    source: str
    reason: str | None = None  # why, when ``source`` is the tool's own default

    @property
    def own_default(self) -> bool:
        return self.source == WBLQA_DEFAULT

    def shown(self) -> str:
        return f"wblqa's own default ({self.reason})" if self.own_default else self.source


@dataclass(frozen=True)
class CycleRules:
    default: ScopeRule
    listed_group: ScopeRule
    sectors: dict[str, NamedSector]
    key_dates: tuple[KeyDateRule, ...]
    aqd_detail: str
    aqd_cited: Cited
    dcs_with_lsv: DcsRule
    dcs_without_lsv: DcsRule
    dcs_warn: Days
    dcs_reminder: Days
    aqd_reminder: Days
    certification_reminder: Days
    arrangement_reminder: Days
    certification_cited: Cited

    @property
    def aqd_detail_source(self) -> str:
        return self.aqd_cited.shown()

    @property
    def certification_source(self) -> str:
        return self.certification_cited.shown()

    @property
    def dcs_warn_days(self) -> int:
        return self.dcs_warn.days

    @property
    def dcs_reminder_days(self) -> int:
        return self.dcs_reminder.days

    @property
    def aqd_reminder_days(self) -> int:
        return self.aqd_reminder.days

    @property
    def certification_reminder_days(self) -> int:
        return self.certification_reminder.days

    @property
    def arrangement_reminder_days(self) -> int:
        return self.arrangement_reminder.days

    def dcs_rule(self, in_lsv_scope: bool) -> DcsRule:
        """With an LSV, alert the LSV; without one, the sector standards verifier."""
        return self.dcs_with_lsv if in_lsv_scope else self.dcs_without_lsv


def _scope_rule(t: Table) -> ScopeRule:
    return ScopeRule(
        in_lsv_scope=t.flag("in_lsv_scope"),
        min_standards_verification=t.integer("min_standards_verification", minimum=1),
        activity=t.text("activity"),
        reason=t.text("reason"),
        cited=t.cited(),
    )


def _days(t: Table, key: str, *, minimum: int = 1) -> Days:
    """``key = { days = 14, source = ..., reason = ... }``: a number and its citation."""
    sub = t.table(key)
    assert sub is not None
    found = Days(sub.integer("days", minimum=minimum), *sub.citation())
    sub.done()
    return found


def _dcs_rule(t: Table) -> DcsRule:
    return DcsRule(t.text("raise_with"), t.cited())


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
        reminder = _days(entry, "reminder") if entry.has("reminder") else None
        key_dates.append(
            KeyDateRule(
                key=entry.text("key"),
                what=entry.text("what"),
                detail=entry.text("detail"),
                starts=month_day(entry, "starts"),
                ends=month_day(entry, "ends") if entry.has("ends") else None,
                lsv_only=entry.flag("lsv_only"),
                reminder_days=reminder.days if reminder else None,
                cited=entry.cited(),
                reminder=reminder,
            )
        )
        entry.done()

    aqd = t.table("aqd")
    dcs = t.table("dcs_expiry")
    cal = t.table("calendar")
    assert aqd is not None and dcs is not None and cal is not None
    without = dcs.table("without_lsv")
    certification = cal.table("certification")
    assert without is not None and certification is not None
    rules = CycleRules(
        default=default,
        listed_group=listed,
        sectors=sectors,
        key_dates=tuple(key_dates),
        aqd_detail=aqd.text("detail"),
        aqd_cited=aqd.cited(),
        dcs_with_lsv=_dcs_rule(dcs),
        dcs_without_lsv=_dcs_rule(without),
        dcs_warn=_days(dcs, "warn_within", minimum=0),
        dcs_reminder=_days(dcs, "reminder"),
        aqd_reminder=_days(cal, "aqd_reminder"),
        certification_reminder=_days(cal, "certification_reminder"),
        arrangement_reminder=_days(cal, "arrangement_reminder"),
        certification_cited=certification.cited(),
    )
    for part in (without, certification, aqd, dcs, cal, t):
        part.done()
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


def date_in_year(year: AcademicYear, when: tuple[int, int]) -> date:
    month, day = when
    return date(year.start_year if month >= 9 else year.start_year + 1, month, day)
