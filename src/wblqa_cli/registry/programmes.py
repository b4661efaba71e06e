"""Building programmes from what a user typed or a CSV held, checking every field."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from wblqa_cli.errors import InputError, where
from wblqa_cli.registry.model import (
    Programme,
    SectorMatch,
    check_centre_number,
    check_programme_code,
    check_text,
)
from wblqa_cli.safetext import quoted

if TYPE_CHECKING:
    from wblqa_cli.cycle.sectors import SectorGroup

CSV_REQUIRED = ("code", "title")
CSV_OPTIONAL = ("centre", "sector", "dcs_expiry", "expected_certification")


def named_sectors() -> dict[str, str]:
    """Sector names the verification rules key on (``construction``) → display name."""
    from wblqa_cli.cycle.rules import load_rules

    return {key: sector.name for key, sector in load_rules().sectors.items()}


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def match_sector(title: str, groups: tuple[SectorGroup, ...] | None = None) -> SectorMatch:
    """The sector group ``title`` is listed in (exactly or by a close spelling), or none."""
    from wblqa_cli.cycle.rules import load_sector_groups
    from wblqa_cli.cycle.sectors import data_version, match_title

    groups = load_sector_groups() if groups is None else groups
    found = match_title(title, groups, suggest=False)
    how = "none" if found.group is None else "exact" if found.exact else "close"
    code = found.group.code if found.group is not None else None
    return SectorMatch(code, how, found.title, data_version(groups))


def refresh_matches(programmes: Sequence[Programme]) -> dict[str, SectorMatch]:
    """Matches found again for the programmes whose stored one is missing or stale
    (found with other sector data): code → the match today's data gives."""
    from wblqa_cli.cycle.rules import load_sector_groups
    from wblqa_cli.cycle.sectors import data_version

    groups = load_sector_groups()
    version = data_version(groups)
    return {
        p.code: match_sector(p.title, groups)
        for p in programmes
        if p.sector_match is None or p.sector_match.version != version
    }


def resolve_sector(value: str | None, title: str, context: str = "--sector") -> str | None:
    """A sector tag as stored: a group code (``214``), a named sector (``construction``) or a
    Sector Subject Area's key (``engineering``).

    Given nothing, there is no tag: the title's match is kept apart (:func:`match_sector`).
    A name a centre uses ("Engineering", "Health and Social Care", "Business") is found
    in Ofqual's Sector Subject Areas (data/sector_subject_areas.toml).
    """
    from wblqa_cli.cycle.areas import load_areas
    from wblqa_cli.cycle.rules import load_sector_groups
    from wblqa_cli.cycle.sectors import find_group

    groups = load_sector_groups()
    if value is None or not value.strip():
        return None
    group = find_group(value.strip(), groups)
    if group is not None:
        return group.code
    key = _key(value)
    names = named_sectors()
    if key in names:
        return key
    for k, name in names.items():
        if _key(name) == key:
            return k
    areas = load_areas()
    area = areas.find(value)
    if area is not None:
        return area.key
    import difflib

    choices = {_key(n): n for n in (*names.values(), *areas.names())}
    choices.update({k: k for k in names})
    close = difflib.get_close_matches(key, list(choices), n=3, cutoff=0.7)
    hint = f" Did you mean {', '.join(repr(choices[c]) for c in close)}?" if close else ""
    raise InputError(
        f"{quoted(value)} ({context}) is not a sector group, sector name or sector subject "
        f"area.{hint}",
        hint="Use a group code ("
        + ", ".join(g.code for g in groups)
        + f"), a sector name ({', '.join(sorted(names))}) or a sector subject area "
        "such as Engineering or Health and Social Care; see `wblqa sector list`.",
    )


@dataclass(frozen=True)
class SectorFound:
    """How a programme's sector was found: given, the title listed exactly, a close match, none."""

    how: str  # "given", "exact", "close", "none"
    sector: str | None
    group_name: str | None = None
    listed_title: str | None = None


def find_sector(value: str | None, title: str, context: str = "--sector") -> SectorFound:
    """:func:`resolve_sector`, saying how the sector was found."""
    if value is not None and value.strip():
        code = resolve_sector(value, title, context)
        return SectorFound("given", code, _group_name(code))
    match = match_sector(title)  # the same finding that is stored with the programme
    return found_from(match)


def found_from(match: SectorMatch) -> SectorFound:
    """How the sector was found, from a title's (stored) match."""
    if match.group is None:
        return SectorFound("none", None)
    return SectorFound(match.how, match.group, _group_name(match.group), match.title)


def _group_name(code: str | None) -> str | None:
    from wblqa_cli.cycle.rules import load_sector_groups

    group = next((g for g in load_sector_groups() if g.code == code), None)
    return group.name if group is not None else named_sectors().get(code or "")


