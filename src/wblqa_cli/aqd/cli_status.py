"""``wblqa aqd status``: progress per programme, what is missing, flags and the deadline."""

from __future__ import annotations

import typer

from wblqa_cli.aqd.cli_common import (
    CENTRE_OPTION,
    YEAR_OPTION,
    answers_of,
    centre_programmes,
    declaration_or_none,
    question_label,
    resolve_centre,
    resolve_year,
)
from wblqa_cli.cli_common import JSON_OPTION, store
from wblqa_cli.output import console, fmt_date, print_json, say, table


def status(
    ctx: typer.Context,
    year: str | None = YEAR_OPTION,
    centre: str | None = CENTRE_OPTION,
    as_of_: str | None = typer.Option(None, "--as-of", help="Count days left from this date."),
    json: bool = JSON_OPTION,
) -> None:
    """Show progress per programme, what is missing, flagged answers and the deadline."""
    from wblqa_cli.aqd.answers import to_json_value
    from wblqa_cli.aqd.bank import load_bank
    from wblqa_cli.aqd.deadlines import deadline_for
    from wblqa_cli.aqd.progress import statuses
    from wblqa_cli.cli_common import as_of
    from wblqa_cli.store.aqd import user_deadlines
    from wblqa_cli.store.centres import get_centre

    today = as_of(as_of_)
    bank = load_bank()
    s = store(ctx)
    academic_year = resolve_year(year)
    number = resolve_centre(s, centre)
    programmes = centre_programmes(s, number, [])
    declaration = declaration_or_none(s, number, academic_year)
    answers = answers_of(s, declaration, bank)
    scopes = statuses(bank, [p.code for p in programmes], answers)
    titles = {p.code: p.title for p in programmes}
    deadline = deadline_for(academic_year, user_deadlines(s))
    state = declaration.status if declaration else "not started"
    complete = bool(programmes) and all(sc.complete for sc in scopes)
    if json:
        print_json(
            {
                "academic_year": academic_year.label,
                "as_of": today,
                "centre": {"number": number, "name": get_centre(s, number).name},
                "status": state,
                "submitted_at": declaration.submitted_at if declaration else None,
                "submitted_by": declaration.submitted_by if declaration else None,
                "bank_version": bank.version,
                "complete": complete,
                "deadline": deadline.as_json(today),
                "scopes": [
                    {
                        "programme": sc.programme,
                        "title": titles.get(sc.programme or ""),
                        "answered": sc.answered,
                        "applicable": sc.applicable,
                        "missing": list(sc.missing),
                        "flagged": [f.as_json() for f in sc.flagged],
                        "answers": {
                            qid: to_json_value(a.value)
                            for (p, qid), a in answers.items()
                            if p == sc.programme
                        },
                    }
                    for sc in scopes
                ],
            }
        )
        return
    submitted = declaration.submitted_at if declaration else None
    by = declaration.submitted_by if declaration else None
    on = f" on {fmt_date(submitted.date())} by {by}" if submitted else ""
    say(f"[bold]AQD {academic_year}[/bold] · centre {number} · {state}{on}")
    left = deadline.days_left(today)
    when = f"{left} days left" if left >= 0 else f"{-left} days ago"
    say(f"Deadline: {fmt_date(deadline.deadline)} ({when})")
    if deadline.note:
        say(f"[yellow]{deadline.note}[/yellow]")
    t = table("Scope", "Title", "Answered", "Missing", "Flagged")
    for sc in scopes:
        t.add_row(
            sc.programme or "Centre",
            titles.get(sc.programme or "", "—"),
            f"{sc.answered}/{sc.applicable}",
            str(len(sc.missing)),
            str(len(sc.flagged)),
        )
    console().print(t)
    if not programmes:
        say("[yellow]No programmes yet: add them with `wblqa programme add`.[/yellow]")
    gaps = [(sc.programme, qid) for sc in scopes for qid in sc.missing]
    if gaps:
        say(f"[bold]Missing ({len(gaps)})[/bold]")
        for key in gaps[:20]:
            say("  " + question_label(bank, key))
        if len(gaps) > 20:
            say(f"  … and {len(gaps) - 20} more (see `wblqa aqd status --json`).")
    flagged = [f for sc in scopes for f in sc.flagged]
    if flagged:
        say(f"[bold]Flagged for action ({len(flagged)})[/bold]")
        for f in flagged:
            say("  " + question_label(bank, (f.programme, f.question.id)))
    if complete and state == "open":
        say("Complete: submit it with `wblqa aqd submit`.")
