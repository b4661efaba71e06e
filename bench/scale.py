"""The data-heavy benchmark cases: retention check/import/due and AQD export.

Imported by ``bench/run.py``. The data is generated into the run's work
directory; every store is made by wblqa itself (``--db``), so each case has
its own and none depends on another's. Run as a script, this module seeds an
AQD store (``python bench/scale.py seed-aqd DB N``) in the process that has
wblqa importable, as the suite's subprocesses do.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PY = sys.executable
AS_OF = "2025-07-15"
YEAR = "2025-26"
PROGRAMME = "603/1234/5"


#: A throwaway PostgreSQL cluster (tests/pgserver.py) when run with --postgres: then
#: wblqa's stores are PostgreSQL databases named after the SQLite files the
#: baselines use, which stay SQLite (the standard library's sqlite3).
PG: Any = None


def store_of(db: Path) -> str:
    """The store wblqa uses for ``db``: the file itself, or a database named after it."""
    if PG is None:
        return str(db)
    return str(PG.url(f"bench_{db.stem}"))


def wblqa(db: Path, *args: str) -> list[str]:
    return [PY, "-m", "wblqa_cli", "--db", store_of(db), *args]


def pg_fresh(db: Path, template: Path | None = None) -> None:
    """Drop and create the PostgreSQL database behind ``db`` (a copy of ``template``'s)."""
    if PG is None:
        return
    name = f"bench_{db.stem}"
    PG.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    source = f"bench_{template.stem}" if template is not None else "template0"
    if template is not None:
        PG.admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{source}' AND pid <> pg_backend_pid()"
        )
    PG.admin(f"CREATE DATABASE {name} TEMPLATE {source}")


def baseline(*args: str | Path) -> list[str]:
    return [PY, str(HERE / "baselines.py"), *map(str, args)]


def make_archive(path: Path, rows: int, *, programme: str | None = None) -> None:
    """``rows`` records: certification dates over ten years, certificates 2-8 weeks later.

    Mostly ISO dates, 1% UK-style (the general parser's path), 2% with no
    received date (unknown) and 0.5% on hold.
    """
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


def run(argv: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"setup failed: {' '.join(argv)}\n{done.stderr}")


