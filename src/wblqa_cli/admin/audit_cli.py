"""``wblqa audit``: the append-only log of every change, the evidence a centre shows."""

from __future__ import annotations

import typer

from wblqa_cli.cli_common import JSON_OPTION, store
from wblqa_cli.output import console, note, print_json, safe, say, table

app = typer.Typer(
    invoke_without_command=True,
    help="Show the audit log: who changed what, when, and why (oldest first).",
)


@app.callback()
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

    The whole hash chain is verified first: if an entry was changed, or does not
    follow the one before it, the entries are still shown, with a warning on
    stderr, and the exit code is 1. `wblqa audit head` prints the anchor to keep.
    """
    if ctx.invoked_subcommand is not None:
        return
    from wblqa_cli.errors import ActionNeeded
    from wblqa_cli.store.audit import entries, verify

    s = store(ctx)
    problems = verify(s)
    found = entries(s, entity=entity, entity_id=entity_id, action=action, limit=last)
    for problem in problems:
        note(f"[red]Audit chain broken:[/red] {safe(problem)}")
    if json:
        print_json([e.as_json() for e in found])
    elif not found:
        say("No audit entries match.")
    else:
        t = table("#", "When (UTC)", "Who", "Action", "Entity", "Id", "What", whole=("#", "Action"))
        for e in found:
            t.add_row(str(e.id), f"{e.at:%Y-%m-%d %H:%M:%S}", e.user, e.action, e.entity,
                      e.entity_id, e.summary)  # fmt: skip
        console().print(t)
    if problems:
        raise ActionNeeded(
            f"The audit log does not verify ({len(problems)} problem(s)); "
            "it cannot be relied on as evidence. Run `wblqa db check`."
        )


@app.command("head")
def head(ctx: typer.Context, json: bool = JSON_OPTION) -> None:
    """Print the audit log's head: its entry count and last hash, the anchor to keep.

    Keep the hash where the store's users cannot change it (the visit pack, an
    e-mail to your Standards Verifier). Later, `wblqa db check --anchor HASH`
    proves the log still contains that entry: nothing up to it was cut or rewritten.
    """
    from wblqa_cli.store.audit import head as audit_head

    found = audit_head(store(ctx))
    if json:
        print_json(found.as_json())
        return
    say(f"Audit log: {found.entries} {'entry' if found.entries == 1 else 'entries'}; head:")
    say(f"  {found.hash}", wrap=False)
    say("Check it later with:")
    say(f"  wblqa db check --anchor {found.hash}", wrap=False)
