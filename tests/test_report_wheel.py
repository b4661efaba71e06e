"""The built wheel carries the visit pack's templates: `wblqa report` works when installed."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TEMPLATES = Path(REPO / "src" / "wblqa_cli" / "report" / "templates")


@pytest.mark.slow
def test_wheel_ships_the_templates_and_report_runs(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(REPO)],
        check=True,
    )
    wheel = next(dist.glob("wblqa-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for template in sorted(TEMPLATES.iterdir()):
        assert f"wblqa_cli/report/templates/{template.name}" in names
    assert "wblqa_cli/data/report.toml" in names
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    subprocess.run([str(env_dir / "bin" / "pip"), "install", "-q", str(wheel)], check=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "WBLQA_DB")}
    env["WBLQA_DB"] = str(tmp_path / "home" / "qa.db")

    def run(*args: str) -> str:
        done = subprocess.run(
            [str(env_dir / "bin" / "wblqa"), *args],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    run("centre", "add", "12345", "--name", "North Vale College")
    run("report", "--year", "2025-26", "--as-of", "2025-10-06", "-o", "pack.html")
    html = (elsewhere / "pack.html").read_text(encoding="utf-8")
    assert "Quality assurance visit pack 2025-26" in html and "@page" in html
    assert not (elsewhere / "templates").exists()
