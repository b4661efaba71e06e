"""`sector lookup`: what a title, group code or sector name means for the cycle (pure)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from wblqa_cli.cycle.areas import SubjectArea
from wblqa_cli.cycle.rules import CycleRules, NamedSector, ScopeRule, load_rules, load_sector_groups
from wblqa_cli.cycle.scope import title_hints
from wblqa_cli.cycle.sectors import (
    SectorGroup,
    find_group,
    match_title,
)

LookupKind = Literal["title", "group", "sector", "area", "none"]


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
    area: SubjectArea | None = None

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "query": self.query,
            "title": self.title,
            "sector_group": self.group.code if self.group else None,
            "sector_name": (
                self.group.name
                if self.group
                else self.sector.name
                if self.sector
                else self.area.name
                if self.area
                else None
            ),
            "sector_area": self.area.code if self.area else None,
            "in_lsv_scope": self.rule.in_lsv_scope,
            "min_standards_verification": self.rule.min_standards_verification,
            "reason": self.rule.reason,
            "source": self.rule.source,
            "strength": self.rule.strength,
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
    from wblqa_cli.cycle.areas import load_areas

    area = load_areas().find(query)
    if area is not None:
        mapped = rules.sectors.get(area.sector) if area.sector else None
        note = (
            f"wblqa counts {area.label} as {mapped.name}: {load_areas().own.shown()}."
            if mapped
            else f"{area.label} has no rule of its own: a programme tagged with it is in LSV "
            "scope unless its title is in a listed sector group."
        )
        return Lookup(
            query,
            "area",
            mapped.rule if mapped else rules.default,
            sector=mapped,
            hints=(note,),
            area=area,
        )
    found = match_title(query, groups)
    if found.group is not None:
        return Lookup(
            query,
            "title",
            rules.listed_group,
            title=found.title,
            exact=found.exact,
            group=found.group,
            hints=title_hints(found.title or query, rules, found.group),
        )
    hints = title_hints(query, rules)
    if re.fullmatch(r"\s*\d{3}\s*", query):
        codes = ", ".join(g.code for g in groups)
        hints = (f"{query.strip()} is not a listed sector group ({codes}).", *hints)
    return Lookup(query, "none", rules.default, suggestions=found.suggestions, hints=hints)
