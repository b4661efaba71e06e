"""Annual Quality Declarations in the store: declarations, answers, deadlines, export rows.

Each change (an answer, a submission, a reopening, a deadline) commits in its
own transaction together with its audit entry, so an answer once given is
never lost and never unrecorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlmodel import Session

from wblqa_cli.aqd.answers import Answer, Given, Key, decode, display, encode
from wblqa_cli.aqd.bank import Bank
from wblqa_cli.errors import ActionNeeded, InputError, NotFound
from wblqa_cli.registry.facts import FACT_QUESTIONS
from wblqa_cli.store import audit
from wblqa_cli.store import models as m
from wblqa_cli.store.aqd_facts import coverage, save_facts, with_facts_and_groups
from wblqa_cli.store.engine import Store, as_utc

OPEN = "open"
SUBMITTED = "submitted"
DEADLINE_KEY = "aqd.deadline."
ENTITY = "aqd"

_A = m.AqdAnswer.__table__  # type: ignore[attr-defined]
_D = m.AqdDeclaration.__table__  # type: ignore[attr-defined]
_C = m.Centre.__table__  # type: ignore[attr-defined]
_P = m.Programme.__table__  # type: ignore[attr-defined]
_S = m.Setting.__table__  # type: ignore[attr-defined]
_COV = m.AqdCoverage.__table__  # type: ignore[attr-defined]
__all__ = ["coverage"]


@dataclass(frozen=True)
class Declaration:
    id: int
    centre_number: str
    centre_name: str
    academic_year: str
    status: str
    bank_version: str
    submitted_at: dt.datetime | None
    submitted_by: str | None

    @property
    def entity_id(self) -> str:
        return f"{self.centre_number}/{self.academic_year}"

    @property
    def submitted(self) -> bool:
        return self.status == SUBMITTED


def _declaration(session: Session, centre: str, year: str) -> Declaration | None:
    row = session.execute(
        select(_D, _C.c.number, _C.c.name)
        .join(_C, _C.c.id == _D.c.centre_id)
        .where(_C.c.number == centre, _D.c.academic_year == year)
    ).first()
    if row is None:
        return None
    return Declaration(
        id=row.id,
        centre_number=row.number,
        centre_name=row.name,
        academic_year=row.academic_year,
        status=row.status,
        bank_version=row.bank_version,
        submitted_at=as_utc(row.submitted_at),
        submitted_by=row.submitted_by,
    )


def find_declaration(store: Store, centre: str, year: str) -> Declaration | None:
    with store.session() as session:
        return _declaration(session, centre, year)


def get_declaration(store: Store, centre: str, year: str) -> Declaration:
    found = find_declaration(store, centre, year)
    if found is None:
        raise NotFound(
            f"Centre {centre} has no declaration for {year} yet.",
            hint=f"Start one with `wblqa aqd start --year {year}`.",
        )
    return found


def open_declaration(store: Store, centre: str, year: str, bank_version: str) -> Declaration:
    """The declaration of ``centre`` for ``year``, created (open) if there is none."""
    with store.session() as session:
        found = _declaration(session, centre, year)
        if found is not None:
            return found
        centre_id = session.execute(select(_C.c.id).where(_C.c.number == centre)).scalar_one()
        session.execute(
            insert(_D).values(
                centre_id=centre_id,
                academic_year=year,
                status=OPEN,
                bank_version=bank_version,
                created_at=m.utcnow(),
            )
        )
        audit.append(
            session, "aqd.start", ENTITY, f"{centre}/{year}", f"Declaration {year} started"
        )
        created = _declaration(session, centre, year)
        assert created is not None
        return created


def _answers(session: Session, declaration_id: int, bank: Bank) -> dict[Key, Answer]:
    rows = session.execute(
        select(
            _A.c.programme_code,
            _A.c.question_id,
            _A.c.value,
            _A.c.comment,
            _A.c.answered_at,
            _A.c.answered_by,
        )
        .where(_A.c.declaration_id == declaration_id)
        .order_by(_A.c.id)  # the order given, on every engine
    )
    own = {
        (r.programme_code, r.question_id): Answer(
            decode(bank.get(r.question_id), r.value),
            r.comment,
            as_utc(r.answered_at),
            r.answered_by,
        )
        for r in rows
    }
    return with_facts_and_groups(session, declaration_id, own)


def load_answers(store: Store, declaration_id: int, bank: Bank) -> dict[Key, Answer]:
    with store.session() as session:
        return _answers(session, declaration_id, bank)


def previous_answers(store: Store, centre: str, year: str, bank: Bank) -> dict[Key, Answer]:
    """The answers of ``centre``'s declaration for ``year`` if it was submitted, else none."""
    with store.session() as session:
        found = _declaration(session, centre, year)
        if found is None or not found.submitted:
            return {}
        return _answers(session, found.id, bank)


def _refuse_if_submitted(session: Session, declaration: Declaration) -> None:
    status = session.execute(select(_D.c.status).where(_D.c.id == declaration.id)).scalar_one()
    if status == SUBMITTED:
        raise ActionNeeded(
            f"The {declaration.academic_year} declaration of centre "
            f"{declaration.centre_number} is submitted; its answers are locked.",
            hint=f"To change an answer, first run `wblqa aqd reopen --year "
            f"{declaration.academic_year} --reason TEXT`.",
        )


