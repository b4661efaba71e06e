"""Where one programme stands in the verification cycle: its rule, and why (pure)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from wblqa_cli.cycle.areas import SubjectArea
from wblqa_cli.cycle.rules import CycleRules, NamedSector, ScopeRule
from wblqa_cli.cycle.sectors import (
    SectorGroup,
    TitleMatch,
    data_version,
    match_title,
    normalise_title,
)
from wblqa_cli.registry.model import SectorMatch
from wblqa_cli.rules import Cited
from wblqa_cli.safetext import quoted

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
    area: SubjectArea | None = None  # the Sector Subject Area it is tagged with, if any

    @property
    def sector_name(self) -> str | None:
        if self.group is not None:
            return self.group.name
        if self.sector is not None:
            return self.sector.name
        return self.area.name if self.area is not None else None

    @property
    def reason(self) -> str:
        return self.rule.reason


def listed_with_sector(listed: ScopeRule, named: NamedSector, group: SectorGroup) -> ScopeRule:
    """A listed title tagged with a named sector: out of LSV, the higher minimum of the two."""
    raised = named.rule.min_standards_verification > listed.min_standards_verification
    keeps = (
        f" Its {named.name} tag raises the minimum to {named.rule.minimum_text}." if raised else ""
    )
    return ScopeRule(
        in_lsv_scope=False,
        min_standards_verification=max(
            listed.min_standards_verification, named.rule.min_standards_verification
        ),
        activity=named.rule.activity if raised else listed.activity,
        reason=(
            f"Its title is listed in sector group {group.code} ({group.name}), taken out of "
            f"the LSV model whatever sector it is tagged with.{keeps} {listed.reason}"
        ),
        cited=Cited(
            f"{listed.source}; {named.rule.source}" if raised else listed.source,
            listed.cited.strength,
            listed.cited.strength_basis,
        ),
    )


def title_hints(title: str, rules: CycleRules, group: SectorGroup | None = None) -> tuple[str, ...]:
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
    return match_title(title, groups, suggest=False)


@functools.lru_cache(maxsize=8)
def _version(groups: tuple[SectorGroup, ...]) -> str:
    return data_version(groups)


def _title_group(
    title: str, groups: tuple[SectorGroup, ...], stored: SectorMatch | None
) -> tuple[SectorGroup | None, str | None]:
    """The group and listed title the title matches: the stored match while it is current."""
    if stored is not None and stored.version == _version(groups):
        group = next((g for g in groups if g.code == stored.group), None)
        return group, stored.title if group is not None else None
    found = _match(title, groups)
    return found.group, found.title


def classify(
    title: str,
    sector: str | None,
    *,
    rules: CycleRules,
    groups: Sequence[SectorGroup],
    match: SectorMatch | None = None,
) -> Scope:
    """The scope of a programme from its stored sector (group code or named sector) or title.

    A title listed in a sector group stays out of LSV scope whatever named
    sector it is tagged with: the tag may raise the minimum, never restore scope.

    ``match`` is the title's stored match; it is used while it was found with
    today's sector data, else the title is matched again.
    """
    area = None
    if sector and sector not in rules.sectors and not any(g.code == sector for g in groups):
        from wblqa_cli.cycle.areas import load_areas

        area = load_areas().by_key(sector)
        if area is not None:  # a Sector Subject Area: its mapped sector, else as untagged
            sector = area.sector
        else:
            hint = (
                f"Its sector {quoted(sector)} is no longer a listed group, named sector or sector "
                "subject area; set it again with `wblqa programme import`."
            )
            return Scope(rules.default, "none", hints=(hint, *title_hints(title, rules)))
    if sector and sector in rules.sectors:
        named = rules.sectors[sector]
        tgroup, tlisted = _title_group(title, tuple(groups), match)
        if tgroup is not None and named.rule.in_lsv_scope:
            rule = listed_with_sector(rules.listed_group, named, tgroup)
            return Scope(
                rule, "title", sector=named, group=tgroup, matched_title=tlisted, area=area
            )
        return Scope(named.rule, "sector", sector=named, area=area)
    if sector:
        group = next(g for g in groups if g.code == sector)
        hints = title_hints(title, rules, group)
        return Scope(rules.listed_group, "group", group=group, hints=hints)
    found_group, listed = _title_group(title, tuple(groups), match)
    if found_group is not None:
        hints = title_hints(title, rules, found_group)
        return Scope(
            rules.listed_group,
            "title",
            group=found_group,
            matched_title=listed,
            hints=hints,
            area=area,
        )
    return Scope(rules.default, "none", hints=title_hints(title, rules), area=area)
