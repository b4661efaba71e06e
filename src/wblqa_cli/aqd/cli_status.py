"""``wblqa aqd status``: progress per programme, what is missing, flags and the deadline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import typer

from wblqa_cli.aqd.cli_common import (
    CENTRE_OPTION,
    YEAR_OPTION,
    again,
    answers_of,
    coverage_of,
    declaration_or_none,
    question_label,
    resolve_centre,
    resolve_year,
)
from wblqa_cli.cli_common import JSON_OPTION, store
from wblqa_cli.dates import days_text
from wblqa_cli.output import console, print_json, safe, say, table
from wblqa_cli.words import fmt_date

if TYPE_CHECKING:
    import datetime as dt

    from wblqa_cli.aqd.answers import Answer, Key
    from wblqa_cli.aqd.bank import Bank
    from wblqa_cli.aqd.coverage import Coverage
    from wblqa_cli.aqd.date_checks import DateFinding
    from wblqa_cli.aqd.deadlines import Deadline
    from wblqa_cli.aqd.progress import ScopeStatus
    from wblqa_cli.dates import AcademicYear
    from wblqa_cli.registry.model import Programme
    from wblqa_cli.store import Store
    from wblqa_cli.store.aqd import Declaration


def status(
    ctx: typer.Context,
    year: str | None = YEAR_OPTION,
    centre: str | None = CENTRE_OPTION,
    as_of_: str | None = typer.Option(None, "--as-of", help="Count days left from this date."),
    json: bool = JSON_OPTION,
) -> None:
    """Show progress per programme, what is missing, flagged answers and the deadline."""
    from wblqa_cli.aqd.bank import load_bank
    from wblqa_cli.cli_common import as_of
    from wblqa_cli.store.centres import get_centre

    today = as_of(as_of_)
    bank = load_bank()
    s = store(ctx)
    view = _gather(s, bank, resolve_year(year), centre)
    if json:
        print_json(_as_json(view, get_centre(s, view.number).name, today))
        return
    _print_progress(view, today)
    _print_open_items(view, centre)


@dataclass(frozen=True)
class _View:
    """Everything `aqd status` shows, gathered once for the table and for JSON."""

    academic_year: AcademicYear
    number: str
    bank: Bank
    programmes: list[Programme]
    declaration: Declaration | None
    answers: dict[Key, Answer]
    scopes: list[ScopeStatus]
    coverage: Coverage
    groups: dict[str, tuple[str, ...]]
    titles: dict[str, str]
    deadline: Deadline
    state: str
    complete: bool
    dates: list[DateFinding]


def _gather(s: Store, bank: Bank, academic_year: AcademicYear, centre: str | None) -> _View:
    from wblqa_cli.aqd.date_checks import date_findings, load_checks
    from wblqa_cli.aqd.deadlines import deadline_for
    from wblqa_cli.aqd.progress import statuses
    from wblqa_cli.store.aqd import user_deadlines

    number = resolve_centre(s, centre)
    from wblqa_cli.store.aqd_groups import list_groups

    covered = coverage_of(s, number, academic_year)
    groups = list_groups(s, number, academic_year.label)
    programmes = list(covered.covered)
    declaration = declaration_or_none(s, number, academic_year)
    answers = answers_of(s, declaration, bank, (number, academic_year))
    scopes = statuses(bank, [p.code for p in programmes], answers)
    titles = {p.code: p.title for p in programmes}
    deadline = deadline_for(academic_year, user_deadlines(s))
    state = declaration.status if declaration else "not started"
    complete = bool(programmes) and all(sc.complete for sc in scopes)
    return _View(
        academic_year=academic_year,
        number=number,
        bank=bank,
        programmes=programmes,
        declaration=declaration,
        answers=answers,
        scopes=scopes,
        titles=titles,
        deadline=deadline,
        state=state,
        complete=complete,
        coverage=covered,
        groups=groups,
        dates=date_findings(load_checks(), [p.code for p in programmes], answers),
    )


def _as_json(v: _View, centre_name: str, today: dt.date) -> dict[str, Any]:
    from wblqa_cli.aqd.answers import to_json_value

    declaration = v.declaration
    return {
        "academic_year": v.academic_year.label,
        "as_of": today,
        "centre": {"number": v.number, "name": centre_name},
        "status": v.state,
        "submitted_at": declaration.submitted_at if declaration else None,
        "submitted_by": declaration.submitted_by if declaration else None,
        "bank_version": v.bank.version,
        "complete": v.complete,
        "deadline": v.deadline.as_json(today),
        "coverage": v.coverage.as_json() | {"groups": {g: list(m) for g, m in v.groups.items()}},
        "date_checks": [f.as_json() for f in v.dates],
        "scopes": [
            {
                "programme": sc.programme,
                "title": v.titles.get(sc.programme or ""),
                "answered": sc.answered,
                "applicable": sc.applicable,
                "missing": list(sc.missing),
                "flagged": [f.as_json() for f in sc.flagged],
                "answers": {
                    qid: to_json_value(a.value)
                    for (p, qid), a in v.answers.items()
                    if p == sc.programme
                },
            }
            for sc in v.scopes
        ],
    }


def _print_progress(v: _View, today: dt.date) -> None:
    """The heading, the deadline and one row per scope."""
    declaration, deadline = v.declaration, v.deadline
    submitted = declaration.submitted_at if declaration else None
    by = declaration.submitted_by if declaration else None
    on = f" on {fmt_date(submitted.date())} by {by}" if submitted else ""
    say(
        f"[bold]AQD {safe(v.academic_year)}[/bold] · centre {safe(v.number)} · "
        f"{safe(v.state)}{safe(on)}"
    )
    left = deadline.days_left(today)
    when = f"{days_text(left)} left" if left >= 0 else f"{days_text(-left)} ago"
    say(f"Deadline: {fmt_date(deadline.deadline)} ({when})")
    if deadline.note:
        say(f"[yellow]{safe(deadline.note)}[/yellow]")
    say(f"Covers {safe(v.coverage.reason)}.")
    for p, why in v.coverage.left_out:
        say(f"  Left out: {safe(p.code)} ({safe(why)}).")
    for name, members in v.groups.items():
        names = safe(", ".join(members)) or "no programmes"
        say(f"  Group {safe(name)}: {names} (answers given once).")
    t = table("Scope", "Title", "Answered", "Missing", "Flagged", whole=("Scope", "Answered"))
    for sc in v.scopes:
        t.add_row(
            sc.programme or "Centre",
            v.titles.get(sc.programme or "", "—"),
            f"{sc.answered}/{sc.applicable}",
            str(len(sc.missing)),
            str(len(sc.flagged)),
        )
    console().print(t)
    if not v.programmes:
        say("[yellow]No programmes yet: add them with `wblqa programme add`.[/yellow]")


def _print_open_items(v: _View, centre: str | None) -> None:
    """What is missing, what is flagged, dates out of order, and whether it can be submitted."""
    gaps = [(sc.programme, qid) for sc in v.scopes for qid in sc.missing]
    if gaps:
        say(f"[bold]Missing ({len(gaps)})[/bold]")
        for key in gaps[:20]:
            say("  " + question_label(v.bank, key))
        if len(gaps) > 20:
            more = again("status", v.academic_year, centre, (), "--json")
            say(f"  … and {len(gaps) - 20} more (see `{more}`).")
    flagged = [f for sc in v.scopes for f in sc.flagged]
    if flagged:
        say(f"[bold]Flagged for action ({len(flagged)})[/bold]")
        for f in flagged:
            say("  " + question_label(v.bank, (f.programme, f.question.id)))
    if v.dates:
        say(f"[bold]Dates to check ({len(v.dates)})[/bold]")
        for d in v.dates:
            say(f"  {d.programme or 'centre':<12} {d.check.strength.upper()} {d.text}")
            say(f"  {'':<12} [dim]Source: {d.check.source}[/dim]")
    if v.complete and v.state == "open":
        say(f"Complete: submit it with `{again('submit', v.academic_year, centre)}`.")
