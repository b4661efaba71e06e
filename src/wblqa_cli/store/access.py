"""Per-centre access on a shared PostgreSQL store (``wblqa db grant``), enforced by the server.

The design, kept small on purpose:

* One login role per centre of an arrangement (``wblqa_12345``), each a member
  of the group role ``wblqa_centre`` that holds the table privileges.
* A mapping table ``wblqa_centre_role(role, centre_number, lead)`` says whose
  records each role may touch: a home centre's role maps to its own centre; the
  Lead Centre's role maps to every centre of the arrangement (``lead`` true).
* Row-level security policies, for members of ``wblqa_centre``, compare each
  row's centre with the rows of the mapping for ``current_user``:
  centres are read-only and limited to one's own; programmes, expected
  certification dates, retention records, AQD declarations and answers are read
  and written only for one's own centres (through the programme or the
  declaration they belong to); arrangements (the shared QA documents) are read
  by every centre named in them and written by lead roles only; settings (AQD
  deadlines) are read by all and written by lead roles only.
* The audit log: no centre's role may insert into it; each appends through
  ``wblqa_audit_append()`` (SECURITY DEFINER, migration 7), which computes the
  hash, names the role in the entry and refuses entries about records the role
  cannot reach. Only lead roles read it. Each role's idle transactions end after
  :data:`IDLE_TIMEOUT`, so none can sit on the serialising lock.
* The store's owner (who ran the migrations and this script) is not subject to
  row-level security and keeps every right; centres, programmes without a
  centre, and schema upgrades are the owner's.

The SQL is idempotent: run it again after adding a centre, or after an upgrade
that added tables.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from wblqa_cli.consortium.model import Arrangement
from wblqa_cli.errors import InputError, StoreError
from wblqa_cli.store.engine import Store

GROUP = "wblqa_centre"
MAPPING = "wblqa_centre_role"
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
APPEND = "wblqa_audit_append(text, text, text, text, text, text)"
#: How long a centre's role may leave a transaction idle (and so hold a lock).
IDLE_TIMEOUT = "'60s'"

MY_CENTRES = f"(SELECT r.centre_number FROM {MAPPING} r WHERE r.role = current_user)"
IS_LEAD = f"EXISTS (SELECT 1 FROM {MAPPING} r WHERE r.role = current_user AND r.lead)"
IN_MY_CENTRES = "centre_id IN (SELECT c.id FROM centre c)"  # centre's own policy filters it
IN_MY_PROGRAMMES = "programme_id IN (SELECT p.id FROM programme p)"
NAMED_IN = (
    "EXISTS (SELECT 1 FROM jsonb_array_elements(document::jsonb -> 'organisations') o "
    f"WHERE o ->> 'centre_number' IN {MY_CENTRES})"
)

#: Tables a centre reads and writes, row by row: (table, condition).
OWN_ROWS = (
    ("programme", IN_MY_CENTRES),
    ("programme_fact", IN_MY_PROGRAMMES),
    ("retention_record", IN_MY_PROGRAMMES),
    ("aqd_declaration", IN_MY_CENTRES),
    ("aqd_answer", "declaration_id IN (SELECT d.id FROM aqd_declaration d)"),
    ("aqd_coverage", "declaration_id IN (SELECT d.id FROM aqd_declaration d)"),
    ("aqd_group", IN_MY_CENTRES),
    ("aqd_group_member", "group_id IN (SELECT g.id FROM aqd_group g)"),
)


@dataclass(frozen=True)
class Grant:
    """One centre's role: the centres whose records it reaches, and whether it leads."""

    role: str
    centre_number: str
    centres: tuple[str, ...]
    lead: bool


def plan(arrangement: Arrangement, prefix: str = "wblqa_") -> list[Grant]:
    """A role per centre of the arrangement; the lead's reaches every centre in it."""
    members = [o for o in arrangement.organisations if o.centre_number]
    if not members:
        raise InputError(
            f"Arrangement {arrangement.name!r} names no centre numbers; nothing to grant."
        )
    numbers = tuple(sorted({o.centre_number for o in members if o.centre_number}))
    leads = {o.centre_number for o in members if o.lead}
    grants = []
    for number in numbers:
        role = f"{prefix}{number}".lower()
        if not ROLE_NAME.match(role):
            raise InputError(
                f"{role!r} (--prefix {prefix!r} + centre {number}) is not a usable role name: "
                "use lower-case letters, digits and _ (at most 63), starting with a letter or _."
            )
        lead = number in leads
        grants.append(Grant(role, number, numbers if lead else (number,), lead))
    return grants


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _ident(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _ensure_role(role: str, login: bool) -> str:
    kind = "LOGIN" if login else "NOLOGIN"
    return (
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {_literal(role)}) "
        f"THEN CREATE ROLE {_ident(role)} {kind}; END IF; END $$"
    )


def _policy(table: str, name: str, command: str, using: str | None, check: str | None) -> list[str]:
    parts = [f"CREATE POLICY {name} ON {table} AS PERMISSIVE FOR {command} TO {GROUP}"]
    if using is not None:
        parts.append(f"USING ({using})")
    if check is not None:
        parts.append(f"WITH CHECK ({check})")
    return [f"DROP POLICY IF EXISTS {name} ON {table}", " ".join(parts)]


