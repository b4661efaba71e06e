"""``wblqa retention`` stored records: add, import, list, show, due, hold, release, dispose."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from wblqa_cli.cli_common import (
    JSON_OPTION,
    QUIET_OPTION,
    as_of,
    count_option,
    date_option,
    store,
)
from wblqa_cli.errors import InputError
from wblqa_cli.output import console, print_json, safe, say, show_progress, table
from wblqa_cli.retention.cli_options import (
    AS_OF,
    KIND_HELP,
    STATUS_HELP,
    checked_kind,
    checked_status,
    kind_label,
)
from wblqa_cli.safetext import quoted
from wblqa_cli.tables import EXCEL_OPTION, FORCE_OPTION, OUTPUT_OPTION, Format, Formats
from wblqa_cli.words import fmt_date, plural

if TYPE_CHECKING:
    from wblqa_cli.json_stream import Streamed
    from wblqa_cli.retention.records import StoredRecord


def add(
    ctx: typer.Context,
    ref: str = typer.Argument(..., metavar="ID", help="Your id for the record (unique)."),
    programme: str = typer.Option(..., "--programme", help="The programme code (registered)."),
    kind: str = typer.Option(..., "--kind", help=KIND_HELP),
    cohort: str | None = typer.Option(None, "--cohort", help="The cohort, e.g. '2023-25 day'."),
    learner: str | None = typer.Option(None, "--learner", help="The learner (name or number)."),
    certified: str | None = typer.Option(None, "--certified", metavar="DATE"),
    received: str | None = typer.Option(None, "--received", metavar="DATE"),
    top_up: str | None = typer.Option(
        None,
        "--top-up-received",
        metavar="DATE|pending",
        help="Top-up route: when the certificates for the largest qualification were "
        "received, or 'pending' while they are not.",
    ),
    hold_reason: str | None = typer.Option(
        None, "--hold", metavar="REASON", help="Put on hold at once (open appeal, ...)."
    ),
) -> None:
    """Store one retention record (a cohort's or a learner's work or QA documents)."""
    from wblqa_cli.retention.deadline import DateCells, Triggers, top_up_cell
    from wblqa_cli.retention.records import build_record
    from wblqa_cli.store.retention_import import add_record

    cells = DateCells()
    up, pending = top_up_cell(cells, top_up or "", "--top-up-received")
    record = build_record(
        line=0,
        ref=ref,
        programme=programme.strip(),
        kind=kind,
        cohort=cohort,
        learner=learner,
        triggers=Triggers(
            certified=date_option(certified, "--certified"),
            received=date_option(received, "--received"),
            top_up_received=up,
            top_up_pending=pending,
        ),
        hold=hold_reason,
        at=lambda column: {"id": "ID", "cohort": "--cohort"}.get(
            column, "--" + column.replace("_", "-")
        ),
    )
    add_record(store(ctx), record)
    when = (
        f"may be disposed of from {fmt_date(record.dispose_from)}"
        if record.dispose_from
        else "no disposal date yet (a trigger date is missing)"
    )
    held = f"; on hold: {record.hold}" if record.hold else ""
    say(
        f"Added {safe(record.ref)} ({kind_label(record.kind)}, {safe(record.programme)}): "
        f"{safe(when)}{safe(held)}."
    )


def import_(
    ctx: typer.Context,
    file: str = typer.Argument(
        ...,
        metavar="FILE|-",
        help="CSV with header id,programme,kind,certified,received"
        "[,cohort][,learner][,top_up_received][,hold]. kind is learner_work or "
        "qa_documents; each row needs a cohort or a learner; a date cell may be empty "
        "(status unknown); top_up_received is a date or 'pending'; hold: empty, no, false, "
        "0 or n means not on hold, any other text is the reason the record is on hold.",
    ),
    quiet: bool = QUIET_OPTION,
) -> None:
    """Import retention records: every row is checked; all are stored, or none."""
    import hashlib

    from wblqa_cli.output import progress
    from wblqa_cli.retention.csv_import import checked_import
    from wblqa_cli.retention.source import open_source
    from wblqa_cli.store.retention_import import StoredAlready, insert_records, programme_ids

    s = store(ctx)
    known = set(programme_ids(s))
    bar = show_progress(quiet)
    digest = hashlib.sha256()
    with open_source(file) as source:
        name = source.name
        try:
            # One pass: each row checked and inserted in batches in one transaction,
            # rolled back by the first bad row.
            with progress("Importing", None, enabled=bar) as p:
                count = insert_records(
                    s,
                    checked_import(source, known, digest),
                    summary=lambda n: f"Imported {plural(n, 'retention record')} from {name}",
                    details=lambda: {"file": name, "sha256": digest.hexdigest()},
                    progress=p.advance,
                )
        except StoredAlready as exc:
            seen = exc.clashes
            first = min(seen, key=seen.__getitem__)
            raise InputError(
                f"{name}, line {seen[first]}, column 'id': {quoted(first)} is stored already"
                + (f" (and {len(seen) - 1} more ids)." if len(seen) > 1 else "."),
                hint="Nothing was imported. Ids must be new; see `wblqa retention list`.",
            ) from None
    say(f"Imported {plural(count, 'retention record')} from {safe(name)}.")


def _record_table(records: Iterable[StoredRecord], today: date) -> Any:
    from wblqa_cli.retention.deadline import Undetermined, deadline

    t = table(
        "Id",
        "Programme",
        "Kind",
        "Cohort / learner",
        "Dispose from",
        "Status",
        "Note",
        whole=("Id", "Programme", "Status"),
    )
    for r in records:
        status = r.status(today)
        note = ""
        if r.hold_reason:
            note = f"held: {r.hold_reason}"
        elif r.disposed_at:
            note = f"disposed {fmt_date(r.disposed_at)} by {r.disposed_by}"
        elif r.dispose_from is None:
            found = deadline(r.kind, r.triggers)
            note = found.reason if isinstance(found, Undetermined) else ""
        t.add_row(
            r.ref,
            r.programme,
            kind_label(r.kind),
            " / ".join(x for x in (r.cohort, r.learner) if x),
            fmt_date(r.dispose_from),
            status,
            note,
        )
    return t


#: Records a table shows when no --limit is given: a screen is for reading, not 200,000 rows.
TABLE_LIMIT = 100
LIST_FORMATS = Formats((Format.TABLE, Format.JSON, Format.CSV, Format.XLSX))


def list_(
    ctx: typer.Context,
    status: str | None = typer.Option(None, "--status", help=STATUS_HELP),
    programme: str | None = typer.Option(None, "--programme", help="Only this programme."),
    kind: str | None = typer.Option(None, "--kind", help=KIND_HELP),
    limit: int | None = count_option(
        None,
        "--limit",
        help=f"At most this many records (the table shows {TABLE_LIMIT} unless told; "
        "--json lists them all).",
    ),
    as_of_: str | None = AS_OF,
    json: bool = JSON_OPTION,
    format_: str = LIST_FORMATS.option(),
    output: Path | None = OUTPUT_OPTION,
    force: bool = FORCE_OPTION,
    excel: bool = EXCEL_OPTION,
) -> None:
    """List stored retention records with their status."""
    from wblqa_cli.json_stream import Streamed, stream_json
    from wblqa_cli.store.retention import count_records, iter_records

    fmt = LIST_FORMATS.choose(format_, json=json, output=output, excel=excel)
    json = fmt == Format.JSON
    s, today = store(ctx), as_of(as_of_)
    where = {"status": checked_status(status), "programme": programme, "kind": checked_kind(kind)}
    if fmt in (Format.CSV, Format.XLSX):  # the rows go to the writer as the store yields them
        _write_list(fmt, iter_records(s, today, **where, limit=limit), today, output, force, excel)
        return
    if json:
        records = iter_records(s, today, **where, limit=limit)
        stream_json({"as_of": today, "records": Streamed(r.as_json(today) for r in records)})
        return
    shown = list(iter_records(s, today, **where, limit=limit or TABLE_LIMIT + 1))
    if not shown:
        say("No retention records match." if status or programme or kind else _EMPTY)
        return
    console().print(_record_table(shown[: limit or TABLE_LIMIT], today))
    if limit is None and len(shown) > TABLE_LIMIT:
        total = count_records(s, today, **where)
        say(
            f"Showing the first {TABLE_LIMIT} of {total} records; --limit N shows more, "
            "--json lists them all."
        )


def _write_list(
    fmt: Format, records: Any, today: date, output: Path | None, force: bool, excel: bool
) -> None:
    from wblqa_cli.retention.table import LIST_COLUMNS, list_rows
    from wblqa_cli.tables import write_table
    from wblqa_cli.xlsx import Sheet

    sheet = Sheet("Retention records", LIST_COLUMNS, list_rows(records, today))
    count = write_table(fmt, [sheet], output, force=force, excel=excel)
    if output is not None:
        say(f"Wrote {count} retention records to {safe(output)}.")


_EMPTY = "No retention records yet. Add one with `wblqa retention add` or import a CSV."


def show(
    ctx: typer.Context,
    ref: str = typer.Argument(..., metavar="ID"),
    as_of_: str | None = AS_OF,
    json: bool = JSON_OPTION,
) -> None:
    """One record: its dates, status, hold or disposal, and its audit history."""
    from wblqa_cli.store.audit import entries
    from wblqa_cli.store.retention import ENTITY, get_record

    s = store(ctx)
    today = as_of(as_of_)
    record = get_record(s, ref)
    history = entries(s, entity=ENTITY, entity_id=record.ref)
    if json:
        print_json({**record.as_json(today), "history": [e.as_json() for e in history]})
        return
    console().print(_record_table([record], today))
    for e in history:
        say(f"  {e.at:%Y-%m-%d %H:%M} UTC  {safe(e.user)}: {safe(e.summary)}")


def due(
    ctx: typer.Context,
    as_of_: str | None = AS_OF,
    programme: str | None = typer.Option(None, "--programme", help="Only this programme."),
    kind: str | None = typer.Option(None, "--kind", help=KIND_HELP),
    show_: int = count_option(
        10, "--show", minimum=0, help="Records listed per group in the human output."
    ),
    json: bool = JSON_OPTION,
) -> None:
    """What may be disposed of now, grouped by programme and kind."""
    from wblqa_cli.store.retention import due_counts, iter_due

    s, today = store(ctx), as_of(as_of_)
    where: dict[str, Any] = {"programme": programme, "kind": checked_kind(kind)}
    counts, held_back = due_counts(s, today, **where)
    total = sum(counts.values())
    if json:
        from wblqa_cli.json_stream import stream_json

        groups = _due_groups(iter_due(s, today, **where), counts)
        stream_json({"as_of": today, "total": total, "held_back": held_back, "groups": groups})
        return
    # A screen shows a few records a group: only those are read (one for a group's title).
    groups = _due_groups(iter_due(s, today, **where, per_group=max(show_, 1)), counts)
    if not counts:
        say(f"Nothing may be disposed of on {fmt_date(today)}.")
    for g in groups.items:
        _say_due_group(g, show_)  # type: ignore[arg-type]
    say(
        f"\n{total} may be disposed of on {fmt_date(today)}; held back: "
        f"{held_back['on-hold']} on hold, {held_back['unknown']} with a date missing."
    )


def _due_groups(rows: Iterator[tuple[Any, ...]], counts: dict[tuple[str, str], int]) -> Streamed:
    """The rows due, grouped by programme and kind as they stream (each group's count known)."""
    from itertools import groupby

    from wblqa_cli.json_stream import Streamed

    def items(members: Iterator[tuple[Any, ...]]) -> Iterator[dict[str, Any]]:
        for r in members:
            yield {"id": r[0], "cohort": r[4], "learner": r[5], "dispose_from": r[6]}

    groups = (
        {
            "programme": code,
            "title": title,
            "kind": k,
            "count": counts.get((code, k), 0),
            "records": Streamed(items(members)),
        }
        for (code, title, k), members in groupby(rows, key=lambda r: (r[1], r[2], r[3]))
    )
    return Streamed(groups, nested=True)


def _say_due_group(g: dict[str, Any], show_: int) -> None:
    from itertools import islice

    say(
        f"\n[bold]{safe(g['programme'])}[/bold] {safe(g['title'])} — {kind_label(g['kind'])}: "
        f"{g['count']} record{'s' if g['count'] != 1 else ''} may be disposed of."
    )
    if not show_:
        return
    t = table("Id", "Cohort / learner", "Disposable since", whole=("Id",))
    for item in islice(g["records"].items, show_):
        who = " / ".join(x for x in (item["cohort"], item["learner"]) if x)
        t.add_row(item["id"], who, fmt_date(item["dispose_from"]))
    console().print(t)
    if g["count"] > show_:
        say(f"  … and {g['count'] - show_} more (--json lists them all).")


def hold(
    ctx: typer.Context,
    ref: str = typer.Argument(..., metavar="ID"),
    reason: str = typer.Option(
        ..., "--reason", help="Why: the open appeal, complaint or malpractice case."
    ),
) -> None:
    """Put a record on hold: it may not be disposed of, whatever its dates, until released."""
    from wblqa_cli.registry.model import check_text
    from wblqa_cli.store.retention import hold as put_on_hold

    record = put_on_hold(store(ctx), ref, check_text(reason, "--reason"))
    say(f"{safe(record.ref)} is on hold: {safe(record.hold_reason)}.")


def release(
    ctx: typer.Context,
    ref: str = typer.Argument(..., metavar="ID"),
    reason: str = typer.Option(..., "--reason", help="Why: e.g. the appeal was closed."),
) -> None:
    """Release a hold; the record's dates decide again."""
    from wblqa_cli.registry.model import check_text
    from wblqa_cli.store.retention import release as release_hold

    record = release_hold(store(ctx), ref, check_text(reason, "--reason"))
    when = fmt_date(record.dispose_from) if record.dispose_from else "not known yet"
    say(f"Released the hold on {safe(record.ref)}; it may be disposed of from {safe(when)}.")


def dispose(
    ctx: typer.Context,
    refs: list[str] = typer.Argument(..., metavar="ID...", help="One or more record ids."),
    note: str | None = typer.Option(
        None, "--note", help="How it was disposed of (e.g. shredded, archive deleted)."
    ),
) -> None:
    """Record that records were disposed of today: refused (exit 1) before their date or on hold.

    Judged against today's date, never an --as-of: a disposal cannot be dated ahead.
    All the ids are disposed of, or none.
    """
    from wblqa_cli.dates import today
    from wblqa_cli.store.retention import dispose as do_dispose

    done = do_dispose(store(ctx), refs, today(), note)
    for r in done:
        say(
            f"Disposed of {safe(r.ref)} ({kind_label(r.kind)}, {safe(r.programme)}); "
            "recorded in the audit log."
        )
