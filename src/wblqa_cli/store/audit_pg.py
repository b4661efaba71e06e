"""The PostgreSQL audit guard (migration 7): only the owner appends, the server chains.

Kept apart from ``migrations.py`` because it is long and is SQL only. What it
proves and cannot prove is said in the README ("The audit log").
"""

from __future__ import annotations

import sqlalchemy as sa

#: The group role of ``wblqa db grant`` (access.py); named here so that a migration
#: can move its rights on a store where grants were already applied.
CENTRE_GROUP = "wblqa_centre"

#: The chain's hash in SQL, the same as ``audit._digest``: SHA-256 of the JSON array
#: [prev, at (UTC, microseconds, +00:00), user, action, entity, entity_id, summary,
#: details]. PostgreSQL's ``to_json(text)`` escapes exactly as Python's json.dumps
#: with ensure_ascii=False (\" \\ \b \f \n \r \t, other C0 as \u00xx).
_DIGEST_SQL = (
    "encode(sha256(convert_to('[' || to_json(prev)::text || ',' || "
    """to_json(to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '+00:00')::text"""
    " || ',' || to_json(who)::text || ',' || to_json(action)::text || ',' || "
    "to_json(entity)::text || ',' || to_json(entity_id)::text || ',' || "
    "to_json(summary)::text || ',' || to_json(details)::text || ']', 'UTF8')), 'hex')"
)

#: Whether the calling login role may record ``action`` on the entity (home centres'
#: roles: only their own records and declarations; arrangements: lead roles only).
_MAY_RECORD_SQL = """
    IF to_regclass('wblqa_centre_role') IS NULL THEN RETURN true; END IF;
    IF p_entity = 'retention_record' THEN
        RETURN EXISTS (SELECT 1 FROM retention_record r
            JOIN programme p ON p.id = r.programme_id JOIN centre c ON c.id = p.centre_id
            JOIN wblqa_centre_role m ON m.centre_number = c.number AND m.role = session_user
            WHERE r.ref = p_entity_id);
    ELSIF p_entity = 'aqd' THEN
        RETURN EXISTS (SELECT 1 FROM wblqa_centre_role m WHERE m.role = session_user
            AND m.centre_number = split_part(p_entity_id, '/', 1));
    ELSIF p_entity = 'arrangement' THEN
        RETURN EXISTS (SELECT 1 FROM wblqa_centre_role m WHERE m.role = session_user AND m.lead);
    END IF;
    RETURN EXISTS (SELECT 1 FROM wblqa_centre_role m WHERE m.role = session_user);
"""


