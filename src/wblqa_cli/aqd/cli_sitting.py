"""What ``aqd start`` says around and during a sitting: where it starts or resumes, each
line of the walk (:func:`walk_line`), and what is next.

Every hint names the declaration it came from (:func:`again`), so it can be
run as printed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from wblqa_cli.aqd.cli_common import again
from wblqa_cli.output import safe, say
from wblqa_cli.words import plural

if TYPE_CHECKING:
    from wblqa_cli.aqd.answers import Answer, Key
    from wblqa_cli.aqd.bank import Bank
    from wblqa_cli.aqd.interview import Interview, Shown
    from wblqa_cli.dates import AcademicYear


def walk_line(line: Shown) -> str:
    """A line of the walk as the program's markup; its words are data, shown as typed."""
    text = safe(line.text)
    if line.kind == "heading":
        return f"\n[bold]{text}[/bold]" + (f" {safe(line.detail)}" if line.detail else "")
    if line.kind == "note":
        return f"\n{text}"
    if line.kind == "section":
        return f"[bold]{text}[/bold]"
    if line.kind == "help":
        return f"[italic]{text}[/italic]\n[dim]{safe(line.detail or '')}[/dim]"
    if line.kind == "refused":
        return f"[red]{text}[/red]"
    return f"[dim]{text}[/dim]"


def welcome(
    bank: Bank,
    year: AcademicYear,
    centre: str,
    codes: Sequence[str],
    answers: Mapping[Key, Answer],
    review: bool,
) -> str:
    """The first line: a new start, a resume (how far, what is next) or a review."""
    from wblqa_cli.aqd.walk import next_unanswered, overall

    scope = f", {plural(len(codes), 'programme')}" if codes else ", no programmes yet"
    done = overall(bank, codes, answers)
    saving = "Each answer is saved as you give it; press Ctrl-C to stop at any time."
    if review:
        return (
            f"Reviewing {year} for centre {centre}{scope}: {done.of()} answered, each "
            f"offered as the default (Enter keeps it). {saving}"
        )
    if not answers:
        return (
            f"Annual Quality Declaration {year} for centre {centre}{scope}: "
            f"about {done.total} questions. {saving}"
        )
    slot = next_unanswered(bank, codes, answers)
    where = ""
    if slot is not None:
        section = bank.section(slot.question.section).title
        where = f"; next: {section} ({slot.programme or 'centre'})"
    return f"Resuming {year} for centre {centre}: {done.of()} answered{where}. {saving}"


def farewell(
    bank: Bank,
    year: AcademicYear,
    centre: str | None,
    only: Sequence[str],
    codes: Sequence[str],
    interview: Interview,
) -> None:
    """What was done, what is left, and the command for the next step."""
    from wblqa_cli.aqd.progress import missing

    left = missing(bank, codes, interview.answers)
    saved = plural(interview.answered, "answer")
    if interview.skipped or left:
        say(
            f"\n{saved} saved this time; {plural(len(left), 'required question')} still open. "
            f"Run `{again('start', year, centre, only)}` again to answer them."
        )
    elif interview.answered == 0 and not interview.review:
        say(
            "Nothing left to answer. Go through your answers again with "
            f"`{again('start', year, centre, only)} --review`, "
            f"or submit with `{again('submit', year, centre)}`."
        )
    else:
        status, submit = again("status", year, centre), again("submit", year, centre)
        say(
            f"\nAll questions answered ({saved} saved this time). Check with "
            f"`{status}`, then submit with `{submit}`."
        )
