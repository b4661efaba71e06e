"""The store on PostgreSQL: the same commands with the same results, the audit guard,
`db copy` both ways, and per-centre access enforced by the server (`db grant`).

Each test gets a fresh database on a throwaway cluster (conftest ``pg_url``); these
tests skip without PostgreSQL off CI and fail under CI=true.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import make_url

from _aqd_helpers import CODES, complete_document, write_json
from consortium_helpers import fixture_path
from wblqa_cli.errors import EXIT_STORE
from wblqa_cli.store.migrations import SCHEMA_VERSION

YEAR = "2025-26"
AS_OF = "2025-11-03"
HEADER = "id,programme,kind,cohort,learner,certified,received,top_up_received,hold"
RECORDS = f"""{HEADER}
LW-2022,{CODES[0]},learner_work,2021-22 day,,2022-07-15,2022-08-01,,
QA-2022,{CODES[0]},qa_documents,2021-22 day,,2022-07-15,2022-08-01,,
LW-2023,{CODES[1]},learner_work,2022-23 day,,2023-07-14,2023-08-04,,appeal by learner 4411
LW-TOPUP,{CODES[0]},learner_work,,Sam Patel,2023-07-14,2023-08-04,pending,
QA-2024,{CODES[1]},qa_documents,2023-24 day,,2024-02-29,,,
"""

ISO_TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)?")
HASH = re.compile(r"\b[0-9a-f]{64}\b")


def ok(result: Any) -> Any:
    assert result.exit_code == 0, result.output + result.stderr
    return result


def normalise(text: str, *stores: str) -> str:
    """Without what differs by nature between two runs: times, hashes, the store's name."""
    for store in stores:
        text = text.replace(store, "<store>")
    # Calendar lines that differ by store (its random id) or by the moment of a change.
    varying = ("DTSTAMP", "UID:", "LAST-MODIFIED", "SEQUENCE")
    text = "\n".join(line for line in text.splitlines() if not line.startswith(varying))
    return HASH.sub("<hash>", ISO_TIME.sub("<time>", text))


def scenario(invoke: Any, db: str, tmp: Path) -> dict[str, str]:
    """The main flow of every command group against the store ``db``; their outputs."""
    tmp.mkdir(parents=True, exist_ok=True)

    def run(*args: str) -> str:
        return str(ok(invoke("--db", db, *args)).stdout)

    out: dict[str, str] = {}
    run("centre", "add", "12345", "--name", "North Vale College")
    for code, title in zip(
        CODES,
        (
            "Pearson BTEC Level 3 Diploma in Business Administration",
            "Pearson BTEC Level 2 Certificate in Warehousing and Storage",
        ),
        strict=True,
    ):
        run("programme", "add", code, "--title", title, "--centre", "12345",
            "--expected-certification", "2026-07-15", "--dcs-expiry", "2025-12-01")  # fmt: skip
    out["centre list"] = run("centre", "list", "--json")
    out["programme list"] = run("programme", "list", "--json")
    csv = tmp / "records.csv"
    csv.write_text(RECORDS, encoding="utf-8")
    out["retention import"] = run("retention", "import", str(csv))
    out["retention add"] = run(
        "retention", "add", "LW-ANN", "--programme", CODES[1], "--kind", "learner_work",
        "--learner", "Ann Lee", "--certified", "2024-06-01", "--received", "2024-06-20",
    )  # fmt: skip
    out["retention due"] = run("retention", "due", "--as-of", AS_OF, "--json")
    out["retention hold"] = run("retention", "hold", "QA-2022", "--reason", "complaint 7")
    out["retention release"] = run("retention", "release", "QA-2022", "--reason", "closed")
    out["retention dispose"] = run("retention", "dispose", "LW-2022")
    out["retention list"] = run("retention", "list", "--as-of", AS_OF, "--json")
    answers = write_json(tmp / "answers.json", complete_document())
    out["aqd start"] = run("aqd", "start", "--year", YEAR, "--answers", str(answers))
    out["aqd status"] = run("aqd", "status", "--year", YEAR, "--as-of", AS_OF, "--json")
    out["aqd submit"] = run("aqd", "submit", "--year", YEAR)
    out["aqd export"] = run("aqd", "export", "--year", YEAR, "--format", "json")
    out["consortium import"] = run("consortium", "import", str(fixture_path("formal")))
    out["consortium list"] = run("consortium", "list", "--json")
    out["consortium show"] = run(
        "consortium", "show", "North Vale BTEC Consortium", "--as-of", AS_OF, "--format", "json"
    )
    out["cycle plan"] = run("cycle", "plan", "--year", YEAR, "--as-of", AS_OF, "--json")
    ics = tmp / "year.ics"
    run("calendar", "--year", YEAR, "--as-of", AS_OF, "-o", str(ics))
    out["calendar"] = ics.read_text(encoding="utf-8")
    out["status"] = run("status", "--year", YEAR, "--as-of", AS_OF, "--json")
    out["audit"] = run("audit", "--json")
    out["db check"] = run("db", "check", "--json")
    return out


