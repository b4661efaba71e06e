"""The built wheel, installed in a fresh virtual environment, runs from another directory."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_installs_and_runs_from_anywhere(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(REPO)],
        check=True,
    )
    wheel = next(dist.glob("wblqa-*.whl"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    pip = env_dir / "bin" / "pip"
    subprocess.run([str(pip), "install", "-q", str(wheel)], check=True)
    wblqa = env_dir / "bin" / "wblqa"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    store = tmp_path / "home" / "qa.db"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "WBLQA_DB")}
    env["WBLQA_DB"] = str(store)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(wblqa), *args], cwd=elsewhere, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done

    assert "wblqa" in run("--help").stdout
    assert run("--version").stdout.startswith("wblqa ")
    assert run("db", "path").stdout.strip() == str(store)
    run("centre", "add", "12345", "--name", "North Vale College")
    run(
        "programme", "add", "603/1234/5",
        "--title", "Pearson BTEC Level 3 Diploma in Business Administration",
    )  # fmt: skip
    listed = json.loads(run("programme", "list", "--json").stdout)
    assert listed[0]["sector"] == "214"  # data/sectors.toml was found inside the wheel
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    assert not (elsewhere / "data").exists()
    shutil.rmtree(env_dir)
