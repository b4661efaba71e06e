"""Where one programme stands in the verification cycle: its rule, and why (pure)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from wblqa_cli.cycle.rules import CycleRules, NamedSector, ScopeRule
from wblqa_cli.cycle.sectors import (
    SectorGroup,
    TitleMatch,
    data_version,
    match_title,
    normalise_title,
)
from wblqa_cli.registry.model import SectorMatch

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

    ``match`` is the title's stored match; it is used while it was found with
    today's sector data, else the title is matched again.
    """
    if sector and sector in rules.sectors:
        named = rules.sectors[sector]
        return Scope(named.rule, "sector", sector=named)
    if sector:
        group = next((g for g in groups if g.code == sector), None)
        if group is not None:
            hints = title_hints(title, rules, group)
            return Scope(rules.listed_group, "group", group=group, hints=hints)
        hint = (
            f"Its sector {sector!r} is no longer a listed group or named sector; "
            "set it again with `wblqa programme import`."
        )
        return Scope(rules.default, "none", hints=(hint, *title_hints(title, rules)))
    group, listed = _title_group(title, tuple(groups), match)
    if group is not None:
        hints = title_hints(title, rules, group)
        return Scope(rules.listed_group, "title", group=group, matched_title=listed, hints=hints)
    return Scope(rules.default, "none", hints=title_hints(title, rules))
