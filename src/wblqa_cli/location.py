"""Where the store lives: ``--db``, then ``WBLQA_DB``, then the user data directory.

Light on purpose: ``wblqa db path`` answers without importing the database layer.
"""

from __future__ import annotations

import os
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
    """Turn ``--db`` (or the environment, or the default) into a :class:`StoreLocation`."""
    if option:
        value, origin = option, "--db"
    elif os.environ.get(ENV_VAR):
        value, origin = os.environ[ENV_VAR], ENV_VAR
    else:
        path = default_path()
        return StoreLocation(f"sqlite:///{path}", path, "default")
    if "://" in value:
        url_path: Path | None = None
        if value.startswith("sqlite:///") and value != "sqlite:///:memory:":
            url_path = Path(value.removeprefix("sqlite:///")).expanduser().resolve()
            value = f"sqlite:///{url_path}"
        return StoreLocation(value, url_path, origin)
    path = Path(value).expanduser().resolve()
    return StoreLocation(f"sqlite:///{path}", path, origin)


def _hide_password(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    creds, at, host = rest.rpartition("@")
    if not at or ":" not in creds:
        return url
    user = creds.split(":", 1)[0]
    return f"{scheme}{sep}{user}:***@{host}"
