"""Issue 12, "Retention": reasons for unknown, the hold column, impossible dates, duplicate ids.

Test ids name the section of ``btec-collab-guide-1.1`` a case comes from, or
``wblqa-default`` where the behaviour is the tool's own.
"""

from __future__ import annotations

import copy
import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wblqa_cli.errors import DataError, InputError
from wblqa_cli.retention.check import validate_check
from wblqa_cli.retention.rules import load_rules
from wblqa_cli.retention.source import Source
from wblqa_cli.rules import Table, load

PROGRAMME = "603/1234/5"
#: Sections in test ids: the guide's FAQ (what is kept, from which date) or the tool's own.
FAQ = pytest.mark.parametrize("section", ["btec-collab-guide-1.1:frequently-asked-questions"])
OWN = pytest.mark.parametrize("section", ["wblqa-default"])
LW_MISSING = "the 'received' date is missing"
QA_MISSING = "the 'certified' date is missing"


def _ok(result: Any) -> Any:
    assert result.exit_code == 0, result.output
    return result


def _bad(result: Any) -> Any:
    assert result.exit_code == 2, result.output
    assert result.stdout == "", "nothing may be printed on error"
    assert result.stderr.startswith("Error: ") and "Traceback" not in result.stderr
    return result


@pytest.fixture
def programme(invoke, centre) -> str:  # type: ignore[no-untyped-def]
    _ok(invoke("programme", "add", PROGRAMME, "--title", "Pearson BTEC Level 3 Diploma in Art"))
    return PROGRAMME


def _file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "in.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


# --- unknown always carries its reason ------------------------------------------------

CHECK = "id,certified,received,hold\nU1,2024-07-15,,\nU2,,2024-08-01,\nH1,,,open appeal 4\n"


@FAQ
def test_check_csv_gives_each_unknown_its_reason(section: str, invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = _ok(
        invoke("retention", "check", _file(tmp_path, CHECK), "--csv", "--as-of", "2025-01-01")
    )
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(out.stdout))}
    assert rows["U1"]["learner_work_status"] == "unknown"
    assert rows["U1"]["learner_work_reason"].startswith(LW_MISSING)
    assert rows["U1"]["qa_documents_reason"] == ""
    assert rows["U2"]["qa_documents_status"] == "unknown"
    assert rows["U2"]["qa_documents_reason"].startswith(QA_MISSING)
    assert rows["H1"]["learner_work_reason"] == rows["H1"]["qa_documents_reason"] == "open appeal 4"


