"""``wblqa retention``: how long to keep learner work and QA documents, and what may go.

Wiring only: the commands live in :mod:`.cli_check` (calc, check: no store)
and :mod:`.cli_records` (the stored records), registered here in help order.
"""

from __future__ import annotations

import typer

from wblqa_cli.retention import cli_check, cli_records

app = typer.Typer(
    no_args_is_help=True,
    help="Retention of learner work and QA documents: deadlines, bulk checks, "
    "stored records, holds and audited disposal.",
)

app.command("calc")(cli_check.calc)
app.command("check")(cli_check.check)
app.command("add")(cli_records.add)
app.command("import")(cli_records.import_)
app.command("list")(cli_records.list_)
app.command("show")(cli_records.show)
app.command("due")(cli_records.due)
app.command("hold")(cli_records.hold)
app.command("release")(cli_records.release)
app.command("dispose")(cli_records.dispose)
