"""The AQD export: one record per answer that counts, in walk order, for CSV or JSON."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from wblqa_cli.aqd.answers import decode, to_json_value
from wblqa_cli.aqd.bank import Bank, Question
from wblqa_cli.aqd.walk import applicable

EXPORT_COLUMNS = (
    "academic_year",
    "centre_number",
    "programme_code",
    "programme_title",
    "section",
    "question_id",
    "question",
    "answer",
    "comment",
    "answered_at",
    "answered_by",
    "flagged",
    "from_group",  # the group whose answer it is (aqd group), else empty
)


def export_records(
    bank: Bank, year: str, centre: str, rows: Iterable[Any]
) -> Iterable[dict[str, Any]]:
    """One record per answer that counts, in walk order within each scope.

    ``rows`` come grouped by programme (centre first), as the store streams
    them; only one scope is held at a time. Answers to questions whose
    condition no longer holds are left out (they are not part of the
    declaration); answers to questions since retired from the bank are kept.
    A naive ``answered_at`` (SQLite hands them back so) is UTC, as stored.
    """
    for values in export_values(bank, year, centre, rows):
        yield dict(zip(EXPORT_COLUMNS, values, strict=True))


def export_values(
    bank: Bank, year: str, centre: str, rows: Iterable[Any]
) -> Iterable[tuple[Any, ...]]:
    """:func:`export_records` as tuples in :data:`EXPORT_COLUMNS` order (the CSV's path).

    Fast path: a declaration repeats the same few answers over many
    programmes, so the decoding of a stored value is remembered (a bounded
    cache of a pure function), as are each question's section and wording.
    """
    order = {q.id: i for i, q in enumerate(bank.questions)}
    last = len(order)
    scopes = {kind: bank.of_scope(kind) for kind in ("centre", "programme")}
    facts: dict[str, tuple[Question | None, str | None, str | None]] = {}

    def about(qid: str) -> tuple[Question | None, str | None, str | None]:
        found = facts.get(qid)
        if found is None:
            q = bank.get(qid)
            found = facts[qid] = (
                q,
                bank.section(q.section).title if q else None,
                q.question if q else None,
            )
        return found

    @lru_cache(maxsize=4096)
    def answer(qid: str, text: str) -> tuple[Any, ...]:
        """(question, value, section, wording, value as JSON, flagged) of a stored answer."""
        q, section, wording = about(qid)
        value = decode(q, text)
        flagged = q is not None and q.flags(value)
        return q, value, section, wording, to_json_value(value), flagged

    stamps: dict[datetime, str] = {}

    def stamp(at: datetime) -> str:
        found = stamps.get(at)
        if found is None:
            if len(stamps) > 4096:
                stamps.clear()
            aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
            found = stamps[at] = aware.isoformat(timespec="seconds")
        return found

    plans: dict[tuple[object, ...], tuple[int, ...]] = {}

    def plan(scope: list[Any], facts: list[tuple[Any, ...]]) -> tuple[int, ...]:
        """Which rows of a scope are exported, in walk order: the same for every scope
        given the same answers, so worked out once per distinct set (bounded)."""
        kind = scope[0].programme_code is None
        key = (kind, *((r.question_id, r.value) for r in scope))
        found = plans.get(key)
        if found is None:
            values = {r.question_id: f[1] for r, f in zip(scope, facts, strict=True)}
            keep = {q.id for q in applicable(scopes["centre" if kind else "programme"], values)}
            ranked = sorted(range(len(scope)), key=lambda i: order.get(scope[i].question_id, last))
            found = tuple(i for i in ranked if facts[i][0] is None or facts[i][0].id in keep)
            if len(plans) > 4096:
                plans.clear()
            plans[key] = found
        return found

    def flush(scope: list[Any]) -> Iterable[tuple[Any, ...]]:
        if not scope:
            return
        facts = [answer(r.question_id, r.value) for r in scope]
        for i in plan(scope, facts):
            r = scope[i]
            _, _, section, wording, value, flagged = facts[i]
            yield (
                year,
                centre,
                r.programme_code,
                r.programme_title,
                section,
                r.question_id,
                wording,
                value,
                r.comment,
                stamp(r.answered_at),
                r.answered_by,
                flagged,
                getattr(r, "from_group", None),
            )

    scope: list[Any] = []
    current: object = object()
    for row in rows:
        if row.programme_code != current:
            yield from flush(scope)
            scope = []
            current = row.programme_code
        scope.append(row)
    yield from flush(scope)
