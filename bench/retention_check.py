"""Benchmark: ``wblqa retention check`` over a college group's archive, against a plain baseline.

Run from the repository root:

    python bench/retention_check.py [--rows 200000] [--store]

It writes a CSV of ``--rows`` rows (ISO dates, a few UK-style dates, some
empty triggers and holds) into a temporary directory, then times, each as a
subprocess writing CSV to /dev/null:

- ``wblqa retention check FILE --csv --as-of …`` (validates the whole file,
  then computes and writes);
- a plain-Python baseline: the csv module, ``date.fromisoformat`` and the same
  date arithmetic (relativedelta for years, corrected upward; timedelta for
  weeks), one pass, no validation messages.

With ``--store`` it also times ``retention import`` of the same archive as
stored records and ``retention due --json`` over them. Not a test: it prints
figures and the ratio.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

BASELINE = r"""
import csv, sys
from datetime import date, timedelta
from dateutil.relativedelta import relativedelta

def years_after(d, n):
    e = d + relativedelta(years=n)
    return e + timedelta(days=1) if e.day != d.day else e

def parse(text):
    if not text:
        return None
    if "/" in text:
        dd, mm, yy = text.split("/")
        return date(int(yy), int(mm), int(dd))
    return date.fromisoformat(text)

today = date.fromisoformat(sys.argv[2])
out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(["id", "learner_work_status", "learner_work_dispose_from",
              "qa_documents_status", "qa_documents_dispose_from"])
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = csv.reader(f)
    next(rows)
    for ident, certified, received, hold in rows:
        c, r = parse(certified), parse(received)
        lw = r + timedelta(weeks=12, days=1) if r else None
        qa = years_after(c, 3) + timedelta(days=1) if c else None
        def status(d):
            if hold:
                return "on-hold"
            if d is None:
                return "unknown"
            return "disposable" if today >= d else "retain"
        out.writerow([ident, status(lw), lw.isoformat() if lw else "",
                      status(qa), qa.isoformat() if qa else ""])
"""


def make_archive(path: Path, rows: int, *, programme: str | None = None) -> None:
    """``rows`` records: certification dates over ten years, certificates 2-8 weeks later."""
    rng = random.Random(20250715)
    start = date(2015, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as f:
        if programme:
            f.write("id,programme,kind,cohort,certified,received,hold\n")
        else:
            f.write("id,certified,received,hold\n")
        for i in range(rows):
            certified = start + timedelta(days=rng.randrange(3650))
            received = certified + timedelta(days=rng.randrange(14, 60))
            c = certified.isoformat()
            r = received.isoformat() if rng.random() > 0.02 else ""
            if rng.random() < 0.01:
                c = certified.strftime("%d/%m/%Y")
            hold = "appeal" if rng.random() < 0.005 else ""
            if programme:
                kind = "learner_work" if i % 2 else "qa_documents"
                cohort = f"{certified.year}-{(certified.year + 1) % 100:02d}"
                f.write(f"R{i:07d},{programme},{kind},{cohort},{c},{r},{hold}\n")
            else:
                f.write(f"R{i:07d},{c},{r},{hold}\n")


def timed(args: list[str], env: dict[str, str] | None = None, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        done = subprocess.run(
            args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, check=False
        )
        elapsed = time.perf_counter() - began
        if done.returncode != 0:
            sys.exit(f"{' '.join(args)} failed: {done.stderr.decode()}")
        best = min(best, elapsed)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--store", action="store_true", help="also time import and due")
    options = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "NO_COLOR": "1"}
    python = sys.executable
    as_of = "2025-07-15"
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "archive.csv"
        make_archive(archive, options.rows)
        size = archive.stat().st_size / 1e6
        print(f"archive: {options.rows:,} rows, {size:.1f} MB")
        startup = timed([python, "-m", "wblqa_cli", "--help"], env)
        ours = timed(
            [python, "-m", "wblqa_cli", "retention", "check", str(archive), "--csv",
             "--as-of", as_of],
            env,
        )  # fmt: skip
        base = timed([python, "-c", BASELINE, str(archive), as_of], env)
        bare = timed([python, "-c", "pass"], env)
        print(f"python -c pass                      {bare:7.3f} s")
        print(f"wblqa --help                        {startup:7.3f} s")
        print(f"baseline (csv + arithmetic, 1 pass) {base:7.3f} s")
        print(f"wblqa retention check --csv         {ours:7.3f} s")
        print(f"ratio check / baseline              {ours / base:7.2f} x")
        print(f"rows per second (check)             {options.rows / ours:9,.0f}")
        if options.store:
            store_figures(Path(tmp), options.rows, env, as_of)


def store_figures(tmp: Path, rows: int, env: dict[str, str], as_of: str) -> None:
    import sqlite3

    python = sys.executable
    records = tmp / "records.csv"
    make_archive(records, rows, programme="603/1234/5")
    db = tmp / "bench.db"
    env = {**env, "WBLQA_DB": str(db)}
    cli = [python, "-m", "wblqa_cli"]
    subprocess.run([*cli, "centre", "add", "12345", "--name", "Bench"], env=env, check=True,
                   capture_output=True)  # fmt: skip
    subprocess.run([*cli, "programme", "add", "603/1234/5", "--title", "Bench Diploma"],
                   env=env, check=True, capture_output=True)  # fmt: skip
    imported = timed([*cli, "retention", "import", str(records)], env, repeat=1)
    due = timed([*cli, "retention", "due", "--as-of", as_of, "--json"], env)
    count = timed([*cli, "retention", "list", "--status", "on-hold", "--json"], env)
    began = time.perf_counter()
    conn = sqlite3.connect(db)
    conn.execute("SELECT ref FROM retention_record WHERE dispose_from <= ?", (as_of,)).fetchall()
    conn.close()
    raw = time.perf_counter() - began
    print(f"wblqa retention import ({rows:,})     {imported:7.3f} s")
    print(f"wblqa retention due --json          {due:7.3f} s")
    print(f"wblqa retention list --status on-hold {count:5.3f} s")
    print(f"bare sqlite3 due query (in-process) {raw:7.3f} s")


if __name__ == "__main__":
    main()
