"""The visit pack on a college group's store: ``wblqa report`` beside ``wblqa status``.

Imported by ``bench/run.py``. One store holds 50,000 AQD answers (``--answers``)
and 200,000 retention records (``--rows``), made by wblqa itself; the pack is
timed against the status screen on the same store, which reads the same
gathered facts, and both commands' peak memory is printed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.scale import AS_OF, HERE, PROGRAMME, YEAR, make_archive, pg_fresh, run, store_of, wblqa

PY = sys.executable


def _peak(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    out = subprocess.run(
        [PY, str(HERE / "_peak.py"), *command], env=env, capture_output=True, text=True, check=True
    )
    seconds, kib, _ = out.stdout.split()
    return float(seconds), int(kib)


def cases(Case: Any) -> list[Any]:
    """The case, built with ``run.Case``."""
    notes: list[str] = []
    status = ("status", "--year", YEAR, "--as-of", AS_OF, "--json")

    def setup(w: Path, args: argparse.Namespace, env: dict[str, str]) -> None:
        db = w / "pack.db"
        pg_fresh(db)
        target = store_of(db)
        run([PY, str(HERE / "scale.py"), "seed-aqd", target, str(args.answers)], env)
        run([PY, "-m", "wblqa_cli", "--db", target, "programme", "add", PROGRAMME,
             "--title", "Bench Diploma"], env)  # fmt: skip
        if not (w / "records.csv").exists():
            make_archive(w / "records.csv", args.rows, programme=PROGRAMME)
        run([PY, "-m", "wblqa_cli", "--db", target, "retention", "import",
             str(w / "records.csv"), "--quiet"], env)  # fmt: skip
        _, report_kib = _peak(report(w), env)
        _, status_kib = _peak(wblqa(db, *status), env)
        size = (w / "pack.html").stat().st_size
        notes.append(
            f"peak memory: report {report_kib / 1024:.1f} MiB, status {status_kib / 1024:.1f} MiB "
            f"({report_kib / status_kib:.2f}×); the pack is {size / 1024:.0f} KiB "
            f"({args.answers} answers, {args.rows} records)"
        )

    def report(w: Path) -> list[str]:
        return wblqa(
            w / "pack.db", "report", "--year", YEAR, "--as-of", AS_OF,
            "-o", str(w / "pack.html"), "--force",
        )  # fmt: skip

    return [
        Case(
            "wblqa report (visit pack)",
            report,
            "wblqa status --json, same store",
            lambda w: wblqa(w / "pack.db", *status),
            setup=setup,
            notes=notes,
        )
    ]
