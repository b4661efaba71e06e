"""``wblqa aqd``: the Annual Quality Declaration, walked through, checked, submitted, exported."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from wblqa_cli.aqd.cli_common import (
    CENTRE_OPTION,
    YEAR_OPTION,
    again,
    centre_programmes,
    resolve_centre,
    resolve_year,
)
from wblqa_cli.aqd.cli_export import export
from wblqa_cli.aqd.cli_group import app as group_app
from wblqa_cli.aqd.cli_start import start
from wblqa_cli.aqd.cli_status import status
from wblqa_cli.aqd.cli_submit import submit
from wblqa_cli.cli_common import FORCE_OPTION, JSON_OPTION, store
from wblqa_cli.errors import InputError
from wblqa_cli.output import (
    console,
    fmt_date,
    plain_line,
    plural,
    print_json,
    safe,
    say,
    styled,
    table,
)

if TYPE_CHECKING:
    pass

app = typer.Typer(
    no_args_is_help=True,
    help="The Annual Quality Declaration: answer it (resuming where you stopped), "
    "check what is missing, submit, reopen and export it.",
)


def questions(json: bool = JSON_OPTION) -> None:
    """List the question bank: ids, sections, types, choices and sources."""
    from wblqa_cli.aqd.answers import display
    from wblqa_cli.aqd.bank import load_bank

    bank = load_bank()
    if json:
        print_json([q.as_json() for q in bank.questions])
        return
    t = table(
        "Id", "Type", "Question", title=f"AQD question bank {bank.version}", whole=("Id", "Type")
    )
    section = None
    for q in bank.questions:
        if q.section != section:
            section = q.section
            t.add_row(styled(f"[bold]{safe(bank.section(section).title)}[/bold]"), "", "")
        text = safe(q.question)
        if q.choices:
            text += f"\n[dim]{safe(' | '.join(q.choices))}[/dim]"
        if q.when:
            when = f"only if {q.when.question} is {display(q.when.equals)}"
            text += f"\n[dim]{safe(when)}[/dim]"
        t.add_row(q.id, q.type + ("" if q.required else " (optional)"), styled(text))
    console().print(t)


def template(
    ctx: typer.Context,
    output: Path = typer.Option(
        ..., "-o", "--output", help="The file to write: .toml (with comments), .json or .yaml."
    ),
    centre: str | None = CENTRE_OPTION,
    year: str | None = YEAR_OPTION,
    force: bool = FORCE_OPTION,
) -> None:
    """Write an answers file to fill in for `aqd start --answers` (--force to replace one)."""
    import json as json_

    from wblqa_cli.aqd.answers_file import template as template_doc
    from wblqa_cli.aqd.answers_file import template_toml
    from wblqa_cli.aqd.bank import load_bank
    from wblqa_cli.files import write_private
    from wblqa_cli.store.centres import default_centre

    suffix = output.suffix.lower()
    if suffix not in (".toml", ".json", ".yaml", ".yml"):
        raise InputError(f"{output}: use a .toml, .json or .yaml file name.")
    bank = load_bank()
    s = store(ctx)
    number = default_centre(s, centre)
    covered = centre_programmes(s, number, [], resolve_year(year)) if number else []
    programmes = [(p.code, p.title) for p in covered]
    if suffix == ".toml":
        text = template_toml(bank, programmes, bank.version)
    elif suffix == ".json":
        text = json_.dumps(template_doc(bank, programmes), indent=2) + "\n"
    else:
        import yaml

        text = yaml.safe_dump(template_doc(bank, programmes), sort_keys=False, allow_unicode=True)
    write_private(output, text, overwrite=force)
    import shlex

    then = again("start", resolve_year(year), centre, (), "--answers", shlex.quote(str(output)))
    # Plain echo, not rich: a long path must not be wrapped mid-command.
    typer.echo(
        plain_line(
            f"Wrote {output} ({plural(len(bank.questions), 'question')}, "
            f"{plural(len(programmes), 'programme')}). Fill it in, then run: {then}"
        )
    )


def reopen(
    ctx: typer.Context,
    reason: str = typer.Option(..., "--reason", help="Why it is reopened (kept in the audit log)."),
    year: str | None = YEAR_OPTION,
    centre: str | None = CENTRE_OPTION,
) -> None:
    """Unlock a submitted declaration so its answers can change."""
    from wblqa_cli.registry.model import check_text
    from wblqa_cli.store.aqd import get_declaration
    from wblqa_cli.store.aqd import reopen as reopen_declaration

    s = store(ctx)
    academic_year = resolve_year(year)
    text = check_text(reason, "--reason")
    declaration = get_declaration(s, resolve_centre(s, centre), academic_year.label)
    reopen_declaration(s, declaration, text)
    review = again("start", academic_year, centre, (), "--review")
    say(
        f"Declaration {safe(academic_year)} of centre {safe(declaration.centre_number)} "
        f"reopened. Change answers with `{review}`, then submit with "
        f"`{again('submit', academic_year, centre)}`."
    )


def deadline(
    ctx: typer.Context,
    day: str | None = typer.Argument(
        None, help="Set this as the year's deadline (e.g. 2026-10-14)."
    ),
    year: str | None = YEAR_OPTION,
    as_of_: str | None = typer.Option(None, "--as-of", help="Count days left from this date."),
    json: bool = JSON_OPTION,
) -> None:
    """Show the AQD deadline for a year, or set one the data does not state."""
    from wblqa_cli.aqd.deadlines import deadline_for, rules
    from wblqa_cli.cli_common import as_of
    from wblqa_cli.dates import days_text, parse_date
    from wblqa_cli.store.aqd import set_deadline, user_deadlines

    s = store(ctx)
    academic_year = resolve_year(year)
    if day is not None:
        chosen = parse_date(day, "DATE")
        if chosen not in academic_year:
            raise InputError(
                f"{day!r} (DATE) is not in the academic year {academic_year} "
                f"({academic_year.start:%d %b %Y} to {academic_year.end:%d %b %Y})."
            )
        stated = rules()[1].get(academic_year.start_year)
        if stated is not None:
            raise InputError(
                f"The guidance already states the {academic_year} deadline: "
                f"{stated[0].isoformat()} ({stated[1]}).",
                hint="Set a deadline only for a year the data does not know.",
            )
        replaced = set_deadline(s, academic_year.label, chosen)
        if replaced and not json:
            say(f"Replaced your earlier deadline {replaced.isoformat()}.")
    today = as_of(as_of_)
    found = deadline_for(academic_year, user_deadlines(s))
    if json:
        print_json(found.as_json(today))
        return
    left = found.days_left(today)
    when = f"{days_text(left)} left" if left >= 0 else f"passed {days_text(-left)} ago"
    origin = {"user": "set by you", "data": "stated in the guidance", "rule": "the fixed window"}
    say(f"AQD {academic_year}: due {fmt_date(found.deadline)} ({when}); {origin[found.origin]}.")
    say(f"Source: {found.source}")
    if found.note:
        say(f"[yellow]{safe(found.note)}[/yellow]")


# Registered here, in the order `wblqa aqd --help` lists them.
app.command("questions")(questions)
app.command("template")(template)
app.command("start")(start)
app.command("status")(status)
app.command("submit")(submit)
app.command("reopen")(reopen)
app.command("export")(export)
app.command("deadline")(deadline)
app.add_typer(group_app, name="group")
