"""Building programmes from what a user typed or a CSV held, checking every field."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
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
    """A sector tag as stored: a group code (``214``) or a named sector (``construction``).

    Given nothing, there is no tag: the title's match is kept apart (:func:`match_sector`).
    """
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
    import difflib

    choices = sorted(names) + [g.code for g in groups]
    close = difflib.get_close_matches(key, choices, n=3)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    raise InputError(
        f"{value!r} ({context}) is not a sector group or sector name.{hint}",
        hint=f"Use a group code ({', '.join(g.code for g in groups)}) "
        f"or a sector name ({', '.join(sorted(names))}).",
    )


def build_programme(
    *,
    code: tuple[str, str],
    title: tuple[str, str],
    centre: str | None,
    sector: tuple[str | None, str],
    dcs_expiry: date | None,
    expected: tuple[date, ...],
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
        sector_match=match_sector(clean_title),
    )


def read_programme_csv(
    name: str,
    *,
    known_centres: set[str],
    default_centre: str | None,
    progress: Callable[[int], None] | None = None,
) -> list[Programme]:
    """Every row of a programme CSV, checked; the first bad row raises and nothing is kept."""
    from wblqa_cli.csvio import CsvReader, open_input
    from wblqa_cli.dates import parse_date, parse_optional_date

    programmes: list[Programme] = []
    seen: dict[str, int] = {}
    with open_input(name) as (stream, display):
        reader = CsvReader(stream, display, CSV_REQUIRED, CSV_OPTIONAL)
        for line, row in reader:
            if progress is not None and line % 1000 == 0:
                progress(1000)

            def at(column: str, line: int = line) -> str:
                return where(display, f"line {line}", f"column {column!r}")

            code = check_programme_code(row["code"], at("code"))
            if code in seen:
                raise InputError(f"{at('code')}: {code!r} is already on line {seen[code]}.")
            seen[code] = line
            centre = default_centre
            if row.get("centre"):
                centre = check_centre_number(row["centre"], at("centre"))
                if centre not in known_centres:
                    raise InputError(
                        f"{at('centre')}: centre {centre!r} is not registered.",
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
            programmes.append(
                build_programme(
                    code=(code, at("code")),
                    title=(row["title"], at("title")),
                    centre=centre,
                    sector=(row.get("sector"), at("sector")),
                    dcs_expiry=parse_optional_date(row.get("dcs_expiry"), at("dcs_expiry")),
                    expected=expected,
                )
            )
    if not programmes:
        raise InputError(f"{name}: no programmes in the file (only a header).")
    return programmes
