"""Stored collaborative arrangements (``wblqa consortium import/list/show``).

The parsed file is kept as JSON text (the same shape as the TOML file, dates
in ISO form) and read back through the same strict loader, so a stored copy
is always a valid :class:`~wblqa_cli.consortium.model.Arrangement`. The name,
model, year and key dates are columns too, for the AQD and the calendar.
"""

from __future__ import annotations

import json

from sqlmodel import col, select

from wblqa_cli.consortium.loader import arrangement_from_document
from wblqa_cli.consortium.model import Arrangement
from wblqa_cli.errors import NotFound
from wblqa_cli.store import audit
from wblqa_cli.store import models as m
from wblqa_cli.store.engine import Store


def _arrangement(row: m.ArrangementRow) -> Arrangement:
    return arrangement_from_document(json.loads(row.document), f"stored arrangement {row.name!r}")


def save_arrangement(store: Store, arrangement: Arrangement) -> bool:
    """Add or update (by name) one arrangement; returns True when it was new."""
    document = json.dumps(arrangement.to_document(), ensure_ascii=False, sort_keys=True)
    with store.session() as session:
        row = session.exec(
            select(m.ArrangementRow).where(m.ArrangementRow.name == arrangement.name)
        ).first()
        created = row is None
        if row is None:
            row = m.ArrangementRow(
                name=arrangement.name,
                model=arrangement.model,
                academic_year=arrangement.academic_year.label,
                delivery_start=arrangement.delivery_start,
                document=document,
            )
        row.model = arrangement.model
        row.academic_year = arrangement.academic_year.label
        row.delivery_start = arrangement.delivery_start
        row.apply_by = arrangement.apply_by()
        row.application_submitted = arrangement.application_submitted
        row.approved = arrangement.approved
        row.document = document
        row.updated_at = m.utcnow()
        session.add(row)
        verb = "imported" if created else "updated"
        audit.append(
            session,
            f"consortium.{'import' if created else 'update'}",
            "arrangement",
            arrangement.name,
            f"Arrangement {arrangement.name!r} ({arrangement.model}, "
            f"{arrangement.academic_year}) {verb}",
            {"model": arrangement.model, "academic_year": arrangement.academic_year.label},
        )
    return created


def list_arrangements(store: Store) -> list[Arrangement]:
    """Every stored arrangement, by academic year then name (for the AQD and calendar)."""
    with store.session() as session:
        rows = session.exec(
            select(m.ArrangementRow).order_by(
                col(m.ArrangementRow.academic_year), col(m.ArrangementRow.name)
            )
        ).all()
        return [_arrangement(r) for r in rows]


def get_arrangement(store: Store, name: str) -> Arrangement:
    with store.session() as session:
        row = session.exec(select(m.ArrangementRow).where(m.ArrangementRow.name == name)).first()
        if row is None:
            known = session.exec(select(m.ArrangementRow.name)).all()
            raise NotFound(
                f"No stored arrangement is named {name!r}.",
                hint=f"Stored: {', '.join(known)}."
                if known
                else "Store one with `wblqa consortium import FILE`.",
            )
        return _arrangement(row)
