"""The last line of defence: an exception no handler expected.

Instead of a traceback, the user sees one line naming a crash file in the user
state directory (owner-only, 0600) that holds the details to report; the exit
code is 70 (EX_SOFTWARE). ``WBLQA_CRASH=raise`` (the test suite sets it) lets
the exception through instead, so that reaching this handler fails a test.
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path

EXIT_INTERNAL = 70


def crash_dir() -> Path:
    """Where crash files go: ``WBLQA_STATE_DIR``, else the user state directory."""
    override = os.environ.get("WBLQA_STATE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_state_path

    return user_state_path("wblqa", appauthor=False)


def should_raise() -> bool:
    return os.environ.get("WBLQA_CRASH") == "raise"


def report(exc: BaseException) -> int:
    """Save the traceback, say where in one line; the exit code to use (always 70).

    It cannot fail itself: text that will not encode (an argument of raw bytes)
    is written with backslash escapes, a state directory that cannot be written
    gives way to the temporary directory, and only if no file can be written at
    all are the details printed instead.
    """
    try:
        text = _details(exc)
        for folder, prefix in _folders():
            path = _save(folder, prefix, text)
            if path is not None:
                _say(f"wblqa: internal error; details in {path}; please report it.\n")
                return EXIT_INTERNAL
        _say(
            f"wblqa: internal error ({type(exc).__name__}); the details could not be saved; "
            f"please report them:\n{text}"
        )
    except BaseException:  # the last line of defence never raises
        with contextlib.suppress(BaseException):
            _say(f"wblqa: internal error ({type(exc).__name__}); please report it.\n")
    return EXIT_INTERNAL


def _details(exc: BaseException) -> str:
    from wblqa_cli import __version__

    stamp = datetime.now(UTC)
    argv = " ".join(os.fsencode(a).decode("utf-8", "backslashreplace") for a in sys.argv)
    try:
        trace = "".join(traceback.format_exception(exc))
    except BaseException as failed:  # a broken __str__, a recursion too deep to format
        trace = f"{type(exc).__name__} (its traceback could not be formatted: {failed!r})\n"
    return (
        f"wblqa {__version__} crashed at {stamp.isoformat(timespec='seconds')}\n"
        f"command: {argv}\n"
        f"python: {sys.version.split()[0]} on {sys.platform}\n\n{trace}"
    )


def _folders() -> list[tuple[Path, str]]:
    """Where a crash file may go, in order: the state directory, then the temporary one."""
    import tempfile

    folders = []
    with contextlib.suppress(Exception):
        folders.append((crash_dir(), "crash"))
    folders.append((Path(tempfile.gettempdir()), "wblqa-crash"))
    return folders


def _save(folder: Path, prefix: str, text: str) -> Path | None:
    """The crash file written (0600, whole) in ``folder``; None if it cannot be."""
    from wblqa_cli.files import private_folder

    stamp = datetime.now(UTC)
    path = folder / f"{prefix}-{stamp:%Y%m%d-%H%M%S-%f}-{os.getpid()}.txt"
    try:
        private_folder(folder)
        data = text.encode("utf-8", "backslashreplace")
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        try:
            written = os.write(fd, data)
            while written < len(data):
                written += os.write(fd, data[written:])
        finally:
            os.close(fd)
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            path.unlink()
        return None
    return path


def _say(text: str) -> None:
    """Write to stderr whatever its encoding; control characters shown, not obeyed."""
    from wblqa_cli.safetext import visible_controls

    shown = visible_controls(text)
    stream = sys.stderr
    encoding = getattr(stream, "encoding", None) or "utf-8"
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        stream.flush()
        buffer.write(shown.encode(encoding, "backslashreplace"))
        buffer.flush()
    else:
        stream.write(shown.encode(encoding, "backslashreplace").decode(encoding, "replace"))
