"""The everyday screens at a college group's scale, and start-up with a store.

Imported by ``bench/run.py``. A large store (``--programmes`` programmes,
``--rows`` retention records, ``--answers`` AQD answers) and a one-programme
store are built once by wblqa itself (``bench/large.py``); each screen on the
large store is timed against the same screen on the small one (goal ≤ 2×),
with its peak memory. ``retention list`` and ``due`` are then run on a store
of ``--million`` records and on one of a tenth of that: the peak memory of
the first must stay within 1.5× of the second's. Start-up: ``status``,
``centre list`` and ``aqd status`` on the small store against the bare Typer
app (goal ≤ 2×: they open a store, the bare app does not).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PY = sys.executable
AS_OF = "2025-10-01"
YEAR = "2025-26"


def _scale() -> Any:
    try:
        from bench import scale
    except ImportError:
        sys.path.insert(0, str(HERE.parent))
        from bench import scale
    return scale


def build(db: Path, programmes: int, records: int, answers: int, env: dict[str, str]) -> None:
    """``db`` made once by ``bench/large.py`` (kept for every case of the run)."""
    scale = _scale()
    marker = db.with_suffix(".built")
    if marker.exists():
        return
    scale.pg_fresh(db)
    args = [str(programmes), str(records), str(answers)]
    # With --postgres, the SQLite file too: the standard-library baselines read it.
    for target in [str(db)] + ([scale.store_of(db)] if scale.PG is not None else []):
        done = subprocess.run(
            [PY, str(HERE / "large.py"), target, *args], env=env, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise SystemExit(f"building {db.name} failed:\n{done.stderr}")
    marker.write_text(" ".join(args))


def cases(Case: Any) -> list[Any]:
    scale = _scale()

    def on(name: str, *args: str) -> Any:
        return lambda w: scale.wblqa(w / name, *args)

    def stores(w: Path, args: argparse.Namespace, env: dict[str, str]) -> None:
        build(w / "large.db", args.programmes, args.rows, args.answers, env)
        build(w / "small.db", 1, 100, 100, env)

    def million(w: Path, args: argparse.Namespace, env: dict[str, str]) -> None:
        build(w / "million.db", args.programmes, args.million, 0, env)
        build(w / "tenth.db", args.programmes, args.million // 10, 0, env)

    screens: list[tuple[str, list[str]]] = [
        ("status", ["status", "--as-of", AS_OF, "--year", YEAR]),
        ("cycle plan", ["cycle", "plan", "--as-of", AS_OF, "--year", YEAR]),
        ("calendar -o", ["calendar", "--as-of", AS_OF, "--year", YEAR, "-o", "{w}/cal.ics"]),
        ("aqd status", ["aqd", "status", "--as-of", AS_OF, "--year", YEAR]),
        ("programme list", ["programme", "list"]),
        ("retention list (table)", ["retention", "list", "--as-of", AS_OF]),
        ("retention list --json", ["retention", "list", "--json", "--as-of", AS_OF]),
    ]

    def filled(name: str, argv: list[str]) -> Any:
        return lambda w: scale.wblqa(w / name, *(a.replace("{w}", str(w)) for a in argv))

    def no_calendar(w: Path) -> None:
        (w / "cal.ics").unlink(missing_ok=True)  # -o never overwrites

    out = [
        Case(
            f"large store: {label}",
            filled("large.db", argv),
            "the same, one-programme store",
            filled("small.db", argv),
            goal=2.0,
            setup=stores,
            before_each=no_calendar,
        )
        for label, argv in screens
    ]
    out.append(
        Case(
            "large store: retention list --json",
            filled("large.db", ["retention", "list", "--json", "--as-of", AS_OF]),
            "python + sqlite3 + json, same text",
            lambda w: scale.baseline("list", w / "large.db", AS_OF),
            goal=3.0,
            setup=stores,
            notes=["the same document byte for byte; goal as for retention due --json"],
        )
    )
    for label, argv in (
        ("retention list --json", ["retention", "list", "--json", "--as-of", AS_OF]),
        ("retention due --json", ["retention", "due", "--json", "--as-of", AS_OF]),
        ("retention due", ["retention", "due", "--as-of", AS_OF]),
    ):
        out.append(
            Case(
                f"million records: {label}",
                on("million.db", *argv),
                "the same, a tenth of the records",
                on("tenth.db", *argv),
                setup=million,
                memory_reference=on("tenth.db", *argv),
                memory_goal=1.5,
                notes=["time grows with the records listed; the goal here is memory"],
            )
        )
    bare = [PY, str(HERE / "bare_typer.py"), "--name", "x"]
    for label, argv in (
        ("status", ["status", "--as-of", AS_OF]),
        ("centre list", ["centre", "list"]),
        ("aqd status", ["aqd", "status", "--as-of", AS_OF]),
    ):
        out.append(
            Case(
                f"start-up: {label} (small store)",
                filled("small.db", argv),
                "bare Typer app (one command)",
                lambda w: bare,
                goal=2.0,
                setup=stores,
            )
        )
    return out
