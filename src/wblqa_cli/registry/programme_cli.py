"""``wblqa programme``: the programmes each centre delivers (add, list, import)."""

from __future__ import annotations

import typer

from wblqa_cli.cli_common import JSON_OPTION, QUIET_OPTION, store
from wblqa_cli.output import console, print_json, safe, say, table
from wblqa_cli.registry.cli_options import DCS_OPTION, EXPECTED_OPTION, FACT_YEAR_OPTION, fact_year
from wblqa_cli.registry.programme_edit_cli import edit, joining_note, remove, retire, show
from wblqa_cli.words import fmt_date, plural

app = typer.Typer(no_args_is_help=True, help="Register, change, retire and list programmes.")
app.command("show")(show)
app.command("edit")(edit)
app.command("retire")(retire)
app.command("remove")(remove)


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
        help="Sector group code (214), sector name (construction) or sector subject area "
        "(Engineering, Health and Social Care; see `wblqa sector list`); "
        "default: looked up from the title.",
    ),
    dcs_expiry: str | None = DCS_OPTION,
    expected: list[str] = EXPECTED_OPTION,
    year: str | None = FACT_YEAR_OPTION,
    first: str | None = typer.Option(
        None,
        "--from",
        help="The first academic year it is delivered in (default: this one, or every year "
        "while the centre has no declaration yet).",
    ),
) -> None:
    """Register a programme."""
    from wblqa_cli.dates import AcademicYear, parse_date, parse_optional_date
    from wblqa_cli.registry.facts import from_flags
    from wblqa_cli.registry.programmes import build_programme, sector_note
    from wblqa_cli.store.centres import default_centre
    from wblqa_cli.store.programme_changes import add_programme

    s = store(ctx)
    fy = fact_year(year)
    programme = build_programme(
        code=(code, "CODE"),
        title=(title, "--title"),
        centre=default_centre(s, centre),
        sector=(sector, "--sector"),
        dcs_expiry=None,
        expected=(),
        first_year=AcademicYear.parse(first, "--from").label if first else None,
    )
    facts = from_flags(
        dcs_expiry=parse_optional_date(dcs_expiry, "--dcs-expiry"),
        expected=tuple(parse_date(d, "--expected-certification") for d in expected),
    )
    add_programme(s, programme, facts, fy.label, "programme add")
    where = f" for centre {safe(programme.centre_number)}" if programme.centre_number else ""
    shown = programme.sector_shown  # the tag given, else the group found from the title
    sector_text = f", sector {safe(shown)}" if shown else ", no sector group"
    name = f"{safe(programme.code)} ({safe(programme.title)})"
    say(f"Programme {name} registered{where}{sector_text}.")
    say(safe(sector_note(programme.title, sector)))
    if note := joining_note(s, programme, fy.label):
        say(safe(note))


@app.command("list")
def list_(
    ctx: typer.Context,
    centre: str | None = typer.Option(None, "--centre", help="Only this centre's programmes."),
    year: str | None = typer.Option(
        None, "--year", help="Facts as they hold in this academic year (default: this one)."
    ),
    retired: bool = typer.Option(False, "--retired", help="Include retired programmes."),
    json: bool = JSON_OPTION,
) -> None:
    """List registered programmes with their facts as they hold in a year."""
    from wblqa_cli.registry.model import check_centre_number
    from wblqa_cli.store.centres import get_centre, list_programmes

    s = store(ctx)
    label = fact_year(year).label
    if centre is not None:
        centre = get_centre(s, check_centre_number(centre, "--centre")).number
    registered = list_programmes(s, centre, year=label)
    programmes = registered if retired else [
        p for p in registered if p.retired_from is None or p.retired_from > label
    ]  # fmt: skip
    if json:
        print_json([p.as_json() for p in programmes])
        return
    if not programmes:
        say(
            f"No programme is delivered in {label}: {plural(len(registered), 'programme')} "
            "registered, every one retired. Add --retired to list them."
            if registered
            else "No programmes yet. Add one with: wblqa programme add CODE --title TITLE"
        )
        return
    t = table(
        "Code",
        "Title",
        "Centre",
        "Sector",
        "DCS expiry",
        "Expected certification",
        "Years",
        whole=("Code", "Centre"),
    )
    for p in programmes:
        t.add_row(
            p.code,
            p.title,
            p.centre_number or "—",
            p.sector_shown or "—",
            fmt_date(p.dcs_expiry),
            ", ".join(fmt_date(d) for d in p.expected_certification) or "—",
            years_text(p.first_year, p.retired_from),
        )
    console().print(t)


def years_text(first: str | None, retired: str | None) -> str:
    since = f"from {first}" if first else "every year"
    return f"{since}, retired from {retired}" if retired else since


@app.command("import")
def import_(
    ctx: typer.Context,
    file: str = typer.Argument(
        ...,
        help="A CSV file (or - for stdin) with header "
        "code,title[,centre,sector,dcs_expiry,expected_certification]; "
        "several expected certification dates are separated by ';'.",
    ),
    year: str | None = FACT_YEAR_OPTION,
    quiet: bool = QUIET_OPTION,
) -> None:
    """Add or update programmes from a CSV file: all rows or none."""
    from wblqa_cli.output import progress, show_progress
    from wblqa_cli.registry.facts import from_flags
    from wblqa_cli.registry.programmes import read_programme_csv, sector_summary
    from wblqa_cli.store.centres import default_centre, list_centres
    from wblqa_cli.store.programme_changes import save_programmes

    s = store(ctx)
    fy = fact_year(year)
    known = {c.number for c in list_centres(s)}
    fallback = default_centre(s, None) if len(known) <= 1 else None
    with progress("Checking rows", None, enabled=show_progress(quiet)) as p:
        rows = read_programme_csv(
            file, known_centres=known, default_centre=fallback, progress=p.advance
        )
    pairs = [
        (
            r.programme,
            from_flags(
                dcs_expiry=r.programme.dcs_expiry, expected=r.programme.expected_certification
            ),
        )
        for r in rows
    ]
    added, updated = save_programmes(s, pairs, fy.label)
    say(f"Imported {len(rows)} programmes from {safe(file)}: {added} added, {updated} updated.")
    for line in sector_summary(rows):
        say(safe(line))


__all__ = ["app", "fmt_date"]
