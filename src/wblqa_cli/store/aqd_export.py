"""The AQD export's reads, in SQLAlchemy Core alone: no ORM model is imported.

``wblqa aqd export`` is a read of one declaration's answers. Loading the
SQLModel classes (and pydantic under them) costs more than reading 50,000
answers, so this module names the few columns it reads with lightweight
``table()``/``column()`` clauses; a test checks each against the models.

:func:`export_target` is the fast path to the declaration: it answers only
when the answer is plain (the centre named, or the only one, and its
declaration exists). Otherwise it returns ``None`` and the caller goes the
general way (:func:`wblqa_cli.store.aqd.get_declaration`), which says what
is wrong: the results are the same, the errors are that path's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from wblqa_cli.registry.facts import FACT_QUESTIONS
from wblqa_cli.store.engine import Store

ANSWER = sa.table(
    "aqd_answer",
    sa.column("id", sa.Integer()),
    sa.column("declaration_id", sa.Integer()),
    sa.column("programme_code", sa.String()),
    sa.column("question_id", sa.String()),
    sa.column("value", sa.Text()),
    sa.column("comment", sa.Text()),
    sa.column("answered_at", sa.DateTime(timezone=True)),
    sa.column("answered_by", sa.String()),
)
DECLARATION = sa.table(
    "aqd_declaration",
    sa.column("id", sa.Integer()),
    sa.column("centre_id", sa.Integer()),
    sa.column("academic_year", sa.String()),
)
GROUP = sa.table(
    "aqd_group",
    sa.column("id", sa.Integer()),
    sa.column("centre_id", sa.Integer()),
    sa.column("academic_year", sa.String()),
    sa.column("name", sa.String()),
)
MEMBER = sa.table(
    "aqd_group_member",
    sa.column("group_id", sa.Integer()),
    sa.column("programme_code", sa.String()),
)
CENTRE = sa.table("centre", sa.column("id", sa.Integer()), sa.column("number", sa.String()))
PROGRAMME = sa.table(
    "programme",
    sa.column("id", sa.Integer()),
    sa.column("code", sa.String()),
    sa.column("title", sa.String()),
    sa.column("centre_id", sa.Integer()),
)
FACT = sa.table(
    "programme_fact",
    sa.column("id", sa.Integer()),
    sa.column("programme_id", sa.Integer()),
    sa.column("academic_year", sa.String()),
    sa.column("question_id", sa.String()),
    sa.column("value", sa.Text()),
    sa.column("comment", sa.Text()),
    sa.column("set_at", sa.DateTime(timezone=True)),
    sa.column("set_by", sa.String()),
)


def export_target(store: Store, centre: str | None, year: str) -> tuple[int, str] | None:
    """(declaration id, centre number) when plain; ``None`` sends the caller the general way."""
    with store.engine.connect() as conn:
        if centre is None:
            numbers = conn.execute(sa.select(CENTRE.c.number).limit(2)).scalars().all()
            if len(numbers) != 1:
                return None
            centre = numbers[0]
        found = conn.execute(
            sa.select(DECLARATION.c.id, CENTRE.c.number)
            .join(CENTRE, CENTRE.c.id == DECLARATION.c.centre_id)
            .where(CENTRE.c.number == centre, DECLARATION.c.academic_year == year)
        ).first()
    return None if found is None else (int(found[0]), str(found[1]))


def export_rows(store: Store, declaration_id: int, *, batch: int = 5000) -> Iterator[Any]:
    """Every answer of a declaration, centre first then by programme code, streamed.

    The programme facts of the declaration's centre and year (expected
    certification dates, Direct Claims Status) are its answers to the fact
    questions: they come from ``programme_fact``, in the same stream.

    Rows with the fields of :class:`wblqa_cli.store.aqd.ExportRow`
    (``answered_at`` may be naive: it is UTC), as the driver hands them: no
    object is built per row.
    """
    a, p, f, d = ANSWER.c, PROGRAMME.c, FACT.c, DECLARATION.c
    answers = (
        sa.select(
            a.programme_code,
            p.title.label("programme_title"),
            a.question_id,
            a.value,
            a.comment,
            a.answered_at,
            a.answered_by,
            sa.literal(0).label("kind"),
            a.id.label("seq"),
            sa.null().label("from_group"),
        )
        .select_from(ANSWER.outerjoin(PROGRAMME, p.code == a.programme_code))
        .where(
            a.declaration_id == declaration_id,
            sa.or_(a.programme_code.is_(None), ~a.programme_code.startswith("group:")),
        )
    )
    facts = (
        sa.select(
            p.code.label("programme_code"),
            p.title.label("programme_title"),
            f.question_id,
            f.value,
            f.comment,
            f.set_at.label("answered_at"),
            f.set_by.label("answered_by"),
            sa.literal(1).label("kind"),
            f.id.label("seq"),
            sa.null().label("from_group"),
        )
        .select_from(
            FACT.join(PROGRAMME, p.id == f.programme_id).join(
                DECLARATION, sa.and_(d.centre_id == p.centre_id, d.academic_year == f.academic_year)
            )
        )
        .where(d.id == declaration_id)
    )
    both = sa.union_all(answers, facts, _group_rows(declaration_id)).subquery()
    u = both.c
    query = sa.select(
        u.programme_code,
        u.programme_title,
        u.question_id,
        u.value,
        u.comment,
        u.answered_at,
        u.answered_by,
        u.from_group,
    ).order_by(u.programme_code.is_not(None), u.programme_code, u.kind, u.seq)
    with store.engine.connect() as conn:
        yield from conn.execution_options(yield_per=batch).execute(query)


def _group_rows(declaration_id: int) -> sa.Select[Any]:
    """Each group answer once per member that has not answered the question itself."""
    a, p, d, g, m = ANSWER.c, PROGRAMME.c, DECLARATION.c, GROUP.c, MEMBER.c
    own = sa.alias(ANSWER, "own")
    return (
        sa.select(
            m.programme_code,
            p.title.label("programme_title"),
            a.question_id,
            a.value,
            a.comment,
            a.answered_at,
            a.answered_by,
            sa.literal(2).label("kind"),
            a.id.label("seq"),
            g.name.label("from_group"),
        )
        .select_from(
            ANSWER.join(DECLARATION, d.id == a.declaration_id)
            .join(
                GROUP,
                sa.and_(
                    g.centre_id == d.centre_id,
                    g.academic_year == d.academic_year,
                    a.programme_code == sa.literal("group:") + g.name,
                ),
            )
            .join(MEMBER, m.group_id == g.id)
            .outerjoin(PROGRAMME, p.code == m.programme_code)
        )
        .where(
            a.declaration_id == declaration_id,
            a.question_id.not_in(FACT_QUESTIONS),
            ~sa.exists().where(
                own.c.declaration_id == a.declaration_id,
                own.c.programme_code == m.programme_code,
                own.c.question_id == a.question_id,
            ),
        )
    )
