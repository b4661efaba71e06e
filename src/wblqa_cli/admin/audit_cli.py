"""``wblqa audit``: the append-only log of every change, the evidence a centre shows."""

from __future__ import annotations

import typer

from wblqa_cli.cli_common import JSON_OPTION, store
from wblqa_cli.output import console, print_json, say, table


def audit(
    ctx: typer.Context,
    entity: str | None = typer.Option(
        None, "--entity", help="Only entries about this kind of thing, e.g. retention_record."
    ),
    entity_id: str | None = typer.Option(
        None, "--id", help="Only entries about this id (a record id, a centre number...)."
    ),
    action: str | None = typer.Option(
        None, "--action", help="Only this action, e.g. retention.dispose."
    ),
    last: int | None = typer.Option(None, "--last", min=1, help="Only the last N entries."),
    json: bool = JSON_OPTION,
) -> None:
    """Show the audit log: who changed what, when, and why (oldest first).

    Entries are hash-chained; `wblqa db check` verifies that none was altered.
    """
    from wblqa_cli.store.audit import entries

    found = entries(store(ctx), entity=entity, entity_id=entity_id, action=action, limit=last)
    if json:
        print_json([e.as_json() for e in found])
        return
    if not found:
        say("No audit entries match.")
        return
    t = table("#", "When (UTC)", "Who", "Action", "Entity", "Id", "What")
    for e in found:
        t.add_row(
            str(e.id),
            f"{e.at:%Y-%m-%d %H:%M:%S}",
            e.user,
            e.action,
            e.entity,
            e.entity_id,
            e.summary,
        )
    console().print(t)
