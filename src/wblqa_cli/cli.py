"""The ``wblqa`` command: the root, its options, and the sub-apps. Wiring only."""

from __future__ import annotations

import sys
from typing import Any

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from wblqa_cli import __version__, crash
from wblqa_cli.admin import audit_cli, db_cli
from wblqa_cli.aqd import cli as aqd
from wblqa_cli.cli_common import State, database_error, report_error
from wblqa_cli.consortium import cli as consortium_cli
from wblqa_cli.cycle import calendar_cli, sector_cli
from wblqa_cli.cycle import cli as cycle_cli
from wblqa_cli.errors import EXIT_INTERRUPTED, WblqaError, known_error
from wblqa_cli.registry import centre_cli, programme_cli
from wblqa_cli.report import cli as report_cli
from wblqa_cli.retention import cli as retention_cli
from wblqa_cli.status import cli as status_cli


class WblqaGroup(TyperGroup):
    """Turns a :class:`WblqaError` or Ctrl-C anywhere below into a message and an exit code;
    anything else into one line and a crash file (exit 70), never a traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, TyperException):  # click's own exits and usage errors
            raise
        except WblqaError as error:
            report_error(error)
            raise typer.Exit(error.exit_code) from None
        except KeyboardInterrupt:
            sys.stderr.write("\nInterrupted.\n")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except Exception as exc:
            refused = known_error(exc) or database_error(exc)
            if refused is not None:
                report_error(refused)
                raise typer.Exit(refused.exit_code) from None
            if crash.should_raise():
                raise
            raise typer.Exit(crash.report(exc)) from None


app = typer.Typer(
    name="wblqa",
    cls=WblqaGroup,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    help="Quality assurance for centres delivering Pearson BTEC work-based learning: "
    "the Annual Quality Declaration, collaborative arrangements, retention of learner "
    "work and QA documents, and the verification cycle.",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"wblqa {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db_option: str | None = typer.Option(
        None,
        "--db",
        envvar="WBLQA_DB",
        metavar="PATH_OR_URL",
        help="The store: a SQLite file or a SQLAlchemy URL. "
        "Default: wblqa.db in your user data directory.",
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    ctx.obj = State(db=db_option)


app.add_typer(aqd.app, name="aqd")
app.add_typer(consortium_cli.app, name="consortium")
app.add_typer(retention_cli.app, name="retention")
app.add_typer(cycle_cli.app, name="cycle")
app.add_typer(sector_cli.app, name="sector")
app.command("calendar")(calendar_cli.calendar)
app.add_typer(centre_cli.app, name="centre")
app.add_typer(programme_cli.app, name="programme")
app.add_typer(db_cli.app, name="db")
app.add_typer(audit_cli.app, name="audit")
app.command("status")(status_cli.status)
app.command("report")(report_cli.report)


def _terminated(signum: int, _frame: Any) -> None:
    """SIGTERM/SIGHUP: unwind like Ctrl-C, so that transactions roll back and .part go."""
    raise KeyboardInterrupt


def main() -> None:
    import signal

    from wblqa_cli.output import tolerant_streams

    tolerant_streams()
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _terminated)
    app(prog_name="wblqa")
