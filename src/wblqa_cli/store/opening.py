"""Opening the store: the engine for ``--db``, then any pending migration.

Kept apart from ``engine.py`` so that the migrations, which need the engine's
:class:`Store` and backup helpers, and the engine never import each other.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError

from wblqa_cli.errors import StoreError
from wblqa_cli.location import resolve
from wblqa_cli.store import migrations
from wblqa_cli.store.engine import Store, prepare_file, server_engine, sqlite_engine


def open_store(option: str | None = None, *, migrate: bool = True) -> Store:
    """Open (creating if need be) and migrate the store named by ``--db``/env/default."""
    location = resolve(option)
    if location.url.startswith("sqlite"):
        if location.path is not None:
            prepare_file(location.path)
        engine = sqlite_engine(location)
    else:
        try:
            engine = server_engine(location)
        except Exception as exc:  # unknown dialect, missing driver, malformed URL
            hint = (
                "For PostgreSQL use postgresql+psycopg://… and install wblqa with its PostgreSQL "
                "driver: from the wblqa folder, pipx install --force '.[postgres]'."
                if isinstance(exc, ImportError) and "psycopg" in str(exc)
                else None
            )
            raise StoreError(
                f"Cannot use the store URL {location.display}: {exc}.", hint=hint
            ) from None
    store = Store(engine, location)
    try:
        if migrate:
            migrations.migrate(store)
    except OperationalError as exc:
        store.close()
        raise StoreError(f"Cannot open the store {location.display}: {exc.orig}.") from None
    except DBAPIError as exc:
        store.close()
        raise StoreError(f"Cannot open the store {location.display}: {exc.orig}.") from None
    return store
