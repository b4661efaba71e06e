"""``wblqa programme``: the programmes each centre delivers."""

from __future__ import annotations

import typer

from wblqa_cli.cli_common import JSON_OPTION, QUIET_OPTION, store
from wblqa_cli.output import console, fmt_date, print_json, say, table

app = typer.Typer(no_args_is_help=True, help="Register, import and list programmes.")


@app.command("add")
def add(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="The programme or qualification code, e.g. 603/1234/5."),
    title: str = typer.Option(..., "--title", help="The qualification title."),
    centre: str | None = typer.Option(
        None, "--centre", help="The centre number (default: the only centre registered)."
    ),
    sector: str | None = typer.Option(
        None,
        "--sector",
        help="Sector group code (214) or sector name (construction); "
        "default: looked up from the title.",
    ),
    dcs_expiry: str | None = typer.Option(
        None, "--dcs-expiry", help="When the programme's Direct Claims Status expires."
    ),
    expected: list[str] = typer.Option(
        [], "--expected-certification", help="An expected certification date (repeatable)."
    ),
) -> None:
    """Register a programme."""
    from wblqa_cli.dates import parse_date, parse_optional_date
    from wblqa_cli.registry.programmes import build_programme
    from wblqa_cli.store.centres import add_programme, default_centre

    s = store(ctx)
    programme = build_programme(
        code=(code, "CODE"),
        title=(title, "--title"),
        centre=default_centre(s, centre),
        sector=(sector, "--sector"),
        dcs_expiry=parse_optional_date(dcs_expiry, "--dcs-expiry"),
        expected=tuple(parse_date(d, "--expected-certification") for d in expected),
    )
    add_programme(s, programme)
    where = f" for centre {programme.centre_number}" if programme.centre_number else ""
    sector_note = f", sector {programme.sector}" if programme.sector else ""
    match = programme.sector_match
    if not programme.sector and match is not None and match.group is not None:
        sector_note = f", sector {match.group} ({match.explained} there)"
    say(f"Programme {programme.code} ({programme.title}) registered{where}{sector_note}.")


@app.command("list")
def list_(
    ctx: typer.Context,
    centre: str | None = typer.Option(None, "--centre", help="Only this centre's programmes."),
    json: bool = JSON_OPTION,
) -> None:
    """List registered programmes."""
    from wblqa_cli.registry.model import check_centre_number
    from wblqa_cli.store.centres import get_centre, list_programmes

    s = store(ctx)
    if centre is not None:
        centre = get_centre(s, check_centre_number(centre, "--centre")).number
    programmes = list_programmes(s, centre)
    if json:
        print_json([p.as_json() for p in programmes])
        return
    if not programmes:
        say("No programmes yet. Add one with: wblqa programme add CODE --title TITLE")
        return
    t = table("Code", "Title", "Centre", "Sector", "DCS expiry", "Expected certification")
    for p in programmes:
        t.add_row(
            p.code,
            p.title,
            p.centre_number or "—",
            p.sector_shown or "—",
            fmt_date(p.dcs_expiry),
            ", ".join(fmt_date(d) for d in p.expected_certification) or "—",
        )
    console().print(t)


@app.command("import")
def import_(
    ctx: typer.Context,
    file: str = typer.Argument(
        ...,
        help="A CSV file (or - for stdin) with header "
        "code,title[,centre,sector,dcs_expiry,expected_certification]; "
        "several expected certification dates are separated by ';'.",
    ),
    quiet: bool = QUIET_OPTION,
) -> None:
    """Add or update programmes from a CSV file: all rows or none."""
    from wblqa_cli.output import progress, show_progress
    from wblqa_cli.registry.programmes import read_programme_csv
    from wblqa_cli.store.centres import default_centre, list_centres, save_programmes

    s = store(ctx)
    known = {c.number for c in list_centres(s)}
    fallback = default_centre(s, None) if len(known) <= 1 else None
    with progress("Checking rows", None, enabled=show_progress(quiet)) as p:
        programmes = read_programme_csv(
            file, known_centres=known, default_centre=fallback, progress=p.advance
        )
    added, updated = save_programmes(s, programmes)
    say(f"Imported {len(programmes)} programmes from {file}: {added} added, {updated} updated.")


__all__ = ["app", "fmt_date"]
