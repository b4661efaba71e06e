"""What the calendar reads that no other view does: the store's id, change times, groups.

The store's random id (made by migration 6) keeps calendar UIDs unique
across stores; an arrangement's change time gives its events ``SEQUENCE``
and ``LAST-MODIFIED``; retention disposal groups carry their first record id,
which names the event whatever day it falls on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from wblqa_cli.errors import StoreError
from wblqa_cli.store import models as m
from wblqa_cli.store.engine import Store, as_utc

STORE_ID_KEY = "store_id"

_S = m.Setting.__table__  # type: ignore[attr-defined]
_R = m.RetentionRecord.__table__  # type: ignore[attr-defined]
_A = m.ArrangementRow.__table__  # type: ignore[attr-defined]


def store_id(store: Store) -> str:
    """The store's random id, made once when it was created (or upgraded to schema 6)."""
    with store.engine.connect() as conn:
        found = conn.execute(sa.select(_S.c.value).where(_S.c.key == STORE_ID_KEY)).scalar()
    if not found:
        raise StoreError(
            f"The store {store.location.display} has no id (its 'store_id' setting is missing).",
            hint="Run `wblqa db check`; restore the store from a backup if it was edited by hand.",
        )
    return str(found)


@dataclass(frozen=True)
class Changed:
    created: datetime
    updated: datetime


def arrangement_changes(store: Store) -> dict[str, Changed]:
    """Each stored arrangement's creation and last change time (UTC), by name."""
    query = sa.select(_A.c.name, _A.c.created_at, _A.c.updated_at)
    out: dict[str, Changed] = {}
    with store.engine.connect() as conn:
        for name, created, updated in conn.execute(query):
            first, last = as_utc(created), as_utc(updated)
            if first is not None and last is not None:  # both NOT NULL in the schema
                out[name] = Changed(first, last)
    return out


def disposal_groups(store: Store, start: date, end: date) -> list[tuple[date, str, int, str]]:
    """(dispose_from, kind, count, first record id) of records not disposed of nor on hold."""
    query = (
        sa.select(_R.c.dispose_from, _R.c.kind, sa.func.count(), sa.func.min(_R.c.ref))
        .where(
            _R.c.disposed_at.is_(None),
            _R.c.hold_reason.is_(None),
            _R.c.dispose_from >= start,
            _R.c.dispose_from <= end,
        )
        .group_by(_R.c.dispose_from, _R.c.kind)
        .order_by(_R.c.dispose_from, _R.c.kind)
    )
    with store.engine.connect() as conn:
        return [(row[0], row[1], int(row[2]), str(row[3])) for row in conn.execute(query)]
