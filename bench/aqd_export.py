"""Benchmark: `wblqa aqd export` of 50,000 answers, against plain baselines.

Run from the repository root:  python bench/aqd_export.py [--answers N]

Seeds a fresh SQLite store through the store's bulk path (one centre, enough
programmes, every answer a compliant centre would give, inserted with one
Core statement), then times, as separate processes:

- `python -c pass` (interpreter start-up),
- bare `sqlite3` reading the same rows (the floor for reading them),
- `wblqa aqd export --format csv -o FILE` and `--format json`.

Prints each figure and its ratio to the baselines. Not a timed test.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
YEAR = "2025-26"


def seed(db: Path, target: int) -> int:
    from wblqa_cli.aqd import applicable, coerce, encode
    from wblqa_cli.aqd_bank import Question, load_bank
    from wblqa_cli.registry import Centre, Programme
    from wblqa_cli.store import open_store
    from wblqa_cli.store.aqd import bulk_insert_answers, open_declaration
    from wblqa_cli.store.centres import add_centre, save_programmes
    from wblqa_cli.store.models import utcnow

    bank = load_bank()

    def answer(q: Question) -> object:
        if q.type == "yes-no":
            return q.expect if q.expect is not None else False
        if q.type == "choice":
            return q.choices[0]
        if q.type == "date":
            return "2025-10-01"
        return '=HYPERLINK("x")  a note that looks like a formula'

    def scope(kind: str) -> list[tuple[str, str]]:
        values: dict[str, object] = {}
        for q in bank.of_scope(kind):
            if q.when is None or q.when.question in values:
                values[q.id] = coerce(q, answer(q), q.id)
        return [(q.id, encode(values[q.id])) for q in applicable(bank.of_scope(kind), values)]  # type: ignore[arg-type]

    centre_rows, programme_rows = scope("centre"), scope("programme")
    n_programmes = -(-(target - len(centre_rows)) // len(programme_rows))
    store = open_store(str(db))
    add_centre(store, Centre("12345", "Bench College"))
    codes = [f"600/{i:04d}/1" for i in range(n_programmes)]
    save_programmes(
        store,
        [
            Programme(code, f"Pearson BTEC Level 3 Programme {i}", "12345")
            for i, code in enumerate(codes)
        ],
    )
    declaration = open_declaration(store, "12345", YEAR, bank.version)
    now = utcnow()
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
        for code, answers in [(None, centre_rows), *((c, programme_rows) for c in codes)]
        for qid, value in answers
    ][:target]
    with store.session() as session:
        bulk_insert_answers(session, rows)
    store.close()
    return len(rows)


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def best(argv: list[str], env: dict[str, str], runs: int = 3) -> float:
    return min(timed(argv, env) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        count = seed(db, args.answers)
        seeded = time.perf_counter() - t0
        env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "WBLQA_DB": str(db)}
        python = best([sys.executable, "-c", "pass"], env)
        query = (
            "SELECT a.programme_code, p.title, a.question_id, a.value, a.comment, a.answered_at "
            "FROM aqd_answer a LEFT JOIN programme p ON p.code = a.programme_code "
            "ORDER BY a.programme_code IS NOT NULL, a.programme_code, a.id"
        )
        start = time.perf_counter()
        with sqlite3.connect(db) as conn:
            rows = conn.execute(query).fetchall()
        bare = time.perf_counter() - start
        assert len(rows) == count
        results = {}
        for fmt in ("csv", "json"):
            out = Path(tmp) / f"export.{fmt}"

            def run(fmt: str = fmt, out: Path = out) -> float:
                out.unlink(missing_ok=True)
                return timed(
                    [sys.executable, "-m", "wblqa_cli", "aqd", "export", "--year", YEAR,
                     "--format", fmt, "-o", str(out)],
                    env,
                )  # fmt: skip

            results[fmt] = min(run() for _ in range(3))
            lines = out.read_text(encoding="utf-8").count("\n")
            assert lines >= count, (fmt, lines, count)
    print(f"answers seeded (bulk path): {count:,} in {seeded:.2f} s")
    print(f"python -c pass:             {python:.3f} s")
    print(f"bare sqlite3 read:          {bare:.3f} s")
    for fmt, secs in results.items():
        print(
            f"wblqa aqd export --format {fmt}: {secs:.2f} s "
            f"({secs / python:.1f}x python start-up, "
            f"{secs / max(bare, 1e-6):.0f}x bare sqlite3 read, "
            f"{count / secs:,.0f} answers/s)"
        )


if __name__ == "__main__":
    main()
