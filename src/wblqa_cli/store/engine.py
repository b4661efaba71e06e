"""Opening a store: engine, pragmas, permissions, migrations."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.pool import StaticPool

from wblqa_cli.errors import StoreError
from wblqa_cli.location import StoreLocation

if TYPE_CHECKING:
    from sqlmodel import Session

BUSY_TIMEOUT_MS = 30_000
#: The execution option that makes a connection's transactions read-only.
READ = "wblqa_read"


def as_utc(value: datetime | None) -> datetime | None:
    """A time read back from the store, in UTC.

    The store writes aware UTC times; SQLite hands them back naive and a server
    may hand them back in its own time zone.
    """
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Store:
    """An open, migrated store. Use :meth:`session` for a unit of work.

    A store opened for reading (:meth:`for_reading`) runs every transaction as a
    read: on SQLite a deferred ``BEGIN`` with ``query_only`` (a WAL reader, never
    waiting for or blocking a writer), on PostgreSQL ``READ ONLY`` without the
    serialising lock. A write through it fails at once instead of queueing.
    """

    def __init__(self, engine: Engine, location: StoreLocation) -> None:
        self.engine = engine
        self.location = location

    @property
    def read_only(self) -> bool:
        return bool(self.engine.get_execution_options().get(READ))

    def for_reading(self) -> Store:
        """The same store (same pool), every transaction a read."""
        return Store(self.engine.execution_options(**{READ: True}), self.location)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read transaction on this store, whatever it was opened for."""
        with self.for_reading().session() as session:
            yield session

    @contextmanager
    def read_connection(self) -> Iterator[Connection]:
        """A core connection whose transactions are reads."""
        with self.engine.execution_options(**{READ: True}).connect() as conn:
            yield conn

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
        info = conn.connection.info
        reading = bool(conn.get_execution_options().get(READ))
        if info.get("query_only", False) != reading:  # the pool mixes readers and writers
            conn.exec_driver_sql(f"PRAGMA query_only = {int(reading)}")
            info["query_only"] = reading
        # A reader: a deferred BEGIN, a WAL snapshot, no lock a writer waits for.
        conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

    return engine


#: The advisory lock a PostgreSQL store older than migration 7 serialises on, kept
#: only to open and migrate such a store. From migration 7 every writing transaction
#: takes the row lock of ``wblqa_lock()`` instead: a lock only wblqa's functions can
#: take, and only for the transaction (an advisory key any role could hold for ever).
PG_LOCK = 0x77626C7161


def server_engine(location: StoreLocation) -> Engine:
    """A server store (PostgreSQL): every session in UTC, like the times the store keeps.

    No BEGIN IMMEDIATE here: each transaction starts by taking the store's
    serialising lock (``wblqa_lock()``, or :data:`PG_LOCK` on a store not yet at
    migration 7), transaction-scoped, so a crash or disconnect frees it.
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
        # The DBAPI cursor: the connection's own options (a streamed read) must not
        # turn these statements into a server-side cursor.
        cursor = conn.connection.cursor()
        try:
            if conn.get_execution_options().get(READ):
                cursor.execute("SET TRANSACTION READ ONLY")  # no lock: readers never wait
                return
            info = conn.connection.info
            if not info.get("wblqa_row_lock"):
                cursor.execute("SELECT to_regprocedure('wblqa_lock()') IS NOT NULL")
                info["wblqa_row_lock"] = bool(cursor.fetchone()[0])
            if info["wblqa_row_lock"]:
                cursor.execute("SELECT wblqa_lock()")
            else:
                cursor.execute(f"SELECT pg_advisory_xact_lock({PG_LOCK})")
        finally:
            cursor.close()

    return engine


def backup_sqlite(source: Path, target: Path) -> Path:
    """Copy a SQLite store consistently (the online backup API) to ``target``, mode 0600.

    New folders are owner-only (0700); a copy that fails half way is removed.
    """
    try:
        from wblqa_cli.files import private_folder

        private_folder(target.parent)
        fd = os.open(target, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    except FileExistsError:
        raise StoreError(f"{target} already exists; choose another file name.") from None
    except OSError as exc:
        raise StoreError(f"Cannot write the backup {target}: {exc.strerror}.") from None
    os.close(fd)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    except sqlite3.Error as exc:
        dst.close()
        target.unlink(missing_ok=True)
        raise StoreError(f"Cannot write the backup {target}: {exc}.") from None
    finally:
        src.close()
        dst.close()
    return target


def backup_name(path: Path, label: str) -> Path:
    """A name beside ``path`` no other process picks: the time to the microsecond and our pid."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    return path.with_name(f"{path.stem}.{label}-{stamp}-{os.getpid()}{path.suffix}")
