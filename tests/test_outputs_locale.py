"""A non-UTF-8 stdout (a Windows redirect, ``PYTHONIOENCODING=cp1252``): data stays UTF-8.

Run as real processes, since the encoding of stdout is the process's own.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from _aqd_helpers import complete_document, write_json

NAME = "Coleg Gŵyr “North” — Ŵ"  # ŵ is not in cp1252


def wblqa(*args: str, encoding: str = "cp1252") -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": encoding, "PYTHONUTF8": "0"}
    return subprocess.run(
        [sys.executable, "-m", "wblqa_cli", *args], env=env, capture_output=True, timeout=120
    )


@pytest.fixture
def centre_named(invoke: Any) -> str:
    result = invoke("centre", "add", "12345", "--name", NAME)
    assert result.exit_code == 0, result.output
    return NAME


def test_json_is_utf8_under_cp1252(centre_named: str) -> None:
    done = wblqa("centre", "list", "--json")
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    doc = json.loads(done.stdout.decode("utf-8"))
    assert doc[0]["name"] == NAME if isinstance(doc, list) else NAME in json.dumps(doc)


def test_human_output_degrades_without_a_traceback(centre_named: str) -> None:
    done = wblqa("centre", "list")
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    text = done.stdout.decode("cp1252")
    assert "Coleg G?yr" in text and "12345" in text


def test_csv_export_is_whole_and_utf8_under_cp1252(
    invoke: Any, centre_named: str, tmp_path: Path
) -> None:
    for code in ("603/1234/5", "601/0001/1"):
        assert invoke("programme", "add", code, "--title", f"Gŵyr programme {code}").exit_code == 0
    doc = complete_document()
    doc["centre"]["terms.comments"] = {"answer": "Ŵ ŵ €", "comment": "Gŵyr"}
    answers = write_json(tmp_path / "a.json", doc)
    assert invoke("aqd", "start", "--year", "2025-26", "--answers", str(answers)).exit_code == 0
    done = wblqa("aqd", "export", "--year", "2025-26")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout.decode("utf-8"), newline="")))
    expected = len(doc["centre"]) + sum(len(p) for p in doc["programmes"].values())
    assert len(rows) == expected
    comment = next(r for r in rows if r["question_id"] == "terms.comments")
    assert (comment["answer"], comment["comment"]) == ("Ŵ ŵ €", "Gŵyr")
    assert rows[-1]["programme_title"].startswith("Gŵyr programme")


def test_consortium_json_and_retention_csv_under_cp1252(tmp_path: Path) -> None:
    from consortium_helpers import fixture_path

    source = fixture_path("formal").read_text(encoding="utf-8")
    arrangement = tmp_path / "a.toml"
    arrangement.write_text(source.replace("North Vale", "Gŵyr Vale"), encoding="utf-8")
    done = wblqa("consortium", "check", str(arrangement), "--as-of", "2025-11-03", "--json")
    assert done.returncode in (0, 1), done.stderr
    assert json.loads(done.stdout.decode("utf-8"))["arrangement"].startswith("Gŵyr Vale")
    archive = tmp_path / "archive.csv"
    archive.write_text("id,certified,received\nGŵyr-1,2024-07-15,2024-08-01\n", encoding="utf-8")
    done = wblqa("retention", "check", str(archive), "--as-of", "2025-07-15", "--csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout.decode("utf-8"), newline="")))
    assert rows[1][0] == "Gŵyr-1" and len(rows) == 2
