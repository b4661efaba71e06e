"""``wblqa aqd``: the Annual Quality Declaration, walked through, checked, submitted, exported."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from wblqa_cli.cli_common import JSON_OPTION, QUIET_OPTION, store
from wblqa_cli.errors import EXIT_INTERRUPTED, InputError, NotFound
from wblqa_cli.output import console, fmt_date, note, print_json, say, table

if TYPE_CHECKING:
    from wblqa_cli.aqd.answers import Answer, Key
    from wblqa_cli.aqd.bank import Bank
    from wblqa_cli.dates import AcademicYear
    from wblqa_cli.registry import Programme
    from wblqa_cli.store import Store
    from wblqa_cli.store.aqd import Declaration

app = typer.Typer(
    no_args_is_help=True,
    help="The Annual Quality Declaration: answer it (resuming where you stopped), "
    "check what is missing, submit, reopen and export it.",
)

YEAR_OPTION = typer.Option(None, "--year", help="Academic year, e.g. 2025-26 (default: this one).")
CENTRE_OPTION = typer.Option(
    None, "--centre", help="The centre number (default: the only centre registered)."
)
NO_TTY_HINT = (
    "Answer from a file instead: `wblqa aqd template -o answers.toml` writes one to fill in, "
    "then `wblqa aqd start --answers answers.toml`."
)


# ---------------------------------------------------------------- helpers


def _has_terminal() -> bool:
    """Whether a person can be asked: stdin is a terminal (checked before any prompt)."""
    return sys.stdin.isatty()


def _year(value: str | None) -> AcademicYear:
    from wblqa_cli.dates import academic_year_option, today

    return academic_year_option(value, today())


def _centre(s: Store, number: str | None) -> str:
    from wblqa_cli.registry import check_centre_number
    from wblqa_cli.store.centres import default_centre

    found = default_centre(s, None if number is None else check_centre_number(number, "--centre"))
    if found is None:
        raise NotFound(
            "No centre is registered yet.",
            hint="Add yours with `wblqa centre add NUMBER --name NAME`.",
        )
    return found


def _centre_programmes(s: Store, centre: str, only: list[str]) -> list[Programme]:
    from wblqa_cli.store.centres import list_programmes

    programmes = list_programmes(s, centre)
    if not only:
        return programmes
    codes = {p.code: p for p in programmes}
    for code in only:
        if code.strip() not in codes:
            raise NotFound(
                f"{code!r} (--programme) is not a programme of centre {centre}"
                + (f"; it has {', '.join(codes)}." if codes else "; it has none yet."),
                hint="See `wblqa programme list`.",
            )
    wanted = {c.strip() for c in only}
    return [p for p in programmes if p.code in wanted]


def _prompt_centre(s: Store) -> str:
    """Register the centre on the fly (interactive only)."""
    from wblqa_cli.aqd import prompting
    from wblqa_cli.registry import Centre, check_centre_number, check_text
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
    say(f"Centre {centre.number} ({centre.name}) registered.")
    return centre.number


def _prompt_programmes(s: Store, centre: str) -> None:
    """Offer to register programmes on the fly (interactive only)."""
    from wblqa_cli.aqd import prompting
    from wblqa_cli.programmes import build_programme
    from wblqa_cli.registry import check_programme_code
    from wblqa_cli.store.centres import add_programme, programme_codes

    message, default = f"Centre {centre} has no programmes yet. Add one now?", True
    while prompting.ask(
        {"type": "confirm", "name": "answer", "message": message, "default": default}
    ):
        known = programme_codes(s)

        def valid_code(text: str, known: set[str] = known) -> bool | str:
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
        programme = build_programme(
            code=(code, "programme code"),
            title=(title, "title"),
            centre=centre,
            sector=(None, "sector"),
            dcs_expiry=None,
            expected=(),
        )
        add_programme(s, programme)
        say(f"Programme {programme.code} ({programme.title}) registered.")
        message, default = "Add another programme?", False


def _read_document(path: Path) -> object:
    """An answers file as data; TOML, JSON or YAML by its suffix. Errors name line and column."""
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".json", ".yaml", ".yml"):
        raise InputError(f"{path}: use a .toml, .json or .yaml file for answers.")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read as UTF-8 text ({exc}).") from None
    try:
        return _parse_document(text, suffix, path)
    except RecursionError:
        # Lists or tables nested thousands deep: no answers file looks like that.
        raise InputError(f"{path}: nested too deeply to be an answers file.") from None


def _parse_document(text: str, suffix: str, path: Path) -> object:
    import json
    import tomllib

    if suffix == ".toml":
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"{path}: not valid TOML: {exc}.") from None
    if suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{path}, line {exc.lineno}, column {exc.colno}: not valid JSON: {exc.msg}."
            ) from None
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "malformed"
        raise InputError(f"{path}{at}: not valid YAML: {problem}.") from None


def _declaration_or_none(s: Store, centre: str, year: AcademicYear) -> Declaration | None:
    from wblqa_cli.store.aqd import find_declaration

    return find_declaration(s, centre, year.label)


def _answers_of(s: Store, declaration: Declaration | None, bank: Bank) -> dict[Key, Answer]:
    from wblqa_cli.store.aqd import load_answers

    return {} if declaration is None else load_answers(s, declaration.id, bank)


def _label(bank: Bank, key: Key) -> str:
    programme, qid = key
    q = bank.get(qid)
    scope = "centre" if programme is None else programme
    return f"{scope:<12} {qid} — {q.question if q else ''}"


# --------------------------------------------------------------- commands


@app.command("questions")
def questions(json: bool = JSON_OPTION) -> None:
    """List the question bank: ids, sections, types, choices and sources."""
    from wblqa_cli.aqd.answers import display
    from wblqa_cli.aqd.bank import load_bank

    bank = load_bank()
    if json:
        print_json([q.as_json() for q in bank.questions])
        return
    t = table("Id", "Type", "Question", title=f"AQD question bank {bank.version}")
    t.columns[0].no_wrap = True
    section = None
    for q in bank.questions:
        if q.section != section:
            section = q.section
            t.add_row(f"[bold]{bank.section(section).title}[/bold]", "", "")
        text = q.question
        if q.choices:
            text += f"\n[dim]{' | '.join(q.choices)}[/dim]"
        if q.when:
            text += f"\n[dim]only if {q.when.question} is {display(q.when.equals)}[/dim]"
        t.add_row(q.id, q.type + ("" if q.required else " (optional)"), text)
    console().print(t)


@app.command("template")
def template(
    ctx: typer.Context,
    output: Path = typer.Option(
        ..., "-o", "--output", help="The file to write: .toml (with comments), .json or .yaml."
    ),
    centre: str | None = CENTRE_OPTION,
) -> None:
    """Write an answers file to fill in for `aqd start --answers` (never overwrites)."""
    import json as json_

    from wblqa_cli.aqd.answers_file import template as template_doc
    from wblqa_cli.aqd.answers_file import template_toml
    from wblqa_cli.aqd.bank import load_bank
    from wblqa_cli.files import write_private
    from wblqa_cli.store.centres import default_centre, list_programmes

    suffix = output.suffix.lower()
    if suffix not in (".toml", ".json", ".yaml", ".yml"):
        raise InputError(f"{output}: use a .toml, .json or .yaml file name.")
    if output.exists():
        raise InputError(f"{output} already exists; choose another name or remove it first.")
    bank = load_bank()
    s = store(ctx)
    number = default_centre(s, centre)
    programmes = [(p.code, p.title) for p in list_programmes(s, number)] if number else []
    if suffix == ".toml":
        text = template_toml(bank, programmes, bank.version)
    elif suffix == ".json":
        text = json_.dumps(template_doc(bank, programmes), indent=2) + "\n"
    else:
        import yaml

        text = yaml.safe_dump(template_doc(bank, programmes), sort_keys=False, allow_unicode=True)
    write_private(
        output, text, overwrite=False, exists_hint="Choose another name or remove it first."
    )
    say(
        f"Wrote {output} ({len(bank.questions)} questions, {len(programmes)} programmes). "
        f"Fill it in, then run: wblqa aqd start --answers {output}"
    )


@app.command("start")
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
    academic_year = _year(year)
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
    from wblqa_cli.aqd.answers_file import read_answers
    from wblqa_cli.store.aqd import open_declaration, save_answers

    document = _read_document(path)
    number = _centre(s, centre)
    codes = [p.code for p in _centre_programmes(s, number, only)]
    existing = _declaration_or_none(s, number, year)
    given = read_answers(document, str(path), bank, codes, _answers_of(s, existing, bank))
    declaration = existing or open_declaration(s, number, year.label, bank.version)
    changed = save_answers(s, declaration, given, bank.version, how=f"file {path.name}")
    say(
        f"Read {len(given)} answers from {path}: {changed} saved, "
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
        _prompt_programmes(s, number)
    programmes = _centre_programmes(s, number, only)
    declaration = open_declaration(s, number, year.label, bank.version)
    if declaration.submitted:
        raise ActionNeeded(
            f"The {year} declaration of centre {number} is already submitted.",
            hint=f"To change it, run `wblqa aqd reopen --year {year} --reason TEXT` first.",
        )
    answers = _answers_of(s, declaration, bank)

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


@app.command("status")
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
    academic_year = _year(year)
    number = _centre(s, centre)
    programmes = _centre_programmes(s, number, [])
    declaration = _declaration_or_none(s, number, academic_year)
    answers = _answers_of(s, declaration, bank)
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
            say("  " + _label(bank, key))
        if len(gaps) > 20:
            say(f"  … and {len(gaps) - 20} more (see `wblqa aqd status --json`).")
    flagged = [f for sc in scopes for f in sc.flagged]
    if flagged:
        say(f"[bold]Flagged for action ({len(flagged)})[/bold]")
        for f in flagged:
            say("  " + _label(bank, (f.programme, f.question.id)))
    if complete and state == "open":
        say("Complete: submit it with `wblqa aqd submit`.")


@app.command("submit")
def submit(
    ctx: typer.Context,
    year: str | None = YEAR_OPTION,
    centre: str | None = CENTRE_OPTION,
) -> None:
    """Lock the declaration; refused (exit 1, listing what is missing) while incomplete."""
    from wblqa_cli.aqd.bank import load_bank
    from wblqa_cli.aqd.progress import flags, missing
    from wblqa_cli.errors import ActionNeeded
    from wblqa_cli.store.aqd import get_declaration
    from wblqa_cli.store.aqd import submit as submit_declaration

    bank = load_bank()
    s = store(ctx)
    academic_year = _year(year)
    number = _centre(s, centre)
    codes = [p.code for p in _centre_programmes(s, number, [])]
    declaration = get_declaration(s, number, academic_year.label)

    def check(answers: dict[Key, Answer]) -> None:
        if not codes:
            raise ActionNeeded(
                f"Centre {number} has no programmes; a declaration covers at least one.",
                hint="Add them with `wblqa programme add`, then answer with `wblqa aqd start`.",
            )
        gaps = missing(bank, codes, answers)
        if gaps:
            say(f"[bold]Still missing ({len(gaps)})[/bold]")
            for key in gaps:
                say("  " + _label(bank, key))
            raise ActionNeeded(
                f"The {academic_year} declaration has {len(gaps)} unanswered required "
                "question(s); it was not submitted.",
                hint=f"Answer them with `wblqa aqd start --year {academic_year}`.",
            )
        flagged = flags(bank, codes, answers)
        if flagged:
            note(f"Note: {len(flagged)} answer(s) are flagged for action (see `wblqa aqd status`).")

    submit_declaration(s, declaration, bank, check)
    say(f"Declaration {academic_year} of centre {number} submitted and locked.")


@app.command("reopen")
def reopen(
    ctx: typer.Context,
    reason: str = typer.Option(..., "--reason", help="Why it is reopened (kept in the audit log)."),
    year: str | None = YEAR_OPTION,
    centre: str | None = CENTRE_OPTION,
) -> None:
    """Unlock a submitted declaration so its answers can change."""
    from wblqa_cli.registry import check_text
    from wblqa_cli.store.aqd import get_declaration
    from wblqa_cli.store.aqd import reopen as reopen_declaration

    s = store(ctx)
    academic_year = _year(year)
    text = check_text(reason, "--reason")
    declaration = get_declaration(s, _centre(s, centre), academic_year.label)
    reopen_declaration(s, declaration, text)
    say(
        f"Declaration {academic_year} of centre {declaration.centre_number} reopened. "
        "Change answers with `wblqa aqd start --review`, then submit again."
    )


@app.command("export")
def export(
    ctx: typer.Context,
    year: str | None = YEAR_OPTION,
    centre: str | None = CENTRE_OPTION,
    format_: str = typer.Option("csv", "--format", help="csv or json."),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="Write to this file (mode 0600) instead of stdout."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite the output file if it exists."),
    quiet: bool = QUIET_OPTION,
) -> None:
    """Export every answer, one row each, as CSV or JSON."""
    from wblqa_cli.aqd.bank import load_bank
    from wblqa_cli.aqd.export import EXPORT_COLUMNS, export_records, export_values
    from wblqa_cli.store.aqd_export import export_rows, export_target

    if format_ not in ("csv", "json"):
        raise InputError(f"{format_!r} (--format) is not an export format; use csv or json.")
    bank = load_bank()
    s = store(ctx)
    academic_year = _year(year)
    found = export_target(s, centre, academic_year.label)  # Core only: no ORM import
    if found is None:  # the general path, which says what is wrong
        from wblqa_cli.store.aqd import get_declaration

        declaration = get_declaration(s, _centre(s, centre), academic_year.label)
        found = (declaration.id, declaration.centre_number)
    make = export_values if format_ == "csv" else export_records
    records = make(bank, academic_year.label, found[1], export_rows(s, found[0]))
    from wblqa_cli.files import private_output
    from wblqa_cli.output import progress, show_progress

    with progress("Exporting answers", None, enabled=show_progress(quiet)) as p:
        counted = _counted(records, p.advance)
        if output is None:
            _write_export(sys.stdout, format_, EXPORT_COLUMNS, counted)
            return
        # Whole or nothing: written beside the target and renamed into place at the end.
        with private_output(
            output, overwrite=force, exists_hint="Use --force to overwrite it."
        ) as stream:
            count = _write_export(stream, format_, EXPORT_COLUMNS, counted)
    say(f"Exported {count} answers to {output}.")


def _counted(records: Any, advance: Any) -> Any:
    n = 0
    for n, record in enumerate(records, start=1):
        if n % 1000 == 0:
            advance(1000)
        yield record
    advance(n % 1000)


def _write_export(stream: Any, format_: str, columns: tuple[str, ...], records: Any) -> int:
    import json as json_
    from functools import lru_cache

    from wblqa_cli.csvio import neutralise, writer

    count = 0
    if format_ == "csv":

        @lru_cache(maxsize=4096)  # most cells repeat: year, centre, wording, answers
        def cell(value: object) -> str:
            return "yes" if value is True else "no" if value is False else neutralise(value)

        w = writer(stream)
        w.writerow(columns)
        for values in records:  # tuples in ``columns`` order
            w.writerow([cell(v) for v in values])
            count += 1
        return count
    stream.write("[")
    for r in records:
        stream.write(",\n  " if count else "\n  ")
        stream.write(json_.dumps(r, ensure_ascii=False))
        count += 1
    stream.write("\n]\n" if count else "]\n")
    return count


@app.command("deadline")
def deadline(
    ctx: typer.Context,
    day: str | None = typer.Argument(
        None, help="Set this as the year's deadline (e.g. 2026-10-14)."
    ),
    year: str | None = YEAR_OPTION,
    as_of_: str | None = typer.Option(None, "--as-of", help="Count days left from this date."),
    json: bool = JSON_OPTION,
) -> None:
    """Show the AQD deadline for a year, or set one the data does not state."""
    from wblqa_cli.aqd.deadlines import deadline_for, rules
    from wblqa_cli.cli_common import as_of
    from wblqa_cli.dates import parse_date
    from wblqa_cli.store.aqd import set_deadline, user_deadlines

    s = store(ctx)
    academic_year = _year(year)
    if day is not None:
        chosen = parse_date(day, "DATE")
        if chosen not in academic_year:
            raise InputError(
                f"{day!r} (DATE) is not in the academic year {academic_year} "
                f"({academic_year.start:%d %b %Y} to {academic_year.end:%d %b %Y})."
            )
        stated = rules()[1].get(academic_year.start_year)
        if stated is not None:
            raise InputError(
                f"The guidance already states the {academic_year} deadline: "
                f"{stated[0].isoformat()} ({stated[1]}).",
                hint="Set a deadline only for a year the data does not know.",
            )
        replaced = set_deadline(s, academic_year.label, chosen)
        if replaced and not json:
            say(f"Replaced your earlier deadline {replaced.isoformat()}.")
    today = as_of(as_of_)
    found = deadline_for(academic_year, user_deadlines(s))
    if json:
        print_json(found.as_json(today))
        return
    left = found.days_left(today)
    when = f"{left} days left" if left >= 0 else f"passed {-left} days ago"
    origin = {"user": "set by you", "data": "stated in the guidance", "rule": "the fixed window"}
    say(f"AQD {academic_year}: due {fmt_date(found.deadline)} ({when}); {origin[found.origin]}.")
    say(f"Source: {found.source}")
    if found.note:
        say(f"[yellow]{found.note}[/yellow]")
