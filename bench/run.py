"""wblqa benchmarks: one command, figures and their ratio to a plain baseline.

    python bench/run.py [--repeat N] [--rows N] [--answers N] [--programmes N]
                        [--million N] [--only NAME]

Each case runs the wblqa command and its baseline as fresh processes, several
times, and prints the median wall time of each, their ratio, the goal, and the
peak memory of the wblqa run; then the median CPU time of each (less shaken
by other work on the machine; the verdict is on wall time). The data is
generated here, in a temporary directory: retention archives of --rows rows
(and a tenth of that, for the memory check) and an AQD store of --answers
answers. Each case has its own store, made by wblqa itself; the everyday
screens (bench/screens.py) share one large store and one small one, built
once. Sources are byte-compiled first. These are measurements, not tests:
nothing here fails a build.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PY = sys.executable


def wblqa(*args: str) -> list[str]:
    return [PY, "-m", "wblqa_cli", *args]


@dataclass
class Case:
    name: str
    command: Callable[[Path], list[str]]
    baseline_name: str
    baseline: Callable[[Path], list[str]]
    goal: float | None = None
    setup: Callable[[Path, argparse.Namespace, dict[str, str]], None] | None = None
    before_each: Callable[[Path], None] | None = None
    #: The same command on a tenth of the data: its peak memory is compared with ours.
    memory_reference: Callable[[Path], list[str]] | None = None
    memory_goal: float | None = None
    notes: list[str] = field(default_factory=list)


def measure(command: list[str], env: dict[str, str]) -> tuple[float, int, float]:
    """Wall seconds, peak KiB and CPU seconds (user + system) of one run of ``command``."""
    out = subprocess.run(
        [PY, str(HERE / "_peak.py"), *command],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"benchmark command failed: {' '.join(command)}\n{out.stderr}")
    seconds, kib, cpu = out.stdout.split()
    return float(seconds), int(kib), float(cpu)


def run_case(case: Case, work: Path, args: argparse.Namespace, env: dict[str, str]) -> None:
    if case.setup:
        case.setup(work, args, env)
    ours: list[float] = []
    base: list[float] = []
    peaks: list[int] = []
    cpu_ours: list[float] = []
    cpu_base: list[float] = []
    for _ in range(args.repeat):
        if case.before_each:
            case.before_each(work)
        seconds, kib, cpu = measure(case.command(work), env)
        ours.append(seconds)
        peaks.append(kib)
        cpu_ours.append(cpu)
        if case.before_each:
            case.before_each(work)
        seconds, _, cpu = measure(case.baseline(work), env)
        base.append(seconds)
        cpu_base.append(cpu)
    mine, theirs = statistics.median(ours), statistics.median(base)
    ratio = mine / theirs if theirs else float("inf")
    goal = f"≤ {case.goal:g}×" if case.goal else "—"
    verdict = "" if case.goal is None else ("met" if ratio <= case.goal else "NOT met")
    print(
        f"{case.name:<38} {mine * 1000:9.1f} ms  {case.baseline_name:<30} "
        f"{theirs * 1000:9.1f} ms  {ratio:6.2f}×  goal {goal:<7} {verdict:<7} "
        f"peak {max(peaks) / 1024:7.1f} MiB"
    )
    mine_cpu, theirs_cpu = statistics.median(cpu_ours), statistics.median(cpu_base)
    print(
        f"    CPU time (user+system): {mine_cpu * 1000:.1f} ms vs {theirs_cpu * 1000:.1f} ms, "
        f"{mine_cpu / theirs_cpu if theirs_cpu else float('inf'):.2f}× (steadier on a busy machine)"
    )
    if case.memory_reference is not None:
        small = [measure(case.memory_reference(work), env)[1] for _ in range(args.repeat)]
        grow = max(peaks) / max(small)
        limit = f"≤ {case.memory_goal:g}×" if case.memory_goal else "—"
        met = "" if case.memory_goal is None else ("met" if grow <= case.memory_goal else "NOT met")
        print(
            f"    peak memory: {max(peaks) / 1024:.1f} MiB on the full data, "
            f"{max(small) / 1024:.1f} MiB on a tenth of it: {grow:.2f}×  goal {limit} {met}"
        )
    for note in case.notes:
        print(f"    {note}")


def startup_cases() -> list[Case]:
    calc = ["retention", "calc", "--received", "2025-07-15", "--json"]
    return [
        Case(
            "wblqa --help",
            lambda w: wblqa("--help"),
            "bare Typer app --help",
            lambda w: [PY, str(HERE / "bare_typer.py"), "--help"],
            goal=1.25,
        ),
        Case(
            "wblqa --help",
            lambda w: wblqa("--help"),
            "python -c pass",
            lambda w: [PY, "-c", "pass"],
        ),
        Case(
            "wblqa retention calc --json",
            lambda w: wblqa(*calc),
            "bare Typer app (one command)",
            lambda w: [PY, str(HERE / "bare_typer.py"), "--name", "x"],
            goal=1.25,
        ),
        Case(
            "wblqa retention calc --json",
            lambda w: wblqa(*calc),
            "python -c pass",
            lambda w: [PY, "-c", "pass"],
        ),
    ]


def scale_module() -> Any:
    """bench/scale.py: the data-heavy cases, kept apart."""
    try:
        from bench import scale
    except ImportError:
        sys.path.insert(0, str(HERE.parent))
        from bench import scale
    return scale


def screens_module() -> Any:
    """bench/screens.py: the everyday screens on a large store, and start-up with a store."""
    scale_module()  # puts the repository on sys.path if need be
    from bench import screens

    return screens


def all_cases() -> list[Case]:
    scale = scale_module()  # puts the repository on the path when run as a script
    from bench import report

    return [
        *startup_cases(),
        *scale.cases(Case),
        *screens_module().cases(Case),
        *report.cases(Case),
    ]


def compile_sources() -> None:
    """Byte-compile wblqa and the bench scripts first, so that no run pays for compiling
    and the bare Typer app (whose libraries are compiled on install) is met on equal terms."""
    import compileall

    for folder in (HERE.parent / "src", HERE):
        compileall.compile_dir(str(folder), quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per command (median)")
    parser.add_argument("--rows", type=int, default=200_000, help="retention rows")
    parser.add_argument("--answers", type=int, default=50_000, help="AQD answers to export")
    parser.add_argument(
        "--programmes", type=int, default=1000, help="programmes in the large store"
    )
    parser.add_argument(
        "--million", type=int, default=1_000_000, help="records for the memory case of list/due"
    )
    parser.add_argument("--only", help="run only cases whose name contains this")
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="run wblqa's data-heavy cases against a throwaway PostgreSQL cluster "
        "(needs PostgreSQL and psycopg); the baselines stay sqlite3",
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="wblqa-bench-"))
    env = dict(os.environ)
    env["WBLQA_DB"] = str(work / "bench.db")
    env["PYTHONPATH"] = os.pathsep.join(
        [str(HERE.parent / "src"), str(HERE.parent), env.get("PYTHONPATH", "")]
    )
    env.pop("NO_COLOR", None)
    compile_sources()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores, median of {args.repeat}, "
        f"load average {load:.2f} at the start (read the ratios: both sides share the load)"
    )
    print(f"work directory {work}")
    server = None
    if args.postgres:
        sys.path.insert(0, str(HERE.parent / "tests"))
        import pgserver  # the throwaway cluster the tests use

        reason = pgserver.unavailable_reason()
        if reason:
            raise SystemExit(f"--postgres: {reason}")
        server = pgserver.start_server()
        scale_module().PG = server
        print("stores: PostgreSQL (a throwaway local cluster); baselines: sqlite3")
    print()
    try:
        for case in all_cases():
            if args.only and args.only not in case.name:
                continue
            run_case(case, work, args, env)
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
