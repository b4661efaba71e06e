"""Stored retention records as the rows of a spreadsheet (``retention list --format csv|xlsx``).

The same facts as ``retention list --json``, one column each, flat: dates
as dates, hold and disposal as their own columns. Rows are produced one by
one from any iterable of records, so a streamed listing stays streamed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from wblqa_cli.retention.deadline import PENDING
from wblqa_cli.retention.records import StoredRecord
from wblqa_cli.xlsx import Column, columns

LIST_COLUMNS: tuple[Column, ...] = columns(
    "id",
    "programme",
    "kind",
    "cohort",
    "learner",
    "certified",
    "received",
    "top_up_received",
    "retain_until",
    "dispose_from",
    "status",
    "status_reason",
    "hold_reason",
    "held_at",
    "held_by",
    "disposed_at",
    "disposed_by",
    "disposal_note",
    certified="date",
    received="date",
    top_up_received="date",
    retain_until="date",
    dispose_from="date",
    held_at="datetime",
    disposed_at="datetime",
)


def list_rows(records: Iterable[StoredRecord], today: date) -> Iterator[tuple[object, ...]]:
    """One row per record, in :data:`LIST_COLUMNS` order."""
    for r in records:
        yield (
            r.ref,
            r.programme,
            r.kind,
            r.cohort,
            r.learner,
            r.certified,
            r.received,
            PENDING if r.top_up_pending else r.top_up_received,
            r.retain_until,
            r.dispose_from,
            r.status(today),
            r.status_reason(today),
            r.hold_reason,
            r.held_at,
            r.held_by,
            r.disposed_at,
            r.disposed_by,
            r.disposal_note,
        )
