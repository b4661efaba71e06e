"""``wblqa programme show/edit/retire/remove``: one programme over the years."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from wblqa_cli.cli_common import JSON_OPTION, store
from wblqa_cli.output import console, print_json, safe, say, table
from wblqa_cli.registry.cli_options import DCS_OPTION, EXPECTED_OPTION, FACT_YEAR_OPTION, fact_year

if TYPE_CHECKING:
    from wblqa_cli.registry.model import Programme
    from wblqa_cli.store import Store

CODE = typer.Argument(..., help="The programme code.")


def show(ctx: typer.Context, code: str = CODE, json: bool = JSON_OPTION) -> None:
    """Show a programme: its facts, the years it is delivered in, and its history."""
    from wblqa_cli.registry.facts import as_json
    from wblqa_cli.registry.facts import show as shown
    from wblqa_cli.registry.model import check_programme_code
    from wblqa_cli.store.audit import entries
    from wblqa_cli.store.centres import programme_record

    s = store(ctx)
    label = fact_year(None).label
    programme, facts = programme_record(s, check_programme_code(code, "CODE"), label)
    history = entries(s, entity="programme", entity_id=programme.code)
    if json:
        doc = programme.as_json() | {
            "facts": [
                {
                    "year": f.year,
                    "question": f.question,
                    "value": as_json(f.value),
                    "comment": f.comment,
                    "set_by": f.set_by,
                    "set_at": f.set_at,
                }
                for f in facts
            ],
            "history": [e.as_json() for e in history],
        }
        print_json(doc)
        return
    say(f"[bold]{safe(programme.code)}[/bold] {safe(programme.title)}")
    centre, sector = safe(programme.centre_number or "—"), safe(programme.sector_shown or "none")
    say(f"Centre {centre} · sector {sector} · {_years(programme)}")
    t = table("Year", "Fact", "Value", "Set by", whole=("Year",))
    for f in sorted(facts, key=lambda f: (f.year, f.question)):
        t.add_row(f.year, f.question, shown(f.value), f.set_by or "—")
    if facts:
        console().print(t)
    else:
        say("No facts recorded yet (expected certification dates, Direct Claims Status).")
    h = table("When", "Who", "What")
    for e in history:
        h.add_row(e.at.strftime("%Y-%m-%d %H:%M"), e.user, e.summary)
    console().print(h)


def _years(p: Programme) -> str:
    since = f"delivered from {p.first_year}" if p.first_year else "delivered in every year"
    return f"{since}, retired from {p.retired_from}" if p.retired_from else since


def edit(
    ctx: typer.Context,
    code: str = CODE,
    title: str | None = typer.Option(None, "--title", help="A new title."),
    sector: str | None = typer.Option(
        None, "--sector", help="Sector group code (214) or sector name (construction)."
    ),
    centre: str | None = typer.Option(None, "--centre", help="Move it to this centre."),
    dcs_expiry: str | None = DCS_OPTION,
    no_dcs: bool = typer.Option(
        False, "--no-dcs", help="It holds no Direct Claims Status in the year."
    ),
    expected: list[str] = EXPECTED_OPTION,
    year: str | None = FACT_YEAR_OPTION,
) -> None:
    """Change a programme's title, sector, centre or its facts for a year."""
    from wblqa_cli.dates import parse_date, parse_optional_date
    from wblqa_cli.errors import InputError
    from wblqa_cli.registry.facts import from_flags
    from wblqa_cli.registry.model import check_centre_number, check_programme_code, check_text
    from wblqa_cli.registry.programmes import describe_sector, find_sector
    from wblqa_cli.store.centres import get_centre, get_programme
    from wblqa_cli.store.programme_changes import Edit, edit_programme

    s = store(ctx)
    fy = fact_year(year)
    code = check_programme_code(code, "CODE")
    before = get_programme(s, code, fy.label)
    new_title = check_text(title, "--title") if title is not None else None
    found = find_sector(sector, new_title or before.title) if sector is not None else None
    if dcs_expiry is not None and no_dcs:
        raise InputError("--dcs-expiry and --no-dcs say opposite things; give one.")
    facts = from_flags(
        dcs_expiry=parse_optional_date(dcs_expiry, "--dcs-expiry"),
        expected=tuple(parse_date(d, "--expected-certification") for d in expected),
        clear_dcs=no_dcs,
    )
    edit_ = Edit(
        title=new_title,
        sector=found.sector if found is not None else None,
        centre=get_centre(s, check_centre_number(centre, "--centre")).number if centre else None,
    )
    if edit_ == Edit() and not facts:
        raise InputError(
            "Nothing to change: give --title, --sector, --centre or a fact.",
            hint=f"See `wblqa programme edit --help` and `wblqa programme show {code}`.",
        )
    after = edit_programme(s, code, edit_, facts, fy.label)
    say(f"Programme {safe(after.code)} ({safe(after.title)}) updated; facts for {fy.label}.")
    if found is not None:
        say(safe(describe_sector(found)))


def retire(
    ctx: typer.Context,
    code: str = CODE,
    from_: str | None = typer.Option(
        None, "--from", help="The first academic year it is no longer delivered (default: next)."
    ),
    undo: bool = typer.Option(False, "--undo", help="Deliver it again: no longer retired."),
) -> None:
    """Retire a programme: kept for history, out of declarations and plans from that year."""
    from wblqa_cli.dates import AcademicYear
    from wblqa_cli.registry.model import check_programme_code
    from wblqa_cli.store.programme_changes import retire_programme

    s = store(ctx)
    code = check_programme_code(code, "CODE")
    year = None if undo else (
        AcademicYear.parse(from_, "--from") if from_ is not None else fact_year(None).next()
    ).label  # fmt: skip
    retire_programme(s, code, year)
    if year is None:
        say(f"Programme {code} is delivered again; it joins declarations and plans.")
    else:
        say(f"Programme {code} retired from {year}: kept for history, left out of the "
            f"declarations and verification plans of {year} and later.")  # fmt: skip


def remove(ctx: typer.Context, code: str = CODE) -> None:
    """Delete a programme entered by mistake (only while nothing refers to it)."""
    from wblqa_cli.registry.model import check_programme_code
    from wblqa_cli.store.programme_changes import remove_programme

    s = store(ctx)
    code = check_programme_code(code, "CODE")
    title = remove_programme(s, code)
    say(f"Programme {safe(code)} ({safe(title)}) removed.")


def joining_note(s: Store, programme: Programme, year: str) -> str | None:
    """A line saying whether a new programme joins its centre's declaration of ``year``."""
    from wblqa_cli.store.aqd import find_declaration

    if programme.centre_number is None or not programme.active_in(year):
        return None
    found = find_declaration(s, programme.centre_number, year)
    if found is None:
        return None
    if found.submitted:
        return (
            f"The {year} declaration of centre {found.centre_number} is already submitted "
            f"and stays as it was; {programme.code} is not part of it."
        )
    return (
        f"{programme.code} joins the open {year} declaration of centre {found.centre_number}: "
        f"answer its questions with `wblqa aqd start --programme {programme.code}`."
    )
