"""The last line of defence: an exception no handler expected.

Instead of a traceback, the user sees one line naming a crash file in the user
state directory (owner-only, 0600) that holds the details to report; the exit
code is 70 (EX_SOFTWARE). ``WBLQA_CRASH=raise`` (the test suite sets it) lets
the exception through instead, so that reaching this handler fails a test.
"""

from __future__ import annotations

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
    """Save the traceback, say where in one line; the exit code to use."""
    from wblqa_cli import __version__
    from wblqa_cli.safetext import visible_controls

    stamp = datetime.now(UTC)
    text = (
        f"wblqa {__version__} crashed at {stamp.isoformat(timespec='seconds')}\n"
        f"command: {' '.join(sys.argv)}\n"
        f"python: {sys.version.split()[0]} on {sys.platform}\n\n"
        + "".join(traceback.format_exception(exc))
    )
    try:
        folder = crash_dir()
        from wblqa_cli.files import private_folder

        private_folder(folder)
        path = folder / f"crash-{stamp:%Y%m%d-%H%M%S-%f}-{os.getpid()}.txt"
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as error:
        sys.stderr.write(
            f"wblqa: internal error ({type(exc).__name__}); the details could not be saved "
            f"({visible_controls(str(error))}); please report it:\n{visible_controls(text)}"
        )
        return EXIT_INTERNAL
    sys.stderr.write(
        f"wblqa: internal error; details in {visible_controls(str(path))}; please report it.\n"
    )
    return EXIT_INTERNAL