def statements(grants: Sequence[Grant], schema: str) -> list[str]:
    """The SQL, one statement each, that creates the roles, the mapping and the policies."""
    s = _ident(schema)
    out = [
        f"CREATE TABLE IF NOT EXISTS {MAPPING} (role name NOT NULL, "
        "centre_number text NOT NULL, lead boolean NOT NULL DEFAULT false, "
        "PRIMARY KEY (role, centre_number))",
        _ensure_role(GROUP, login=False),
    ]
    for g in grants:
        out += [_ensure_role(g.role, login=True), f"GRANT {GROUP} TO {_ident(g.role)}"]
    roles = ", ".join(_literal(g.role) for g in grants)
    out.append(f"DELETE FROM {MAPPING} WHERE role IN ({roles})")
    values = ", ".join(
        f"({_literal(g.role)}, {_literal(c)}, {'true' if g.lead else 'false'})"
        for g in grants
        for c in g.centres
    )
    out.append(f"INSERT INTO {MAPPING} (role, centre_number, lead) VALUES {values}")
    own = ", ".join(t for t, _ in OWN_ROWS)
    out += [
        f"GRANT USAGE ON SCHEMA {s} TO {GROUP}",
        f"GRANT SELECT ON wblqa_migrations, {MAPPING}, centre TO {GROUP}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {own}, arrangement, setting TO {GROUP}",
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON audit_log FROM {GROUP}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {GROUP}",
        f"REVOKE USAGE, SELECT, UPDATE ON SEQUENCE audit_log_id_seq FROM {GROUP}",
        f"GRANT EXECUTE ON FUNCTION wblqa_lock() TO {GROUP}",
        f"GRANT EXECUTE ON FUNCTION {APPEND} TO {GROUP}",
    ]
    out += [
        f"ALTER ROLE {_ident(g.role)} SET idle_in_transaction_session_timeout = {IDLE_TIMEOUT}"
        for g in grants
    ]
    out += [f"GRANT SELECT ON audit_log TO {_ident(g.role)}" for g in grants if g.lead]
    out += [f"REVOKE SELECT ON audit_log FROM {_ident(g.role)}" for g in grants if not g.lead]
    for table in (MAPPING, "centre", *(t for t, _ in OWN_ROWS), "arrangement", "setting"):
        out.append(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    out += _policy(MAPPING, "wblqa_own", "SELECT", "role = current_user", None)
    out += _policy("centre", "wblqa_own", "SELECT", f"number IN {MY_CENTRES}", None)
    for table, condition in OWN_ROWS:
        out += _policy(table, "wblqa_own", "ALL", condition, condition)
    out += _policy("arrangement", "wblqa_read", "SELECT", NAMED_IN, None)
    out += _policy("arrangement", "wblqa_lead_add", "INSERT", None, IS_LEAD)
    out += _policy("arrangement", "wblqa_lead_change", "UPDATE", f"{IS_LEAD} AND {NAMED_IN}",
                   IS_LEAD)  # fmt: skip
    out += _policy("setting", "wblqa_read", "SELECT", "true", None)
    out += _policy("setting", "wblqa_lead_add", "INSERT", None, IS_LEAD)
    out += _policy("setting", "wblqa_lead_change", "UPDATE", IS_LEAD, IS_LEAD)
    out += _policy("setting", "wblqa_lead_remove", "DELETE", IS_LEAD, None)
    return out


def script(grants: Sequence[Grant], schema: str, arrangement: str) -> str:
    """The statements as one psql script, in a transaction."""
    lines = [
        f"-- wblqa per-centre access for the arrangement {arrangement!r}.",
        "-- Run as the store's owner (who ran the migrations) with CREATEROLE.",
        *(
            f"-- {g.role}: centre {g.centre_number}"
            + (f", Lead Centre: reaches {', '.join(g.centres)}" if g.lead else "")
            for g in grants
        ),
        "BEGIN;",
        *(f"{statement};" for statement in statements(grants, schema)),
        "COMMIT;",
    ]
    return "\n".join(lines) + "\n"


def schema_of(store: Store) -> str:
    if store.engine.dialect.name != "postgresql":
        raise InputError(
            f"Per-centre access needs a PostgreSQL store; {store.location.display} is "
            f"{store.engine.dialect.name}.",
            hint="Move the store with `wblqa db copy --to postgresql+psycopg://…` first.",
        )
    with store.engine.connect() as conn:
        return str(conn.execute(sa.text("SELECT current_schema()")).scalar_one())


def apply(store: Store, grants: Sequence[Grant], schema: str) -> None:
    """Run the statements in one transaction on the store (as its owner)."""
    try:
        with store.engine.begin() as conn:
            for statement in statements(grants, schema):
                conn.exec_driver_sql(statement)
    except sa.exc.DBAPIError as exc:
        first = str(exc.orig).strip().splitlines()[0]
        raise StoreError(
            f"The server refused the grants, so none was applied: {first}.",
            hint="Run `wblqa db grant` as the store's owner with CREATEROLE, or print the "
            "SQL (without --apply) and give it to your database administrator.",
        ) from None
