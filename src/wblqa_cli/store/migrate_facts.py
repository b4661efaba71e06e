"""Migration 9's data step: programme facts from their two old homes into one.

Expected certification dates and Direct Claims Status were kept on the
programme (``dcs_expiry``, ``expected_certification``) and as AQD answers.
The programme's DCS expiry is recorded for the academic year of the
migration (how things stand now), each expected date for the year it falls
in; an AQD answer for the year of its declaration, winning over the
programme's copy of the same year (expected dates: both kept). The old
copies then go. ``first_year``: None (every year) for a programme
registered before its centre's first declaration, else the year it was
registered or first answered for. ``aqd_coverage`` of a submitted
declaration: the programmes it answered for.

Reads the programme's own copy (``programme.dcs_expiry``, the
``expected_certification`` table) and the AQD's answers to the fact
questions, and writes one ``programme_fact`` record per programme, year and
question. Nothing is lost: expected dates from both places are kept
together, and the AQD's answers keep their comments, times and authors.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlalchemy as sa

from wblqa_cli.dates import AcademicYear
from wblqa_cli.registry.facts import DCS_EXPIRY, DCS_HELD, EXPECTED, FACT_QUESTIONS

_TS = sa.DateTime(timezone=True)
PROGRAMME = sa.table(
    "programme",
    sa.column("id", sa.Integer()),
    sa.column("code", sa.String()),
    sa.column("dcs_expiry", sa.Date()),
    sa.column("created_at", _TS),
    sa.column("first_year", sa.String()),
    sa.column("centre_id", sa.Integer()),
)
EXPECTED_OLD = sa.table(
    "expected_certification", sa.column("programme_id", sa.Integer()), sa.column("date", sa.Date())
)
ANSWER = sa.table(
    "aqd_answer",
    sa.column("id", sa.Integer()),
    sa.column("declaration_id", sa.Integer()),
    sa.column("programme_code", sa.String()),
    sa.column("question_id", sa.String()),
    sa.column("value", sa.Text()),
    sa.column("comment", sa.Text()),
    sa.column("answered_at", _TS),
    sa.column("answered_by", sa.String()),
)
DECLARATION = sa.table(
    "aqd_declaration",
    sa.column("id", sa.Integer()),
    sa.column("academic_year", sa.String()),
    sa.column("status", sa.String()),
    sa.column("centre_id", sa.Integer()),
    sa.column("created_at", _TS),
)
FACT = sa.table(
    "programme_fact",
    sa.column("programme_id", sa.Integer()),
    sa.column("academic_year", sa.String()),
    sa.column("question_id", sa.String()),
    sa.column("value", sa.Text()),
    sa.column("comment", sa.Text()),
    sa.column("set_at", _TS),
    sa.column("set_by", sa.String()),
)
COVERAGE = sa.table(
    "aqd_coverage",
    sa.column("declaration_id", sa.Integer()),
    sa.column("programme_code", sa.String()),
)


def _year(at: dt.datetime | dt.date) -> str:
    day = at.date() if isinstance(at, dt.datetime) else at
    return AcademicYear.containing(day).label


def _first_year(programme: Any, declarations: list[Any], now: dt.datetime) -> str | None:
    """None (every year) for a programme registered before its centre's first declaration."""
    created = programme.created_at or now
    started = [d.created_at for d in declarations if d.centre_id == programme.centre_id]
    if not started or _utc(created) <= min(_utc(d) for d in started):
        return None
    return _year(created)


def _utc(at: dt.datetime) -> dt.datetime:
    return at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at


def _iso_dates(text: str) -> set[str]:
    value = json.loads(text)
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {str(v) for v in value}
    return set()


def move(conn: sa.Connection) -> None:
    now = dt.datetime.now(dt.UTC)
    programmes = {r.code: r for r in conn.execute(sa.select(PROGRAMME))}
    by_id = {r.id: r for r in programmes.values()}
    records: dict[tuple[int, str, str], dict[str, Any]] = {}
    declarations = list(conn.execute(sa.select(DECLARATION)))
    first: dict[int, str | None] = {
        r.id: _first_year(r, declarations, now) for r in programmes.values()
    }

    def record(pid: int, year: str, question: str, value: str, **meta: Any) -> None:
        records[(pid, year, question)] = {
            "programme_id": pid,
            "academic_year": year,
            "question_id": question,
            "value": value,
            "comment": meta.get("comment"),
            "set_at": meta.get("set_at") or now,
            "set_by": meta.get("set_by") or "wblqa (schema 9)",
        }

    # The programme's own copy first; the AQD's answers of the same year win below.
    for r in programmes.values():
        if r.dcs_expiry is not None:  # as it stands now: the year of the migration
            year = _year(now)
            record(r.id, year, DCS_HELD, "true")
            record(r.id, year, DCS_EXPIRY, json.dumps(r.dcs_expiry.isoformat()))
    expected: dict[tuple[int, str], set[str]] = {}
    for pid, day in conn.execute(sa.select(EXPECTED_OLD.c.programme_id, EXPECTED_OLD.c.date)):
        expected.setdefault((pid, _year(day)), set()).add(day.isoformat())

    years = {r.id: (r.academic_year, r.status) for r in declarations}
    moved: list[int] = []
    covered: set[tuple[int, str]] = set()
    for a in conn.execute(sa.select(ANSWER).order_by(ANSWER.c.id)):
        if a.programme_code is None:
            continue
        year, status = years[a.declaration_id]
        if status == "submitted":
            covered.add((a.declaration_id, a.programme_code))
        p = programmes.get(a.programme_code)
        if p is None:
            continue
        known = first[p.id]
        first[p.id] = None if known is None else min(known, year)
        if a.question_id not in FACT_QUESTIONS:
            continue
        meta = {"comment": a.comment, "set_at": a.answered_at, "set_by": a.answered_by}
        if a.question_id == EXPECTED:
            dates = expected.setdefault((p.id, year), set())
            dates |= _iso_dates(a.value)
            record(p.id, year, EXPECTED, "", **meta)  # value filled in below
        else:
            record(p.id, year, a.question_id, a.value, **meta)
        moved.append(a.id)
    for (pid, year), dates in expected.items():
        meta = records.get((pid, year, EXPECTED), {})
        record(pid, year, EXPECTED, json.dumps(sorted(dates)),
               comment=meta.get("comment"), set_at=meta.get("set_at"),
               set_by=meta.get("set_by"))  # fmt: skip
    if records:
        conn.execute(sa.insert(FACT), list(records.values()))
    if covered:
        conn.execute(
            sa.insert(COVERAGE),
            [{"declaration_id": d, "programme_code": c} for d, c in sorted(covered)],
        )
    for pid, since in first.items():
        if pid in by_id and since is not None:
            conn.execute(sa.update(PROGRAMME).where(PROGRAMME.c.id == pid).values(first_year=since))
    for i in range(0, len(moved), 500):
        conn.execute(sa.delete(ANSWER).where(ANSWER.c.id.in_(moved[i : i + 500])))
