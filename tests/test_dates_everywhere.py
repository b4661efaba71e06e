"""One date rule in every place a date is read (issue 22): `2025-10-06T00:00:00` is
6 October 2025 in options, CSV imports, answers files (TOML, JSON, YAML) and arrangement
files; a time after a date is ignored, never a reason to read the day another way."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from _aqd_helpers import register
from wblqa_cli.consortium.template import TEMPLATE

STAMPS = ["2025-10-06T00:00:00", "2025-10-06T12:30", "2025-10-06 08:00:00", "06/10/2025 00:00"]


def _ok(result: Any) -> Any:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


@pytest.mark.parametrize("stamp", STAMPS)
def test_options_read_the_date_written(invoke: Any, stamp: str) -> None:
    calc = _ok(invoke("retention", "calc", "--certified", stamp, "--json"))
    assert json.loads(calc.stdout)["qa_documents"]["dispose_from"].startswith("2028-10-0")
    as_of = _ok(invoke("status", "--as-of", stamp, "--json"))
    assert json.loads(as_of.stdout)["as_of"] == "2025-10-06"


def test_programme_dates_from_options_and_csv(invoke: Any, centre: str, tmp_path: Path) -> None:
    _ok(invoke("programme", "add", "P1", "--title", "Business", "--year", "2025-26",
               "--dcs-expiry", "2026-03-01T00:00:00",
               "--expected-certification", "2025-10-06T00:00:00"))  # fmt: skip
    shown = json.loads(_ok(invoke("programme", "show", "P1", "--json")).stdout)
    assert shown["dcs_expiry"] == "2026-03-01"
    assert shown["expected_certification"] == ["2025-10-06"]
    _ok(invoke("programme", "edit", "P1", "--year", "2025-26", "--dcs-expiry", "2026-03-02 00:00"))
    shown = json.loads(_ok(invoke("programme", "show", "P1", "--json")).stdout)
    assert shown["dcs_expiry"] == "2026-03-02"
    csv = tmp_path / "programmes.csv"
    csv.write_text("code,title,dcs_expiry\nP2,Care,2026-03-01T00:00:00\n", encoding="utf-8")
    _ok(invoke("programme", "import", str(csv), "--year", "2025-26"))
    shown = json.loads(_ok(invoke("programme", "show", "P2", "--json")).stdout)
    assert shown["dcs_expiry"] == "2026-03-01"


@pytest.mark.parametrize("stamp", STAMPS)
def test_retention_csv_reads_the_date_written(
    invoke: Any, centre: str, tmp_path: Path, stamp: str
) -> None:
    _ok(invoke("programme", "add", "P1", "--title", "Business"))
    records = tmp_path / "records.csv"
    records.write_text(
        f"id,programme,kind,cohort,certified,received\nR1,P1,learner_work,c,2025-07-01,{stamp}\n",
        encoding="utf-8",
    )
    _ok(invoke("retention", "import", str(records)))
    (record,) = json.loads(_ok(invoke("retention", "list", "--json")).stdout)["records"]
    assert record["received"] == "2025-10-06"
    assert record["dispose_from"] == "2025-12-30"  # 12 weeks after 6 October, not 10 June
    archive = tmp_path / "archive.csv"
    archive.write_text(f"id,certified,received\nA1,2025-07-01,{stamp}\n", encoding="utf-8")
    checked = invoke("retention", "check", str(archive), "--as-of", "2025-10-07", "--json")
    (row,) = json.loads(checked.stdout)["results"]
    assert row["learner_work_status"] == "retain"
    assert row["learner_work_dispose_from"] == "2025-12-30"


@pytest.mark.parametrize(
    ("suffix", "text"),
    [
        (".json", '{"programmes": {"P1": {"programme.dcs.held": true, '
                  '"programme.dcs.expiry": "2026-03-01T00:00:00"}}}'),
        (".yaml", "programmes:\n  P1:\n    programme.dcs.held: true\n"
                  "    programme.dcs.expiry: 2026-03-01T00:00:00\n"),
        (".yaml", "programmes:\n  P1:\n    programme.dcs.held: true\n"
                  "    programme.dcs.expiry: '2026-03-01 10:15'\n"),
        (".toml", '[programmes.P1]\n"programme.dcs.held" = true\n'
                  '"programme.dcs.expiry" = 2026-03-01T00:00:00\n'),
        (".toml", '[programmes.P1]\n"programme.dcs.held" = true\n'
                  '"programme.dcs.expiry" = 2026-03-01T09:30:00Z\n'),
    ],
)  # fmt: skip
def test_answers_files_read_the_date_written(
    invoke: Any, tmp_path: Path, suffix: str, text: str
) -> None:
    register(invoke, ("P1",))
    path = tmp_path / f"answers{suffix}"
    path.write_text(text, encoding="utf-8")
    _ok(invoke("aqd", "start", "--year", "2025-26", "--answers", str(path)))
    doc = json.loads(_ok(invoke("aqd", "status", "--year", "2025-26", "--json")).stdout)
    scope = next(s for s in doc["scopes"] if s["programme"] == "P1")
    assert scope["answers"]["programme.dcs.expiry"] == "2026-03-01"


@pytest.mark.parametrize(
    "written", ["2025-09-08T00:00:00", '"2025-09-08T00:00:00"', '"2025-09-08 14:00"', "2025-09-08"]
)
def test_arrangement_files_read_the_date_written(invoke: Any, tmp_path: Path, written: str) -> None:
    path = tmp_path / "arrangement.toml"
    path.write_text(
        TEMPLATE.replace("delivery_start = 2025-09-08", f"delivery_start = {written}"), "utf-8"
    )
    result = invoke("consortium", "check", str(path), "--json")
    assert result.exit_code in (0, 1), result.stderr
    assert json.loads(result.stdout)["apply_by"] == "2025-07-28"
