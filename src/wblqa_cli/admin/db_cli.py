"""``wblqa db``: where the store is, whether it is sound, and a backup copy."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import typer

from wblqa_cli.cli_common import JSON_OPTION, state
from wblqa_cli.output import plain_line, print_json, safe, say
from wblqa_cli.words import plural

app = typer.Typer(
    no_args_is_help=True,
    help="The store: its path, a check, a backup, a copy to another engine, per-centre access.",
)


@app.command("path")
def path(ctx: typer.Context) -> None:
    """Print where the store is (a file path, or the URL without its password)."""
    from wblqa_cli.location import resolve

    typer.echo(plain_line(resolve(state(ctx).db).display))


@app.command("check")
def check(
    ctx: typer.Context,
    anchor: str | None = typer.Option(
        None,
        "--anchor",
        metavar="HASH",
        help="A head hash kept earlier (`wblqa audit head`, "
        "a backup's .anchor file): prove the log still contains it.",
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Check the store: integrity, schema version, the audit chain and the guards on it.

    A damaged SQLite file is diagnosed before it is opened as a store: each problem
    SQLite finds (with its page and table), and stored text that is not UTF-8.
    """
    from wblqa_cli.location import resolve
    from wblqa_cli.store.maintenance import check_anchor, check_store, damage_report, diagnose_file

    wanted = None if anchor is None else check_anchor(anchor)
    path = resolve(state(ctx).db).path
    found = diagnose_file(path)
    if found is not None and found.damaged and path is not None:
        report = damage_report(path, found)
    else:
        report = check_store(state(ctx).store(read_only=True), wanted, found)
    if json:
        print_json(report)
    else:
        _show_check(report)
    _check_verdict(report)


def _show_check(report: dict[str, Any]) -> None:
    say(f"Store:          {safe(report['store'])}")
    if report["schema_version"] is not None:
        say(
            f"Schema version: {report['schema_version']} (this program: {report['program_schema']})"
        )
    say(f"Integrity:      {safe(report['integrity'])}")
    if report["audit_entries"] is not None:
        logged = plural(report["audit_entries"], "entry", "entries")
        say(f"Audit log:      {logged}, chain {report['audit_chain']}")
    if "anchor" in report:
        found = "found" if report["anchor"]["found"] else "NOT found"
        say(f"Anchor:         {found}: {report['anchor']['hash']}", wrap=False)
    for problem in report["problems"]:
        say(f"[red]Problem:[/red] {safe(problem)}")


def _check_verdict(report: dict[str, Any]) -> None:
    from wblqa_cli.errors import ActionNeeded, StoreDamaged

    count = plural(len(report["problems"]), "problem")
    if report.get("damaged"):
        raise StoreDamaged(
            f"The store is damaged ({count}; see above).",
            hint="Restore your latest backup (`wblqa db backup` writes them); keep the damaged "
            "file until you have checked what the backup lacks.",
        )
    if report["problems"]:
        raise ActionNeeded(f"The store has {count}; see above.")


@app.command("backup")
def backup(
    ctx: typer.Context,
    file: Path | None = typer.Argument(
        None, help="Where to write the copy (default: beside the store, with a timestamp)."
    ),
) -> None:
    """Write a consistent copy of the store (safe while others use it)."""
    from wblqa_cli.errors import InputError, StoreError
    from wblqa_cli.store.engine import backup_name, backup_sqlite

    if file is not None and str(file) == "-":
        raise InputError(
            "A backup is a SQLite file, not text for standard output: give a file name."
        )
    s = state(ctx).store()
    source = s.location.path
    if source is None:
        raise InputError(
            f"{s.location.display} is not a SQLite file; back it up with the server's own tools."
        )
    target = file.expanduser().resolve() if file else backup_name(source, "backup")
    try:
        backup_sqlite(source, target)
    except StoreError as exc:  # the store opened; the copy's target is what failed
        raise InputError(exc.message, hint=exc.hint) from None
    _record_anchor(target)
    say(f"Backed up {safe(source)} to {safe(target)}.")


