"""The AQD's side of programme facts and coverage.

Answers to the fact questions (expected certification dates, Direct Claims
Status) are the programme's facts for the declaration's year: they are read
from and written to :mod:`wblqa_cli.store.programme_facts`, never kept as
answers. A submitted declaration keeps the programmes it covered.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlmodel import Session

from wblqa_cli.aqd.answers import Answer, Given, Key
from wblqa_cli.errors import NotFound
from wblqa_cli.store import models as m
from wblqa_cli.store import programme_facts
from wblqa_cli.store.engine import Store

SUBMITTED = "submitted"
_C = m.Centre.__table__  # type: ignore[attr-defined]
_D = m.AqdDeclaration.__table__  # type: ignore[attr-defined]
_P = m.Programme.__table__  # type: ignore[attr-defined]
_COV = m.AqdCoverage.__table__  # type: ignore[attr-defined]


def with_facts_and_groups(
    session: Session, declaration_id: int, own: dict[Key, Answer]
) -> dict[Key, Answer]:
    """A declaration's answers: its own, the programme facts of its year, then each group's
    answers for the members that have not answered themselves."""
    from wblqa_cli.aqd.groups import expand
    from wblqa_cli.store.aqd_groups import groups_in

    where = session.execute(
        select(_C.c.number, _D.c.academic_year)
        .join(_C, _C.c.id == _D.c.centre_id)
        .where(_D.c.id == declaration_id)
    ).first()
    if where is None:
        return own
    answers = own | fact_answers(session, declaration_id)
    return expand(answers, groups_in(session, where.number, where.academic_year))


def fact_answers(session: Session, declaration_id: int) -> dict[Key, Answer]:
    """The programme facts of the declaration's centre and year, as its answers."""
    where = session.execute(
        select(_C.c.number, _D.c.academic_year)
        .join(_C, _C.c.id == _D.c.centre_id)
        .where(_D.c.id == declaration_id)
    ).first()
    if where is None:
        return {}
    return {
        (f.programme, f.question): Answer(f.value, f.comment, f.set_at, f.set_by)  # type: ignore[arg-type]
        for f in programme_facts.of_centre_year(session, where.number, where.academic_year)
    }


def coverage(store: Store, declaration_id: int) -> list[str] | None:
    """The programme codes a submitted declaration covers, fixed when it was submitted."""
    with store.session() as session:
        status = session.execute(select(_D.c.status).where(_D.c.id == declaration_id)).scalar()
        if status != SUBMITTED:
            return None
        return list(
            session.execute(
                select(_COV.c.programme_code)
                .where(_COV.c.declaration_id == declaration_id)
                .order_by(_COV.c.programme_code)
            ).scalars()
        )


def save_facts(session: Session, year: str, given: Sequence[Given], *, how: str, user: str) -> int:
    """AQD answers that are programme facts: written to the programme's record for the year."""
    if not given:
        return 0
    ids = dict(
        session.execute(
            select(_P.c.code, _P.c.id).where(_P.c.code.in_({g.programme for g in given}))
        ).all()
    )
    changed = 0
    for g in given:
        if g.programme not in ids:
            raise NotFound(f"Programme {g.programme!r} is not registered.")
        changed += programme_facts.write(
            session,
            ids[g.programme],
            g.programme,  # type: ignore[arg-type]
            year,
            {g.question_id: g.value},  # type: ignore[dict-item]
            how=f"aqd {how}",
            comments={g.question_id: g.comment},
            user=user,
        )
    return changed


def facts_as_answers(store: Store, centre: str, year: str) -> dict[Key, Answer]:
    """The fact answers of a declaration not started yet: the programmes' facts of ``year``."""
    with store.session() as session:
        return {
            (f.programme, f.question): Answer(f.value, f.comment, f.set_at, f.set_by)  # type: ignore[arg-type]
            for f in programme_facts.of_centre_year(session, centre, year)
        }