def guard_statements(conn: sa.Connection) -> list[str]:
    """PostgreSQL only: the audit log is written by its owner alone, and chained by the server.

    - ``wblqa_lock``, a one-row table no other role may read or lock, is the
      serialising lock: ``wblqa_lock()`` (SECURITY DEFINER) takes its row lock
      for the rest of the transaction. Unlike an advisory key, no role can take it
      outside wblqa or keep it past its transaction.
    - ``wblqa_audit_append(action, entity, entity_id, summary, details, user)``
      (SECURITY DEFINER) takes the lock, reads the head, stamps the time and
      computes the hash itself; a caller other than the owner is named in the
      entry (``user (role R)``) and may record only what concerns its own centres.
    - A BEFORE INSERT trigger refuses any row whose id does not come after the
      last entry, whose ``prev_hash`` is not the head or whose hash does not match
      its contents: even the owner (``db copy``) can only extend the chain.
    - Centres' roles lose INSERT on the log; EXECUTE on the functions is revoked
      from PUBLIC and given to the centres' group where ``db grant`` made one.
    """
    schema = conn.execute(sa.text("SELECT current_schema()")).scalar_one()
    out: list[str] = []
    path = '"' + str(schema).replace('"', '""') + '", pg_temp'
    out.append("CREATE TABLE wblqa_lock (id integer PRIMARY KEY CHECK (id = 1))")
    out.append("INSERT INTO wblqa_lock (id) VALUES (1)")
    out.append("REVOKE ALL ON wblqa_lock FROM PUBLIC")
    definer = f"SECURITY DEFINER SET search_path = {path}"
    out.append(
        f"CREATE FUNCTION wblqa_lock() RETURNS void LANGUAGE plpgsql VOLATILE {definer} AS $$ "
        "BEGIN PERFORM 1 FROM wblqa_lock WHERE id = 1 FOR UPDATE; END $$"
    )
    out.append(
        "CREATE OR REPLACE FUNCTION wblqa_audit_head() RETURNS text LANGUAGE plpgsql VOLATILE "
        f"{definer} AS $$ DECLARE last_hash text; BEGIN "
        "PERFORM wblqa_lock(); "
        "SELECT hash INTO last_hash FROM audit_log ORDER BY id DESC LIMIT 1; "
        "RETURN last_hash; END $$"
    )
    out.append(
        "CREATE FUNCTION wblqa_audit_digest(prev text, at timestamptz, who text, action text, "
        "entity text, entity_id text, summary text, details text) RETURNS text "
        f"LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $$ SELECT {_DIGEST_SQL} $$"
    )
    out.append(
        "CREATE FUNCTION wblqa_audit_may_record(p_action text, p_entity text, p_entity_id text) "
        f"RETURNS boolean LANGUAGE plpgsql STABLE {definer} AS $$ BEGIN "
        f"{_MAY_RECORD_SQL} END $$"
    )
    out.append(
        "CREATE FUNCTION wblqa_audit_append(p_action text, p_entity text, p_entity_id text, "
        "p_summary text, p_details text, p_user text) RETURNS text LANGUAGE plpgsql VOLATILE "
        f"{definer} AS $$ DECLARE head text; stamp timestamptz; who text := p_user; "
        "digest text; BEGIN "
        "IF session_user <> current_user THEN "
        "  IF NOT wblqa_audit_may_record(p_action, p_entity, p_entity_id) THEN "
        "    RAISE EXCEPTION 'permission denied: role % may not record % on % %', "
        "      session_user, p_action, p_entity, p_entity_id USING ERRCODE = '42501'; "
        "  END IF; "
        "  who := p_user || ' (role ' || session_user || ')'; "
        "END IF; "
        "PERFORM wblqa_lock(); "
        "SELECT hash INTO head FROM audit_log ORDER BY id DESC LIMIT 1; "
        "head := coalesce(head, repeat('0', 64)); "
        "stamp := clock_timestamp(); "
        "digest := wblqa_audit_digest(head, stamp, who, p_action, p_entity, p_entity_id, "
        "  p_summary, p_details); "
        'INSERT INTO audit_log (at, "user", action, entity, entity_id, summary, details, '
        "  prev_hash, hash) VALUES (stamp, who, p_action, p_entity, p_entity_id, p_summary, "
        "  p_details, head, digest); "
        "RETURN digest; END $$"
    )
    out.append(
        "CREATE FUNCTION wblqa_audit_chain_guard() RETURNS trigger LANGUAGE plpgsql "
        f"{definer} AS $$ DECLARE last_id bigint; last_hash text; BEGIN "
        "PERFORM wblqa_lock(); "
        "SELECT id, hash INTO last_id, last_hash FROM audit_log ORDER BY id DESC LIMIT 1; "
        "IF NEW.id <= coalesce(last_id, 0) THEN "
        "  RAISE EXCEPTION 'audit entry % would not come after entry %', NEW.id, last_id; "
        "END IF; "
        "IF NEW.prev_hash IS DISTINCT FROM coalesce(last_hash, repeat('0', 64)) THEN "
        "  RAISE EXCEPTION 'audit entry % does not follow the head of the chain', NEW.id; "
        "END IF; "
        'IF NEW.hash IS DISTINCT FROM wblqa_audit_digest(NEW.prev_hash, NEW.at, NEW."user", '
        "  NEW.action, NEW.entity, NEW.entity_id, NEW.summary, NEW.details) THEN "
        "  RAISE EXCEPTION 'audit entry % has a hash that does not match its contents', NEW.id; "
        "END IF; "
        "RETURN NEW; END $$"
    )
    out.append(
        "CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION wblqa_audit_chain_guard()"
    )
    functions = (
        "wblqa_lock()",
        "wblqa_audit_head()",
        "wblqa_audit_may_record(text, text, text)",
        "wblqa_audit_append(text, text, text, text, text, text)",
        "wblqa_audit_chain_guard()",
    )
    for function in functions:
        out.append(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")
    out.append("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC")
    out.append(
        f"DO $$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = '{CENTRE_GROUP}') THEN "
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON audit_log FROM {CENTRE_GROUP}; "
        f"REVOKE SELECT (id) ON audit_log FROM {CENTRE_GROUP}; "
        f"GRANT EXECUTE ON FUNCTION wblqa_lock() TO {CENTRE_GROUP}; "
        "GRANT EXECUTE ON FUNCTION wblqa_audit_append(text, text, text, text, text, text) "
        f"TO {CENTRE_GROUP}; "
        "END IF; END $$"
    )
    return out
