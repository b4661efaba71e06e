"""``wblqa status``: one screen of what needs action now, across the whole store."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from wblqa_cli.cli_common import JSON_OPTION, as_of, store
from wblqa_cli.output import console, fmt_date, print_json, say, table

if TYPE_CHECKING:
    from datetime import date

    from wblqa_cli.dates import AcademicYear
    from wblqa_cli.status import AqdProgress, ArrangementHealth, RetentionSummary, Status
    from wblqa_cli.store import Store

LABELS = {
    "overdue": "[red]OVERDUE[/red]",
    "now": "[yellow]NOW[/yellow]",
    "soon": "soon",
    "info": "[dim]info[/dim]",
}


def _aqd_progress(s: Store, year: AcademicYear) -> list[AqdProgress]:
    from wblqa_cli.aqd import statuses
    from wblqa_cli.aqd_bank import load_bank
    from wblqa_cli.deadlines import deadline_for
    from wblqa_cli.status import AqdProgress
    from wblqa_cli.store.aqd import find_declaration, load_answers, user_deadlines
    from wblqa_cli.store.centres import list_centres, list_programmes

    bank = load_bank()
    deadline = deadline_for(year, user_deadlines(s))
    out = []
    for centre in list_centres(s):
        programmes = [p.code for p in list_programmes(s, centre.number)]
        declaration = find_declaration(s, centre.number, year.label)
        answers = {} if declaration is None else load_answers(s, declaration.id, bank)
        scopes = statuses(bank, programmes, answers)
        out.append(
            AqdProgress(
                centre=centre.number,
                centre_name=centre.name,
                state="not started" if declaration is None else declaration.status,
                answered=sum(sc.answered for sc in scopes),
                applicable=sum(sc.applicable for sc in scopes),
                missing=sum(len(sc.missing) for sc in scopes),
                flagged=sum(len(sc.flagged) for sc in scopes),
                programmes=len(programmes),
                deadline=deadline,
            )
        )
    return out


def _arrangements(s: Store, today: date) -> list[ArrangementHealth]:
    from wblqa_cli.consortium.checks import check
    from wblqa_cli.status import ArrangementHealth
    from wblqa_cli.store.consortium import list_arrangements

    out = []
    for arrangement in list_arrangements(s):
        report = check(arrangement, today)
        out.append(
            ArrangementHealth(
                name=arrangement.name,
                model=arrangement.model,
                failed=tuple(f"{r.id}: {r.message}" for r in report.results if r.status == "fail"),
                warnings=tuple(
                    f"{r.id}: {r.message}" for r in report.results if r.status == "warn"
                ),
                apply_by=arrangement.apply_by(),
                application_submitted=arrangement.application_submitted,
            )
        )
    return out


def _retention(s: Store, today: date) -> RetentionSummary | None:
    from wblqa_cli.store.retention import summary

    return summary(s, today)


def gather(ctx: typer.Context, year_text: str | None, as_of_text: str | None) -> Status:
    from wblqa_cli.commands.cycle import load_plan
    from wblqa_cli.status import build

    today = as_of(as_of_text)
    plan = load_plan(ctx, year_text, as_of_text)
    s = store(ctx)
    return build(
        today,
        plan,
        _aqd_progress(s, plan.academic_year),
        _arrangements(s, today),
        _retention(s, today),
    )


def status(
    ctx: typer.Context,
    year: str | None = typer.Option(
        None, "--year", help="Academic year, e.g. 2025-26 (default: the one containing --as-of)."
    ),
    as_of_text: str | None = typer.Option(
        None, "--as-of", help="Reason as of this date (default: today)."
    ),
    json: bool = JSON_OPTION,
) -> None:
    """What needs action now: AQD, Direct Claims Status, consortia, retention, key dates.

    The screen to open every Monday. Actions are listed most urgent first, each
    with the command that deals with it. Always exits 0: it reports, it does not
    check (use `wblqa aqd submit`, `wblqa consortium check` for exit codes).
    """
    result = gather(ctx, year, as_of_text)
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
        t = table("", "Area", "What needs doing", "How")
        for a in result.actions:
            t.add_row(LABELS[a.level], a.area, a.message, a.command or "")
        console().print(t)
    else:
        say("Nothing needs action. ")
    if result.aqd:
        t = table("Centre", "AQD", "Answered", "Missing", "Flagged", "Deadline")
        for p in result.aqd:
            days = p.deadline.days_left(result.as_of)
            when = (
                f"{fmt_date(p.deadline.deadline)} ({days} days left)"
                if days >= 0
                else (f"{fmt_date(p.deadline.deadline)} (passed)")
            )
            t.add_row(
                f"{p.centre} {p.centre_name}",
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
            say(f"  {span:<30} {k.what}")
