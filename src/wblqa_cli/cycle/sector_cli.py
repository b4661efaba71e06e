"""``wblqa sector``: the sector groups out of Lead Standards Verification, and title look-up."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import typer

from wblqa_cli.cli_common import JSON_OPTION
from wblqa_cli.output import console, print_json, safe, say, table

if TYPE_CHECKING:
    from wblqa_cli.cycle.lookup import Lookup
    from wblqa_cli.cycle.rules import CycleRules
    from wblqa_cli.cycle.sectors import SectorGroup

app = typer.Typer(
    no_args_is_help=True,
    help="Which sector group a qualification is in, and what verification it can expect.",
)


@app.command("lookup")
def lookup(
    query: str = typer.Argument(
        ...,
        metavar="TITLE_OR_CODE",
        help="A qualification title (case, spacing and small typos are forgiven), "
        "a sector group code such as 214, or a sector name such as construction.",
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Say whether a qualification is in LSV scope and the least verification to expect."""
    from wblqa_cli.cycle.lookup import lookup as look_up
    from wblqa_cli.errors import InputError

    if not query.strip():
        raise InputError(
            "TITLE_OR_CODE is empty.",
            hint="Give a qualification title or a group code such as 214.",
        )
    found = look_up(query)
    if json:
        print_json(found.as_json())
        return
    _say_lookup(found, query)


@app.command("list")
def list_(json: bool = JSON_OPTION) -> None:
    """List the sector groups taken out of LSV, and the named sectors programmes can carry."""
    from wblqa_cli.cycle.rules import load_rules, load_sector_groups

    rules = load_rules()
    groups = load_sector_groups()
    if json:
        print_json(_sectors_json(rules, groups))
        return
    _say_sectors(rules, groups)


def _say_lookup(found: Lookup, query: str) -> None:

    rule = found.rule
    scope = "in LSV scope" if rule.in_lsv_scope else "not in LSV scope"
    if found.kind == "group" and found.group is not None:
        g = found.group
        say(f"[bold]Sector group {g.code}[/bold]: {g.name} (listed as '{g.source_name}')")
        for title in g.titles:
            say(f"  {safe(title)}")
    elif found.kind == "sector" and found.sector is not None:
        say(
            f"[bold]Sector[/bold]: {found.sector.name} (tag programmes with --sector "
            f"{found.sector.key})"
        )
    elif found.kind == "area" and found.area is not None:
        say(
            f"[bold]Sector subject area {found.area.code}[/bold]: {found.area.name} "
            f"(tag programmes with --sector {safe(repr(found.area.name))})"
        )
    elif found.kind == "title" and found.group is not None:
        matched = "" if found.exact else " (closest listed title)"
        say(f"[bold]{safe(found.title or '')}[/bold]{matched}")
        say(f"Sector group {found.group.code}: {found.group.name}")
    else:
        say(
            f"No listed title matches {safe(repr(query))}: as a title in no listed sector group, "
            "it is in LSV scope."
        )
    say(f"{scope[0].upper()}{scope[1:]}: {rule.minimum_text} a year.")
    say(f"Why: {rule.reason}")
    say(f"Source: {rule.source}")
    for hint in found.hints:
        say(f"Note: {safe(hint)}")
    if found.suggestions:
        say("Did you mean:")
        for title in found.suggestions:
            say(f"  {safe(title)}")


def _sectors_json(rules: CycleRules, groups: Sequence[SectorGroup]) -> dict[str, object]:
    listed = rules.listed_group
    return {
        "groups": [
            {
                "code": g.code,
                "name": g.name,
                "source_name": g.source_name,
                "title_count": len(g.titles),
                "in_lsv_scope": listed.in_lsv_scope,
                "min_standards_verification": listed.min_standards_verification,
                "source": g.source,
            }
            for g in groups
        ],
        "sectors": [
            {
                "key": s.key,
                "name": s.name,
                "in_lsv_scope": s.rule.in_lsv_scope,
                "min_standards_verification": s.rule.min_standards_verification,
                "source": s.rule.source,
                "strength": s.rule.strength,
            }
            for s in rules.sectors.values()
        ],
        "areas": _areas_json(),
    }


def _areas_json() -> dict[str, object]:
    from wblqa_cli.cycle.areas import load_areas

    areas = load_areas()
    return {
        "source": areas.cited.source,
        "additions_source": areas.own.shown(),
        "areas": [
            {"code": a.code, "name": a.name, "also": list(a.also), "sector": a.sector}
            for a in areas.areas
        ],
    }


def _say_areas() -> None:
    from wblqa_cli.cycle.areas import load_areas

    areas = load_areas()
    t = table(
        "Area",
        "Name",
        "Also",
        "Counts as",
        title="Sector subject areas (--sector)",
        whole=("Area",),
    )
    for a in areas.areas:
        t.add_row(a.code, a.name, ", ".join(a.also), a.sector or "")
    console().print(t)
    say(f"Source: {areas.cited.source}. Other names and 'counts as': {areas.own.shown()}.")


def _say_sectors(rules: CycleRules, groups: Sequence[SectorGroup]) -> None:
    listed = rules.listed_group
    t = table(
        "Group",
        "Name",
        "Listed as",
        "Titles",
        title="Sector groups not in LSV scope",
        whole=("Group",),
    )
    for g in groups:
        t.add_row(g.code, g.name, g.source_name, str(len(g.titles)))
    console().print(t)
    say(f"Each: {listed.minimum_text} a year, no LSV. Source: {listed.source}")
    say("")
    t = table(
        "Sector",
        "Name",
        "LSV scope",
        "At least",
        title="Named sectors (--sector)",
        whole=("Sector",),
    )
    for s in rules.sectors.values():
        t.add_row(
            s.key,
            s.name,
            "in" if s.rule.in_lsv_scope else "out",
            s.rule.minimum_text.removeprefix("at least "),
        )
    console().print(t)
    _say_areas()
    say("Any other programme: in LSV scope, " + rules.default.minimum_text + " a year.")
    say("Look a title up with: wblqa sector lookup TITLE")
