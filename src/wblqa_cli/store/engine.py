"""Opening a store: engine, pragmas, permissions, migrations."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.pool import StaticPool

from wblqa_cli.errors import StoreError
from wblqa_cli.location import StoreLocation

if TYPE_CHECKING:
    from sqlmodel import Session

BUSY_TIMEOUT_MS = 30_000


def as_utc(value: datetime | None) -> datetime | None:
    """A time read back from the store, in UTC.

    The store writes aware UTC times; SQLite hands them back naive and a server
    may hand them back in its own time zone.
    """
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Store:
    """An open, migrated store. Use :meth:`session` for a unit of work."""

    def __init__(self, engine: Engine, location: StoreLocation) -> None:
        self.engine = engine
        self.location = location

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back on error."""
        from sqlmodel import Session  # the ORM, loaded only by commands that use it

        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def close(self) -> None:
        self.engine.dispose()


def prepare_file(path: Path) -> None:
    """Create the directory (0700) and the file (0600) before SQLite does."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not path.exists():
            fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
    except OSError as exc:
        raise StoreError(f"Cannot create the store at {path}: {exc.strerror}.") from None
    if path.is_dir():
        raise StoreError(f"The store path {path} is a directory; give a file name.")


def sqlite_engine(location: StoreLocation) -> Engine:
    if location.path is None:  # in-memory, for tests
        engine = create_engine(
            "sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool
        )
    else:
        engine = create_engine(location.url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN IMMEDIATE: a writer takes
        # the lock up front and waits for it (busy timeout), instead of failing
        # with "database is locked" when a read transaction tries to write.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if location.path is not None:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


#: The advisory lock every PostgreSQL transaction of wblqa takes first (as SQLite's
#: BEGIN IMMEDIATE): one wblqa transaction at a time, so a check and the change it
#: allows (a hold, a disposal, the audit chain's next link) never interleave.
PG_LOCK = 0x77626C7161


def server_engine(location: StoreLocation) -> Engine:
    """A server store (PostgreSQL): every session in UTC, like the times the store keeps.

    No BEGIN IMMEDIATE here: each transaction starts by taking :data:`PG_LOCK`
    (transaction-scoped, so a crash or disconnect frees it).
    """
    url = make_url(location.url)
    if url.get_backend_name() != "postgresql":
        return create_engine(url, pool_pre_ping=True)
    options = url.query.get("options", "")
    if isinstance(options, tuple):
        options = " ".join(options)
    # A writer waits for the lock as long as SQLite's busy timeout, then fails clearly.
    settings = f"-c timezone=UTC -c lock_timeout={BUSY_TIMEOUT_MS}"
    url = url.update_query_dict({"options": f"{options} {settings}".strip()})
    engine = create_engine(url, pool_pre_ping=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_LOCK})")

    return engine


def backup_sqlite(source: Path, target: Path) -> Path:
    """Copy a SQLite store consistently (the online backup API) to ``target``, mode 0600."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        raise StoreError(f"{target} already exists; choose another file name.")
    fd = os.open(target, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    os.close(fd)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()
    return target


def backup_name(path: Path, label: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return path.with_name(f"{path.stem}.{label}-{stamp}{path.suffix}")
