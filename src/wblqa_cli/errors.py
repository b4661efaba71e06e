"""The one error type a user sees, and its exit codes.

Domain and store code raise :class:`WblqaError` (or a subclass); the CLI's
root group catches it in one place, prints the message to stderr and exits
with the error's code. No traceback reaches a user for an error of theirs.

Each kind of failure has its own code, so that a script can tell them apart
(the numbers above 2 are the BSD ``sysexits.h`` ones):

====  =====================================================================
 1    a check ran and found something that needs action (:class:`ActionNeeded`)
 2    bad usage or bad input: the user can fix the command (:class:`InputError`)
 69   the store cannot be opened, reached or used (:class:`StoreError`; EX_UNAVAILABLE)
 70   an internal error: a bug, with a crash file (:mod:`wblqa_cli.crash`; EX_SOFTWARE)
 78   the rules data under ``data/`` is broken: the installation (:class:`DataError`;
      EX_CONFIG)
 130  interrupted (Ctrl-C, SIGTERM, SIGHUP)
====  =====================================================================
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

EXIT_ACTION_NEEDED = 1
EXIT_BAD_INPUT = 2
EXIT_STORE = 69
EXIT_DATA = 78
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
    """A rules file under ``data/`` is malformed: the installation is broken (exit 78)."""

    exit_code = EXIT_DATA


class StoreError(WblqaError):
    """The store cannot be opened, reached or used (newer schema, unreachable server,
    corrupt file, full disk, a right the database refuses): exit 69."""

    exit_code = EXIT_STORE


class StoreDamaged(StoreError):
    """The store's file is damaged (a page, a table, text that is not UTF-8): see ``db check``."""


class ActionNeeded(WblqaError):
    """A check ran and found something that needs action (exit 1)."""

    exit_code = EXIT_ACTION_NEEDED


def where(*parts: object) -> str:
    """Join location parts ("file.csv", "line 3", "column 'certified'") for a message."""
    return ", ".join(str(p) for p in parts if p not in (None, ""))


#: Store failures a user can act on, by the words SQLite uses: (words, message, hint).
_STORE_FAILURES = (
    (
        "attempt to write a readonly database",
        "The store cannot be written: the file, its folder or its -wal/-shm files are read-only "
        "for you.",
        "Check their owner and permissions (`wblqa db path` shows where the store is); a -shm "
        "file left behind by another user or a crashed process is a common cause: remove it "
        "when no wblqa is running.",
    ),
    (
        "database or disk is full",
        "The disk holding the store is full; nothing was changed.",
        "Free some space, then run the command again.",
    ),
    (
        "disk I/O error",
        "The store could not be read or written (a disk I/O error): the disk may be full, "
        "removed or failing; nothing was changed.",
        "Free some space or reconnect the disk, then run `wblqa db check`.",
    ),
    (
        "database disk image is malformed",
        "The store file is damaged (corrupted pages).",
        "Run `wblqa db check` to see what is wrong, then restore your latest backup "
        "(`wblqa db backup` writes them).",
    ),
    (
        "file is not a database",
        "The store file is not a wblqa store, or its first page is damaged.",
        "Check `wblqa db path`; restore your latest backup if it is damaged.",
    ),
)
#: Words of a failure that the place of the store can explain (a full disk, a read-only folder).
_PLACE_WORDS = (
    "attempt to write a readonly database",
    "unable to open database file",
    "disk I/O error",
    "database or disk is full",
    "readonly database",
)
#: Less free space than this on the store's disk counts as full (a write needs a few pages).
FULL_BELOW_BYTES = 1 << 20


def place_problem(path: Path | None) -> WblqaError | None:
    """Why nothing can be written where the store is: a full disk or a read-only folder."""
    import os

    if path is None:
        return None
    folder = path.parent
    try:
        space = os.statvfs(folder)
    except OSError:
        return None
    if space.f_bavail * space.f_frsize < FULL_BELOW_BYTES:
        return StoreError(
            f"The disk holding the store ({folder}) is full; nothing was changed.",
            hint="Free some space, then run the command again (commands that only read "
            "still work).",
        )
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return StoreError(
            f"The store {path} cannot be written: it or its folder is read-only for you "
            "(or on a read-only disk); nothing was changed.",
            hint="Commands that only read still work. To make changes, work where the "
            "folder can be written (check its owner and permissions; `wblqa db path`).",
        )
    return None


def known_error(exc: BaseException, store_path: Path | None = None) -> WblqaError | None:
    """A failure of the machine rather than of wblqa (disk full, no permission, a damaged
    store) as a clear error; None for anything else. ``store_path``, where known, lets a
    vague "disk I/O error" be named for what it is (a full disk, a read-only folder)."""
    import errno

    cause = getattr(exc, "orig", None) or exc
    text = str(cause)
    if any(words in text for words in _PLACE_WORDS):
        placed = place_problem(store_path)
        if placed is not None:
            return placed
    for words, message, hint in _STORE_FAILURES:
        if words in text:
            return (StoreDamaged if "malformed" in words else StoreError)(message, hint=hint)
    if isinstance(exc, OSError):
        name = f"{exc.filename}: " if exc.filename else ""
        if exc.errno == errno.ENOSPC:
            return StoreError(f"{name}the disk is full; nothing was changed.")
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return InputError(f"{name}permission denied ({exc.strerror}).")
        return InputError(f"{name}{exc.strerror or exc}.")
    return None