def bulk_insert_answers(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert many answers with one Core statement (the bulk path: no ORM objects)."""
    if rows:
        session.execute(insert(_A), list(rows))


def save_answers(
    store: Store,
    declaration: Declaration,
    given: Sequence[Given],
    bank_version: str,
    *,
    how: str,
) -> int:
    """Save answers in one transaction with an audit entry each; returns how many changed.

    An answer equal to the saved one (value and comment) is left alone.
    Refused (exit 1) while the declaration is submitted.
    """
    now = m.utcnow()
    user = audit.current_user()
    changed = 0
    with store.session() as session:
        _refuse_if_submitted(session, declaration)
        facts = [g for g in given if g.programme is not None and g.question_id in FACT_QUESTIONS]
        given = [g for g in given if g not in facts]
        changed += save_facts(session, declaration.academic_year, facts, how=how, user=user)
        existing = {
            (r.programme_code, r.question_id): r
            for r in session.execute(
                select(
                    _A.c.id, _A.c.programme_code, _A.c.question_id, _A.c.value, _A.c.comment
                ).where(_A.c.declaration_id == declaration.id)
            )
        }
        new_rows: list[dict[str, Any]] = []
        for g in given:
            text = encode(g.value)
            old = existing.get(g.key)
            if old is not None and old.value == text and old.comment == g.comment:
                continue
            values = {
                "value": text,
                "comment": g.comment,
                "answered_at": now,
                "answered_by": user,
                "bank_version": bank_version,
            }
            if old is None:
                new_rows.append(
                    {
                        "declaration_id": declaration.id,
                        "programme_code": g.programme,
                        "question_id": g.question_id,
                        **values,
                    }
                )
            else:
                session.execute(update(_A).where(_A.c.id == old.id).values(**values))
            scope = g.programme or "centre"
            audit.append(
                session,
                "aqd.answer",
                ENTITY,
                declaration.entity_id,
                f"{scope} {g.question_id}: {display(g.value) or '(left blank)'}",
                {
                    "programme": g.programme,
                    "question": g.question_id,
                    "value": encode(g.value),
                    "previous": None if old is None else old.value,
                    "comment": g.comment,
                    "how": how,
                },
                user=user,
            )
            changed += 1
        bulk_insert_answers(session, new_rows)
    return changed


def submit(
    store: Store,
    declaration: Declaration,
    bank: Bank,
    check: Callable[[dict[Key, Answer]], None],
    covered: Sequence[str] = (),
) -> None:
    """Lock the declaration. ``check`` sees the saved answers and raises if incomplete.

    ``covered``: the programmes it covers, kept with it so that programmes
    added later never join it.
    """
    with store.session() as session:
        _refuse_if_submitted(session, declaration)
        check(_answers(session, declaration.id, bank))
        session.execute(delete(_COV).where(_COV.c.declaration_id == declaration.id))
        if covered:
            session.execute(
                insert(_COV),
                [{"declaration_id": declaration.id, "programme_code": c} for c in sorted(covered)],
            )
        user = audit.current_user()
        session.execute(
            update(_D)
            .where(_D.c.id == declaration.id)
            .values(status=SUBMITTED, submitted_at=m.utcnow(), submitted_by=user)
        )
        audit.append(
            session,
            "aqd.submit",
            ENTITY,
            declaration.entity_id,
            f"Declaration {declaration.academic_year} submitted",
            {"bank_version": bank.version, "programmes": sorted(covered)},
            user=user,
        )


def reopen(store: Store, declaration: Declaration, reason: str) -> None:
    with store.session() as session:
        status = session.execute(select(_D.c.status).where(_D.c.id == declaration.id)).scalar_one()
        if status != SUBMITTED:
            raise InputError(
                f"The {declaration.academic_year} declaration of centre "
                f"{declaration.centre_number} is not submitted, so there is nothing to reopen."
            )
        session.execute(
            update(_D)
            .where(_D.c.id == declaration.id)
            .values(status=OPEN, submitted_at=None, submitted_by=None)
        )
        session.execute(delete(_COV).where(_COV.c.declaration_id == declaration.id))
        audit.append(
            session,
            "aqd.reopen",
            ENTITY,
            declaration.entity_id,
            f"Declaration {declaration.academic_year} reopened: {reason}",
            {"reason": reason},
        )


# ---------------------------------------------------------------- deadlines


def user_deadlines(store: Store) -> dict[str, dt.date]:
    """Deadlines a user set, by academic year label."""
    with store.session() as session:
        rows = session.execute(
            select(_S.c.key, _S.c.value).where(_S.c.key.startswith(DEADLINE_KEY))
        ).all()
    out: dict[str, dt.date] = {}
    for key, value in rows:
        try:
            out[key.removeprefix(DEADLINE_KEY)] = dt.date.fromisoformat(value)
        except ValueError:
            continue
    return out


def set_deadline(store: Store, year: str, day: dt.date) -> dt.date | None:
    """Record a user-set deadline for ``year``; returns the one it replaced, if any."""
    key = DEADLINE_KEY + year
    with store.session() as session:
        old = session.execute(select(_S.c.value).where(_S.c.key == key)).scalar_one_or_none()
        if old is None:
            session.execute(insert(_S).values(key=key, value=day.isoformat()))
        else:
            session.execute(update(_S).where(_S.c.key == key).values(value=day.isoformat()))
        audit.append(
            session,
            "aqd.deadline",
            ENTITY,
            year,
            f"AQD deadline for {year} set to {day.isoformat()}",
            {"previous": old, "deadline": day.isoformat()},
        )
    return dt.date.fromisoformat(old) if old else None


# ------------------------------------------------------------------- export


@dataclass(frozen=True)
class ExportRow:
    """The fields of a row :func:`wblqa_cli.store.aqd_export.export_rows` streams."""

    programme_code: str | None
    programme_title: str | None
    question_id: str
    value: str  # JSON text
    comment: str | None
    answered_at: dt.datetime
    answered_by: str
    from_group: str | None = None  # a group's answer, given once for its members
