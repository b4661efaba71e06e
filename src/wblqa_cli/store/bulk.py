"""Bulk inserts for every engine: Core executemany, or COPY on PostgreSQL where it may.

PostgreSQL refuses COPY FROM on a table whose row-level security applies to the
current role (a centre's role, see ``access.py``); then the rows go in by Core
inserts, which the policies check one by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session


def _may_copy(conn: sa.Connection, table: sa.Table) -> bool:
    if conn.dialect.name != "postgresql" or conn.dialect.driver != "psycopg":
        return False
    active = conn.execute(sa.text("SELECT row_security_active(:t)"), {"t": table.name})
    return not active.scalar_one()


def insert_rows(
    session: Session | sa.Connection, table: sa.Table, rows: Sequence[dict[str, Any]]
) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` in the caller's transaction."""
    if not rows:
        return
    conn = session.connection() if isinstance(session, Session) else session
    if not _may_copy(conn, table):
        conn.execute(sa.insert(table), list(rows))
        return
    columns = list(rows[0])
    names = ", ".join(f'"{c}"' for c in columns)
    driver = conn.connection.driver_connection
    assert driver is not None
    with (
        driver.cursor() as cursor,
        cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy,
    ):
        for row in rows:
            copy.write_row([row[c] for c in columns])
