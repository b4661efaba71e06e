"""``wblqa aqd start``: answer from a file or question by question, registering on the fly."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from wblqa_cli.aqd.cli_common import (
    CENTRE_OPTION,
    YEAR_OPTION,
    answers_of,
    centre_programmes,
    declaration_or_none,
    resolve_centre,
    resolve_year,
)
from wblqa_cli.cli_common import store
from wblqa_cli.errors import EXIT_INTERRUPTED, InputError
from wblqa_cli.output import safe, say

if TYPE_CHECKING:
    from wblqa_cli.aqd.bank import Bank
    from wblqa_cli.dates import AcademicYear
    from wblqa_cli.store import Store

NO_TTY_HINT = (
    "Answer from a file instead: `wblqa aqd template -o answers.toml` writes one to fill in, "
    "then `wblqa aqd start --answers answers.toml`."
)


def _has_terminal() -> bool:
    """Whether a person can be asked: stdin is a terminal (checked before any prompt)."""
    return sys.stdin.isatty()


def _prompt_centre(s: Store) -> str:
    """Register the centre on the fly (interactive only)."""
    from wblqa_cli.aqd import prompting
    from wblqa_cli.registry.model import Centre, check_centre_number, check_text
    from wblqa_cli.store.centres import add_centre

    def valid_number(text: str) -> bool | str:
        try:
            check_centre_number(text, "centre number")
        except InputError as exc:
            return exc.message
        return True

    say("No centre is registered yet. Let's add yours first.")
    number = prompting.ask(
        {
            "type": "text",
            "name": "answer",
            "message": "Your Pearson centre number:",
            "validate": valid_number,
        }
    )
    name = prompting.ask(
        {
            "type": "text",
            "name": "answer",
            "message": "The centre's name:",
            "validate": lambda t: bool(t.strip()) or "Give the centre's name.",
        }
    )
    centre = Centre(check_centre_number(number), check_text(name, "centre name"))
    add_centre(s, centre)
    say(f"Centre {safe(centre.number)} ({safe(centre.name)}) registered.")
    return centre.number


def _prompt_programmes(s: Store, centre: str, year: AcademicYear) -> None:
    """Offer to register programmes on the fly (interactive only)."""
    from dataclasses import replace

    from wblqa_cli.aqd import prompting
    from wblqa_cli.registry.programmes import build_programme
    from wblqa_cli.store.programme_changes import add_programme

    message, default = f"Centre {centre} has no programmes yet. Add one now?", True
    while prompting.ask(
        {"type": "confirm", "name": "answer", "message": message, "default": default}
    ):
        code, title, sector = _ask_programme(s)
        programme = build_programme(
            code=(code, "programme code"),
            title=(title, "title"),
            centre=centre,
            sector=(sector, "sector"),
            dcs_expiry=None,
            expected=(),
            first_year=year.label,
        )
        if sector == "":  # none: not the group the title was matched to, either
            match = programme.sector_match
            if match is not None:
                match = replace(match, group=None, how="none", title=None)
            programme = replace(programme, sector=None, sector_match=match)
        add_programme(s, programme, {}, year.label, "aqd start")
        say(f"Programme {safe(programme.code)} ({safe(programme.title)}) registered, "
            f"sector {safe(programme.sector_shown or 'none')}.")  # fmt: skip
        message, default = "Add another programme?", False


def _ask_programme(s: Store) -> tuple[str, str, str | None]:
    """Code, title and sector of a new programme; the sector found from the title is shown.

    The sector is "" when the person said none (not looked up from the title).
    """
    from wblqa_cli.aqd import prompting
    from wblqa_cli.registry.model import check_programme_code
    from wblqa_cli.registry.programmes import describe_sector, find_sector, resolve_sector
    from wblqa_cli.store.centres import programme_codes

    known = programme_codes(s)

    def valid_code(text: str) -> bool | str:
        try:
            code = check_programme_code(text)
        except InputError as exc:
            return exc.message
        return f"{code} is already registered." if code in known else True

    code = prompting.ask(
        {
            "type": "text",
            "name": "answer",
            "message": "Programme or qualification code (e.g. 603/1234/5):",
            "validate": valid_code,
        }
    )
    title = prompting.ask(
        {
            "type": "text",
            "name": "answer",
            "message": "Its title:",
            "validate": lambda t: bool(t.strip()) or "Give the qualification title.",
        }
    )
    found = find_sector(None, title)
    say(describe_sector(found))

    def valid_sector(text: str) -> bool | str:
        if not text.strip() or text.strip().casefold() == "none":
            return True
        try:
            resolve_sector(text, title, "sector")
        except InputError as exc:
            return exc.message
        return True

    keep = found.sector or "none"
    answer = prompting.ask(
        {
            "type": "text",
            "name": "answer",
            "message": f"Sector (Enter keeps {keep}; or a group code such as 214, a sector "
            "name such as construction, or none):",
            "validate": valid_sector,
        }
    )
    if not answer.strip():
        return code, title, found.sector
    return code, title, "" if answer.strip().casefold() == "none" else answer


def start(
    ctx: typer.Context,
    year: str | None = YEAR_OPTION,
    centre: str | None = CENTRE_OPTION,
    programme: list[str] = typer.Option(
        [], "--programme", "-p", help="Only this programme (repeatable)."
    ),
    answers: Path | None = typer.Option(
        None, "--answers", help="Answer from a TOML, JSON or YAML file instead of prompts."
    ),
    review: bool = typer.Option(
        False, "--review", help="Go through answered questions too, with your answers as defaults."
    ),
) -> None:
    """Answer the declaration, one question at a time; stop any time and resume later."""
    from wblqa_cli.aqd.bank import load_bank

    bank = load_bank()
    s = store(ctx)
    academic_year = resolve_year(year)
    if answers is not None:
        _start_from_file(s, bank, academic_year, centre, programme, answers)
        return
    if not _has_terminal():
        raise InputError("`wblqa aqd start` asks questions, and there is no terminal to ask on.",
                         hint=NO_TTY_HINT)  # fmt: skip
    try:
        _start_interactive(s, bank, academic_year, centre, programme, review)
    except (KeyboardInterrupt, EOFError):
        again = " ".join(
            ["wblqa aqd start"]
            + ([f"--year {year}"] if year else [])
            + ([f"--centre {centre}"] if centre else [])
            + [f"--programme {code}" for code in programme]
        )
        sys.stderr.write(
            "\nStopped. Every answer you gave is saved. "
            f"Run `{again}` to carry on where you left off.\n"
        )
        raise typer.Exit(EXIT_INTERRUPTED) from None


def _start_from_file(
    s: Store, bank: Bank, year: AcademicYear, centre: str | None, only: list[str], path: Path
) -> None:
    from wblqa_cli.aqd.answers_file import read_answers, read_document
    from wblqa_cli.store.aqd import open_declaration, save_answers

    document = read_document(path)
    number = resolve_centre(s, centre)
    codes = [p.code for p in centre_programmes(s, number, only, year)]
    existing = declaration_or_none(s, number, year)
    from wblqa_cli.store.aqd_groups import list_groups

    stored = answers_of(s, existing, bank, (number, year))
    groups = list(list_groups(s, number, year.label))
    given = read_answers(document, str(path), bank, codes, stored, groups)
    declaration = existing or open_declaration(s, number, year.label, bank.version)
    changed = save_answers(s, declaration, given, bank.version, how=f"file {path.name}")
    say(
        f"Read {len(given)} answers from {safe(path)}: {changed} saved, "
        f"{len(given) - changed} unchanged. See what is left with `wblqa aqd status`."
    )


def _start_interactive(
    s: Store, bank: Bank, year: AcademicYear, centre: str | None, only: list[str], review: bool
) -> None:
    from wblqa_cli.aqd.answers import Given
    from wblqa_cli.aqd.interview import Interview
    from wblqa_cli.aqd.progress import missing
    from wblqa_cli.errors import ActionNeeded
    from wblqa_cli.store.aqd import open_declaration, previous_answers, save_answers
    from wblqa_cli.store.centres import default_centre, get_centre, list_programmes

    number = default_centre(s, centre) or _prompt_centre(s)
    if not list_programmes(s, number):
        _prompt_programmes(s, number, year)
    programmes = centre_programmes(s, number, only, year)
    declaration = open_declaration(s, number, year.label, bank.version)
    if declaration.submitted:
        raise ActionNeeded(
            f"The {year} declaration of centre {number} is already submitted.",
            hint=f"To change it, run `wblqa aqd reopen --year {year} --reason TEXT` first.",
        )
    answers = answers_of(s, declaration, bank)

    def save(given: Given) -> None:
        save_answers(s, declaration, [given], bank.version, how="prompt")

    name = get_centre(s, number).name
    interview = Interview(
        bank=bank,
        programmes=[(p.code, p.title) for p in programmes],
        answers=answers,
        save=save,
        out=say,
        centre_label=f"{number} {name}",
        defaults=previous_answers(s, number, year.previous().label, bank),
        review=review,
    )
    scope = f", {len(programmes)} programme(s)" if programmes else ", no programmes yet"
    say(
        f"Annual Quality Declaration {year} for centre {number}{scope}. "
        "Each answer is saved as you give it; press Ctrl-C to stop at any time."
    )
    interview.run()
    codes = [p.code for p in programmes]
    left = missing(bank, codes, interview.answers)
    if interview.skipped or left:
        say(
            f"\n{interview.answered} answer(s) saved this time; {len(left)} required question(s) "
            "still open. Run `wblqa aqd start` again to answer them."
        )
    elif interview.answered == 0 and not review:
        say(
            "Nothing left to answer. Go through your answers again with "
            "`wblqa aqd start --review`, or submit with `wblqa aqd submit`."
        )
    else:
        say(
            f"\nAll questions answered ({interview.answered} saved this time). Check with "
            "`wblqa aqd status`, then submit with `wblqa aqd submit`."
        )
