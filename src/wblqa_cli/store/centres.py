"""Centres and programmes in the store: reading them, registering and changing centres.

A programme's expected certification dates and Direct Claims Status are
read from its fact records (:mod:`wblqa_cli.store.programme_facts`), as they
hold in the year asked for; changes to programmes are in
:mod:`wblqa_cli.store.programme_changes`. Every change writes an audit entry
in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import Session, SQLModel, col, select

from wblqa_cli.errors import InputError, NotFound
from wblqa_cli.registry.facts import Fact, in_effect
from wblqa_cli.registry.model import Centre, Programme, SectorMatch
from wblqa_cli.store import audit, programme_facts
from wblqa_cli.store import models as m
from wblqa_cli.store.engine import Store


def _centre_row(session: Session, number: str) -> m.Centre:
    row = session.exec(select(m.Centre).where(m.Centre.number == number)).first()
    if row is None:
        raise NotFound(
            f"Centre {number!r} is not registered.",
            hint="See `wblqa centre list`, or add it with `wblqa centre add NUMBER --name NAME`.",
        )
    return row


def add_centre_in(session: Session, centre: Centre, how: str = "centre add") -> None:
    exists = session.exec(select(m.Centre).where(m.Centre.number == centre.number)).first()
    if exists is not None:
        raise InputError(f"Centre {centre.number!r} is already registered ({exists.name}).")
    session.add(m.Centre(number=centre.number, name=centre.name))
    audit.append(
        session,
        "centre.add",
        "centre",
        centre.number,
        f"Centre {centre.number} ({centre.name}) registered",
        {"after": {"number": centre.number, "name": centre.name}, "how": how},
    )


def add_centre(store: Store, centre: Centre, how: str = "centre add") -> None:
    with store.session() as session:
        add_centre_in(session, centre, how)


def edit_centre(store: Store, number: str, name: str) -> str | None:
    """Rename a centre; returns the old name, or None when nothing changed."""
    with store.session() as session:
        row = _centre_row(session, number)
        old = row.name
        if old == name:
            return None
        row.name = name
        session.add(row)
        audit.append(
            session,
            "centre.edit",
            "centre",
            number,
            f"Centre {number} renamed: {old} → {name}",
            {"before": {"name": old}, "after": {"name": name}},
        )
        return old


def list_centres(store: Store) -> list[Centre]:
    with store.session() as session:
        rows = session.exec(select(m.Centre).order_by(m.Centre.number)).all()
        return [Centre(r.number, r.name) for r in rows]


def get_centre(store: Store, number: str) -> Centre:
    with store.session() as session:
        row = _centre_row(session, number)
        return Centre(row.number, row.name)


def default_centre(store: Store, number: str | None) -> str | None:
    """The centre a command means: the one named, else the only one stored."""
    if number is not None:
        return get_centre(store, number).number
    centres = list_centres(store)
    if len(centres) == 1:
        return centres[0].number
    if not centres:
        return None
    raise InputError(
        f"{len(centres)} centres are registered; say which with --centre "
        f"({', '.join(c.number for c in centres)})."
    )


def programmes_in(
    session: Session, where: Sequence[object] = (), year: str | None = None
) -> list[tuple[int, Programme, list[Fact]]]:
    """(id, programme with the facts that hold in ``year``, every fact record) per programme."""
    query = (
        select(m.Programme, m.Centre.number)
        .join(m.Centre, isouter=True)
        .where(*where)  # type: ignore[arg-type]
        .order_by(m.Programme.code)
    )
    rows = session.exec(query).all()
    facts = programme_facts.load(session, [p.id for p, _ in rows if p.id is not None])
    out = []
    for p, number in rows:
        assert p.id is not None
        held = in_effect(facts.get(p.id, []), year)
        programme = Programme(
            code=p.code,
            title=p.title,
            centre_number=number,
            sector=p.sector,
            dcs_expiry=held.dcs_expiry,
            expected_certification=held.expected_certification,
            first_year=p.first_year,
            retired_from=p.retired_from,
            sector_match=_match_of(p),
        )
        out.append((p.id, programme, facts.get(p.id, [])))
    return out


def _match_of(row: m.Programme) -> SectorMatch | None:
    if row.sector_match_how is None or row.sector_match_version is None:
        return None  # stored before matches were kept, or never found
    return SectorMatch(
        row.sector_match_group,
        row.sector_match_how,
        row.sector_match_title,
        row.sector_match_version,
    )


def _set_match(row: m.Programme, match: SectorMatch | None) -> None:
    row.sector_match_group = None if match is None else match.group
    row.sector_match_how = None if match is None else match.how
    row.sector_match_title = None if match is None else match.title
    row.sector_match_version = None if match is None else match.version


def save_sector_matches(store: Store, matches: dict[str, SectorMatch]) -> bool:
    """Store matches found again (stale or missing ones); False if the store refused.

    A reader that found them (``status``, ``cycle plan``) keeps them for next
    time; a role that may not write programmes simply finds them again.
    """
    from sqlalchemy.exc import DBAPIError

    if not matches:
        return True
    try:
        with store.session() as session:
            rows = session.exec(
                select(m.Programme).where(col(m.Programme.code).in_(list(matches)))
            ).all()
            for row in rows:
                _set_match(row, matches[row.code])
                session.add(row)
    except DBAPIError:
        return False
    return True


def list_programmes(
    store: Store, centre: str | None = None, *, year: str | None = None, active: bool = False
) -> list[Programme]:
    """Programmes (of ``centre``), their facts as they hold in ``year``.

    ``active``: only those delivered in ``year`` (not before their first
    year, not retired by it).
    """
    with store.session() as session:
        where = [] if centre is None else [m.Centre.number == centre]
        found = [p for _, p, _ in programmes_in(session, where, year)]
    if active and year is not None:
        found = [p for p in found if p.active_in(year)]
    return found


def get_programme(store: Store, code: str, year: str | None = None) -> Programme:
    return programme_record(store, code, year)[0]


def programme_record(
    store: Store, code: str, year: str | None = None
) -> tuple[Programme, list[Fact]]:
    """A programme and every fact recorded for it, any year."""
    with store.session() as session:
        found = programmes_in(session, [m.Programme.code == code], year)
    if not found:
        raise NotFound(
            f"Programme {code!r} is not registered.",
            hint="See `wblqa programme list`, or add it with `wblqa programme add`.",
        )
    return found[0][1], found[0][2]


def programme_codes(store: Store) -> set[str]:
    with store.session() as session:
        return set(session.exec(select(m.Programme.code)).all())


def count(store: Store, model: type[SQLModel]) -> int:
    with store.session() as session:
        return int(session.exec(select(func.count()).select_from(model)).one())
