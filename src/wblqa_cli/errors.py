"""The one error type a user sees, and its exit codes.

Domain and store code raise :class:`WblqaError` (or a subclass); the CLI's
root group catches it in one place, prints the message to stderr and exits
with the error's code. No traceback reaches a user for an error of theirs.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_ACTION_NEEDED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


class WblqaError(Exception):
    """An error meant for the user: a message, an optional hint, an exit code."""

    exit_code: int = EXIT_BAD_INPUT

    def __init__(self, message: str, *, hint: str | None = None, exit_code: int | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message


class InputError(WblqaError):
    """Bad usage or bad input: an unparseable date, an unknown code, a malformed file."""

    exit_code = EXIT_BAD_INPUT


class NotFound(InputError):
    """A centre, programme, record or arrangement the user named does not exist."""


class DataError(WblqaError):
    """A rules file under ``data/`` is malformed: the installation is broken."""

    exit_code = EXIT_BAD_INPUT


class StoreError(WblqaError):
    """The store cannot be opened or used (newer schema, unreachable server, corrupt file)."""

    exit_code = EXIT_BAD_INPUT


class ActionNeeded(WblqaError):
    """A check ran and found something that needs action (exit 1)."""

    exit_code = EXIT_ACTION_NEEDED


def where(*parts: object) -> str:
    """Join location parts ("file.csv", "line 3", "column 'certified'") for a message."""
    return ", ".join(str(p) for p in parts if p not in (None, ""))
