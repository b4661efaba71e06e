"""Where the store lives: ``--db``, then ``WBLQA_DB``, then the user data directory.

Light on purpose: ``wblqa db path`` answers without importing the database layer.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "WBLQA_DB"
APP_NAME = "wblqa"
FILE_NAME = "wblqa.db"


@dataclass(frozen=True)
class StoreLocation:
    """A store as the user named it: a SQLAlchemy URL, and the file when it is SQLite."""

    url: str
    path: Path | None
    origin: str  # "--db", "WBLQA_DB" or "default"

    @property
    def display(self) -> str:
        return str(self.path) if self.path is not None else _hide_password(self.url)


def default_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / FILE_NAME


def resolve(option: str | None) -> StoreLocation:
    """Turn ``--db`` (or the environment, or the default) into a :class:`StoreLocation`.

    A value that names no lasting store is refused (an :class:`InputError` naming
    it): an empty ``--db``, an in-memory SQLite store (``sqlite://``,
    ``:memory:``), which would be gone at the end of the command, and a path that
    cannot lead to a file (a loop of symbolic links).
    """
    if option is not None and not option.strip():
        raise _refused(option, "--db", "it is empty")
    if option:
        value, origin = option, "--db"
    elif os.environ.get(ENV_VAR):
        value, origin = os.environ[ENV_VAR], ENV_VAR
    else:
        path = default_path()
        return StoreLocation(f"sqlite:///{path}", path, "default")
    if any("\udc80" <= c <= "\udcff" for c in value):  # raw bytes, from the environment
        shown = os.fsencode(value).decode("utf-8", "backslashreplace")
        raise _refused(value, origin, "it holds bytes that are not text here", shown=shown)
    sqlite_url = _SQLITE_URL.fullmatch(value)
    if sqlite_url is None and "://" in value:
        return StoreLocation(value, None, origin)
    rest = sqlite_url.group("rest") if sqlite_url else value
    if sqlite_url and not rest.startswith("/"):
        if rest:
            raise _refused(value, origin, "a SQLite URL names a file: sqlite:///PATH")
        rest = "/:memory:"
    text = rest[1:] if sqlite_url else rest
    memory = text.startswith("file::memory:") or "mode=memory" in text
    if memory or text.strip() in ("", ":memory:"):
        raise _refused(value, origin, "an in-memory store keeps nothing after the command ends")
    path = _real_path(text, value, origin)
    return StoreLocation(f"sqlite:///{path}", path, origin)


_SQLITE_URL = re.compile(r"sqlite(?:\+\w+)?://(?P<rest>.*)", re.DOTALL)


def _real_path(text: str, value: str, origin: str) -> Path:
    try:
        return Path(text).expanduser().resolve()
    except RuntimeError:  # Python 3.11's "Symlink loop from ..."
        raise _refused(value, origin, "its symbolic links loop; they lead to no file") from None
    except (OSError, ValueError) as exc:  # a NUL byte, a name too long, no home folder
        raise _refused(value, origin, f"not a usable path ({exc})") from None


def _refused(value: str, origin: str, why: str, shown: str | None = None) -> Exception:
    from wblqa_cli.errors import InputError
    from wblqa_cli.safetext import clip, quoted

    named = quoted(value) if shown is None else f"'{clip(shown)}'"
    return InputError(
        f"{named} ({origin}) is not a store wblqa can use: {why}.",
        hint="Give a SQLite file path (e.g. --db ~/wblqa.db) or a PostgreSQL URL; "
        "without --db, wblqa uses WBLQA_DB or its default (`wblqa db path`).",
    )


def _hide_password(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    creds, at, host = rest.rpartition("@")
    if not at or ":" not in creds:
        return url
    user = creds.split(":", 1)[0]
    return f"{scheme}{sep}{user}:***@{host}"
