"""``wblqa calendar``: every dated obligation the store knows, as an iCalendar file."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from wblqa_cli.commands.cycle import AS_OF_OPTION, YEAR_OPTION, load_plan
from wblqa_cli.output import note


def calendar(
    ctx: typer.Context,
    output: str = typer.Option(
        ..., "-o", "--output", metavar="FILE.ics", help="The file to write, or - for stdout."
    ),
    year: str | None = YEAR_OPTION,
    as_of_text: str | None = AS_OF_OPTION,
) -> None:
    """Write the year's dated obligations as an iCalendar file for Outlook or Google Calendar.

    AQD window and deadline, LSV and SV allocations, first LSV visit, Direct
    Claims Status expiries, expected certification dates, the latest day to
    apply for each stored collaborative arrangement and the first assessments
    its LIV and standardisation must precede, and the days from which stored
    retention records may be disposed of. Importing a newer
    file again updates the events instead of duplicating them.
    """
    from wblqa_cli.calendar_ics import (
        DisposalDate,
        arrangement_dates,
        build_calendar,
        obligations_for,
    )
    from wblqa_cli.cli_common import store
    from wblqa_cli.retention import load_rules
    from wblqa_cli.store.consortium import list_arrangements
    from wblqa_cli.store.retention import disposal_dates

    plan = load_plan(ctx, year, as_of_text)
    s = store(ctx)
    arrangements = arrangement_dates(list_arrangements(s))
    rules = load_rules()
    disposals = [
        DisposalDate(day, rules[kind].label.lower(), rules[kind].source, count)
        for day, kind, count in disposal_dates(s, plan.academic_year.start, plan.academic_year.end)
    ]
    obligations = obligations_for(plan, arrangements=arrangements, disposals=disposals)
    data = build_calendar(obligations, name=f"wblqa {plan.academic_year}")
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    from wblqa_cli.files import write_private

    path = Path(output)
    write_private(path, data)
    note(f"Wrote {len(obligations)} events for {plan.academic_year} to {path}.")
