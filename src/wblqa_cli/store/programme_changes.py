"""Changing programmes: add, import, edit, retire, remove, each change audited.

Every function commits in one transaction with its audit entries (the value
before and after each field), so the log is the record of who changed what.
Facts (expected certification dates, Direct Claims Status) are written for
one academic year through :func:`wblqa_cli.store.programme_facts.write`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from wblqa_cli.errors import ActionNeeded, InputError
from wblqa_cli.output import plural
from wblqa_cli.registry.facts import FactValue, changed
from wblqa_cli.registry.model import Programme
from wblqa_cli.registry.programmes import match_sector
from wblqa_cli.store import audit, programme_facts
from wblqa_cli.store import models as m
from wblqa_cli.store.centres import _centre_row, _set_match, programmes_in
from wblqa_cli.store.engine import Store

FIELDS = ("title", "centre", "sector", "first_year", "retired_from")


@dataclass(frozen=True)
class Edit:
    """What ``programme edit`` changes: None leaves a field as it is."""

    title: str | None = None
    sector: str | None = None
    centre: str | None = None


def _fields(row: m.Programme, centre: str | None) -> dict[str, FactValue]:
    return {
        "title": row.title,
        "centre": centre,
        "sector": row.sector,
        "first_year": row.first_year,
        "retired_from": row.retired_from,
    }


def _row(session: Session, code: str) -> m.Programme:
    row = session.exec(select(m.Programme).where(m.Programme.code == code)).first()
    if row is None:
        from wblqa_cli.errors import NotFound

        raise NotFound(
            f"Programme {code!r} is not registered.",
            hint="See `wblqa programme list`, or add it with `wblqa programme add`.",
        )
    return row


def _first_year(session: Session, p: Programme, year: str) -> str | None:
    """A new programme's first year: as given; else ``year`` once its centre has declarations.

    Programmes registered before a centre's first declaration are delivered
    in every year (None): a centre setting up answers past years for them.
    """
    if p.first_year is not None:
        return p.first_year
    if p.centre_number is None:
        return year
    started = session.exec(
        select(func.count())
        .select_from(m.AqdDeclaration)
        .join(m.Centre)
        .where(m.Centre.number == p.centre_number)
    ).one()
    return year if started else None


def _centre_number(session: Session, centre_id: int | None) -> str | None:
    if centre_id is None:
        return None
    row = session.get(m.Centre, centre_id)
    return None if row is None else row.number


def _write(
    session: Session,
    p: Programme,
    facts: Mapping[str, FactValue],
    year: str,
    how: str,
    centre_ids: dict[str, int],
) -> bool:
    """Add ``p`` or bring the stored one to it; True if it was added."""
    found = session.exec(select(m.Programme).where(m.Programme.code == p.code)).first()
    row = found or m.Programme(code=p.code, title=p.title, first_year=_first_year(session, p, year))
    before = None if found is None else _fields(found, _centre_number(session, found.centre_id))
    if p.sector_match is not None or found is None or found.title != p.title:
        # The title's sector match is found when the title is saved (added or changed).
        _set_match(row, p.sector_match or match_sector(p.title))
    row.title = p.title
    row.centre_id = centre_ids.get(p.centre_number) if p.centre_number else None
    row.sector = p.sector
    session.add(row)
    session.flush()
    after = _fields(row, p.centre_number)
    if before is None:
        audit.append(session, "programme.add", "programme", p.code,
                     f"Programme {p.code} ({p.title}) registered",
                     {"after": after, "how": how})  # fmt: skip
    elif changes := changed(before, after):
        audit.append(session, "programme.edit", "programme", p.code,
                     f"Programme {p.code} changed: {', '.join(changes)}",
                     {"changes": changes, "how": how})  # fmt: skip
    assert row.id is not None
    programme_facts.write(session, row.id, p.code, year, facts, how=how)
    return found is None


def _centre_ids(session: Session, programmes: Sequence[Programme]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for p in programmes:
        if p.centre_number is not None and p.centre_number not in ids:
            row = _centre_row(session, p.centre_number)
            assert row.id is not None
            ids[p.centre_number] = row.id
    return ids


def save_programmes(
    store: Store,
    programmes: Sequence[tuple[Programme, Mapping[str, FactValue]]],
    year: str,
    how: str = "programme import",
) -> tuple[int, int]:
    """Add or update programmes (and their facts for ``year``) in one transaction.

    Returns (added, updated). Every centre named must exist; if one does
    not, or a fact is locked by a submitted declaration, nothing is written.
    """
    added = updated = 0
    with store.session() as session:
        ids = _centre_ids(session, [p for p, _ in programmes])
        for p, facts in programmes:
            if _write(session, p, facts, year, how, ids):
                added += 1
            else:
                updated += 1
    return added, updated


def add_programme(
    store: Store, programme: Programme, facts: Mapping[str, FactValue], year: str, how: str
) -> None:
    with store.session() as session:
        exists = session.exec(select(m.Programme).where(m.Programme.code == programme.code)).first()
        if exists is not None:
            raise InputError(
                f"Programme {programme.code!r} is already registered ({exists.title}).",
                hint=f"Change it with `wblqa programme edit {programme.code} …`.",
            )
        _write(session, programme, facts, year, how, _centre_ids(session, [programme]))


def edit_programme(
    store: Store, code: str, edit: Edit, facts: Mapping[str, FactValue], year: str
) -> Programme:
    """Apply ``edit`` and record ``facts`` for ``year``; returns the programme as it now is."""
    with store.session() as session:
        row = _row(session, code)
        current = programmes_in(session, [m.Programme.code == code], year)[0][1]
        wanted = Programme(
            code=code,
            title=edit.title or row.title,
            centre_number=edit.centre or current.centre_number,
            sector=edit.sector if edit.sector is not None else row.sector,
            first_year=row.first_year,
        )
        _write(session, wanted, facts, year, "programme edit", _centre_ids(session, [wanted]))
        return programmes_in(session, [m.Programme.code == code], year)[0][1]


def retire_programme(store: Store, code: str, from_year: str | None) -> str | None:
    """Retire from ``from_year`` (None: bring it back); returns the previous retirement."""
    with store.session() as session:
        row = _row(session, code)
        old = row.retired_from
        if from_year is not None and row.first_year is not None and from_year <= row.first_year:
            raise InputError(
                f"{from_year!r} (--from) is not after {code}'s first year ({row.first_year}); "
                "a programme never delivered can be removed instead.",
                hint=f"Remove it with `wblqa programme remove {code}`, or retire it from a "
                "later year.",
            )
        if old == from_year:
            return old
        row.retired_from = from_year
        session.add(row)
        summary = (
            f"Programme {code} retired from {from_year}"
            if from_year
            else f"Programme {code} delivered again (no longer retired)"
        )
        details = {"before": {"retired_from": old}, "after": {"retired_from": from_year}}
        audit.append(session, "programme.retire", "programme", code, summary, details)
        return old


def references(session: Session, row: m.Programme) -> list[str]:
    """What refers to a programme: answers, declarations, retention records."""
    found = []
    answers = session.exec(select(func.count()).where(m.AqdAnswer.programme_code == row.code)).one()
    if answers:
        found.append(plural(answers, "AQD answer"))
    covered = session.exec(
        select(func.count()).where(m.AqdCoverage.programme_code == row.code)
    ).one()
    if covered:
        found.append(f"{covered} submitted declaration(s)")
    records = session.exec(
        select(func.count()).where(m.RetentionRecord.programme_id == row.id)
    ).one()
    if records:
        found.append(plural(records, "retention record"))
    # Facts of a year the centre has a declaration for are that declaration's answers.
    facts = session.exec(
        select(func.count())
        .select_from(m.ProgrammeFact)
        .join(m.Programme, col(m.Programme.id) == m.ProgrammeFact.programme_id)
        .join(
            m.AqdDeclaration,
            (col(m.AqdDeclaration.centre_id) == m.Programme.centre_id)
            & (col(m.AqdDeclaration.academic_year) == m.ProgrammeFact.academic_year),
        )
        .where(m.ProgrammeFact.programme_id == row.id)
    ).one()
    if facts:
        found.append(f"{facts} fact(s) answered in a declaration")
    groups = session.exec(
        select(func.count()).where(m.AqdGroupMember.programme_code == row.code)
    ).one()
    if groups:
        found.append(f"{groups} AQD group(s)")
    return found


def remove_programme(store: Store, code: str) -> str:
    """Delete a programme nothing refers to; returns its title."""
    with store.session() as session:
        row = _row(session, code)
        refs = references(session, row)
        if refs:
            raise ActionNeeded(
                f"Programme {code} cannot be removed: {', '.join(refs)} refer to it.",
                hint=f"Retire it instead (kept for history, out of later declarations and "
                f"plans): `wblqa programme retire {code} --from YEAR`.",
            )
        before = _fields(row, _centre_number(session, row.centre_id))
        assert row.id is not None
        programme_facts.forget(session, row.id)
        session.delete(row)
        audit.append(session, "programme.remove", "programme", code,
                     f"Programme {code} ({row.title}) removed", {"before": before})  # fmt: skip
        return row.title
