"""A college group's store, built once: programmes, retention records and AQD answers.

    python bench/large.py DB PROGRAMMES RECORDS ANSWERS

Every part is written by wblqa itself: the centre and the programmes with
``wblqa programme import`` (so each title's sector match is found as a user's
import finds it), the records with ``wblqa retention import``, and the answers
through the store's bulk insert (``aqd start`` asks them one by one). Titles
mix listed ones, close spellings and unlisted ones, as a real catalogue does.
Answers fill this year's declaration first, then last year's.
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable
CENTRE = "12345"
YEARS = ("2025-26", "2024-25")

_SUBJECTS = (
    "Engineering", "Health and Social Care", "Sport", "Information Technology",
    "Applied Science", "Creative Media Production", "Travel and Tourism", "Hospitality",
)  # fmt: skip
_SIZES = ("Certificate", "Diploma", "Extended Diploma", "Subsidiary Diploma", "Award")


def titles(n: int) -> list[str]:
    """``n`` titles: a tenth listed exactly, a tenth misspelt, the rest in no listed group."""
    from wblqa_cli.cycle.rules import load_sector_groups

    listed = [t for g in load_sector_groups() for t in g.titles]
    rng = random.Random(1000)
    out = []
    for i in range(n):
        if i % 10 == 0:
            out.append(listed[i // 10 % len(listed)])
        elif i % 10 == 1:
            t = listed[i // 10 % len(listed)]
            cut = len(t) - 4
            out.append(t[:cut] + t[cut + 1 :])  # one letter dropped near the end
        else:
            level = rng.choice((1, 2, 3, 4))
            out.append(
                f"Pearson BTEC Level {level} {rng.choice(_SIZES)} in {rng.choice(_SUBJECTS)} ({i})"
            )
    return out


def codes(n: int) -> list[str]:
    return [f"610/{i // 10:04d}/{i % 10}" for i in range(n)]


def wblqa(db: str, *args: str) -> None:
    done = subprocess.run(
        [PY, "-m", "wblqa_cli", "--db", db, *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"building the store failed: wblqa {' '.join(args)}\n{done.stderr}")


def write_programmes(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("code,title,expected_certification,dcs_expiry\n")
        for i, (code, title) in enumerate(zip(codes(n), titles(n), strict=True)):
            expiry = "2026-01-31" if i % 50 == 0 else ""
            f.write(f'{code},"{title}",2026-07-{1 + i % 28:02d},{expiry}\n')


def write_records(path: Path, programmes: int, n: int) -> None:
    """``n`` records spread over the programmes: a cohort's learner work and QA documents."""
    rng = random.Random(20250715)
    all_codes = codes(programmes)
    start = date(2015, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("id,programme,kind,cohort,certified,received,hold\n")
        for i in range(n):
            certified = start + timedelta(days=rng.randrange(3650))
            received = certified + timedelta(days=rng.randrange(14, 60))
            r = received.isoformat() if rng.random() > 0.02 else ""
            hold = "appeal" if rng.random() < 0.005 else ""
            kind = "learner_work" if i % 2 else "qa_documents"
            cohort = f"{certified.year}-{(certified.year + 1) % 100:02d} group {i % 7}"
            f.write(
                f"L{i:08d},{all_codes[i % programmes]},{kind},{cohort},"
                f"{certified.isoformat()},{r},{hold}\n"
            )


def add_answers(db: str, target: int) -> int:
    """Answers a compliant centre gives, this year first, through the bulk insert."""
    sys.path.insert(0, str(HERE.parent))
    from bench.scale import compliant_answers

    from wblqa_cli.aqd.bank import load_bank
    from wblqa_cli.store import open_store
    from wblqa_cli.store.aqd import bulk_insert_answers, open_declaration
    from wblqa_cli.store.centres import list_programmes
    from wblqa_cli.store.models import utcnow

    bank = load_bank()
    centre_rows, programme_rows = compliant_answers(bank)
    store = open_store(db)
    programme_codes = [p.code for p in list_programmes(store)]
    now = utcnow()
    scopes = [(None, centre_rows), *((c, programme_rows) for c in programme_codes)]
    written = 0
    for year in YEARS:
        if written >= target:
            break
        declaration = open_declaration(store, CENTRE, year, bank.version)
        rows = [
            {
                "declaration_id": declaration.id,
                "programme_code": code,
                "question_id": qid,
                "value": value,
                "comment": None,
                "answered_at": now,
                "answered_by": "bench",
                "bank_version": bank.version,
            }
            for code, answers in scopes
            for qid, value in answers
        ][: target - written]
        with store.session() as session:
            bulk_insert_answers(session, rows)
        written += len(rows)
    store.close()
    return written


def build(db: str, programmes: int, records: int, answers: int) -> None:
    with tempfile.TemporaryDirectory(prefix="wblqa-large-") as tmp:
        work = Path(tmp)
        wblqa(db, "centre", "add", CENTRE, "--name", "Bench College Group")
        write_programmes(work / "programmes.csv", programmes)
        wblqa(db, "programme", "import", str(work / "programmes.csv"), "--quiet")
        if records:
            write_records(work / "records.csv", programmes, records)
            wblqa(db, "retention", "import", str(work / "records.csv"), "--quiet")
    if answers:
        add_answers(db, answers)


if __name__ == "__main__":
    if len(sys.argv) != 5:
        raise SystemExit("usage: python bench/large.py DB PROGRAMMES RECORDS ANSWERS")
    build(sys.argv[1], *map(int, sys.argv[2:]))
