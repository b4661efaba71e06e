"""The store: the only part of wblqa that speaks SQL.

:func:`open_store` resolves the location, creates a SQLite file owner-only,
sets the pragmas (foreign keys, WAL, busy timeout), migrates an older schema
after a backup, and refuses a newer one. Each concern has its own module of
queries (``centres``, ``audit``, ...), all taking a :class:`Store`.
"""

from wblqa_cli.store.engine import Store
from wblqa_cli.store.opening import open_store

__all__ = ["Store", "open_store"]