def _record_anchor(target: Path) -> None:
    """Beside a backup, the audit head it holds: check the live store against it later."""
    from wblqa_cli.files import write_private
    from wblqa_cli.store.audit import head_of_file

    found = head_of_file(target)
    anchor = target.with_name(target.name + ".anchor")
    write_private(anchor, f"entries {found.entries}\nhead {found.hash}\n", option="backup")
    say(f"Audit head at the backup ({found.entries} entries), kept in {safe(anchor)}:")
    say(f"  {found.hash}", wrap=False)
    say("Check later that the store still holds it:")
    say(f"  wblqa db check --anchor {found.hash}", wrap=False)


@app.command("copy")
def copy(
    ctx: typer.Context,
    to: str = typer.Option(
        ...,
        "--to",
        metavar="PATH_OR_URL",
        help="The new store: a SQLite file or a URL such as "
        "postgresql+psycopg://user@host/dbname. It must be empty.",
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Copy the whole store to a new, empty one (SQLite ⇄ PostgreSQL), all or nothing.

    Ids and audit hashes are kept; each table is counted on both sides and the audit
    chain verified before the copy is committed. The store copied from is not changed.
    """
    from wblqa_cli.output import console, table
    from wblqa_cli.store.transfer import copy_store

    report = copy_store(state(ctx).store(), to)
    if json:
        print_json(report.as_json())
        return
    t = table("Table", "Source rows", "Copied rows", whole=("Table",))
    for row in report.tables:
        t.add_row(row.table, str(row.source), str(row.target))
    console().print(t)
    say(
        f"Copied {safe(report.rows)} rows from {safe(report.source)} to {safe(report.target)} "
        f"in {report.seconds:.1f} s; every count matches and the audit chain "
        f"({plural(report.audit_entries, 'entry', 'entries')}) verifies."
    )
    say(f"Use it with --db {safe(shlex.quote(report.target))} or WBLQA_DB.", wrap=False)


@app.command("grant")
def grant(
    ctx: typer.Context,
    arrangement: str | None = typer.Option(
        None,
        "--arrangement",
        help="The stored arrangement whose centres get roles (default: the only one stored).",
    ),
    prefix: str = typer.Option("wblqa_", "--prefix", help="Role names: PREFIX + centre number."),
    apply: bool = typer.Option(
        False, "--apply", help="Run the SQL on the store now (as its owner) instead of printing it."
    ),
) -> None:
    """Per-centre access on a PostgreSQL store: a role per centre, enforced by the server.

    A home centre's role reads and writes its own programmes, retention records and AQD,
    and reads the arrangement; the Lead Centre's role reaches every centre of it and
    reads the audit log. Without --apply, prints the SQL for your administrator.
    """
    from wblqa_cli.errors import InputError
    from wblqa_cli.store import access
    from wblqa_cli.store.consortium import get_arrangement, list_arrangements

    s = state(ctx).store()
    schema = access.schema_of(s)
    if arrangement is None:
        stored = list_arrangements(s)
        if len(stored) != 1:
            raise InputError(
                "No arrangement is stored; store one with `wblqa consortium import FILE`."
                if not stored
                else f"{len(stored)} arrangements are stored; say which with --arrangement "
                f"({', '.join(a.name for a in stored)})."
            )
        chosen = stored[0]
    else:
        chosen = get_arrangement(s, arrangement)
    grants = access.plan(chosen, prefix)
    if not apply:
        typer.echo(access.script(grants, schema, chosen.name), nl=False)
        return
    access.apply(s, grants, schema)
    for g in grants:
        reach = (
            f"centres {', '.join(g.centres)} (Lead Centre)"
            if g.lead
            else f"centre {g.centre_number}"
        )
        say(f"Role {safe(g.role)}: {safe(reach)}.")
    say(
        "Set each role's password (in psql: \\password ROLE) and give each centre its URL: "
        "postgresql+psycopg://ROLE@HOST/DATABASE."
    )
