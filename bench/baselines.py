"""Plain-Python baselines for the benchmark suite: the standard library only.

    python bench/baselines.py check FILE AS_OF
    python bench/baselines.py import DB FILE
    python bench/baselines.py due DB AS_OF
    python bench/baselines.py list DB AS_OF
    python bench/baselines.py export DB YEAR OUT
    python bench/baselines.py export-xlsx DB YEAR OUT

Each does the same work as the wblqa command it is measured against, the
shortest honest way: no validation messages, no progress, no audit entry.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path


def parse(text: str) -> date | None:
    """An ISO date, or a UK day/month/year one; empty means missing."""
    if not text:
        return None
    if "/" in text:
        dd, mm, yy = text.split("/")
        return date(int(yy), int(mm), int(dd))
    return date.fromisoformat(text)


def years_after(d: date, n: int) -> date:
    """``n`` years later; 29 February becomes 1 March (a date is never earlier)."""
    try:
        return d.replace(year=d.year + n)
    except ValueError:
        return date(d.year + n, 3, 1)


def learner_work(received: date | None) -> date | None:
    return received + timedelta(weeks=12, days=1) if received else None


def qa_documents(certified: date | None) -> date | None:
    return years_after(certified, 3) + timedelta(days=1) if certified else None


def check(path: str, as_of: str) -> None:
    """``retention check FILE --csv``: one pass, each row's two statuses and dates."""
    today = date.fromisoformat(as_of)

    def status(d: date | None, hold: str) -> str:
        if hold:
            return "on-hold"
        if d is None:
            return "unknown"
        return "disposable" if today >= d else "retain"

    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(
        [
            "id",
            "learner_work_status",
            "learner_work_dispose_from",
            "qa_documents_status",
            "qa_documents_dispose_from",
        ]
    )
    with Path(path).open(newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        next(rows)
        for ident, certified, received, hold in rows:
            lw = learner_work(parse(received))
            qa = qa_documents(parse(certified))
            out.writerow(
                [
                    ident,
                    status(lw, hold),
                    lw.isoformat() if lw else "",
                    status(qa, hold),
                    qa.isoformat() if qa else "",
                ]
            )


def import_(db: str, path: str) -> None:
    """``retention import FILE``: the same rows, one ``executemany`` in one transaction."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    ids = dict(conn.execute("SELECT code, id FROM programme"))
    now = datetime.now(UTC).isoformat(sep=" ")

    def rows() -> object:
        with Path(path).open(newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            next(reader)
            for ref, programme, kind, cohort, certified, received, hold in reader:
                c, r = parse(certified), parse(received)
                end = learner_work(r) if kind == "learner_work" else qa_documents(c)
                yield (
                    ref,
                    ids[programme],
                    kind,
                    cohort or None,
                    c and c.isoformat(),
                    r and r.isoformat(),
                    False,
                    end and (end - timedelta(days=1)).isoformat(),
                    end and end.isoformat(),
                    hold or None,
                    now if hold else None,
                    "bench" if hold else None,
                    now,
                )

    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO retention_record (ref, programme_id, kind, cohort, certified, received,"
        " top_up_pending, retain_until, dispose_from, hold_reason, held_at, held_by,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows(),  # type: ignore[arg-type]
    )
    conn.execute("COMMIT")
    conn.close()


def due(db: str, as_of: str) -> None:
    """``retention due --json``: the indexed query, the two held-back counts, one JSON."""
    conn = sqlite3.connect(db)
    join = "FROM retention_record r JOIN programme p ON r.programme_id = p.id"
    rows = conn.execute(
        "SELECT r.ref, p.code, p.title, r.kind, r.cohort, r.learner, r.dispose_from "
        f"{join} WHERE r.disposed_at IS NULL AND r.hold_reason IS NULL "
        "AND r.dispose_from <= ? ORDER BY p.code, r.kind, r.dispose_from, r.ref",
        (as_of,),
    ).fetchall()
    held = conn.execute(
        f"SELECT count(*) {join} WHERE r.disposed_at IS NULL AND r.hold_reason IS NOT NULL"
    ).fetchone()[0]
    unknown = conn.execute(
        f"SELECT count(*) {join} WHERE r.disposed_at IS NULL AND r.hold_reason IS NULL "
        "AND r.dispose_from IS NULL"
    ).fetchone()[0]
    groups: list[dict[str, object]] = []
    key = None
    for ref, code, title, kind, cohort, learner, dispose_from in rows:
        if (code, kind) != key:
            key = (code, kind)
            records: list[dict[str, object]] = []
            groups.append({"programme": code, "title": title, "kind": kind, "records": records})
        records.append(
            {"id": ref, "cohort": cohort, "learner": learner, "dispose_from": dispose_from}
        )
    for g in groups:
        g["count"] = len(g["records"])  # type: ignore[arg-type]
    doc = {
        "as_of": as_of,
        "total": len(rows),
        "held_back": {"on-hold": held, "unknown": unknown},
        "groups": groups,
    }
    sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


def list_(db: str, as_of: str) -> None:
    """``retention list --json``: every record with its status, one JSON document."""
    today = date.fromisoformat(as_of)
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT r.ref, p.code, r.kind, r.cohort, r.learner, r.certified, r.received,"
        " r.top_up_received, r.top_up_pending, r.retain_until, r.dispose_from, r.hold_reason,"
        " r.held_at, r.held_by, r.disposed_at, r.disposed_by, r.disposal_note"
        " FROM retention_record r JOIN programme p ON r.programme_id = p.id"
        " ORDER BY p.code, r.kind, r.ref"
    )

    def stamp(text: str | None) -> str | None:
        if text is None:
            return None
        return datetime.fromisoformat(text).replace(tzinfo=UTC).isoformat(timespec="seconds")

    records = []
    for (ref, code, kind, cohort, learner, certified, received, top_up, pending, retain,
         dispose, hold, held_at, held_by, disposed_at, disposed_by, note) in rows:  # fmt: skip
        if disposed_at is not None:
            status = "disposed"
        elif hold is not None:
            status = "on-hold"
        elif dispose is None:
            status = "unknown"
        else:
            status = "disposable" if today >= date.fromisoformat(dispose) else "retain"
        records.append(
            {
                "id": ref, "programme": code, "kind": kind, "cohort": cohort, "learner": learner,
                "certified": certified, "received": received,
                "top_up_received": "pending" if pending else top_up,
                "retain_until": retain, "dispose_from": dispose, "status": status,
                "hold": None if hold is None
                else {"reason": hold, "at": stamp(held_at), "by": held_by},
                "disposed": None if disposed_at is None
                else {"at": stamp(disposed_at), "by": disposed_by, "note": note},
            }
        )  # fmt: skip
    doc = {"as_of": as_of, "records": records}
    sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


def export(db: str, year: str, out: str) -> None:
    """``aqd export --format csv -o OUT``: the same file, the shortest way.

    The same twelve columns: each answer with its centre, year, section and
    question wording from the bank (tomllib), the answer as yes/no or text,
    the time in ISO 8601 and whether it differs from a compliant answer; a
    cell that a spreadsheet would run as a formula is prefixed with ``'``. It
    skips what the seeded store never needs: answers to questions whose
    condition no longer holds, and ordering within a scope by the bank.
    """
    import tomllib

    bank = tomllib.loads(
        (Path(__file__).resolve().parents[1] / "data" / "aqd_questions.toml").read_text("utf-8")
    )
    sections = {s["id"]: s["title"] for s in bank["sections"]}
    questions = {
        q["id"]: (sections[q["section"]], q["question"], q.get("expect")) for q in bank["questions"]
    }
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT c.number, a.programme_code, p.title, a.question_id, a.value, a.comment,"
        " a.answered_at, a.answered_by FROM aqd_answer a"
        " JOIN aqd_declaration d ON d.id = a.declaration_id JOIN centre c ON c.id = d.centre_id"
        " LEFT JOIN programme p ON p.code = a.programme_code WHERE d.academic_year = ?"
        " ORDER BY a.programme_code IS NOT NULL, a.programme_code, a.id",
        (year,),
    )

    def cell(value: object) -> object:
        if value is True:
            return "yes"
        if value is False:
            return "no"
        if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
            return "'" + value
        return value

    with Path(out).open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(
            [
                "academic_year", "centre_number", "programme_code", "programme_title", "section",
                "question_id", "question", "answer", "comment", "answered_at", "answered_by",
                "flagged",
            ]
        )  # fmt: skip
        for centre, code, title, qid, value, comment, at, by in rows:
            section, wording, expect = questions.get(qid, (None, None, None))
            answer = json.loads(value)
            stamp = datetime.fromisoformat(at).replace(tzinfo=UTC).isoformat(timespec="seconds")
            flagged = expect is not None and answer is not None and answer != expect
            w.writerow(
                [
                    year, centre, code, title, section, qid, wording, cell(answer), cell(comment),
                    stamp, by, cell(flagged),
                ]
            )  # fmt: skip


def export_xlsx(db: str, year: str, out: str) -> None:
    """``aqd export --format xlsx -o OUT``: the same rows through XlsxWriter, one pass.

    The one library beyond the standard library here: the baseline for writing
    a workbook is the library writing it, typed (text, date-time), nothing more.
    """
    import xlsxwriter

    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT a.programme_code, p.title, a.question_id, a.value, a.comment, a.answered_at,"
        " a.answered_by FROM aqd_answer a JOIN aqd_declaration d ON d.id = a.declaration_id"
        " LEFT JOIN programme p ON p.code = a.programme_code WHERE d.academic_year = ?"
        " ORDER BY a.programme_code IS NOT NULL, a.programme_code, a.id",
        (year,),
    )
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet()
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet.write_row(0, 0, ["programme_code", "programme_title", "question_id", "answer"])
    for n, (code, title, qid, value, comment, at, by) in enumerate(rows, start=1):
        sheet.write_row(n, 0, [code or "", title or "", qid, str(json.loads(value)), comment or ""])
        sheet.write_datetime(n, 5, datetime.fromisoformat(at[:19]), stamp)
        sheet.write_string(n, 6, by)
    book.close()


if __name__ == "__main__":
    command, *rest = sys.argv[1:]
    commands = {
        "check": check,
        "import": import_,
        "due": due,
        "list": list_,
        "export": export,
        "export-xlsx": export_xlsx,
    }
    commands[command](*rest)
