"""What every command shares: the root state, opening the store, reporting errors."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import typer

from wblqa_cli.errors import InputError, WblqaError
from wblqa_cli.files import FORCE_HELP

if TYPE_CHECKING:
    from pathlib import Path

    from wblqa_cli.dates import AcademicYear
    from wblqa_cli.store import Store


@dataclass
class State:
    """Options of the root command, handed to every sub-command through the context."""

    db: str | None = None
    _stores: dict[bool, Any] = field(default_factory=dict, repr=False)

    def store(self, *, read_only: bool = False) -> Store:
        """The migrated store, opened on first use and kept for the command's life.

        ``read_only``: the command only reads; a SQLite file is opened read-only
        (``mode=ro``), so reads work on a read-only folder or a full disk.
        """
        if read_only not in self._stores:
            from wblqa_cli.store import open_store

            try:
                self._stores[read_only] = open_store(self.db, read_only=read_only)
            except WblqaError:
                raise
            except Exception as exc:  # e.g. a migration that failed half way (rolled back)
                from wblqa_cli.errors import StoreError, known_error
                from wblqa_cli.location import resolve

                known = known_error(exc, resolve(self.db).path)
                if known is not None:
                    raise known from None
                raise StoreError(
                    f"Cannot open the store {resolve(self.db).display}: "
                    f"{type(exc).__name__}: {exc}.",
                    hint="The store was left as it was. Report this to the wblqa maintainers; "
                    "`wblqa db path` shows where the store is.",
                ) from exc
        return self._stores[read_only]  # type: ignore[no-any-return]


def state(ctx: typer.Context) -> State:
    root = ctx.find_root()
    if not isinstance(root.obj, State):
        root.obj = State()
    return root.obj


#: Commands that only read the store: their transactions are reads (deferred on
#: SQLite, READ ONLY on PostgreSQL), so they never wait for a writer nor hold one
#: up, and a write by mistake fails at once. A command missing here still works;
#: it just reads like a writer.
READ_ONLY_COMMANDS = frozenset(
    {
        "centre list", "centre show", "programme list", "programme show",
        "retention list", "retention show", "retention due",
        "status", "cycle plan", "calendar",
        "aqd status", "aqd export", "aqd template",
        "audit", "audit head",
        "consortium list", "consortium show", "consortium check", "consortium diff",
        "aqd group list",
        "db check",
    }
)  # fmt: skip


def command_name(ctx: typer.Context) -> str:
    """The command as typed after ``wblqa``: ``retention list``."""
    names: list[str] = []
    node: Any = ctx
    while node is not None and node.parent is not None:
        names.append(node.info_name or "")
        node = node.parent
    return " ".join(reversed(names))


def store(ctx: typer.Context) -> Store:
    """The store for this command: opened read-only when the command only reads."""
    return state(ctx).store(read_only=command_name(ctx) in READ_ONLY_COMMANDS)


def store_path(ctx: typer.Context) -> Path | None:
    """The SQLite file of this run's store, if it is one and ``--db`` names it well."""
    from wblqa_cli.location import resolve

    try:
        return resolve(state(ctx).db).path
    except Exception:
        return None


def report_error(error: WblqaError) -> None:
    """One or two lines on stderr: the message, then the hint if there is one."""
    from wblqa_cli.safetext import bounded, visible_controls

    sys.stderr.write(f"Error: {visible_controls(bounded(error.message))}\n")
    if error.hint:
        sys.stderr.write(f"{visible_controls(bounded(error.hint))}\n")


def database_error(exc: BaseException) -> WblqaError | None:
    """A refusal by the database server (a centre's role lacking a right, a policy) as a
    user error; None for anything else, which stays a bug with its traceback."""
    if "sqlalchemy" not in sys.modules:
        return None
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.orm.exc import StaleDataError

    from wblqa_cli.errors import StoreError

    if isinstance(exc, StaleDataError):  # an UPDATE a row-level policy let match no row
        return StoreError(
            "The store refused this change: the record is not yours to change.",
            hint="Your database role may not change these records (per-centre access); "
            "ask your Lead Centre or the store's owner.",
        )
    if not isinstance(exc, DBAPIError) or exc.orig is None:
        return None
    first = (str(exc.orig).strip().splitlines() or [type(exc.orig).__name__])[0]
    code = getattr(exc.orig, "sqlstate", None)
    if code == "42501" or "row-level security" in first:  # insufficient_privilege
        return StoreError(
            f"The store refused this: {first}.",
            hint="Your database role may not read or change these records (per-centre "
            "access); ask your Lead Centre or the store's owner.",
        )
    return StoreError(f"The store reported an error: {first}.")


def as_of(value: str | None, option: str = "--as-of") -> date:
    """The date a command reasons about: ``--as-of`` if given, else today."""
    from wblqa_cli.dates import parse_date, today

    return parse_date(value, option) if value is not None else today()


def year_and_day(year: str | None, as_of_text: str | None) -> tuple[AcademicYear, date]:
    """``--year`` and ``--as-of`` as a view reads them: the year defaults to the one of the day."""
    from wblqa_cli.dates import academic_year_option

    today = as_of(as_of_text)
    return academic_year_option(year, today), today


def date_option(value: str | None, option: str) -> date | None:
    from wblqa_cli.dates import parse_date

    return parse_date(value, option) if value is not None else None


def require_tty(what: str, alternative: str) -> None:
    """Refuse to prompt without a terminal; say how to run non-interactively."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise InputError(
            f"{what} needs answers and there is no terminal to ask them on.",
            hint=alternative,
        )


def count_option(default: int | None, name: str, *, minimum: int = 1, help: str) -> Any:
    """An option taking a count (``--limit``, ``--last``), checked as it is parsed: a whole
    number from ``minimum`` to the largest wblqa takes (``data/limits.toml``), so that no
    number reaches the store too large for it."""

    def checked(value: int | None) -> int | None:
        from wblqa_cli.inputs import largest_count

        if value is None or minimum <= value <= largest_count():
            return value
        from wblqa_cli.safetext import clip

        raise InputError(
            f"{clip(value)} ({name}) is not a count wblqa takes: give a whole number from "
            f"{minimum} to {largest_count():,}."
        )

    return typer.Option(default, name, help=help, callback=checked)


JSON_OPTION = typer.Option(False, "--json", help="Print one JSON document on stdout.")
QUIET_OPTION = typer.Option(
    False, "--quiet", "-q", help="No progress bar (one is shown only on a terminal anyway)."
)
YEAR_OPTION = typer.Option(
    None, "--year", help="Academic year, e.g. 2025-26 (default: the one containing --as-of)."
)
AS_OF_OPTION = typer.Option(None, "--as-of", help="Reason as of this date (default: today).")
FORCE_OPTION = typer.Option(False, "--force", help=FORCE_HELP)
