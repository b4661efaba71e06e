"""``wblqa calendar``: every dated obligation the store knows, as an iCalendar file."""

from __future__ import annotations

from pathlib import Path

import typer

from wblqa_cli.cli_common import AS_OF_OPTION, FORCE_OPTION, YEAR_OPTION, store, year_and_day
from wblqa_cli.output import note, safe


def calendar(
    ctx: typer.Context,
    output: str = typer.Option(
        ..., "-o", "--output", metavar="FILE.ics", help="The file to write, or - for stdout."
    ),
    year: str | None = YEAR_OPTION,
    as_of_text: str | None = AS_OF_OPTION,
    force: bool = FORCE_OPTION,
) -> None:
    """Write the year's dated obligations as an iCalendar file for Outlook or Google Calendar.

    AQD window and deadline, LSV and SV allocations, first LSV visit, Direct
    Claims Status expiries, expected certification dates, the latest day to
    apply for each stored collaborative arrangement and the first assessments
    its LIV and standardisation must precede, and the days from which stored
    retention records may be disposed of. Importing a newer
    file again updates the events instead of duplicating them.
    """
    from wblqa_cli.cycle.calendar import build_calendar
    from wblqa_cli.gather import calendar_identity, calendar_obligations

    academic_year, today = year_and_day(year, as_of_text)
    s = store(ctx)
    obligations = calendar_obligations(s, academic_year, today)
    namespace, who = calendar_identity(s)
    name = f"wblqa {academic_year}" + (f": {who}" if who else "")
    data = build_calendar(obligations, namespace=namespace, name=name)
    if output == "-":
        from wblqa_cli.output import write_data_bytes

        write_data_bytes(data)
        return
    from wblqa_cli.files import write_private

    path = Path(output)
    write_private(path, data, overwrite=force)
    note(f"Wrote {len(obligations)} events for {academic_year} to {safe(path)}.")
