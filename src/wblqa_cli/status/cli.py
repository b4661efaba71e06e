"""``wblqa status``: one screen of what needs action now, across the whole store."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from wblqa_cli.cli_common import AS_OF_OPTION, JSON_OPTION, YEAR_OPTION, store, year_and_day
from wblqa_cli.output import console, print_json, safe, say, styled, table
from wblqa_cli.words import fmt_date

if TYPE_CHECKING:
    from wblqa_cli.status.actions import Status

LABELS = {
    "overdue": "[red]OVERDUE[/red]",
    "now": "[yellow]NOW[/yellow]",
    "soon": "soon",
    "info": "[dim]info[/dim]",
}


def status(
    ctx: typer.Context,
    year: str | None = YEAR_OPTION,
    as_of_text: str | None = AS_OF_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """What needs action now: AQD, Direct Claims Status, consortia, retention, key dates.

    The screen to open every Monday. Actions are listed most urgent first, each
    with the command that deals with it. Always exits 0: it reports, it does not
    check (use `wblqa aqd submit`, `wblqa consortium check` for exit codes).
    """
    from wblqa_cli.gather import status as gather_status

    result = gather_status(store(ctx), *year_and_day(year, as_of_text))
    if json:
        print_json(result.as_json())
        return
    render(result)


def render(result: Status) -> None:
    counts = result.counts()
    say(
        f"[bold]wblqa status[/bold] · {result.academic_year} · as of {fmt_date(result.as_of)}: "
        f"{counts['overdue']} overdue, {counts['now']} to act on now, {counts['soon']} soon"
    )
    if not result.aqd:
        say("No centre registered yet: start with `wblqa centre add NUMBER --name NAME`.")
    if result.actions:
        t = table("", "Area", "What needs doing, and the command that does it", whole=("Area",))
        for a in result.actions:
            t.add_row(styled(LABELS[a.level]), a.area, _todo(a.message, a.command))
        # Each command on one line where the terminal allows it, to copy as it is.
        t.columns[2].min_width = max(len(a.command or "") + 2 for a in result.actions)
        console().print(t)
    else:
        say("Nothing needs action. ")
    if result.aqd:
        t = table("Centre", "Name", "AQD", "Answered", "Missing", "Flagged", "Deadline",
                  whole=("Centre", "Answered"))  # fmt: skip
        for p in result.aqd:
            days = p.deadline.days_left(result.as_of)
            when = (
                f"{fmt_date(p.deadline.deadline)} ({days} days left)"
                if days >= 0
                else (f"{fmt_date(p.deadline.deadline)} (passed)")
            )
            t.add_row(
                p.centre,
                p.centre_name,
                p.state,
                f"{p.answered}/{p.applicable}",
                str(p.missing),
                str(p.flagged),
                when,
            )
        console().print(t)
    if result.retention is not None:
        r = result.retention
        say(
            f"Retention: {r.disposable} may be disposed of, {r.on_hold} on hold, "
            f"{r.unknown} without a date, {r.retained} still kept."
        )
    if result.upcoming:
        say("Next key dates:")
        for k in result.upcoming:
            span = fmt_date(k.date) + (f" – {fmt_date(k.end_date)}" if k.end_date else "")
            say(f"  {span:<30} {safe(k.what)}")


def _todo(message: str, command: str | None) -> Any:
    """The message, wrapped; under it the command on a line of its own."""
    from rich.console import Group
    from rich.text import Text

    said = Text(message)
    if not command:
        return said
    return Group(said, Text(f"→ {command}", style="bold", overflow="fold"))
