"""Centres and programmes in the store."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import delete, func
from sqlmodel import Session, SQLModel, col, select

from wblqa_cli.errors import InputError, NotFound
from wblqa_cli.registry.model import Centre, Programme, SectorMatch
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


def add_centre(store: Store, centre: Centre) -> None:
    with store.session() as session:
        exists = session.exec(select(m.Centre).where(m.Centre.number == centre.number)).first()
        if exists is not None:
            raise InputError(f"Centre {centre.number!r} is already registered ({exists.name}).")
        session.add(m.Centre(number=centre.number, name=centre.name))


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


def _programmes(session: Session, where: Sequence[object] = ()) -> list[Programme]:
    query = (
        select(m.Programme, m.Centre.number)
        .join(m.Centre, isouter=True)
        .where(*where)  # type: ignore[arg-type]
        .order_by(m.Programme.code)
    )
    rows = session.exec(query).all()
    ids = [p.id for p, _ in rows]
    dates: dict[int, list[date]] = {}
    if ids:
        for row in session.exec(
            select(m.ExpectedCertification)
            .where(col(m.ExpectedCertification.programme_id).in_(ids))
            .order_by(col(m.ExpectedCertification.date))
        ).all():
            dates.setdefault(row.programme_id, []).append(row.date)
    return [
        Programme(
            code=p.code,
            title=p.title,
            centre_number=number,
            sector=p.sector,
            dcs_expiry=p.dcs_expiry,
            expected_certification=tuple(dates.get(p.id or 0, [])),
            sector_match=_match_of(p),
        )
        for p, number in rows
    ]


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


def list_programmes(store: Store, centre: str | None = None) -> list[Programme]:
    with store.session() as session:
        where = [] if centre is None else [m.Centre.number == centre]
        return _programmes(session, where)


def get_programme(store: Store, code: str) -> Programme:
    with store.session() as session:
        found = _programmes(session, [m.Programme.code == code])
    if not found:
        raise NotFound(
            f"Programme {code!r} is not registered.",
            hint="See `wblqa programme list`, or add it with `wblqa programme add`.",
        )
    return found[0]


def programme_codes(store: Store) -> set[str]:
    with store.session() as session:
        return set(session.exec(select(m.Programme.code)).all())


def count(store: Store, model: type[SQLModel]) -> int:
    with store.session() as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def save_programmes(store: Store, programmes: Sequence[Programme]) -> tuple[int, int]:
    """Add or update programmes in one transaction; returns (added, updated).

    Every centre they name must exist; if one does not, nothing is written.
    """
    added = updated = 0
    with store.session() as session:
        centre_ids: dict[str, int] = {}
        for p in programmes:
            if p.centre_number is not None and p.centre_number not in centre_ids:
                centre_row = _centre_row(session, p.centre_number)
                assert centre_row.id is not None
                centre_ids[p.centre_number] = centre_row.id
        for p in programmes:
            found = session.exec(select(m.Programme).where(m.Programme.code == p.code)).first()
            if found is None:
                row = m.Programme(code=p.code, title=p.title)
                added += 1
            else:
                row = found
                updated += 1
            row.title = p.title
            row.centre_id = centre_ids.get(p.centre_number) if p.centre_number else None
            row.sector = p.sector
            row.dcs_expiry = p.dcs_expiry
            _set_match(row, p.sector_match)
            session.add(row)
            session.flush()
            session.exec(  # type: ignore[call-overload]
                delete(m.ExpectedCertification).where(
                    col(m.ExpectedCertification.programme_id) == row.id
                )
            )
            for day in sorted(set(p.expected_certification)):
                assert row.id is not None
                session.add(m.ExpectedCertification(programme_id=row.id, date=day))
    return added, updated


def add_programme(store: Store, programme: Programme) -> None:
    if programme.code in programme_codes(store):
        raise InputError(
            f"Programme {programme.code!r} is already registered.",
            hint="Import a CSV with `wblqa programme import` to update programmes.",
        )
    save_programmes(store, [programme])
