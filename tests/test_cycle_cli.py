"""``wblqa sector`` and ``wblqa cycle plan`` through the CLI (CliRunner)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "sectors.toml"
_RAW = tomllib.loads(DATA.read_text(encoding="utf-8"))
ALL_TITLES = [(g["code"], t) for g in _RAW["groups"] for t in g["titles"]]
LOOKUP_KEYS = {
    "query",
    "title",
    "sector_group",
    "sector_name",
    "in_lsv_scope",
    "min_standards_verification",
    "reason",
    "source",
}
LISTED_SOURCE = "wbl-qa-model-2024-25: Sectors not in scope for LSV"


def _json(result: Any) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- sector lookup ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "title"),
    ALL_TITLES,
    ids=[f"sectors-not-in-scope-for-lsv:{c}-{i}" for i, (c, _) in enumerate(ALL_TITLES)],
)
def test_every_listed_title_is_found(invoke: Any, code: str, title: str) -> None:
    out = _json(invoke("sector", "lookup", title, "--json"))
    assert set(out) >= LOOKUP_KEYS
    assert out["query"] == title
    assert out["title"] == title
    assert out["sector_group"] == code
    assert out["in_lsv_scope"] is False
    assert out["min_standards_verification"] >= 1
    assert out["source"] == LISTED_SOURCE


@pytest.mark.parametrize(
    ("query", "code", "title"),
    [
        pytest.param(
            "Pearson BTEC Level 3 Diploma in Customer   Service",
            "215",
            "Pearson BTEC Level 3 Diploma in Customer Service",
            id="mangled-cell:215-split-across-rows",
        ),
        pytest.param(
            "pearson btec level 1 introductory award in sport",
            "599",
            "Pearson BTEC Level 1 Introductory Award in Sport",
            id="mangled-cell:599-award-in-sport-after-row-break",
        ),
        pytest.param(
            "Pearson BTEC Level 1 Introductory Diploma in Caring for Children Under Five",
            "599",
            "Pearson BTEC Level 1 Introductory Diploma in Caring for Children Under Five",
            id="mangled-cell:599-caring-split-across-rows",
        ),
        pytest.param(
            "BTEC Level Entry 3 Certificate in Entry to Vocational Study",
            "858",
            "Pearson BTEC Level Entry 3 Certificate in Entry to Vocational Study",
            id="mangled-cell:858-entry-to-split-across-rows",
        ),
        pytest.param(
            "pearson btec level 2 diploma in busness administration",
            "214",
            "Pearson BTEC Level 2 Diploma in Business Administration",
            id="typo:214",
        ),
        pytest.param(
            "Pearson BTEC Level 1 Introductory Certificate in Land-Based Studies",
            "599",
            "Pearson BTEC Level 1 Introductory Certificate in Land-based Studies",
            id="case:599-land-based",
        ),
    ],
)
def test_forgiving_lookup(invoke: Any, query: str, code: str, title: str) -> None:
    out = _json(invoke("sector", "lookup", query, "--json"))
    assert (out["title"], out["sector_group"], out["in_lsv_scope"]) == (title, code, False)


@pytest.mark.parametrize(
    ("query", "code", "title"),
    [
        pytest.param(
            "Pearson BTEC Level 3 Certificate in Marketing Principles",
            "205",
            "Pearson BTEC Level 3 Certificate in Marketing Principles",
            id="205-not-215-principles",
        ),
        pytest.param(
            "Pearson BTEC Level 3 Certificate in Principles of Customer Service",
            "215",
            "Pearson BTEC Level 3 Certificate in Principles of Customer Service",
            id="215-not-205-principles",
        ),
        pytest.param(
            "Pearson BTEC Level 1 Introductory Award in Business",
            "599",
            "Pearson BTEC Level 1 Introductory Award in Business",
            id="599-business-not-214",
        ),
        pytest.param(
            "Pearson BTEC Level 1 Award in Principles of Business Administration",
            "214",
            "Pearson BTEC Level 1 Award in Principles of Business Administration",
            id="214-not-599-business",
        ),
        pytest.param(
            "Pearson BTEC Level 2 Award for IT Users (ITQ)",
            "318",
            "Pearson BTEC Level 2 Award for IT Users (ITQ)",
            id="318-not-302",
        ),
        pytest.param(
            "Pearson BTEC Level 1 Introductory Award in Business Administration",
            None,
            None,
            id="introductory-business-administration-is-neither",
        ),
        pytest.param(
            "Pearson BTEC Level 3 Diploma in Sports Excellence Coaching",
            None,
            None,
            id="unlisted-sport-title-is-no-group",
        ),
    ],
)
def test_near_identical_titles_kept_apart(
    invoke: Any, query: str, code: str | None, title: str | None
) -> None:
    out = _json(invoke("sector", "lookup", query, "--json"))
    assert (out["sector_group"], out["title"]) == (code, title)
    assert out["in_lsv_scope"] is (code is None)


def test_lookup_by_group_code_lists_titles(invoke: Any) -> None:
    out = _json(invoke("sector", "lookup", "214", "--json"))
    group = next(g for g in _RAW["groups"] if g["code"] == "214")
    assert out["title"] is None and out["sector_group"] == "214"
    assert out["titles"] == group["titles"]
    assert out["in_lsv_scope"] is False
    human = invoke("sector", "lookup", "214")
    assert human.exit_code == 0, human.output
    for title in group["titles"]:
        assert title in human.stdout


def test_no_good_match_is_not_an_error(invoke: Any) -> None:
    query = "Pearson BTEC Level 3 Diploma in Customr Servise Management Studies"
    out = _json(invoke("sector", "lookup", query, "--json"))
    assert out["title"] is None and out["sector_group"] is None
    assert out["in_lsv_scope"] is True
    assert out["suggestions"]
    human = invoke("sector", "lookup", query)
    assert human.exit_code == 0, human.output
    assert "No listed title matches" in human.stdout
    assert "Did you mean" in human.stdout
    assert out["suggestions"][0] in human.stdout


def test_named_sector_lookup_says_two_visits(invoke: Any) -> None:
    out = _json(invoke("sector", "lookup", "Security", "--json"))
    assert out["sector"] == "security" and out["sector_group"] is None
    assert out["in_lsv_scope"] is True and out["min_standards_verification"] == 2
    assert "Stage 4" in out["source"]


def test_title_mentioning_construction_gets_a_hint(invoke: Any) -> None:
    query = "Pearson BTEC Level 2 Diploma in Construction Operations"
    out = _json(invoke("sector", "lookup", query, "--json"))
    assert out["sector_group"] is None and out["min_standards_verification"] == 1
    assert any("--sector construction" in h for h in out["hints"])
    human = invoke("sector", "lookup", query)
    assert "--sector construction" in human.stdout


def test_lookup_human_output_for_a_title(invoke: Any) -> None:
    result = invoke("sector", "lookup", "pearson btec level 2 diploma in busness administration")
    assert result.exit_code == 0, result.output
    assert "Pearson BTEC Level 2 Diploma in Business Administration" in result.stdout
    assert "Sector group 214" in result.stdout
    assert "Not in LSV scope" in result.stdout
    assert LISTED_SOURCE in result.stdout


def test_lookup_escapes_markup(invoke: Any) -> None:
    result = invoke("sector", "lookup", "[bold]x[/bold] level 2 award")
    assert result.exit_code == 0, result.output
    assert "[bold]x[/bold]" in result.stdout


def test_lookup_needs_a_query(invoke: Any) -> None:
    result = invoke("sector", "lookup")
    assert result.exit_code == 2
    assert "TITLE_OR_CODE" in result.stderr
    empty = invoke("sector", "lookup", "  ", "--json")
    assert empty.exit_code == 2, empty.output
    assert "TITLE_OR_CODE is empty" in empty.stderr and empty.stdout == ""


def test_sector_list(invoke: Any) -> None:
    out = _json(invoke("sector", "list", "--json"))
    assert [g["code"] for g in out["groups"]] == [g["code"] for g in _RAW["groups"]]
    assert all(g["in_lsv_scope"] is False for g in out["groups"])
    assert sum(g["title_count"] for g in out["groups"]) == len(ALL_TITLES)
    assert {s["key"] for s in out["sectors"]} >= {"construction", "green", "work-based-learning"}
    human = invoke("sector", "list")
    assert human.exit_code == 0, human.output
    assert "ADMINISTRATION (NVQ)" in human.stdout and "emergency-care" in human.stdout


# --- cycle plan --------------------------------------------------------------------------------


@pytest.fixture
def programmes(invoke: Any, centre: str) -> None:
    rows = [
        ("P-ADMIN", "Pearson BTEC Level 2 Diploma in Business Administration", [], "2024-12-20"),
        (
            "P-BUILD",
            "Pearson BTEC Level 2 Diploma in Site Carpentry",
            ["--sector", "construction"],
            "2026-05-01",
        ),
        (
            "P-GREEN",
            "Pearson BTEC Level 3 Certificate in Solar PV Installation",
            ["--sector", "green"],
            "2024-09-15",
        ),
        (
            "P-CARE",
            "Pearson BTEC Level 3 Diploma in Health and Social Care",
            ["--expected-certification", "2025-06-30"],
            None,
        ),
    ]
    for code, title, extra, dcs in rows:
        args = ["programme", "add", code, "--title", title, *extra]
        if dcs:
            args += ["--dcs-expiry", dcs]
        result = invoke(*args)
        assert result.exit_code == 0, result.output


def test_cycle_plan_json(invoke: Any, programmes: None) -> None:
    out = _json(invoke("cycle", "plan", "--year", "2024-25", "--as-of", "1/10/2024", "--json"))
    assert out["academic_year"] == "2024-25"
    rows = {p["code"]: p for p in out["programmes"]}
    assert set(rows) == {"P-ADMIN", "P-BUILD", "P-GREEN", "P-CARE"}
    summary = {
        c: (p["sector_group"], p["in_lsv_scope"], p["min_standards_verification"], p["dcs_status"])
        for c, p in rows.items()
    }
    assert summary == {
        "P-ADMIN": ("214", False, 1, "expiring"),
        "P-BUILD": (None, True, 2, "ok"),
        "P-GREEN": (None, False, 1, "expired"),
        "P-CARE": (None, True, 1, None),
    }
    assert rows["P-ADMIN"]["dcs_expiry"] == "2024-12-20"
    assert len(rows["P-ADMIN"]["warnings"]) == 1 and rows["P-BUILD"]["warnings"] == []
    assert rows["P-CARE"]["expected_certification"] == ["2025-06-30"]
    dates = {k["key"]: k for k in out["key_dates"]}
    assert dates["aqd-deadline"]["date"] == "2024-10-14"
    assert dates["first-lsv-visit"]["date"] == "2024-11-30"
    assert (dates["lsv-allocation"]["date"], dates["lsv-allocation"]["end_date"]) == (
        "2024-10-01",
        "2024-11-30",
    )
    assert all(k["source"] for k in out["key_dates"])


def test_cycle_plan_default_year_follows_as_of(invoke: Any) -> None:
    out = _json(invoke("cycle", "plan", "--as-of", "15 March 2026", "--json"))
    assert out["academic_year"] == "2025-26"
    assert {k["key"]: k["date"] for k in out["key_dates"]}["aqd-deadline"] == "2025-10-14"
    assert out["programmes"] == []


def test_cycle_plan_human(invoke: Any, programmes: None) -> None:
    result = invoke("cycle", "plan", "--year", "2024-25", "--as-of", "2024-10-01")
    assert result.exit_code == 0, result.output
    text = result.stdout
    for words in (
        "Verification plan 2024-25",
        "P-BUILD",
        "Direct Claims Status expired on 15 September 2024",
        "Key dates 2024-25",
        "14 Oct 2024",
        "30 Nov 2024",
        "in 13 days",
    ):
        assert words in text, words


@pytest.mark.parametrize(
    ("args", "named"),
    [
        pytest.param(["--year", "2024-26"], "'2024-26' (--year)", id="bad-year"),
        pytest.param(["--year", "next"], "'next' (--year)", id="bad-year-words"),
        pytest.param(["--as-of", "31/02/2025"], "'31/02/2025' (--as-of)", id="bad-as-of"),
        pytest.param(["--as-of", "soon"], "'soon' (--as-of)", id="bad-as-of-words"),
    ],
)
def test_cycle_plan_bad_options(invoke: Any, args: list[str], named: str) -> None:
    result = invoke("cycle", "plan", *args, "--json")
    assert result.exit_code == 2, result.output
    assert named in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.output
