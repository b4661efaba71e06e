"""``wblqa db``: where the store is, whether it is sound, and a backup copy."""

from __future__ import annotations

from pathlib import Path

import typer

from wblqa_cli.commands._common import JSON_OPTION, state
from wblqa_cli.output import print_json, say

app = typer.Typer(no_args_is_help=True, help="The local store: its path, a check, a backup.")


@app.command("path")
def path(ctx: typer.Context) -> None:
    """Print where the store is (a file path, or the URL without its password)."""
    from wblqa_cli.location import resolve

    typer.echo(resolve(state(ctx).db).display)


@app.command("check")
def check(ctx: typer.Context, json: bool = JSON_OPTION) -> None:
    """Check the store: SQLite integrity, schema version, the audit log's hash chain."""
    from wblqa_cli.errors import ActionNeeded
    from wblqa_cli.store.maintenance import check_store

    report = check_store(state(ctx).store())
    if json:
        print_json(report)
    else:
        say(f"Store:          {report['store']}")
        say(
            f"Schema version: {report['schema_version']} (this program: {report['program_schema']})"
        )
        say(f"Integrity:      {report['integrity']}")
        say(f"Audit log:      {report['audit_entries']} entries, chain {report['audit_chain']}")
        for problem in report["problems"]:
            say(f"[red]Problem:[/red] {problem}")
    if report["problems"]:
        raise ActionNeeded(f"The store has {len(report['problems'])} problem(s); see above.")


@app.command("backup")
def backup(
    ctx: typer.Context,
    file: Path | None = typer.Argument(
        None, help="Where to write the copy (default: beside the store, with a timestamp)."
    ),
) -> None:
    """Write a consistent copy of the store (safe while others use it)."""
    from wblqa_cli.errors import InputError
    from wblqa_cli.store.engine import backup_name, backup_sqlite

    s = state(ctx).store()
    source = s.location.path
    if source is None:
        raise InputError(
            f"{s.location.display} is not a SQLite file; back it up with the server's own tools."
        )
    target = file.expanduser().resolve() if file else backup_name(source, "backup")
    backup_sqlite(source, target)
    say(f"Backed up {source} to {target}.")