def fresh_copy(template: Path, target: Path) -> None:
    """``target`` as a copy of ``template``, with no WAL left from an earlier run."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, target)


def programme_store(db: Path, env: dict[str, str]) -> None:
    """A migrated store with one centre and the one programme the archive names.

    With --postgres, both the SQLite file (for the baselines) and the database.
    """
    targets = [str(db)] + ([store_of(db)] if PG is not None else [])
    pg_fresh(db)
    for target in targets:
        for args in (
            ("centre", "add", "12345", "--name", "Bench College"),
            ("programme", "add", PROGRAMME, "--title", "Bench Diploma"),
        ):
            run([PY, "-m", "wblqa_cli", "--db", target, *args], env)


# ------------------------------------------------------------------- cases


def cases(Case: Any) -> list[Any]:
    """The cases, built with ``run.Case``."""

    def check_setup(w: Path, args: argparse.Namespace, env: dict[str, str]) -> None:
        make_archive(w / "archive.csv", args.rows)
        make_archive(w / "archive-small.csv", max(args.rows // 10, 1))

    def check_cmd(name: str) -> Any:
        return lambda w: wblqa(
            w / "check.db", "retention", "check", str(w / name), "--csv", "--as-of", AS_OF
        )

    def import_setup(w: Path, args: argparse.Namespace, env: dict[str, str]) -> None:
        make_archive(w / "records.csv", args.rows, programme=PROGRAMME)
        programme_store(w / "template.db", env)

    def import_fresh(w: Path) -> None:
        fresh_copy(w / "template.db", w / "import.db")
        pg_fresh(w / "import.db", w / "template.db")

    def due_setup(w: Path, args: argparse.Namespace, env: dict[str, str]) -> None:
        if not (w / "records.csv").exists():
            make_archive(w / "records.csv", args.rows, programme=PROGRAMME)
        db = w / "due.db"
        programme_store(db, env)
        for target in [str(db)] + ([store_of(db)] if PG is not None else []):
            run(
                [
                    PY,
                    "-m",
                    "wblqa_cli",
                    "--db",
                    target,
                    "retention",
                    "import",
                    str(w / "records.csv"),
                    "--quiet",
                ],
                env,
            )

    def export_setup(w: Path, args: argparse.Namespace, env: dict[str, str]) -> None:
        db = w / "aqd.db"
        pg_fresh(db)
        for target in [str(db)] + ([store_of(db)] if PG is not None else []):
            run([PY, str(HERE / "scale.py"), "seed-aqd", target, str(args.answers)], env)

    def export_fresh(w: Path) -> None:
        for name in ("export.csv", "export-base.csv", "export.xlsx", "export-base.xlsx"):
            (w / name).unlink(missing_ok=True)

    return [
        Case(
            "wblqa retention check --csv",
            check_cmd("archive.csv"),
            "csv module + date arithmetic",
            lambda w: baseline("check", w / "archive.csv", AS_OF),
            goal=2.0,
            setup=check_setup,
            memory_reference=check_cmd("archive-small.csv"),
            memory_goal=1.5,
        ),
        Case(
            "wblqa retention import",
            lambda w: wblqa(w / "import.db", "retention", "import", str(w / "records.csv")),
            "sqlite3 executemany, 1 transaction",
            lambda w: baseline("import", w / "import.db", w / "records.csv"),
            goal=2.5,
            setup=import_setup,
            before_each=import_fresh,
        ),
        Case(
            "wblqa retention due --json",
            lambda w: wblqa(w / "due.db", "retention", "due", "--as-of", AS_OF, "--json"),
            "python + sqlite3 indexed query",
            lambda w: baseline("due", w / "due.db", AS_OF),
            goal=3.0,
            setup=due_setup,
        ),
        Case(
            "wblqa aqd export --format csv",
            lambda w: wblqa(
                w / "aqd.db", "aqd", "export", "--year", YEAR, "-o", str(w / "export.csv")
            ),
            "python + sqlite3 + csv.writer",
            lambda w: baseline("export", w / "aqd.db", YEAR, w / "export-base.csv"),
            goal=2.0,
            setup=export_setup,
            before_each=export_fresh,
        ),
        Case(
            "wblqa aqd export --format xlsx",
            lambda w: wblqa(
                w / "aqd.db",
                "aqd",
                "export",
                "--year",
                YEAR,
                "--format",
                "xlsx",
                "-o",
                str(w / "export.xlsx"),
            ),
            "python + sqlite3 + XlsxWriter",
            lambda w: baseline("export-xlsx", w / "aqd.db", YEAR, w / "export-base.xlsx"),
            setup=lambda w, args, env: (
                None if (w / "aqd.db").exists() else export_setup(w, args, env)
            ),
            before_each=export_fresh,
            notes=["XlsxWriter, constant memory: typed cells, frozen header, autofilter"],
        ),
    ]


# ------------------------------------------------------------ AQD seeding


def compliant_answers(bank: Any) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(question id, stored value) of every answer a compliant centre gives: centre, programme."""
    from wblqa_cli.aqd.answers import coerce, encode
    from wblqa_cli.aqd.bank import Question
    from wblqa_cli.aqd.walk import applicable

    def answer(q: Question) -> object:
        if q.type == "yes-no":
            return q.expect if q.expect is not None else False
        if q.type == "choice":
            return q.choices[0]
        if q.type == "date":
            return "2025-10-01"
        if q.type == "dates":
            return ["2025-10-01", "2026-06-30"]
        return '=HYPERLINK("x")  a note that looks like a formula'

    def scope(kind: str) -> list[tuple[str, str]]:
        values: dict[str, object] = {}
        for q in bank.of_scope(kind):
            if q.when is None or q.when.question in values:
                values[q.id] = coerce(q, answer(q), q.id)
        chosen = applicable(bank.of_scope(kind), values)
        return [(q.id, encode(values[q.id])) for q in chosen]

    return scope("centre"), scope("programme")


def seed_aqd(db: str, target: int) -> int:
    """One centre, enough programmes, every answer a compliant centre gives (bulk insert)."""
    from wblqa_cli.aqd.bank import load_bank
    from wblqa_cli.registry.model import Centre, Programme
    from wblqa_cli.store import open_store
    from wblqa_cli.store.aqd import bulk_insert_answers, open_declaration
    from wblqa_cli.store.centres import add_centre
    from wblqa_cli.store.models import utcnow
    from wblqa_cli.store.programme_changes import save_programmes

    bank = load_bank()
    centre_rows, programme_rows = compliant_answers(bank)
    n_programmes = -(-(target - len(centre_rows)) // len(programme_rows))
    store = open_store(db)
    add_centre(store, Centre("12345", "Bench College"))
    codes = [f"600/{i:04d}/1" for i in range(n_programmes)]
    save_programmes(
        store,
        [
            (Programme(code, f"Pearson BTEC Level 3 Programme {i}", "12345"), {})
            for i, code in enumerate(codes)
        ],
        YEAR,
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


if __name__ == "__main__":
    if sys.argv[1:2] != ["seed-aqd"] or len(sys.argv) != 4:
        raise SystemExit("usage: python bench/scale.py seed-aqd PATH_OR_URL N")
    seed_aqd(sys.argv[2], int(sys.argv[3]))
