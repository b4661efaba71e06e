"""Programme groups in the store: a centre's groups for a year, their members, audited."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, insert, select
from sqlmodel import Session

from wblqa_cli.aqd.groups import scope_of
from wblqa_cli.errors import ActionNeeded, InputError, NotFound
from wblqa_cli.store import audit
from wblqa_cli.store import models as m
from wblqa_cli.store.engine import Store

_G = m.AqdGroup.__table__  # type: ignore[attr-defined]
_M = m.AqdGroupMember.__table__  # type: ignore[attr-defined]
_C = m.Centre.__table__  # type: ignore[attr-defined]
_D = m.AqdDeclaration.__table__  # type: ignore[attr-defined]
_A = m.AqdAnswer.__table__  # type: ignore[attr-defined]


def groups_in(session: Session, centre: str, year: str) -> dict[str, tuple[str, ...]]:
    """The groups of ``centre``'s declaration of ``year``: name → member codes."""
    rows = session.execute(
        select(_G.c.name, _M.c.programme_code)
        .join(_C, _C.c.id == _G.c.centre_id)
        .join(_M, _M.c.group_id == _G.c.id, isouter=True)
        .where(_C.c.number == centre, _G.c.academic_year == year)
        .order_by(_G.c.name, _M.c.programme_code)
    )
    out: dict[str, list[str]] = {}
    for name, code in rows:
        members = out.setdefault(name, [])
        if code is not None:
            members.append(code)
    return {name: tuple(codes) for name, codes in out.items()}


def list_groups(store: Store, centre: str, year: str) -> dict[str, tuple[str, ...]]:
    with store.session() as session:
        return groups_in(session, centre, year)


def _refuse_if_submitted(session: Session, centre: str, year: str) -> None:
    status = session.execute(
        select(_D.c.status)
        .join(_C, _C.c.id == _D.c.centre_id)
        .where(_C.c.number == centre, _D.c.academic_year == year)
    ).scalar()
    if status == "submitted":
        raise ActionNeeded(
            f"The {year} declaration of centre {centre} is submitted; its groups are locked.",
            hint=f"Reopen it first with `wblqa aqd reopen --year {year} --reason TEXT`.",
        )


def add_members(store: Store, centre: str, year: str, name: str, codes: Sequence[str]) -> int:
    """Create group ``name`` if need be and add ``codes``; returns how many joined."""
    with store.session() as session:
        _refuse_if_submitted(session, centre, year)
        groups = groups_in(session, centre, year)
        for code in codes:
            other = next((g for g, ms in groups.items() if code in ms and g != name), None)
            if other is not None:
                raise InputError(
                    f"{code!r} is already in group {other!r} for {year}; a programme is in one "
                    "group a year.",
                    hint=f"Take it out first: `wblqa aqd group remove {other} {code}`.",
                )
        centre_id = session.execute(select(_C.c.id).where(_C.c.number == centre)).scalar_one()
        if name not in groups:
            session.execute(
                insert(_G).values(
                    centre_id=centre_id, academic_year=year, name=name, created_at=m.utcnow()
                )
            )
        group_id = session.execute(
            select(_G.c.id).where(
                _G.c.centre_id == centre_id, _G.c.academic_year == year, _G.c.name == name
            )
        ).scalar_one()
        new = [c for c in codes if c not in groups.get(name, ())]
        if new:
            session.execute(insert(_M), [{"group_id": group_id, "programme_code": c} for c in new])
        audit.append(session, "aqd.group", "aqd", f"{centre}/{year}",
                     f"Group {name}: {', '.join(new) or 'no new programmes'} joined",
                     {"group": name, "before": list(groups.get(name, ())),
                      "after": sorted({*groups.get(name, ()), *new})})  # fmt: skip
        return len(new)


def remove(store: Store, centre: str, year: str, name: str, codes: Sequence[str]) -> int:
    """Take ``codes`` out of the group (none given: the whole group and its answers)."""
    with store.session() as session:
        _refuse_if_submitted(session, centre, year)
        groups = groups_in(session, centre, year)
        if name not in groups:
            raise NotFound(
                f"Centre {centre} has no group {name!r} for {year}.",
                hint=f"See `wblqa aqd group list --year {year}`.",
            )
        group_id = session.execute(
            select(_G.c.id)
            .join(_C, _C.c.id == _G.c.centre_id)
            .where(_C.c.number == centre, _G.c.academic_year == year, _G.c.name == name)
        ).scalar_one()
        gone = list(codes) if codes else list(groups[name])
        missing = [c for c in gone if c not in groups[name]]
        if missing:
            raise InputError(f"{missing[0]!r} is not in group {name!r} for {year}.")
        session.execute(delete(_M).where(_M.c.group_id == group_id, _M.c.programme_code.in_(gone)))
        if not codes:
            _drop(session, centre, year, name, group_id)
        after = [c for c in groups[name] if c not in gone]
        audit.append(session, "aqd.group", "aqd", f"{centre}/{year}",
                     f"Group {name}: " + ("removed" if not codes else f"{', '.join(gone)} left"),
                     {"group": name, "before": list(groups[name]),
                      "after": None if not codes else after})  # fmt: skip
        return len(gone)


def _drop(session: Session, centre: str, year: str, name: str, group_id: int) -> None:
    """Delete a group and the answers given for it."""
    declaration = session.execute(
        select(_D.c.id)
        .join(_C, _C.c.id == _D.c.centre_id)
        .where(_C.c.number == centre, _D.c.academic_year == year)
    ).scalar()
    if declaration is not None:
        session.execute(
            delete(_A).where(
                _A.c.declaration_id == declaration, _A.c.programme_code == scope_of(name)
            )
        )
    session.execute(delete(_G).where(_G.c.id == group_id))


def answered(store: Store, centre: str, year: str) -> dict[str, int]:
    """How many answers each group has."""
    with store.session() as session:
        rows = session.execute(
            select(_A.c.programme_code, func.count())
            .join(_D, _D.c.id == _A.c.declaration_id)
            .join(_C, _C.c.id == _D.c.centre_id)
            .where(_C.c.number == centre, _D.c.academic_year == year)
            .where(_A.c.programme_code.startswith("group:"))
            .group_by(_A.c.programme_code)
        ).all()
    return {code.removeprefix("group:"): int(n) for code, n in rows}
