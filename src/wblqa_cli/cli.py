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
from wblqa_cli.cli_common import State, database_error, report_error, store_path
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

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        refused = undecodable_argument(args)
        if refused is not None:
            report_error(refused)
            raise typer.Exit(refused.exit_code)
        return super().parse_args(ctx, args)  # type: ignore[no-any-return]

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
            refused = known_error(exc, store_path(ctx)) or database_error(exc)
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
    add_completion=True,
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
    # Taken from WBLQA_DB: let the store's location read it there, to name it so.
    from_env = getattr(ctx.get_parameter_source("db_option"), "name", "") == "ENVIRONMENT"
    ctx.obj = State(db=None if from_env else db_option)


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


def undecodable_argument(args: list[str]) -> WblqaError | None:
    """An argument that is not text in the system's encoding (``$'\\xff'``), as an error
    naming it and the option it was given to; None if every argument is text."""
    for number, arg in enumerate(args, start=1):
        if not any("\udc80" <= c <= "\udcff" for c in arg):
            continue
        import os

        from wblqa_cli.errors import InputError
        from wblqa_cli.safetext import clip

        shown = os.fsencode(arg).decode("utf-8", "backslashreplace")
        previous = args[number - 2] if number > 1 else ""
        given = f" ({previous})" if previous.startswith("-") else f" (argument {number})"
        return InputError(
            f"'{clip(shown)}'{given} is not text in this system's encoding "
            f"({sys.getfilesystemencoding()}): it holds bytes no character is made of.",
            hint="Type the value again, or copy it from a UTF-8 source.",
        )
    return None


def main() -> None:
    """The ``wblqa`` program. Whatever happens below, the exit code means what the README
    says: an exception that escapes everything else is a crash (70, a crash file), never
    the 1 that means "needs action"."""
    try:
        _main()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write("\nInterrupted.\n")
        sys.exit(EXIT_INTERRUPTED)
    except BaseException as exc:
        if crash.should_raise():
            raise
        sys.exit(crash.report(exc))


def _main() -> None:
    import signal

    from wblqa_cli.output import tolerant_streams

    tolerant_streams()
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _terminated)
    app(prog_name="wblqa")
