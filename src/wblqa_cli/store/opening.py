"""Opening the store: the engine for ``--db``, then any pending migration.

Kept apart from ``engine.py`` so that the migrations, which need the engine's
:class:`Store` and backup helpers, and the engine never import each other.

A new SQLite store is built under a hidden name beside its place, migrated,
then given its name in one step: a file at the store's path is always a whole
store, so an empty or foreign file there is refused (:func:`engine.probe_file`),
never taken for a new store.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from wblqa_cli.errors import StoreError
from wblqa_cli.location import StoreLocation, resolve
from wblqa_cli.store import migrations
from wblqa_cli.store.engine import (
    Store,
    create_empty,
    new_file_name,
    place_new_file,
    probe_file,
    server_engine,
    sqlite_engine,
)


def open_store(
    option: str | None = None, *, migrate: bool = True, read_only: bool = False
) -> Store:
    """Open (creating if need be) and migrate the store named by ``--db``/env/default.

    ``read_only``: the command only reads, so a SQLite file is opened ``mode=ro``
    (it reads on a read-only folder or a full disk) and every transaction is a
    read. A store that needs an upgrade is opened for writing all the same: the
    upgrade is a write the user expects on the first run of a new release.
    """
    location = resolve(option)
    if location.path is not None:
        if not probe_file(location.path):
            _create_sqlite(location)
        engine = sqlite_engine(location, read_only=read_only)
    else:
        engine = _server_engine(location)
    store = Store(engine, location)
    try:
        if migrate:
            if read_only and store.is_sqlite and migrations.pending(store):
                store.close()  # upgrade it as a writer, then read as a reader
                open_store(option, migrate=True).close()
                return open_store(option, read_only=True)
            migrations.migrate(store)
    except (OperationalError, DBAPIError) as exc:
        store.close()
        from wblqa_cli.errors import known_error

        known = known_error(exc, location.path)
        if known is not None:
            raise known from None
        raise StoreError(f"Cannot open the store {location.display}: {exc.orig}.") from None
    except BaseException:
        store.close()
        raise
    return store.for_reading() if read_only and not store.is_sqlite else store


def _server_engine(location: StoreLocation) -> Engine:
    try:
        return server_engine(location)
    except Exception as exc:  # unknown dialect, missing driver, malformed URL
        hint = (
            "For PostgreSQL use postgresql+psycopg://… and install wblqa with its PostgreSQL "
            "driver: from the wblqa folder, pipx install --force '.[postgres]'."
            if isinstance(exc, ImportError) and "psycopg" in str(exc)
            else None
        )
        message = f"Cannot use the store URL {location.display}: {exc}."
        raise StoreError(message, hint=hint) from None


def _create_sqlite(location: StoreLocation) -> None:
    """Build a new store beside ``location.path``, migrated, then give it its name."""
    assert location.path is not None
    path = location.path
    from wblqa_cli.files import sweep_parts

    built = new_file_name(path)
    sweep_parts(path.parent, path.name, suffix=".new")  # left by a wblqa killed half way
    create_empty(built, path)
    try:
        at = StoreLocation(f"sqlite:///{built}", built, location.origin)
        store = Store(sqlite_engine(at), at)
        try:
            migrations.migrate(store)
        finally:
            store.close()
    except BaseException:
        for suffix in ("", "-wal", "-shm", "-journal"):
            built.with_name(built.name + suffix).unlink(missing_ok=True)
        raise
    place_new_file(built, path)