# ------------------------------------------------------------- same results


def test_every_command_group_gives_the_same_results_on_postgresql(
    invoke: Any, pg_url: str, tmp_path: Path
) -> None:
    sqlite = str(tmp_path / "lite.db")
    on_sqlite = scenario(invoke, sqlite, tmp_path / "a")
    on_pg = scenario(invoke, pg_url, tmp_path / "b")
    assert on_pg.keys() == on_sqlite.keys()
    pg, lite = str(tmp_path / "b"), str(tmp_path / "a")
    for name in on_sqlite:
        if name == "db check":  # the integrity check is SQLite's own PRAGMA
            continue
        assert normalise(on_pg[name], pg_url, pg) == normalise(on_sqlite[name], sqlite, lite), name
    check = json.loads(on_pg["db check"])
    assert check["schema_version"] == SCHEMA_VERSION
    assert check["audit_chain"] == "intact" and check["problems"] == []
    assert check["integrity"] == "n/a" and json.loads(on_sqlite["db check"])["integrity"] == "ok"
    assert check["audit_entries"] == json.loads(on_sqlite["db check"])["audit_entries"]
    assert check["audit_entries"] == len(json.loads(on_pg["audit"])) > 5


def test_the_audit_log_is_append_only_on_postgresql(invoke: Any, pg_url: str) -> None:
    ok(invoke("--db", pg_url, "centre", "add", "12345", "--name", "North Vale College"))
    ok(invoke("--db", pg_url, "programme", "add", "P1", "--title", "Business", "--centre", "12345"))
    ok(invoke("--db", pg_url, "retention", "add", "R1", "--programme", "P1",
              "--kind", "learner_work", "--learner", "Ann"))  # fmt: skip
    engine = sa.create_engine(pg_url)
    try:
        for statement in (
            "UPDATE audit_log SET summary = 'nothing happened'",
            "DELETE FROM audit_log",
            "TRUNCATE audit_log",
        ):
            with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as c:
                c.exec_driver_sql(statement)
        with engine.connect() as c:
            # centre add, programme add, retention add: each audited, none undone
            assert c.exec_driver_sql("SELECT count(*) FROM audit_log").scalar_one() == 3
    finally:
        engine.dispose()


def test_concurrent_writers_keep_one_audit_chain_on_postgresql(pg_url: str) -> None:
    """Writers in parallel (no BEGIN IMMEDIATE here): the advisory lock queues them."""
    from wblqa_cli.store import audit, open_store

    store = open_store(pg_url)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(10):
                with store.session() as session:
                    audit.append(session, "test.write", "thread", f"{n}-{i}", "a write")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        assert len(audit.entries(store)) == 60
        assert audit.verify(store) == []
    finally:
        store.close()


