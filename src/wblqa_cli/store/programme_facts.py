"""Programme facts in the store: one record per programme, academic year and fact question.

The only place expected certification dates and Direct Claims Status are
kept. ``programme add``/``edit`` and the AQD's answers to the fact
questions (:data:`wblqa_cli.registry.facts.FACT_QUESTIONS`) both write here,
each change with an audit entry giving the value before and after; every
view reads here.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlmodel import Session

from wblqa_cli.errors import ActionNeeded
from wblqa_cli.registry.facts import DCS_EXPIRY, EXPECTED, Fact, FactValue, as_json, show
from wblqa_cli.store import audit
from wblqa_cli.store import models as m
from wblqa_cli.store.engine import as_utc

_F = m.ProgrammeFact.__table__  # type: ignore[attr-defined]
_P = m.Programme.__table__  # type: ignore[attr-defined]
_C = m.Centre.__table__  # type: ignore[attr-defined]
_D = m.AqdDeclaration.__table__  # type: ignore[attr-defined]
_COV = m.AqdCoverage.__table__  # type: ignore[attr-defined]


def encode(question: str, value: FactValue) -> str:
    if isinstance(value, tuple):
        return json.dumps([d.isoformat() for d in sorted(set(value))])
    if isinstance(value, dt.date):
        return json.dumps(value.isoformat())
    return json.dumps(value)


def decode(question: str, text: str) -> FactValue:
    value = json.loads(text)
    if question == EXPECTED:
        items = value if isinstance(value, list) else [value] if value else []
        return tuple(sorted({dt.date.fromisoformat(str(v)) for v in items}))
    if question == DCS_EXPIRY and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if isinstance(value, bool | str) or value is None:
        return value
    return str(value)


def load(session: Session, programme_ids: Iterable[int] | None = None) -> dict[int, list[Fact]]:
    """Every fact recorded, by programme id (only these programmes when ids are given)."""
    query = select(_F, _P.c.code).join(_P, _P.c.id == _F.c.programme_id).order_by(_F.c.id)
    if programme_ids is not None:
        ids = list(programme_ids)
        if not ids:
            return {}
        query = query.where(_F.c.programme_id.in_(ids))
    out: dict[int, list[Fact]] = {}
    for r in session.execute(query):
        out.setdefault(r.programme_id, []).append(
            Fact(
                programme=r.code,
                year=r.academic_year,
                question=r.question_id,
                value=decode(r.question_id, r.value),
                comment=r.comment,
                set_at=as_utc(r.set_at),
                set_by=r.set_by,
            )
        )
    return out


def of_centre_year(session: Session, centre: str, year: str) -> list[Fact]:
    """The facts recorded for ``year`` of every programme of ``centre``."""
    ids = session.execute(
        select(_P.c.id).join(_C, _C.c.id == _P.c.centre_id).where(_C.c.number == centre)
    ).scalars()
    return [f for facts in load(session, ids).values() for f in facts if f.year == year]


def locked_by(session: Session, programme_id: int, code: str, year: str) -> str | None:
    """The centre/year of a submitted declaration covering this programme in ``year``, if any."""
    row = session.execute(
        select(_C.c.number)
        .select_from(_D.join(_C, _C.c.id == _D.c.centre_id))
        .join(_COV, _COV.c.declaration_id == _D.c.id)
        .join(_P, _P.c.centre_id == _C.c.id)
        .where(
            _P.c.id == programme_id,
            _D.c.academic_year == year,
            _D.c.status == "submitted",
            _COV.c.programme_code == code,
        )
    ).first()
    return None if row is None else f"{row.number}/{year}"


def write(
    session: Session,
    programme_id: int,
    code: str,
    year: str,
    values: Mapping[str, FactValue],
    *,
    how: str,
    comments: Mapping[str, str | None] | None = None,
    user: str | None = None,
) -> int:
    """Record facts of ``code`` for ``year``; an audit entry per change. Returns how many changed.

    Refused while a submitted declaration of that year covers the programme:
    its answers are locked until it is reopened.
    """
    if not values:
        return 0
    locked = locked_by(session, programme_id, code, year)
    if locked is not None:
        raise ActionNeeded(
            f"The {year} declaration ({locked}) covering programme {code} is submitted; "
            "its facts for that year are locked.",
            hint=f"Reopen it first with `wblqa aqd reopen --year {year} --reason TEXT`, "
            "or change the facts of another year with --year.",
        )
    existing = {
        r.question_id: r
        for r in session.execute(
            select(_F).where(_F.c.programme_id == programme_id, _F.c.academic_year == year)
        )
    }
    who = user or audit.current_user()
    now = m.utcnow()
    count = 0
    for question, value in values.items():
        text = encode(question, value)
        comment = (comments or {}).get(question)
        old = existing.get(question)
        if old is not None and old.value == text and old.comment == comment:
            continue
        row = {"value": text, "comment": comment, "set_at": now, "set_by": who}
        if old is None:
            session.execute(
                insert(_F).values(
                    programme_id=programme_id, academic_year=year, question_id=question, **row
                )
            )
        else:
            session.execute(update(_F).where(_F.c.id == old.id).values(**row))
        before = None if old is None else decode(question, old.value)
        details: dict[str, Any] = {
            "programme": code,
            "year": year,
            "question": question,
            "how": how,
            "before": as_json(before),
            "after": as_json(value),
        }
        if comment is not None:
            details["comment"] = comment
        audit.append(
            session,
            "programme.fact",
            "programme",
            code,
            f"{code} {year} {question}: {show(before)} → {show(value)}",
            details,
            user=who,
        )
        count += 1
    return count


def forget(session: Session, programme_id: int) -> None:
    session.execute(delete(_F).where(_F.c.programme_id == programme_id))