def describe_sector(found: SectorFound) -> str:
    """One line saying how the sector was found, and what a listed group means."""
    from wblqa_cli.cycle.rules import load_rules

    rules = load_rules()
    listed = (
        "Listed groups are out of scope for Lead Standards Verification "
        f"({rules.listed_group.minimum_text})."
    )
    if found.how == "given":
        return f"Sector {found.sector} ({found.group_name}), as given."
    if found.how == "exact":
        return (
            f"Sector group {found.sector} ({found.group_name}): the title is listed there. "
            + listed
        )
    if found.how == "close":
        return (
            f"Sector group {found.sector} ({found.group_name}), by a close match to the listed "
            f"title {quoted(found.listed_title)}. {listed} If it is not that qualification, "
            "set the sector with --sector."
        )
    return (
        "No sector group found from the title: it stays in Lead Standards Verification scope. "
        "Tag it with --sector if it belongs to a listed group or a named sector."
    )


def sector_note(title: str, given: str | None) -> str:
    return describe_sector(find_sector(given, title))


@dataclass(frozen=True)
class CsvProgramme:
    """A checked CSV row: the programme (facts as given) and how its sector was found."""

    programme: Programme
    sector: SectorFound
    line: int


def sector_summary(rows: Iterable[CsvProgramme]) -> list[str]:
    """Lines for an import: how sectors were found, each close match named."""
    rows = list(rows)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.sector.how] = counts.get(r.sector.how, 0) + 1
    words = {"given": "given in the file", "exact": "by exact title",
             "close": "by close match", "none": "none found"}  # fmt: skip
    parts = [f"{counts[k]} {words[k]}" for k in words if counts.get(k)]
    out = [f"Sectors: {', '.join(parts)}."]
    for r in rows:
        if r.sector.how == "close":
            out.append(f"  line {r.line}, {r.programme.code}: {describe_sector(r.sector)}")
    return out


def build_programme(
    *,
    code: tuple[str, str],
    title: tuple[str, str],
    centre: str | None,
    sector: tuple[str | None, str],
    dcs_expiry: date | None,
    expected: tuple[date, ...],
    first_year: str | None = None,
) -> Programme:
    """A checked :class:`Programme`; each pair is (value, where it came from)."""
    clean_title = check_text(title[0], title[1])
    return Programme(
        code=check_programme_code(*code),
        title=clean_title,
        centre_number=centre,
        sector=resolve_sector(sector[0], clean_title, sector[1]),
        dcs_expiry=dcs_expiry,
        expected_certification=tuple(sorted(set(expected))),
        first_year=first_year,
        sector_match=match_sector(clean_title),
    )


def read_programme_csv(
    name: str,
    *,
    known_centres: set[str],
    default_centre: str | None,
    progress: Callable[[int], None] | None = None,
) -> list[CsvProgramme]:
    """Every row of a programme CSV, checked; the first bad row raises and nothing is kept."""
    from wblqa_cli.csvio import CsvReader, open_input
    from wblqa_cli.dates import parse_date, parse_optional_date

    programmes: list[CsvProgramme] = []
    seen: dict[str, int] = {}
    with open_input(name, "programmes") as (stream, display):
        reader = CsvReader(stream, display, CSV_REQUIRED, CSV_OPTIONAL)
        for line, row in reader:
            if progress is not None and line % 1000 == 0:
                progress(1000)

            def at(column: str, line: int = line) -> str:
                return where(display, f"line {line}", f"column {quoted(column)}")

            code = check_programme_code(row["code"], at("code"))
            if code in seen:
                raise InputError(f"{at('code')}: {quoted(code)} is already on line {seen[code]}.")
            seen[code] = line
            centre = default_centre
            if row.get("centre"):
                centre = check_centre_number(row["centre"], at("centre"))
                if centre not in known_centres:
                    raise InputError(
                        f"{at('centre')}: centre {quoted(centre)} is not registered.",
                        hint="Add it first with `wblqa centre add NUMBER --name NAME`.",
                    )
            elif len(known_centres) > 1:
                raise InputError(
                    f"{at('centre')}: empty, and {len(known_centres)} centres are registered; "
                    "say which centre delivers the programme."
                )
            expected_cell = row.get("expected_certification", "")
            expected = tuple(
                parse_date(part, at("expected_certification"))
                for part in expected_cell.split(";")
                if part.strip()
            )
            built = build_programme(
                code=(code, at("code")),
                title=(row["title"], at("title")),
                centre=centre,
                sector=(row.get("sector"), at("sector")),
                dcs_expiry=parse_optional_date(row.get("dcs_expiry"), at("dcs_expiry")),
                expected=expected,
            )
            programmes.append(CsvProgramme(built, _found(row.get("sector"), built), line))
    if not programmes:
        raise InputError(f"{name}: no programmes in the file (only a header).")
    return programmes


def _found(given: str | None, p: Programme) -> SectorFound:
    """How the sector of ``p`` was found, from its tag or its stored match (no second search)."""
    if given is not None and given.strip():
        return SectorFound("given", p.sector, _group_name(p.sector))
    if p.sector_match is None:
        return SectorFound("none", None)
    return found_from(p.sector_match)