def test_a_check_and_its_change_never_interleave_on_postgresql(invoke: Any, pg_url: str) -> None:
    """Six processes' worth of `retention hold` on one record at once: one hold, five refusals."""
    from wblqa_cli.errors import InputError
    from wblqa_cli.store import audit, open_store
    from wblqa_cli.store.retention import hold

    ok(invoke("--db", pg_url, "centre", "add", "12345", "--name", "North Vale College"))
    ok(invoke("--db", pg_url, "programme", "add", "P1", "--title", "Business"))
    ok(invoke("--db", pg_url, "retention", "add", "R1", "--programme", "P1",
              "--kind", "learner_work", "--learner", "Ann"))  # fmt: skip
    outcomes: list[str] = []
    barrier = threading.Barrier(6)

    def attempt(n: int) -> None:
        store = open_store(pg_url)
        try:
            barrier.wait()
            hold(store, "R1", f"appeal {n}")
            outcomes.append("held")
        except InputError:
            outcomes.append("refused")
        finally:
            store.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["held"] + ["refused"] * 5
    store = open_store(pg_url)
    try:
        assert [e.action for e in audit.entries(store)].count("retention.hold") == 1
        assert audit.verify(store) == []
    finally:
        store.close()


# ------------------------------------------------------------------- db copy


def _tables(result: Any) -> dict[str, tuple[int, int]]:
    report = json.loads(result.stdout)
    return {t["table"]: (t["source"], t["target"]) for t in report["tables"]}


def test_db_copy_moves_a_store_to_postgresql_and_back(
    invoke: Any, pg_url: str, tmp_path: Path
) -> None:
    sqlite = str(tmp_path / "lite.db")
    before = scenario(invoke, sqlite, tmp_path / "a")
    audit_before = json.loads(before["audit"])

    there = ok(invoke("--db", sqlite, "db", "copy", "--to", pg_url, "--json"))
    counts = _tables(there)
    assert all(source == target for source, target in counts.values()), counts
    assert counts["retention_record"][0] == 6 and counts["aqd_answer"][0] > 0
    assert json.loads(there.stdout)["audit_chain"] == "intact"

    # Same ids and hashes on the server, and the chain goes on from there.
    assert json.loads(ok(invoke("--db", pg_url, "audit", "--json")).stdout) == audit_before
    ok(invoke("--db", pg_url, "retention", "hold", "QA-2024", "--reason", "appeal 9"))
    assert json.loads(ok(invoke("--db", pg_url, "db", "check", "--json")).stdout)["problems"] == []

    back = str(tmp_path / "back.db")
    again = ok(invoke("--db", pg_url, "db", "copy", "--to", back, "--json"))
    assert _tables(again)["audit_log"] == (len(audit_before) + 1,) * 2
    after = json.loads(ok(invoke("--db", back, "audit", "--json")).stdout)
    assert after[: len(audit_before)] == audit_before
    assert json.loads(ok(invoke("--db", back, "db", "check", "--json")).stdout)["problems"] == []
    held = json.loads(ok(invoke("--db", back, "retention", "show", "QA-2024", "--json")).stdout)
    assert "appeal 9" in json.dumps(held)
    # New rows get fresh ids after the copied ones (sequences moved on).
    ok(invoke("--db", pg_url, "centre", "add", "99999", "--name", "Later Centre"))


def test_db_copy_refuses_a_target_that_holds_data(invoke: Any, pg_url: str, tmp_path: Path) -> None:
    sqlite = str(tmp_path / "lite.db")
    ok(invoke("--db", sqlite, "centre", "add", "12345", "--name", "North Vale College"))
    ok(invoke("--db", pg_url, "centre", "add", "23456", "--name", "Riverside School"))
    result = invoke("--db", sqlite, "db", "copy", "--to", pg_url)
    assert result.exit_code == EXIT_STORE, result.output
    assert "is not empty: audit_log (1 rows), centre (1 rows)" in result.stderr
    centres = json.loads(ok(invoke("--db", pg_url, "centre", "list", "--json")).stdout)
    assert [c["number"] for c in centres] == ["23456"]


def test_db_copy_refuses_to_copy_a_store_onto_itself(invoke: Any, tmp_path: Path) -> None:
    sqlite = str(tmp_path / "lite.db")
    result = invoke("--db", sqlite, "db", "copy", "--to", sqlite)
    assert result.exit_code == 2
    assert "names the store being copied" in result.stderr


