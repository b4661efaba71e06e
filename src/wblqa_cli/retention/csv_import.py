"""``retention import``: every row of a CSV checked into a new record, in one pass.

The import writes, so one pass is enough: each row is checked and inserted in
batches inside one transaction, which the first bad row rolls back (see
:func:`checked_import`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hashlib import _Hash as Hash

from wblqa_cli.errors import InputError
from wblqa_cli.retention.deadline import DateCells, Triggers, top_up_cell
from wblqa_cli.retention.records import DeadlineMemo, NewRecord, build_record
from wblqa_cli.retention.rules import Rules, load_rules
from wblqa_cli.retention.source import Source, cell_where, lazy_where
from wblqa_cli.safetext import quoted

IMPORT_REQUIRED = ("id", "programme", "kind", "certified", "received")
IMPORT_OPTIONAL = ("cohort", "learner", "top_up_received", "hold")


def import_records(
    source: Source,
    known_programmes: set[str],
    rules: Rules | None = None,
    digest: Hash | None = None,
) -> Iterator[NewRecord]:
    """Every row of an import file as a checked :class:`NewRecord`, in file order."""
    rules = rules or load_rules()
    cells = DateCells()
    memo: DeadlineMemo = {}
    name = source.name
    reader = source.reader(IMPORT_REQUIRED, IMPORT_OPTIONAL, digest)
    has_top_up = "top_up_received" in reader.header
    known = cells.known  # a date seen before needs no context
    for line, row in reader:

        def at(column: str, line: int = line) -> str:
            return cell_where(name, line, column)

        programme = row["programme"]
        if programme not in known_programmes:
            raise InputError(
                f"{at('programme')}: programme {quoted(programme)} is not registered."
                if programme
                else f"{at('programme')}: empty; every record belongs to a programme.",
                hint="Register it first with `wblqa programme add CODE --title TITLE`.",
            )
        top_up, pending = (
            top_up_cell(cells, row["top_up_received"], lazy_where(name, line, "top_up_received"))
            if has_top_up
            else (None, False)
        )
        yield build_record(
            line=line,
            ref=row["id"],
            programme=programme,
            kind=row["kind"],
            cohort=row.get("cohort"),
            learner=row.get("learner"),
            triggers=Triggers(
                certified=known(row["certified"])
                or cells.parse(row["certified"], lazy_where(name, line, "certified")),
                received=known(row["received"])
                or cells.parse(row["received"], lazy_where(name, line, "received")),
                top_up_received=top_up,
                top_up_pending=pending,
            ),
            hold=row.get("hold"),
            at=at,
            rules=rules,
            memo=memo,
        )


def checked_import(
    source: Source,
    known_programmes: set[str],
    digest: Hash | None = None,
) -> Iterator[NewRecord]:
    """Every row of an import file checked, ids unique within the file, in one pass.

    Raises :class:`InputError` on the first bad row (after yielding the rows
    before it: the caller writes them in a transaction it rolls back), and at
    the end if there were no rows. ``digest`` is fed the file's bytes.
    """
    seen: dict[str, int] = {}
    name = source.name
    for record in import_records(source, known_programmes, digest=digest):
        first = seen.get(record.ref)
        if first is not None:
            raise InputError(
                f"{cell_where(name, record.line, 'id')}: {quoted(record.ref)} is already on "
                f"line {first}."
            )
        seen[record.ref] = record.line
        yield record
    if not seen:
        raise InputError(f"{name}: no records after the header.")
