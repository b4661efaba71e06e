"""Bulk inserts: Core with the per-row cost of parameter handling taken out, or COPY.

``session.execute(insert(table), rows)`` converts every value of every row
through its column type's bind processor, in Python, on each call. An
archive repeats the same few thousand dates across 200,000 rows, so
:class:`BulkInsert` compiles the Core ``INSERT`` once for the dialect, asks
each column type for its bind processor once, remembers what each processor
made of a value (they are pure), and hands the rows to the driver's
``executemany``. The values stored are exactly those the Core path stores:
the same processors make them.

On PostgreSQL (psycopg 3) rows go in by ``COPY … FROM STDIN`` where the server
allows it. It refuses COPY on a table whose row-level security applies to the
current role (a centre's role, see ``access.py``); then the rows go in by
inserts, which the policies check one by one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import sqlalchemy as sa

#: A remembered conversion is dropped with the rest when a column has seen this many values.
MEMO_LIMIT = 100_000


def _memoised(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    memo: dict[Any, Any] = {}
    try:  # most cells of an optional column are empty: convert None once
        none = process(None)
    except Exception:  # a processor that refuses None still does so row by row
        none = memo  # a marker: ask the processor each time

    def convert(value: Any) -> Any:
        if value is None:
            return process(value) if none is memo else none
        try:
            return memo[value]
        except KeyError:
            pass
        except TypeError:  # unhashable: convert every time
            return process(value)
        if len(memo) >= MEMO_LIMIT:
            memo.clear()
        memo[value] = done = process(value)
        return done

    return convert


def _may_copy(conn: sa.Connection, table: sa.Table) -> bool:
    if conn.dialect.name != "postgresql" or conn.dialect.driver != "psycopg":
        return False
    active = conn.execute(sa.text("SELECT row_security_active(:t)"), {"t": table.name})
    return not active.scalar_one()


def _copy(
    conn: sa.Connection, table: sa.Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    names = ", ".join(f'"{c}"' for c in columns)
    driver = conn.connection.driver_connection
    assert driver is not None
    count = 0
    with (
        driver.cursor() as cursor,
        cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy,
    ):
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def insert_rows(session: Any, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` in the caller's transaction."""
    if not rows:
        return
    conn = session if isinstance(session, sa.Connection) else session.connection()
    if not _may_copy(conn, table):
        conn.execute(sa.insert(table), list(rows))
        return
    columns = list(rows[0])
    _copy(conn, table, columns, ([row[c] for c in columns] for row in rows))


class BulkInsert:
    """``INSERT INTO table (columns…)`` compiled for ``connection``'s dialect, run in batches."""

    def __init__(self, connection: sa.Connection, table: sa.Table, columns: Sequence[str]) -> None:
        dialect = connection.dialect
        self.connection = connection
        self.columns = tuple(columns)
        compiled = sa.insert(table).compile(dialect=dialect, column_keys=list(self.columns))
        self.sql = compiled.string
        positions = compiled.positiontup if compiled.positional else None
        # The compiled statement names its parameters after the columns' keys.
        self.order = tuple(positions) if positions is not None else self.columns
        if set(self.order) != set(self.columns):  # e.g. a column with a Python-side default
            raise ValueError(f"{table.name}: the INSERT binds {self.order}, not {self.columns}")
        self.positional = positions is not None
        plan: list[tuple[int, Callable[[Any], Any] | None]] = []
        for name in self.order:
            process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
            plan.append((self.columns.index(name), process and _memoised(process)))
        #: For each parameter of the statement: where its value is in a row, and its conversion.
        self.plan = tuple(plan)
        self.table = table
        self.copy = _may_copy(connection, table)

    def execute(self, rows: Iterable[Sequence[Any]]) -> int:
        """Insert ``rows`` (tuples of values in ``columns`` order) with one ``executemany``."""
        if self.copy:
            return _copy(self.connection, self.table, self.columns, rows)
        plan = self.plan
        if self.positional:
            params: list[Any] = [
                tuple([row[i] if c is None else c(row[i]) for i, c in plan]) for row in rows
            ]
        else:
            names = self.order
            params = [
                dict(zip(names, [row[i] if c is None else c(row[i]) for i, c in plan], strict=True))
                for row in rows
            ]
        if params:
            self.connection.exec_driver_sql(self.sql, params)
        return len(params)
