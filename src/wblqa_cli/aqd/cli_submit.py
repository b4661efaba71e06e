"""``wblqa aqd submit``: lock a complete declaration, saying so when it is late."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import typer

from wblqa_cli.aqd.cli_common import (
    CENTRE_OPTION,
    YEAR_OPTION,
    again,
    centre_programmes,
    question_label,
    resolve_centre,
    resolve_year,
)
from wblqa_cli.cli_common import store
from wblqa_cli.output import note, safe, say
from wblqa_cli.words import fmt_date, plural

if TYPE_CHECKING:
    from wblqa_cli.aqd.answers import Answer, Key
    from wblqa_cli.aqd.bank import Bank
    from wblqa_cli.dates import AcademicYear


def submit(
    ctx: typer.Context,
    year: str | None = YEAR_OPTION,
    centre: str | None = CENTRE_OPTION,
) -> None:
    """Lock the declaration; refused (exit 1, listing what is missing) while incomplete."""
    from wblqa_cli.aqd.bank import load_bank
    from wblqa_cli.aqd.deadlines import deadline_for
    from wblqa_cli.dates import days_text, today
    from wblqa_cli.store.aqd import get_declaration, user_deadlines
    from wblqa_cli.store.aqd import submit as submit_declaration

    bank = load_bank()
    s = store(ctx)
    academic_year = resolve_year(year)
    number = resolve_centre(s, centre)
    codes = [p.code for p in centre_programmes(s, number, [], academic_year)]
    declaration = get_declaration(s, number, academic_year.label)
    check = _check(bank, codes, number, academic_year, centre)
    deadline = deadline_for(academic_year, user_deadlines(s)).deadline
    late = (today() - deadline).days
    submit_declaration(s, declaration, bank, check, codes, days_late=max(late, 0))
    say(f"Declaration {safe(academic_year)} of centre {safe(number)} submitted and locked.")
    if late > 0:
        note(
            f"[yellow]Submitted {days_text(late)} late: the deadline was "
            f"{fmt_date(deadline)}. The audit log records this.[/yellow]"
        )


def _check(
    bank: Bank, codes: list[str], number: str, year: AcademicYear, centre: str | None
) -> Callable[[dict[Key, Answer]], None]:
    """What submit checks in its transaction: programmes, required answers, then flags."""
    from wblqa_cli.aqd.progress import flags, missing
    from wblqa_cli.errors import ActionNeeded

    def check(answers: dict[Key, Answer]) -> None:
        if not codes:
            raise ActionNeeded(
                f"Centre {safe(number)} has no programmes; a declaration covers at least one.",
                hint="Add them with `wblqa programme add`, then answer with "
                f"`{again('start', year, centre)}`.",
            )
        gaps = missing(bank, codes, answers)
        if gaps:
            say(f"[bold]Still missing ({len(gaps)})[/bold]")
            for key in gaps:
                say("  " + question_label(bank, key))
            raise ActionNeeded(
                f"The {year} declaration has "
                f"{plural(len(gaps), 'unanswered required question')}; it was not submitted.",
                hint=f"Answer them with `{again('start', year, centre)}`.",
            )
        flagged = flags(bank, codes, answers)
        if flagged:
            are = "is" if len(flagged) == 1 else "are"
            note(
                f"Note: {plural(len(flagged), 'answer')} {are} flagged for action "
                f"(see `{again('status', year, centre)}`)."
            )

    return check
