"""What every ``wblqa aqd`` command shares: the --year and --centre options and their lookups."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import typer

from wblqa_cli.completion import centre_numbers, programme_codes
from wblqa_cli.errors import NotFound
from wblqa_cli.safetext import quoted

if TYPE_CHECKING:
    from wblqa_cli.aqd.answers import Answer, Key
    from wblqa_cli.aqd.bank import Bank
    from wblqa_cli.aqd.coverage import Coverage
    from wblqa_cli.dates import AcademicYear
    from wblqa_cli.registry.model import Programme
    from wblqa_cli.store import Store
    from wblqa_cli.store.aqd import Declaration

YEAR_OPTION = typer.Option(None, "--year", help="Academic year, e.g. 2025-26 (default: this one).")


CENTRE_OPTION = typer.Option(
    None,
    "--centre",
    help="The centre number (default: the only centre registered).",
    autocompletion=centre_numbers,
)

PROGRAMME_OPTION = typer.Option(
    [],
    "--programme",
    "-p",
    help="Only this programme (repeatable).",
    autocompletion=programme_codes,
)


def resolve_year(value: str | None) -> AcademicYear:
    from wblqa_cli.dates import academic_year_option, today

    return academic_year_option(value, today())


def resolve_centre(s: Store, number: str | None) -> str:
    from wblqa_cli.registry.model import check_centre_number
    from wblqa_cli.store.centres import default_centre

    found = default_centre(s, None if number is None else check_centre_number(number, "--centre"))
    if found is None:
        raise NotFound(
            "No centre is registered yet.",
            hint="Add yours with `wblqa centre add NUMBER --name NAME`.",
        )
    return found


def coverage_of(s: Store, centre: str, year: AcademicYear) -> Coverage:
    """Which programmes of ``centre`` the declaration of ``year`` covers, and why."""
    from wblqa_cli.aqd.coverage import cover
    from wblqa_cli.store.aqd import coverage, find_declaration
    from wblqa_cli.store.centres import list_programmes

    found = find_declaration(s, centre, year.label)
    fixed = None if found is None else coverage(s, found.id)
    return cover(list_programmes(s, centre, year=year.label), year.label, fixed)


def centre_programmes(
    s: Store, centre: str, only: list[str], year: AcademicYear
) -> list[Programme]:
    """The programmes the declaration of ``year`` covers (only those named, if any)."""
    programmes = list(coverage_of(s, centre, year).covered)
    if not only:
        return programmes
    codes = {p.code: p for p in programmes}
    for code in only:
        if code.strip() not in codes:
            raise NotFound(
                f"{quoted(code)} (--programme) is not a programme of centre {centre}'s {year} "
                "declaration"
                + (f"; it covers {', '.join(codes)}." if codes else "; it covers none yet."),
                hint="See `wblqa programme list` and `wblqa aqd status`.",
            )
    wanted = {c.strip() for c in only}
    return [p for p in programmes if p.code in wanted]


def declaration_or_none(s: Store, centre: str, year: AcademicYear) -> Declaration | None:
    from wblqa_cli.store.aqd import find_declaration

    return find_declaration(s, centre, year.label)


def answers_of(
    s: Store,
    declaration: Declaration | None,
    bank: Bank,
    where: tuple[str, AcademicYear] | None = None,
) -> dict[Key, Answer]:
    """The declaration's answers; before it is started, the programme facts of
    ``where`` (centre, year), which are its answers to the fact questions."""
    from wblqa_cli.store.aqd import load_answers
    from wblqa_cli.store.aqd_facts import facts_as_answers

    if declaration is not None:
        return load_answers(s, declaration.id, bank)
    return {} if where is None else facts_as_answers(s, where[0], where[1].label)


def question_label(bank: Bank, key: Key) -> str:
    programme, qid = key
    q = bank.get(qid)
    scope = "centre" if programme is None else programme
    return f"{scope:<12} {qid} — {q.question if q else ''}"


def again(
    verb: str,
    year: AcademicYear | None = None,
    centre: str | None = None,
    programmes: Sequence[str] = (),
    *extra: str,
) -> str:
    """A ``wblqa aqd VERB`` hint naming the declaration it came from.

    ``--year`` is given whenever it is not the year a bare command would take,
    ``--centre`` whenever one was named, ``--programme`` for each one named:
    a hint run as printed acts on the same declaration.
    """
    import shlex

    words = ["wblqa", "aqd", verb]
    if year is not None and year != resolve_year(None):
        words += ["--year", year.label]
    if centre is not None:
        words += ["--centre", centre]
    for code in programmes:
        words += ["--programme", code]
    return " ".join([*(shlex.quote(w) for w in words), *extra])
