"""What is wrong with a SQLite store file, found without migrating or trusting it.

``wblqa db check`` runs this first, on a read-only connection, so that it works
on a store no other command can open: SQLite's ``integrity_check`` (each
problem named with the table its page or b-tree belongs to, where SQLite can
still say), and a scan for stored text that is not UTF-8 (a damaged page can
leave bytes no reader can decode; other commands show them as U+FFFD).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

#: At most this many problems of each kind are listed (a badly damaged file has thousands).
MAX_LISTED = 20


@dataclass
class Diagnosis:
    """The file's integrity (``ok`` or the problems), and its text that is not UTF-8."""

    integrity: list[str] = field(default_factory=list)
    bad_text: list[str] = field(default_factory=list)

    @property
    def damaged(self) -> bool:
        return self.integrity != ["ok"] or bool(self.bad_text)

    @property
    def problems(self) -> list[str]:
        found = [] if self.integrity == ["ok"] else [f"integrity: {r}" for r in self.integrity]
        return found + [f"text: {r}" for r in self.bad_text]


def diagnose(path: Path) -> Diagnosis:
    """Check the SQLite file at ``path`` read-only; never raises for what it finds."""
    from wblqa_cli.store.engine import read_only_connection

    conn = read_only_connection(path)
    conn.text_factory = bytes
    try:
        found = Diagnosis(integrity=_integrity(conn))
        if found.integrity == ["ok"]:
            found.bad_text = _bad_text(conn)
        return found
    finally:
        conn.close()


def _integrity(conn: sqlite3.Connection) -> list[str]:
    try:
        rows = [_text(r[0]) for r in conn.execute(f"PRAGMA integrity_check({MAX_LISTED})")]
    except sqlite3.DatabaseError as exc:
        return _table_by_table(conn, exc)
    if rows == ["ok"]:
        return rows
    owners = _owners(conn)
    return [_named(row, conn, owners) for row in rows if not row.startswith("*** in database")]


def _table_by_table(conn: sqlite3.Connection, failure: sqlite3.DatabaseError) -> list[str]:
    """When the whole check stops at a damaged page, check each table on its own."""
    try:
        tables = conn.execute(
            "SELECT name, rootpage FROM sqlite_master WHERE type = 'table' ORDER BY rootpage"
        ).fetchall()
    except sqlite3.DatabaseError as exc:
        return [f"the list of tables (page 1) cannot be read: {exc}"]
    found: list[str] = []
    for raw_name, root in tables:
        name = _text(raw_name)
        try:
            rows = [_text(r[0]) for r in conn.execute(f'PRAGMA integrity_check("{name}")')]
        except sqlite3.DatabaseError as exc:
            found.append(f"table {name} (b-tree from page {root}) cannot be read: {exc}")
            continue
        found.extend(f"table {name}: {r}" for r in rows if r != "ok")
    return found or [f"the check stopped: {failure}"]


def _text(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _owners(conn: sqlite3.Connection) -> dict[str, dict[object, str]]:
    """Root pages and indexes to their tables, if the schema can still be read."""
    try:
        rows = conn.execute("SELECT type, name, tbl_name, rootpage FROM sqlite_master").fetchall()
    except sqlite3.DatabaseError:
        return {"root": {}, "index": {}}
    return {
        "root": {int(r[3]): _text(r[2]) for r in rows if isinstance(r[3], int)},
        "index": {_text(r[1]): _text(r[2]) for r in rows if _text(r[0]) == "index"},
    }


def _named(row: str, conn: sqlite3.Connection, owners: dict[str, dict[object, str]]) -> str:
    """A line of ``integrity_check`` with the table it concerns, where that can be found."""
    table = None
    tree = re.search(r"\bTree (\d+)", row)
    index = re.search(r"\bindex (\S+)", row)
    page = re.search(r"\b[Pp]age (\d+)", row)
    if tree:
        table = owners["root"].get(int(tree.group(1)))
    elif index:
        table = owners["index"].get(index.group(1))
    if table is None and page:
        table = owners["root"].get(int(page.group(1))) or _page_owner(conn, int(page.group(1)))
    return f"{row} (table {table})" if table else row


def _page_owner(conn: sqlite3.Connection, page: int) -> str | None:
    try:  # dbstat walks every b-tree: it may itself fail on a damaged file
        found = conn.execute("SELECT name FROM dbstat WHERE pageno = ?", (page,)).fetchone()
    except sqlite3.DatabaseError:
        return None
    return _text(found[0]) if found else None


def _bad_text(conn: sqlite3.Connection) -> list[str]:
    """Each stored text value that is not UTF-8: table, row id, column, and its bytes."""
    problems: list[str] = []
    tables = [_text(r[0]) for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )]  # fmt: skip
    for table in tables:
        columns = [_text(r[1]) for r in conn.execute(f'PRAGMA table_info("{table}")')]
        if not columns:
            continue
        quoted = [f'"{c}"' for c in columns]
        # Only a value with a byte beyond ASCII can be wrong: SQLite's GLOB finds those
        # (it reads any such byte as a character outside the class); only they are decoded.
        beyond = " OR ".join(f"(typeof({c}) = 'text' AND {c} GLOB :outside)" for c in quoted)
        query = f'SELECT rowid, {", ".join(quoted)} FROM "{table}" WHERE {beyond}'
        for row in conn.execute(query, {"outside": "*[^\x01-\x7f]*"}):
            for column, value in zip(columns, row[1:], strict=True):
                if isinstance(value, bytes) and not _utf8(value):
                    problems.append(
                        f"table {table}, row {row[0]}, column {column}: text that is not UTF-8 "
                        f"({value[:60]!r})"
                    )
                    if len(problems) >= MAX_LISTED:
                        return problems
    return problems


def _utf8(value: bytes) -> bool:
    try:
        value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
