"""Ofqual's Sector Subject Areas: the sector names a centre uses, read from data (pure).

``data/sector_subject_areas.toml`` holds tiers 1 and 2 with Ofqual's names,
other names centres use (``also``) and, where the tool maps one, the named
sector of ``verification.toml`` an area stands for (``sector``). An area is
stored on a programme by its :attr:`SubjectArea.key`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from wblqa_cli.rules import WBLQA_DEFAULT, Table, table

AREAS_FILE = "sector_subject_areas.toml"
_CODE = re.compile(r"[1-9][0-9]?(\.[1-9])?")


def name_key(text: str) -> str:
    """``Health and Social Care`` → ``health-and-social-care`` (how names compare)."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold().replace("&", " and ")).strip("-")


@dataclass(frozen=True)
class Origin:
    """Where a part of the vocabulary comes from: a citation, or the tool's own and why."""

    source: str
    reason: str | None = None

    @property
    def own_default(self) -> bool:
        return self.source == WBLQA_DEFAULT

    def shown(self) -> str:
        return f"wblqa's own default ({self.reason})" if self.own_default else self.source


@dataclass(frozen=True)
class SubjectArea:
    code: str  # "4.1"; a tier-1 area has no dot
    name: str
    also: tuple[str, ...]
    sector: str | None  # the named sector of verification.toml it stands for, if mapped

    @property
    def key(self) -> str:
        """What a programme stores: the name as a key (``engineering``)."""
        return name_key(self.name)

    @property
    def label(self) -> str:
        return f"{self.name} (SSA {self.code})"


@dataclass(frozen=True)
class Areas:
    areas: tuple[SubjectArea, ...]
    cited: Origin  # Ofqual's classification
    own: Origin  # the tool's own additions: other names and the mapping to sectors

    def by_key(self, key: str) -> SubjectArea | None:
        return self._keys().get(key)

    def find(self, text: str) -> SubjectArea | None:
        """An area by its code (``4.1``), Ofqual name or another name, in any case."""
        text = text.strip()
        if _CODE.fullmatch(text):
            return next((a for a in self.areas if a.code == text), None)
        return self._names().get(name_key(text))

    def names(self) -> list[str]:
        return [a.name for a in self.areas] + [n for a in self.areas for n in a.also]

    @functools.cache  # noqa: B019 - one instance per process, cached itself
    def _keys(self) -> dict[str, SubjectArea]:
        return {a.key: a for a in self.areas}

    @functools.cache  # noqa: B019 - one instance per process, cached itself
    def _names(self) -> dict[str, SubjectArea]:
        return {name_key(n): a for a in self.areas for n in (a.name, *a.also)}


def areas_from(t: Table, sectors: Iterable[str]) -> Areas:
    """Typed areas; a repeated code or name, or a mapping to an unknown sector, is an error."""
    known = set(sectors)
    t.integer("format")
    source = Origin(*t.citation())
    own_t = t.table("own")
    assert own_t is not None
    if own_t.values.get("source") != WBLQA_DEFAULT:
        raise own_t.fail("source", "must be 'wblqa default': the additions are the tool's own")
    own = Origin(*own_t.citation())
    own_t.done()
    areas: list[SubjectArea] = []
    seen: dict[str, str] = {}
    for entry in t.tables("areas", required=True):
        code = entry.text("code")
        if not _CODE.fullmatch(code) or any(a.code == code for a in areas):
            raise entry.fail("code", f"{code!r} must be a new code such as 4 or 4.1")
        area = SubjectArea(
            code,
            entry.text("name"),
            tuple(entry.text_list("also", required=False) or ()),
            entry.text("sector", required=False),
        )
        if area.sector is not None and area.sector not in known:
            raise entry.fail("sector", f"{area.sector!r} is not a sector of verification.toml")
        for name in (area.name, *area.also):
            if name_key(name) in seen:
                raise entry.fail("also", f"{name!r} already names area {seen[name_key(name)]}")
            seen[name_key(name)] = code
        areas.append(area)
        entry.done()
    t.done()
    return Areas(tuple(areas), source, own)


@functools.cache
def load_areas() -> Areas:
    from wblqa_cli.cycle.rules import load_rules

    return areas_from(table(AREAS_FILE), load_rules().sectors)
