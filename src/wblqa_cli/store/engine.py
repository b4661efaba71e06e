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
from sqlalchemy.pool import NullPool

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


def probe_file(path: Path) -> bool:
    """Whether ``path`` holds a SQLite file (True) or nothing yet (False).

    A store is created only where no file exists: an empty (0-byte) file, a
    file that is not SQLite, a folder, a device or a FIFO is refused with a
    :class:`StoreError` naming it, never taken for a new, empty store.
    """
    import errno
    import stat

    try:
        info = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            raise StoreError(f"The store path {path} is a symbolic link to nothing.") from None
        return False
    except NotADirectoryError:
        return False  # creating it will say why it cannot be
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise StoreError(f"The store path {path}: its symbolic links loop.") from None
        raise StoreError(f"Cannot read the store {path}: {exc.strerror}.") from None
    if stat.S_ISDIR(info.st_mode):
        raise StoreError(f"The store path {path} is a directory; give a file name.")
    if not stat.S_ISREG(info.st_mode):
        raise StoreError(f"The store path {path} is not a regular file (a device or a pipe).")
    if info.st_size == 0:
        raise StoreError(
            f"The store file {path} is empty (0 bytes): it is not a wblqa store, and wblqa "
            "will not start a new one over it.",
            hint="If it should hold your data, restore your latest backup (`wblqa db backup` "
            "writes them); to start afresh, delete the empty file first.",
        )
    _refuse_foreign(path)
    return True


def _refuse_foreign(path: Path) -> None:
    """A file that is not SQLite, or a SQLite file with tables and no record of wblqa's
    migrations (another program's), is refused before any connection could change it.

    Read through SQLite, never with open() and close(): closing a descriptor of a
    database file drops every lock this process holds on it (POSIX), which SQLite
    avoids only for the files it opens itself.
    """
    try:
        conn = read_only_connection(path)
    except sqlite3.DatabaseError as exc:
        if "file is not a database" in str(exc):
            raise _not_a_store(path) from None
        return  # opening it properly will say what is wrong
    except StoreError:
        return
    try:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name = 'wblqa_migrations' DESC, name LIMIT 6"
        )]  # fmt: skip
    except sqlite3.DatabaseError:
        return  # damaged: the commands and `db check` name it
    finally:
        conn.close()
    if not names or names[0] == "wblqa_migrations":
        return
    shown = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
    raise StoreError(
        f"The file {path} is a SQLite database but not a wblqa store (it holds {shown}); "
        "wblqa leaves it as it is.",
        hint="Check --db or WBLQA_DB (`wblqa db path`).",
    )


def _not_a_store(path: Path) -> StoreError:
    return StoreError(
        f"The file {path} is not a wblqa store (it is not a SQLite database, or its first "
        "page is damaged); wblqa leaves it as it is.",
        hint="Check --db or WBLQA_DB (`wblqa db path`); restore your latest backup if the "
        "store is damaged.",
    )


def new_file_name(path: Path) -> Path:
    """Where a new store is built before it takes its name: a hidden file beside it."""
    return path.with_name(f".{path.name}.{os.getpid()}.new")


def place_new_file(built: Path, path: Path) -> None:
    """Give the finished new store ``built`` its name, unless another process did first."""
    try:
        os.link(built, path)  # atomic, and fails if ``path`` appeared meanwhile
    except FileExistsError:
        pass  # another wblqa created the store at the same moment: use theirs
    except OSError:  # no hard links on this file system
        if not path.exists():
            built.replace(path)
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{built}{suffix}").unlink(missing_ok=True)


def create_empty(path: Path, store: Path) -> None:
    """Create ``path`` owner-only (0600), and its folder (0700) if need be; errors name
    ``store``, the file the user asked for."""
    try:
        if not path.parent.is_dir():
            path.parent.mkdir(parents=True, mode=0o700)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except OSError as exc:
        why = (
            "a part of its folder path is a file"
            if isinstance(exc, FileExistsError)
            else (exc.strerror)
        )
        raise StoreError(f"Cannot create the store at {store}: {why}.") from None


def _text(raw: bytes) -> str:
    """A stored text value: invalid UTF-8 (a damaged page) shows as U+FFFD, never a crash.

    ``wblqa db check`` finds and names such values.
    """
    return str(raw, "utf-8", "replace")


def sqlite_engine(location: StoreLocation, *, read_only: bool = False) -> Engine:
    """A SQLite file's engine; ``read_only`` opens it ``mode=ro`` (:func:`read_only_connection`)."""
    if location.path is None:  # pragma: no cover - resolve() refuses in-memory stores
        raise StoreError("An in-memory store keeps nothing; give a file.")
    path = location.path
    if read_only:
        engine = create_engine(
            location.url, creator=lambda: read_only_connection(path), poolclass=NullPool
        )
    else:
        engine = create_engine(location.url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN IMMEDIATE: a writer takes
        # the lock up front and waits for it (busy timeout), instead of failing
        # with "database is locked" when a read transaction tries to write.
        dbapi_conn.isolation_level = None
        dbapi_conn.text_factory = _text
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if not read_only:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        info = conn.connection.info
        reading = read_only or bool(conn.get_execution_options().get(READ))
        if info.get("query_only", False) != reading:  # the pool mixes readers and writers
            conn.exec_driver_sql(f"PRAGMA query_only = {int(reading)}")
            info["query_only"] = reading
        # A reader: a deferred BEGIN, a WAL snapshot, no lock a writer waits for.
        conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

    return engine.execution_options(**{READ: True}) if read_only else engine


def read_only_connection(path: Path) -> sqlite3.Connection:
    """A connection that cannot write the file (``mode=ro``), for a command that only reads.

    It reads where writing is impossible: a read-only folder or disk, a full disk.
    A WAL store needs its ``-shm`` file, which such places may not let SQLite
    create; then, and only then (:func:`errors.place_problem` says the place cannot
    be written), if no ``-wal`` file holds changes not yet in the store, the file
    is read as it is (``immutable=1``). Otherwise a :class:`StoreError` says why.
    """
    from urllib.parse import quote

    uri = f"file:{quote(str(path))}"
    timeout = BUSY_TIMEOUT_MS / 1000
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=timeout, check_same_thread=False)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError as exc:
        conn.close()
        from wblqa_cli.errors import place_problem

        if place_problem(path) is None:
            raise  # not the place (busy, damaged): the usual handling names it
        wal = Path(f"{path}-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise StoreError(
                f"Cannot read the store {path}: {exc}; its -wal file holds changes SQLite "
                "cannot read from here (the folder or disk cannot be written).",
                hint="Open it once where its folder can be written, or free some disk space.",
            ) from None
    # Nothing can be written here, so no wblqa is changing the file: read it as it is.
    return sqlite3.connect(f"{uri}?immutable=1", uri=True, timeout=timeout, check_same_thread=False)


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
