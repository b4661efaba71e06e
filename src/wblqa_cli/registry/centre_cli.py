"""``wblqa centre``: the centres whose quality assurance you keep."""

from __future__ import annotations

import typer

from wblqa_cli.cli_common import JSON_OPTION, store
from wblqa_cli.output import print_json, safe, say, table
from wblqa_cli.words import fmt_date

app = typer.Typer(no_args_is_help=True, help="Register, rename and list your centres.")


@app.command("add")
def add(
    ctx: typer.Context,
    number: str = typer.Argument(..., help="The Pearson centre number, e.g. 12345."),
    name: str = typer.Option(..., "--name", help="The centre's name."),
) -> None:
    """Register a centre."""
    from wblqa_cli.registry.model import Centre, check_centre_number, check_text
    from wblqa_cli.store.centres import add_centre

    centre = Centre(check_centre_number(number, "NUMBER"), check_text(name, "--name"))
    add_centre(store(ctx), centre)
    say(f"Centre {safe(centre.number)} ({safe(centre.name)}) registered.")


@app.command("edit")
def edit(
    ctx: typer.Context,
    number: str = typer.Argument(..., help="The centre number."),
    name: str = typer.Option(..., "--name", help="The centre's new name."),
) -> None:
    """Rename a centre (the change is kept in the audit log)."""
    from wblqa_cli.registry.model import check_centre_number, check_text
    from wblqa_cli.store.centres import edit_centre

    centre = check_centre_number(number, "NUMBER")
    new = check_text(name, "--name")
    old = edit_centre(store(ctx), centre, new)
    if old is None:
        say(f"Centre {safe(centre)} is already named {safe(new)}; nothing changed.")
    else:
        say(f"Centre {safe(centre)} renamed from {safe(old)} to {safe(new)}.")


@app.command("list")
def list_(ctx: typer.Context, json: bool = JSON_OPTION) -> None:
    """List registered centres."""
    from wblqa_cli.store.centres import list_centres, list_programmes

    s = store(ctx)
    centres = list_centres(s)
    counts: dict[str | None, int] = {}
    for p in list_programmes(s):
        counts[p.centre_number] = counts.get(p.centre_number, 0) + 1
    if json:
        print_json(
            [
                {"number": c.number, "name": c.name, "programmes": counts.get(c.number, 0)}
                for c in centres
            ]
        )
        return
    if not centres:
        say("No centres yet. Add one with: wblqa centre add NUMBER --name NAME")
        return
    t = table("Number", "Name", "Programmes", whole=("Number",))
    for c in centres:
        t.add_row(c.number, c.name, str(counts.get(c.number, 0)))
    say_table(t)


@app.command("show")
def show(
    ctx: typer.Context,
    number: str = typer.Argument(..., help="The centre number."),
    json: bool = JSON_OPTION,
) -> None:
    """Show a centre and its programmes."""
    from wblqa_cli.registry.model import check_centre_number
    from wblqa_cli.store.centres import get_centre, list_programmes

    s = store(ctx)
    centre = get_centre(s, check_centre_number(number, "NUMBER"))
    programmes = list_programmes(s, centre.number)
    if json:
        print_json(
            {
                "number": centre.number,
                "name": centre.name,
                "programmes": [p.as_json() for p in programmes],
            }
        )
        return
    say(f"[bold]{safe(centre.number)}[/bold] {safe(centre.name)}")
    if not programmes:
        say("No programmes yet. Add one with: wblqa programme add CODE --title TITLE")
        return
    t = table("Code", "Title", "Sector", "DCS expiry", "Expected certification", whole=("Code",))
    for p in programmes:
        t.add_row(
            p.code,
            p.title,
            p.sector_shown or "—",
            fmt_date(p.dcs_expiry),
            ", ".join(fmt_date(d) for d in p.expected_certification) or "—",
        )
    say_table(t)


def say_table(t: object) -> None:
    from wblqa_cli.output import console

    console().print(t)