def test_db_copy_keeps_nothing_when_a_check_fails(
    invoke: Any, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wblqa_cli.store import audit

    sqlite = str(tmp_path / "lite.db")
    ok(invoke("--db", sqlite, "centre", "add", "12345", "--name", "North Vale College"))
    ok(invoke("--db", sqlite, "programme", "add", "P1", "--title", "Business"))
    monkeypatch.setattr(audit, "verify_rows", lambda rows: ["audit entry 1: broken (test)"])
    for target in (pg_url, str(tmp_path / "new.db")):
        result = invoke("--db", sqlite, "db", "copy", "--to", target)
        assert result.exit_code == EXIT_STORE, result.output
        assert "nothing was kept" in result.stderr
    assert not (tmp_path / "new.db").exists()
    monkeypatch.undo()
    # The failed copy left the server database empty (migrated): a new copy goes in.
    result = ok(invoke("--db", sqlite, "db", "copy", "--to", pg_url, "--json"))
    assert _tables(result)["programme"] == (1, 1)


# ------------------------------------------------------------------ db grant

HOME_B = """
[[organisations]]
name = "Hillside Academy"
centre_number = "34567"
approved_centre = true
uk = true
receives_funding = true
registers_learners = true
aqd_completed = true
policies = ["registration-certification", "malpractice", "appeals", "collaborative-arrangements"]
approved_qualifications = ["603/1234/5", "610/0001/1"]
qa_access = true
regular_meetings = true
"""

CENTRES = {"12345": "North Vale College", "23456": "Riverside School", "34567": "Hillside Academy"}


@pytest.fixture
def consortium(invoke: Any, pg_url: str, tmp_path: Path) -> dict[str, str]:
    """A shared store (as its owner): a lead centre and two home centres, each with a
    programme and a learner's record, an AQD each, the arrangement, and the grants applied.
    Returns each centre's role URL (and 'owner')."""
    text = fixture_path("formal").read_text(encoding="utf-8")
    head, _, quals = text.partition("[[qualifications]]")
    arrangement = tmp_path / "consortium.toml"
    arrangement.write_text(head + HOME_B + "\n[[qualifications]]" + quals, encoding="utf-8")

    def owner(*args: str) -> Any:
        return ok(invoke("--db", pg_url, *args))

    for number, name in CENTRES.items():
        owner("centre", "add", number, "--name", name)
        owner("programme", "add", f"P-{number}", "--title", "Business", "--centre", number)
        owner("retention", "add", f"LW-{number}", "--programme", f"P-{number}",
              "--kind", "learner_work", "--learner", f"Learner of {number}",
              "--received", "2024-01-10")  # fmt: skip
    owner("consortium", "import", str(arrangement))
    owner("db", "grant", "--apply")
    url = make_url(pg_url)
    roles = {n: url.set(username=f"wblqa_{n}").render_as_string(False) for n in CENTRES}
    return {**roles, "owner": pg_url}


def _json(invoke: Any, db: str, *args: str) -> Any:
    return json.loads(ok(invoke("--db", db, *args)).stdout)


def test_a_home_centre_sees_only_its_own_centre_programmes_and_learners(
    invoke: Any, consortium: dict[str, str]
) -> None:
    home = consortium["23456"]
    assert [c["number"] for c in _json(invoke, home, "centre", "list", "--json")] == ["23456"]
    assert [p["code"] for p in _json(invoke, home, "programme", "list", "--json")] == ["P-23456"]
    listed = _json(invoke, home, "retention", "list", "--json")["records"]
    assert [(r["id"], r["learner"]) for r in listed] == [("LW-23456", "Learner of 23456")]
    for other in ("LW-34567", "LW-12345"):  # another home centre's learner, the lead's
        result = invoke("--db", home, "retention", "show", other)
        assert result.exit_code == 2 and "No retention record" in result.stderr


def test_a_home_centre_cannot_write_another_centres_records(
    invoke: Any, consortium: dict[str, str]
) -> None:
    home = consortium["23456"]
    result = invoke("--db", home, "retention", "add", "X1", "--programme", "P-34567",
                    "--kind", "learner_work", "--learner", "Someone")  # fmt: skip
    assert result.exit_code == 2 and "not registered" in result.stderr
    result = invoke("--db", home, "retention", "hold", "LW-34567", "--reason", "x")
    assert result.exit_code == 2

    admin = sa.create_engine(consortium["owner"])
    with admin.connect() as c:
        other_centre = c.exec_driver_sql("SELECT id FROM centre WHERE number = '34567'").scalar()
        other_programme = c.exec_driver_sql(
            "SELECT id FROM programme WHERE code = 'P-34567'"
        ).scalar()
    admin.dispose()
    engine = sa.create_engine(home)
    try:
        with engine.begin() as c:
            # Another centre's rows are invisible to UPDATE and DELETE: nothing changes there.
            done = c.exec_driver_sql("UPDATE retention_record SET learner = 'changed'")
            assert done.rowcount == 1  # its own record only
            assert c.exec_driver_sql("DELETE FROM programme WHERE code = 'P-34567'").rowcount == 0
        for statement in (
            "INSERT INTO programme (code, title, centre_id, created_at) "
            f"VALUES ('SNEAK', 't', {other_centre}, now())",
            f"UPDATE programme SET centre_id = {other_centre}",
            "INSERT INTO retention_record (ref, programme_id, kind, learner, top_up_pending, "
            f"created_at) VALUES ('SNEAK', {other_programme}, 'learner_work', 'x', false, now())",
        ):
            with pytest.raises(sa.exc.DBAPIError, match="row-level security"), engine.begin() as c:
                c.exec_driver_sql(statement)
        with pytest.raises(sa.exc.DBAPIError, match="permission denied"), engine.begin() as c:
            c.exec_driver_sql(
                "INSERT INTO centre (number, name, created_at) VALUES ('1', 'x', now())"
            )
        with pytest.raises(sa.exc.DBAPIError, match="permission denied"), engine.connect() as c:
            c.exec_driver_sql("SELECT details FROM audit_log")
    finally:
        engine.dispose()
    owner = _json(invoke, consortium["owner"], "retention", "list", "--json")["records"]
    assert {r["id"]: r["learner"] for r in owner}["LW-34567"] == "Learner of 34567"


def test_a_home_centre_works_on_its_own_records_and_the_chain_holds(
    invoke: Any, consortium: dict[str, str], tmp_path: Path
) -> None:
    home = consortium["23456"]
    ok(invoke("--db", home, "retention", "add", "LW-NEW", "--programme", "P-23456",
              "--kind", "learner_work", "--learner", "New learner"))  # fmt: skip
    ok(invoke("--db", home, "retention", "hold", "LW-23456", "--reason", "appeal 12"))
    ok(
        invoke(
            "--db", home, "programme", "add", "P-23456-B", "--title", "Care", "--centre", "23456"
        )
    )
    answers = {"centre": complete_document(("P-23456",))["centre"], "programmes": {}}
    path = write_json(tmp_path / "answers.json", answers)
    ok(invoke("--db", home, "aqd", "start", "--year", YEAR, "--answers", str(path),
              "--programme", "P-23456"))  # fmt: skip
    status = ok(invoke("--db", home, "aqd", "status", "--year", YEAR)).stdout
    assert "23456" in status
    # The shared QA document: read, not changed.
    assert [a["name"] for a in _json(invoke, home, "consortium", "list", "--json")] == [
        "North Vale BTEC Consortium"
    ]
    # The audit log: appended to by the home centre, read by the lead only.
    refused = invoke("--db", home, "audit")
    assert refused.exit_code == EXIT_STORE
    assert "refused" in refused.stderr and "per-centre access" in refused.stderr
    lead = consortium["12345"]
    entries = _json(invoke, lead, "audit", "--json")
    assert {"retention.add", "retention.hold", "aqd.answer"} <= {e["action"] for e in entries}
    assert _json(invoke, lead, "db", "check", "--json")["problems"] == []


def test_a_home_centre_imports_its_own_records_only(
    invoke: Any, consortium: dict[str, str], tmp_path: Path
) -> None:
    """The owner's import goes by COPY; a centre's role, under row-level security
    (where PostgreSQL refuses COPY), by inserts that the policies check."""
    home = consortium["23456"]
    own = tmp_path / "own.csv"
    own.write_text(
        f"{HEADER}\nI-1,P-23456,learner_work,,Ann,2024-01-01,2024-02-01,,\n"
        "I-2,P-23456,qa_documents,2023-24,,2024-01-01,,,\n",
        encoding="utf-8",
    )
    ok(invoke("--db", home, "retention", "import", str(own)))
    ids = [r["id"] for r in _json(invoke, home, "retention", "list", "--json")["records"]]
    assert sorted(ids) == ["I-1", "I-2", "LW-23456"]
    other = tmp_path / "other.csv"
    other.write_text(f"{HEADER}\nI-3,P-34567,learner_work,,Bo,2024-01-01,2024-02-01,,\n")
    result = invoke("--db", home, "retention", "import", str(other))
    assert result.exit_code == 2 and "P-34567" in result.stderr
    lead = _json(invoke, consortium["12345"], "retention", "list", "--json")["records"]
    assert "I-3" not in [r["id"] for r in lead] and "I-1" in [r["id"] for r in lead]


def test_a_home_centre_may_not_change_the_shared_arrangement(
    invoke: Any, consortium: dict[str, str]
) -> None:
    result = invoke("--db", consortium["23456"], "consortium", "import",
                    str(fixture_path("formal")))  # fmt: skip
    assert result.exit_code == EXIT_STORE, result.output
    assert "refused" in result.stderr and "per-centre access" in result.stderr
    assert "Traceback" not in result.output


def test_the_lead_centre_sees_the_whole_arrangement(
    invoke: Any, consortium: dict[str, str]
) -> None:
    lead = consortium["12345"]
    centres = [c["number"] for c in _json(invoke, lead, "centre", "list", "--json")]
    assert centres == sorted(CENTRES)
    records = _json(invoke, lead, "retention", "list", "--json")["records"]
    assert sorted(r["id"] for r in records) == sorted(f"LW-{n}" for n in CENTRES)
    ok(invoke("--db", lead, "retention", "hold", "LW-34567", "--reason", "malpractice 3"))
    ok(invoke("--db", lead, "consortium", "import", str(fixture_path("formal"))))
    # The grants run again (after a change to the arrangement) without error; the
    # arrangement now names two centres, and the roles keep working.
    again = ok(invoke("--db", consortium["owner"], "db", "grant", "--apply")).stdout
    assert "Role wblqa_12345: centres 12345, 23456 (Lead Centre)." in again
    listed = _json(invoke, consortium["23456"], "programme", "list", "--json")
    assert [p["code"] for p in listed] == ["P-23456"]


def test_grant_prints_sql_by_default_and_refuses_sqlite(
    invoke: Any, pg_url: str, tmp_path: Path
) -> None:
    ok(invoke("--db", pg_url, "consortium", "import", str(fixture_path("formal"))))
    sql = ok(invoke("--db", pg_url, "db", "grant", "--prefix", "nv_")).stdout
    assert sql.startswith("-- wblqa per-centre access") and sql.rstrip().endswith("COMMIT;")
    assert 'CREATE ROLE "nv_12345" LOGIN' in sql and "ENABLE ROW LEVEL SECURITY" in sql
    assert "('nv_12345', '23456', true)" in sql and "('nv_23456', '23456', false)" in sql
    engine = sa.create_engine(pg_url)
    try:
        with engine.connect() as c:  # printed, not applied
            assert c.exec_driver_sql("SELECT count(*) FROM pg_roles WHERE rolname = 'nv_12345'"
                                     ).scalar_one() == 0  # fmt: skip
    finally:
        engine.dispose()
    bad = invoke("--db", pg_url, "db", "grant", "--prefix", "Bad-")
    assert bad.exit_code == 2 and "not a usable role name" in bad.stderr
    lite = invoke("--db", str(tmp_path / "lite.db"), "db", "grant")
    assert lite.exit_code == 2 and "needs a PostgreSQL store" in lite.stderr
