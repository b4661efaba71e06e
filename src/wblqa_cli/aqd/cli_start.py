"""``wblqa aqd start``: answer from a file or question by question, registering on the fly."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from wblqa_cli.aqd.cli_common import (
    CENTRE_OPTION,
    PROGRAMME_OPTION,
    YEAR_OPTION,
    again,
    answers_of,
    centre_programmes,
    declaration_or_none,
    resolve_centre,
    resolve_year,
)
from wblqa_cli.aqd.cli_sitting import farewell as _farewell
from wblqa_cli.aqd.cli_sitting import walk_line
from wblqa_cli.aqd.cli_sitting import welcome as _welcome
from wblqa_cli.cli_common import store
from wblqa_cli.errors import EXIT_INTERRUPTED, InputError
from wblqa_cli.output import note, safe, say, wrap
from wblqa_cli.words import plural

if TYPE_CHECKING:
    from wblqa_cli.aqd.bank import Bank
    from wblqa_cli.aqd.interview import Interview
    from wblqa_cli.dates import AcademicYear
    from wblqa_cli.store import Store


def _has_terminal() -> bool:
    """Whether a person can be asked: stdin is a terminal (checked before any prompt)."""
    return sys.stdin.isatty()


def _prompt_centre(s: Store, sitting: _Sitting) -> str:
    """Register the centre on the fly (interactive only)."""
    from wblqa_cli.aqd import cli_prompting as prompting
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
    sitting.centre = centre.number
    say(f"Centre {safe(centre.number)} ({safe(centre.name)}) registered.")
    return centre.number


def _prompt_programmes(s: Store, centre: str, year: AcademicYear, sitting: _Sitting) -> None:
    """Offer to register programmes on the fly (interactive only)."""
    from dataclasses import replace

    from wblqa_cli.aqd import cli_prompting as prompting
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
        sitting.programmes += 1
        say(f"Programme {safe(programme.code)} ({safe(programme.title)}) registered, "
            f"sector {safe(programme.sector_shown or 'none')}.")  # fmt: skip
        message, default = "Add another programme?", False


def _ask_programme(s: Store) -> tuple[str, str, str | None]:
    """Code, title and sector of a new programme; the sector found from the title is shown.

    The sector is "" when the person said none (not looked up from the title).
    """
    from wblqa_cli.aqd import cli_prompting as prompting
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


@dataclass
class _Sitting:
    """What this run of ``aqd start`` has saved, for an honest message on Ctrl-C."""

    centre: str | None = None
    programmes: int = 0
    interview: Interview | None = None

    def saved(self) -> str:
        done = []
        if self.centre is not None:
            done.append(f"centre {self.centre} registered")
        if self.programmes:
            done.append(f"{plural(self.programmes, 'programme')} registered")
        answered = self.interview.answered if self.interview else 0
        if answered:
            done.append(f"{plural(answered, 'answer')} saved")
        if not done:
            return "Nothing was saved this time."
        return "Kept: " + ", ".join(done) + "; nothing you gave is lost."


def start(
    ctx: typer.Context,
    year: str | None = YEAR_OPTION,
    centre: str | None = CENTRE_OPTION,
    programme: list[str] = PROGRAMME_OPTION,
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
                         hint=_no_tty_hint(academic_year, centre))  # fmt: skip
    sitting = _Sitting()
    try:
        _start_interactive(s, bank, academic_year, centre, programme, review, sitting)
    except (KeyboardInterrupt, EOFError):
        hint = again("start", academic_year, centre, programme)
        stopped = f"Stopped. {sitting.saved()} Run `{hint}` to carry on where you left off."
        sys.stderr.write(f"\n{wrap(stopped)}\n")
        raise typer.Exit(EXIT_INTERRUPTED) from None


def _no_tty_hint(year: AcademicYear, centre: str | None) -> str:
    return (
        f"Answer from a file instead: `{again('template', year, centre)} -o answers.toml` writes "
        f"one to fill in, then `{again('start', year, centre)} --answers answers.toml`."
    )


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
    read = read_answers(document, str(path), bank, codes, stored, groups)
    declaration = existing or open_declaration(s, number, year.label, bank.version)
    changed = save_answers(s, declaration, read.given, bank.version, how=f"file {path.name}")
    say(
        f"Read {plural(len(read.given), 'answer')} from {safe(path)}: {changed} saved, "
        f"{len(read.given) - changed} unchanged. "
        f"See what is left with `{again('status', year, centre)}`."
    )
    if read.ignored:
        by_scope: dict[str, list[str]] = {}
        for programme, qid in read.ignored:
            by_scope.setdefault(programme or "centre", []).append(qid)
        which = "; ".join(f"{scope}: {', '.join(ids)}" for scope, ids in by_scope.items())
        note(
            f"Ignored {plural(len(read.ignored), 'answer')} to questions that do not apply "
            f"given your other answers ({which})."
        )


def _start_interactive(
    s: Store,
    bank: Bank,
    year: AcademicYear,
    centre: str | None,
    only: list[str],
    review: bool,
    sitting: _Sitting,
) -> None:
    from wblqa_cli.aqd import cli_prompting as prompting
    from wblqa_cli.aqd.answers import Given
    from wblqa_cli.aqd.interview import Interview
    from wblqa_cli.errors import ActionNeeded
    from wblqa_cli.store.aqd import open_declaration, previous_answers, save_answers
    from wblqa_cli.store.centres import default_centre, get_centre, list_programmes

    number = default_centre(s, centre) or _prompt_centre(s, sitting)
    if not list_programmes(s, number):
        _prompt_programmes(s, number, year, sitting)
    programmes = centre_programmes(s, number, only, year)
    declaration = open_declaration(s, number, year.label, bank.version)
    if declaration.submitted:
        raise ActionNeeded(
            f"The {year} declaration of centre {number} is already submitted.",
            hint=f"To change it, run `{again('reopen', year, centre)} --reason TEXT` first.",
        )
    answers = answers_of(s, declaration, bank, (number, year))

    def save(given: Given) -> None:
        save_answers(s, declaration, [given], bank.version, how="prompt")

    interview = sitting.interview = Interview(
        bank=bank,
        programmes=[(p.code, p.title) for p in programmes],
        answers=answers,
        save=save,
        out=lambda line: say(walk_line(line)),
        ask=prompting.ask,
        guard=prompting.interrupts_deferred,
        centre_label=f"{number} {get_centre(s, number).name}",
        defaults=previous_answers(s, number, year.previous().label, bank),
        review=review,
    )
    say(_welcome(bank, year, number, [p.code for p in programmes], answers, review))
    interview.run()
    _farewell(bank, year, centre, only, [p.code for p in programmes], interview)