@FAQ
def test_check_json_gives_each_unknown_its_reason(section: str, invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = _ok(
        invoke("retention", "check", _file(tmp_path, CHECK), "--json", "--as-of", "2025-01-01")
    )
    results = {r["id"]: r for r in json.loads(out.stdout)["results"]}
    for r in results.values():
        for kind in ("learner_work", "qa_documents"):
            if r[f"{kind}_status"] == "unknown":
                assert r[f"{kind}_reason"], r
            elif r[f"{kind}_status"] in ("retain", "disposable"):
                assert r[f"{kind}_reason"] is None, r
    assert results["U2"]["qa_documents_reason"].startswith(QA_MISSING)


@FAQ
def test_check_table_has_a_why_column(section: str, invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = _ok(invoke("retention", "check", _file(tmp_path, CHECK), "--as-of", "2025-01-01"))
    assert "Why" in out.stdout
    flat = " ".join(out.stdout.split())
    assert "'received' date" in flat and "open appeal 4" in flat


@FAQ
def test_list_json_gives_each_unknown_its_reason(section: str, invoke, programme: str) -> None:  # type: ignore[no-untyped-def]
    _ok(invoke("retention", "add", "R1", "--programme", programme, "--kind", "learner_work",
               "--cohort", "2024", "--certified", "2024-07-15"))  # fmt: skip
    _ok(invoke("retention", "add", "R2", "--programme", programme, "--kind", "qa_documents",
               "--cohort", "2024", "--certified", "2024-07-15", "--hold", "appeal 9"))  # fmt: skip
    doc = json.loads(_ok(invoke("retention", "list", "--json", "--as-of", "2025-01-01")).stdout)
    by_id = {r["id"]: r for r in doc["records"]}
    assert by_id["R1"]["status"] == "unknown"
    assert by_id["R1"]["status_reason"].startswith(LW_MISSING)
    assert by_id["R2"]["status"] == "on-hold" and by_id["R2"]["status_reason"] == "appeal 9"
    shown = json.loads(_ok(invoke("retention", "show", "R1", "--json")).stdout)
    assert shown["status_reason"].startswith(LW_MISSING)


# --- the hold column ------------------------------------------------------------------

NOT_HELD = ["", "no", "No", " NO ", "false", "FALSE", "0", "n", "N"]


@pytest.mark.parametrize(
    "cell", NOT_HELD, ids=lambda c: f"wblqa-default:hold-{c.strip() or 'empty'}"
)
def test_check_hold_words_for_no_are_not_a_hold(invoke, tmp_path: Path, cell: str) -> None:  # type: ignore[no-untyped-def]
    text = f'id,certified,received,hold\nA1,2024-07-15,2024-08-01,"{cell}"\n'
    out = _ok(invoke("retention", "check", _file(tmp_path, text), "--csv", "--as-of", "2025-01-01"))
    (row,) = csv.DictReader(io.StringIO(out.stdout))
    assert row["learner_work_status"] == "disposable"
    assert row["qa_documents_status"] == "retain"


@pytest.mark.parametrize(
    "cell", ["yes", "appeal 12", "nope", "no!"], ids=lambda c: f"wblqa-default:hold-{c}"
)
def test_check_any_other_hold_text_is_the_holds_reason(invoke, tmp_path: Path, cell: str) -> None:  # type: ignore[no-untyped-def]
    text = f"id,certified,received,hold\nA1,2024-07-15,2024-08-01,{cell}\n"
    out = _ok(invoke("retention", "check", _file(tmp_path, text), "--csv", "--as-of", "2025-01-01"))
    (row,) = csv.DictReader(io.StringIO(out.stdout))
    assert row["learner_work_status"] == row["qa_documents_status"] == "on-hold"
    assert row["learner_work_reason"] == cell


@OWN
def test_import_hold_no_is_not_on_hold(
    section: str, invoke, programme: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    text = (
        "id,programme,kind,cohort,certified,received,hold\n"
        f"I1,{programme},learner_work,2024,2024-07-15,2024-08-01,no\n"
        f"I2,{programme},learner_work,2024,2024-07-15,2024-08-01,false\n"
        f"I3,{programme},learner_work,2024,2024-07-15,2024-08-01,appeal 3\n"
    )
    _ok(invoke("retention", "import", _file(tmp_path, text)))
    doc = json.loads(_ok(invoke("retention", "list", "--json", "--as-of", "2025-01-01")).stdout)
    by_id = {r["id"]: r for r in doc["records"]}
    assert by_id["I1"]["hold"] is None and by_id["I1"]["status"] == "disposable"
    assert by_id["I2"]["hold"] is None
    assert by_id["I3"]["hold"]["reason"] == "appeal 3" and by_id["I3"]["status"] == "on-hold"


# --- received before certified is impossible ------------------------------------------

EARLY = "the certificates cannot be received (2024-07-01) before the learners were certificated"


@FAQ
def test_check_received_before_certified_is_an_input_error(
    section: str, invoke, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    text = "id,certified,received\nOK1,2024-07-15,2024-08-01\nBAD7,2024-07-15,2024-07-01\n"
    for args in (["--csv"], ["--json"], []):
        err = _bad(invoke("retention", "check", _file(tmp_path, text), *args)).stderr
        flat = " ".join(err.split())
        assert "in.csv, line 3, column 'received'" in flat and "'BAD7'" in flat
        assert EARLY in flat


@FAQ
def test_import_received_before_certified_writes_nothing(
    section: str, invoke, programme: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    text = (
        "id,programme,kind,cohort,certified,received\n"
        f"I1,{programme},learner_work,2024,2024-07-15,2024-08-01\n"
        f"I2,{programme},qa_documents,2024,2024-07-15,2024-07-01\n"
    )
    err = _bad(invoke("retention", "import", _file(tmp_path, text))).stderr
    flat = " ".join(err.split())
    assert "line 3, column 'received'" in flat and "'I2'" in flat and EARLY in flat
    doc = json.loads(_ok(invoke("retention", "list", "--json")).stdout)
    assert doc["records"] == []


@FAQ
def test_add_and_calc_refuse_received_before_certified(
    section: str, invoke, programme: str
) -> None:  # type: ignore[no-untyped-def]
    err = _bad(invoke("retention", "add", "A1", "--programme", programme, "--kind",
                      "learner_work", "--cohort", "2024", "--certified", "2024-07-15",
                      "--received", "2024-07-01")).stderr  # fmt: skip
    assert "--received" in err and "'A1'" in err and EARLY in " ".join(err.split())
    assert json.loads(_ok(invoke("retention", "list", "--json")).stdout)["records"] == []
    for args in ([], ["--json"]):
        err = _bad(invoke("retention", "calc", "--certified", "2024-07-15",
                          "--received", "2024-07-01", *args)).stderr  # fmt: skip
        assert "--received" in err and EARLY in " ".join(err.split())
    same_day = invoke("retention", "calc", "--certified", "2024-07-15", "--received", "2024-07-15")
    _ok(same_day)


# --- duplicate ids ----------------------------------------------------------------------


@OWN
def test_check_duplicate_ids_name_both_lines(section: str, invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = "".join(f"R{i},2024-07-15,2024-08-01\n" for i in range(2000))
    text = "id,certified,received\n" + rows + "R17,2024-07-15,2024-08-01\n"
    for args in (["--csv"], ["--json"], []):
        err = _bad(invoke("retention", "check", _file(tmp_path, text), *args)).stderr
        flat = " ".join(err.split())
        assert "line 2002, column 'id'" in flat and "'R17' is already on line 19" in flat


@OWN
def test_import_duplicate_ids_name_both_lines(
    section: str, invoke, programme: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    text = (
        "id,programme,kind,cohort,certified,received\n"
        f"D1,{programme},learner_work,2024,2024-07-15,2024-08-01\n"
        f"D2,{programme},learner_work,2024,2024-07-15,2024-08-01\n"
        f"D1,{programme},qa_documents,2024,2024-07-15,2024-08-01\n"
    )
    err = " ".join(_bad(invoke("retention", "import", _file(tmp_path, text))).stderr.split())
    assert "line 4, column 'id'" in err and "'D1' is already on line 2" in err


def _validate(ids: list[str]) -> None:
    body = "".join(f"{i},2024-07-15,2024-08-01\n" for i in ids)
    data = ("id,certified,received\n" + body).encode()
    validate_check(Source(io.BytesIO(data), "f.csv"), date(2025, 1, 1))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(alphabet="ab1", min_size=1, max_size=4), min_size=1, max_size=300))
def test_check_refuses_exactly_the_files_with_a_repeated_id(ids: list[str]) -> None:
    first: dict[str, int] = {}
    clash = None
    for line, ident in enumerate(ids, start=2):
        if ident in first:
            clash = (line, first[ident])
            break
        first[ident] = line
    if clash is None:
        _validate(ids)
        return
    with pytest.raises(InputError) as info:
        _validate(ids)
    assert f"line {clash[0]}, column 'id'" in info.value.message
    assert f"is already on line {clash[1]}" in info.value.message


def test_many_distinct_ids_pass() -> None:
    _validate([f"ID-{i:06d}" for i in range(50_000)])


def test_a_hash_shared_by_two_different_ids_is_not_a_duplicate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Only the ids themselves decide: a candidate from the hashes is checked exactly."""
    from wblqa_cli.retention import check

    monkeypatch.setattr(check._SeenIds, "repeated", lambda self: {hash("A2"), hash("A3")})
    _validate(["A1", "A2", "A3"])
    with pytest.raises(InputError, match=r"line 5, column 'id': 'A2' is already on line 3"):
        _validate(["A1", "A2", "A3", "A2"])


# --- strengths in retention.toml ---------------------------------------------------------


def test_every_retention_rule_has_a_strength_or_is_the_tools_own() -> None:
    rules = load_rules()
    for rule in rules.by_kind.values():
        assert rule.cited.strength == "must" and rule.cited.strength_basis, rule.kind
    assert rules.top_up.cited.strength == "should"  # a support page only: never 'must'
    assert rules.hold.cited.strength in ("must", "should")
    assert rules.hold.not_held_source == "wblqa default" and rules.hold.not_held_reason


def _broken(change: Any) -> str:
    from wblqa_cli.retention.rules import rules_from

    raw = copy.deepcopy(load("retention.toml"))
    change(raw)
    with pytest.raises(DataError) as info:
        rules_from(Table(raw, "data/retention.toml", error=DataError))
    return info.value.message


def test_bad_retention_strengths_are_data_errors_naming_file_and_key() -> None:
    def top_up_must(raw: dict[str, Any]) -> None:
        raw["top_up"]["strength"] = "must"

    def unknown(raw: dict[str, Any]) -> None:
        raw["rules"][1]["strength"] = "shall"

    def no_reason(raw: dict[str, Any]) -> None:
        del raw["hold"]["not_held"]["reason"]

    message = _broken(top_up_must)
    assert "data/retention.toml, [top_up], key 'strength'" in message
    assert "secondary source" in message
    assert "[[rules]] 2, key 'strength': is 'shall'" in _broken(unknown)
    assert "[hold], [not_held], key 'reason': is missing" in _broken(no_reason)


@FAQ
def test_calc_shows_the_strength_beside_the_source(section: str, invoke) -> None:  # type: ignore[no-untyped-def]
    out = _ok(invoke("retention", "calc", "--received", "2025-02-28", "--json")).stdout
    assert json.loads(out)["learner_work"]["strength"] == "must"
    human = _ok(invoke("retention", "calc", "--received", "2025-02-28")).stdout
    assert "Frequently asked questions (must)" in " ".join(human.split())


@OWN
def test_check_table_shows_hostile_hold_text_literally(
    section: str, invoke, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    text = "id,certified,received,hold\n[b]B1[/b],2022-07-15,2022-08-01,[red]x[/red] \x1b[31m\n"
    out = _ok(invoke("retention", "check", _file(tmp_path, text), "--as-of", "2025-07-16")).stdout
    assert "[red]x[/red]" in out and "[b]B1[/b]" in out
    assert "\x1b" not in out and "\\x1b[31m" in out


@FAQ
def test_list_csv_gives_each_unknown_its_reason(section: str, invoke, programme: str) -> None:  # type: ignore[no-untyped-def]
    _ok(invoke("retention", "add", "R1", "--programme", programme, "--kind", "learner_work",
               "--cohort", "2024", "--certified", "2024-07-15"))  # fmt: skip
    out = _ok(invoke("retention", "list", "--format", "csv", "--as-of", "2025-01-01")).stdout
    (row,) = csv.DictReader(io.StringIO(out))
    assert row["status"] == "unknown" and row["status_reason"].startswith(LW_MISSING)


@FAQ
def test_check_xlsx_has_the_reason_columns(section: str, invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    target = tmp_path / "out.xlsx"
    _ok(invoke("retention", "check", _file(tmp_path, CHECK), "--format", "xlsx", "-o",
               str(target), "--as-of", "2025-01-01"))  # fmt: skip
    rows = list(load_workbook(target, read_only=True).active.iter_rows(values_only=True))
    header = list(rows[0])
    assert "learner_work_reason" in header and "qa_documents_reason" in header
    by_id = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert by_id["U1"]["learner_work_reason"].startswith(LW_MISSING)
    assert by_id["H1"]["qa_documents_reason"] == "open appeal 4"
