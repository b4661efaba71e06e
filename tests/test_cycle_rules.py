"""The verification cycle's rules (data/verification.toml) and the pure plan.

Test ids cite the section of wbl-qa-model-2024-25 each rule comes from.
"""

from __future__ import annotations

import copy
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from wblqa_cli.aqd.deadlines import deadline_for
from wblqa_cli.cycle.key_dates import key_dates
from wblqa_cli.cycle.lookup import lookup
from wblqa_cli.cycle.plan import Plan, dcs_status, plan
from wblqa_cli.cycle.rules import CycleRules, load_rules, load_sector_groups, rules_from
from wblqa_cli.cycle.scope import classify
from wblqa_cli.dates import AcademicYear
from wblqa_cli.errors import DataError
from wblqa_cli.registry.model import Programme
from wblqa_cli.rules import Table, load

SOURCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "000_421f36eb085028c3.txt"
Y2024 = AcademicYear(2024)
Y2025 = AcademicYear(2025)
TODAY = date(2024, 10, 1)

BUSINESS_ADMIN = "Pearson BTEC Level 2 Diploma in Business Administration"  # group 214
PLAIN = "Pearson BTEC Level 3 Diploma in Health and Social Care"  # in no listed group


@pytest.fixture(scope="module")
def rules() -> CycleRules:
    return load_rules()


def _plan(*programmes: Programme, year: AcademicYear = Y2024, today: date = TODAY) -> Plan:
    return plan(programmes, year, today)


# --- the data -----------------------------------------------------------------------------


def _sources(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [v for k, v in node.items() if k.endswith("source") and isinstance(v, str)]
        return found + [s for v in node.values() for s in _sources(v)]
    if isinstance(node, list):
        return [s for v in node for s in _sources(v)]
    return []


def test_every_citation_names_a_heading_of_the_source() -> None:
    if not SOURCE.is_file():
        pytest.skip(f"source document not available at {SOURCE}")
    text = SOURCE.read_text(encoding="utf-8")
    headings = {line.strip() for line in text.splitlines()}
    cited = _sources(load("verification.toml"))
    assert len(cited) >= 10
    for source in cited:
        if source == "wblqa default":
            continue
        doc, _, heading = source.partition(": ")
        assert doc == "wbl-qa-model-2024-25", source
        assert heading in headings, source  # "Stage 2: A visit from ..." is one heading


def test_rules_load_with_every_named_sector(rules: CycleRules) -> None:
    assert set(rules.sectors) == {
        "security",
        "emergency-care",
        "construction",
        "work-based-learning",
        "green",
    }
    assert rules.dcs_warn_days > 0
    assert {k.key for k in rules.key_dates} == {
        "sv-allocations",
        "lsv-allocation",
        "first-lsv-visit",
    }


def _raw() -> dict[str, Any]:
    return copy.deepcopy(load("verification.toml"))


def _broken(change: Any) -> str:
    raw = _raw()
    change(raw)
    with pytest.raises(DataError) as info:
        rules_from(Table(raw, "data/verification.toml", error=DataError))
    return info.value.message


def test_bad_rules_name_file_and_key() -> None:
    def unknown_key(raw: dict[str, Any]) -> None:
        raw["key_dates"][0]["startz"] = {"month": 1, "day": 1}

    def no_such_day(raw: dict[str, Any]) -> None:
        raw["key_dates"][0]["starts"] = {"month": 2, "day": 29}

    def default_out_of_scope(raw: dict[str, Any]) -> None:
        raw["scope"]["default"]["in_lsv_scope"] = False

    def duplicate_sector(raw: dict[str, Any]) -> None:
        raw["sectors"].append(dict(raw["sectors"][0]))

    def zero_minimum(raw: dict[str, Any]) -> None:
        raw["sectors"][0]["min_standards_verification"] = 0

    def uncited(raw: dict[str, Any]) -> None:
        raw["dcs_expiry"]["source"] = "somewhere"

    assert "[[key_dates]] 1, key 'startz': is not a known key" in _broken(unknown_key)
    assert "key 'starts': month 2 day 29" in _broken(no_such_day)
    assert "key 'scope'" in _broken(default_out_of_scope)
    assert "[[sectors]] 6, key 'key'" in _broken(duplicate_sector)
    assert "key 'min_standards_verification': must be at least 1" in _broken(zero_minimum)
    assert "[dcs_expiry], key 'source'" in _broken(uncited)


# --- scope and minimum verification --------------------------------------------------------

SCOPE_CASES = [
    # (sector tag, title, in LSV scope, min SV, sector_group)
    pytest.param("214", PLAIN, False, 1, "214", id="sectors-not-in-scope-for-lsv:tag-214"),
    pytest.param(None, BUSINESS_ADMIN, False, 1, "214", id="sectors-not-in-scope-for-lsv:title"),
    pytest.param(
        None,
        "Pearson BTEC Level 1 Introductory Award in Construction",
        False,
        1,
        "599",
        id="sectors-not-in-scope-for-lsv:599-construction-title",
    ),
    pytest.param("security", PLAIN, True, 2, None, id="stage-4:security"),
    pytest.param("emergency-care", PLAIN, True, 2, None, id="stage-4:emergency-care"),
    pytest.param("construction", PLAIN, True, 2, None, id="stage-4:construction"),
    # Issue 12: a listed title stays out of LSV scope whatever its tag; the tag may only
    # raise the minimum (it used to put the title back in scope).
    pytest.param(
        "construction",
        BUSINESS_ADMIN,
        False,
        2,
        "214",
        id="sectors-not-in-scope-for-lsv:listed-title-tagged-construction-stays-out",
    ),
    pytest.param(
        "security",
        "Pearson BTEC Level 1 Introductory Award in Construction",
        False,
        2,
        "599",
        id="sectors-not-in-scope-for-lsv:listed-title-tagged-security-stays-out",
    ),
    pytest.param(
        "green", BUSINESS_ADMIN, False, 1, None, id="stage-2:listed-title-tagged-green-no-lsv"
    ),
    pytest.param("work-based-learning", PLAIN, False, 1, None, id="stage-2:wbl-suite-no-lsv"),
    pytest.param("green", PLAIN, False, 1, None, id="stage-2:green-no-lsv"),
    pytest.param(None, PLAIN, True, 1, None, id="stage-3:in-scope-one-remote-visit"),
]


@pytest.mark.parametrize(("sector", "title", "in_scope", "minimum", "group"), SCOPE_CASES)
def test_scope(
    sector: str | None,
    title: str,
    in_scope: bool,
    minimum: int,
    group: str | None,
    rules: CycleRules,
) -> None:
    scope = classify(title, sector, rules=rules, groups=load_sector_groups())
    assert scope.rule.in_lsv_scope is in_scope
    assert scope.rule.min_standards_verification == minimum
    assert (scope.group.code if scope.group else None) == group
    assert scope.rule.source.startswith("wbl-qa-model-2024-25: ")
    assert scope.reason


def test_title_naming_a_sector_is_a_hint_not_a_rule(rules: CycleRules) -> None:
    title = "Pearson BTEC Level 2 Diploma in Construction Operations"
    scope = classify(title, None, rules=rules, groups=load_sector_groups())
    assert scope.rule is rules.default
    assert any("--sector construction" in h for h in scope.hints)
    assert classify(PLAIN, None, rules=rules, groups=load_sector_groups()).hints == ()


def test_listed_title_naming_a_sector_keeps_its_group_rule_with_a_hint(rules: CycleRules) -> None:
    title = "Pearson BTEC Level 1 Introductory Diploma in Construction"
    for sector in (None, "599"):
        scope = classify(title, sector, rules=rules, groups=load_sector_groups())
        assert scope.rule is rules.listed_group and scope.group is not None
        assert scope.group.code == "599"
        (hint,) = scope.hints
        assert "Construction" in hint and "599" in hint
    assert lookup(title).hints and not lookup(BUSINESS_ADMIN).hints


def test_unknown_stored_sector_is_flagged(rules: CycleRules) -> None:
    scope = classify(PLAIN, "999", rules=rules, groups=load_sector_groups())
    assert scope.rule is rules.default
    assert "'999'" in scope.hints[0]


# --- key dates --------------------------------------------------------------------------------

KEY_DATES = [
    # (year, key, date, end date)
    (Y2024, "aqd-opens", date(2024, 9, 1), None),
    (Y2024, "aqd-deadline", date(2024, 10, 14), None),
    (Y2024, "sv-allocations", date(2024, 10, 1), date(2024, 10, 31)),
    (Y2024, "lsv-allocation", date(2024, 10, 1), date(2024, 11, 30)),
    (Y2024, "first-lsv-visit", date(2024, 11, 30), None),
    (Y2025, "aqd-opens", date(2025, 9, 1), None),
    (Y2025, "aqd-deadline", date(2025, 10, 14), None),
    (Y2025, "sv-allocations", date(2025, 10, 1), date(2025, 10, 31)),
    (Y2025, "lsv-allocation", date(2025, 10, 1), date(2025, 11, 30)),
    (Y2025, "first-lsv-visit", date(2025, 11, 30), None),
]


@pytest.mark.parametrize(
    ("year", "key", "day", "end"),
    KEY_DATES,
    ids=[f"{y.label}:{k}" for y, k, _, _ in KEY_DATES],
)
def test_key_dates(
    year: AcademicYear, key: str, day: date, end: date | None, rules: CycleRules
) -> None:
    dates = {k.key: k for k in key_dates(year, deadline_for(year), rules=rules)}
    assert set(dates) == {k for y, k, _, _ in KEY_DATES if y == year}
    assert (dates[key].date, dates[key].end_date) == (day, end)
    assert dates[key].source.startswith(("wbl-qa-model-2024-25: ", "pearson-support:"))


def test_aqd_deadline_2024_25_cites_the_model_and_says_before_lsv(rules: CycleRules) -> None:
    (aqd,) = [
        k for k in key_dates(Y2024, deadline_for(Y2024), rules=rules) if k.key == "aqd-deadline"
    ]
    assert aqd.source.startswith("wbl-qa-model-2024-25: Stage 1")
    assert aqd.detail is not None and "before your Lead Standards Verifier" in aqd.detail
    assert aqd.reminder_days == rules.aqd_reminder_days


def test_key_dates_are_sorted_and_in_year(rules: CycleRules) -> None:
    for year in (Y2024, Y2025, AcademicYear(2031)):
        dates = key_dates(year, deadline_for(year), rules=rules)
        assert [k.date for k in dates] == sorted(k.date for k in dates)
        assert all(k.date in year and (k.end_date is None or k.end_date in year) for k in dates)


def test_weekend_aqd_deadline_carries_a_note(rules: CycleRules) -> None:
    year = AcademicYear(2023)  # 14 October 2023 was a Saturday
    (aqd,) = [
        k for k in key_dates(year, deadline_for(year), rules=rules) if k.key == "aqd-deadline"
    ]
    assert aqd.note is not None and "Saturday" in aqd.note


def test_user_set_aqd_deadline_is_used() -> None:
    mine = deadline_for(Y2025, {"2025-26": date(2025, 10, 10)})
    p = plan([], Y2025, TODAY, aqd=mine)
    assert {k.key: k.date for k in p.key_dates}["aqd-deadline"] == date(2025, 10, 10)


def test_lsv_dates_left_out_when_no_programme_is_in_scope() -> None:
    out = _plan(Programme("A", BUSINESS_ADMIN), Programme("B", PLAIN, sector="green"))
    keys = {k.key for k in out.key_dates}
    assert "lsv-allocation" not in keys and "first-lsv-visit" not in keys
    assert "sv-allocations" in keys and "aqd-deadline" in keys
    assert any("LSV" in n for n in out.notes)
    mixed = _plan(Programme("A", BUSINESS_ADMIN), Programme("C", PLAIN))
    assert {"lsv-allocation", "first-lsv-visit"} <= {k.key for k in mixed.key_dates}
    empty = _plan()
    assert {"lsv-allocation", "first-lsv-visit"} <= {k.key for k in empty.key_dates}
    assert empty.notes


# --- Direct Claims Status ---------------------------------------------------------------------


def test_dcs_status_boundaries(rules: CycleRules) -> None:
    horizon = rules.dcs_warn_days
    assert dcs_status(None, TODAY, horizon) is None
    assert dcs_status(TODAY - timedelta(days=1), TODAY, horizon) == "expired"
    assert dcs_status(TODAY, TODAY, horizon) == "expiring"
    assert dcs_status(TODAY + timedelta(days=horizon), TODAY, horizon) == "expiring"
    assert dcs_status(TODAY + timedelta(days=horizon + 1), TODAY, horizon) == "ok"


@pytest.mark.parametrize(
    ("offset", "status", "words"),
    [
        pytest.param(-30, "expired", "expired on", id="stage-2:dcs-expired"),
        pytest.param(0, "expiring", "(today)", id="stage-2:dcs-expires-today"),
        pytest.param(10, "expiring", "(in 10 days)", id="stage-2:dcs-expiring"),
        pytest.param(None, "ok", None, id="stage-2:dcs-far"),
    ],
)
def test_dcs_warnings(
    offset: int | None, status: str, words: str | None, rules: CycleRules
) -> None:
    days = rules.dcs_warn_days + 1 if offset is None else offset
    expiry = TODAY + timedelta(days=days)
    (pp,) = _plan(Programme("A", PLAIN, dcs_expiry=expiry)).programmes
    assert pp.dcs_status == status
    if words is None:
        assert pp.warnings == ()
    else:
        assert len(pp.warnings) == 1
        assert words in pp.warnings[0] and "Lead Standards Verifier" in pp.warnings[0]


def test_certification_after_dcs_expiry_warns_and_other_years_are_left_out() -> None:
    expiry = date(2025, 9, 30)  # far from TODAY: no expiry warning
    certification = (date(2024, 7, 1), date(2025, 3, 1), date(2025, 8, 31), date(2025, 9, 1))
    (pp,) = _plan(
        Programme("A", PLAIN, dcs_expiry=expiry, expected_certification=certification)
    ).programmes
    assert pp.expected_certification == (date(2025, 3, 1), date(2025, 8, 31))
    assert pp.warnings == ()
    (late,) = _plan(
        Programme("A", PLAIN, dcs_expiry=date(2025, 5, 1), expected_certification=certification)
    ).programmes
    assert len(late.warnings) == 1 and "31 August 2025" in late.warnings[0]


def test_no_expected_certification_is_noted() -> None:
    (pp,) = _plan(Programme("A", PLAIN)).programmes
    assert any("expected certification" in n for n in pp.notes)


def test_plan_json_has_the_contract_keys() -> None:
    out = _plan(Programme("A", BUSINESS_ADMIN, dcs_expiry=TODAY)).as_json()
    assert {"academic_year", "programmes", "key_dates"} <= set(out)
    (row,) = out["programmes"]  # type: ignore[misc]
    assert {
        "code",
        "title",
        "sector_group",
        "in_lsv_scope",
        "min_standards_verification",
        "dcs_expiry",
        "warnings",
    } <= set(row)
    for k in out["key_dates"]:  # type: ignore[attr-defined]
        assert {"date", "what", "source"} <= set(k)


# --- lookup (pure) ----------------------------------------------------------------------------


def test_lookup_kinds(rules: CycleRules) -> None:
    assert lookup("214").kind == "group"
    assert lookup("Marketing").kind == "group"
    assert lookup("Emergency care").sector is rules.sectors["emergency-care"]
    assert lookup("work based learning").sector is rules.sectors["work-based-learning"]
    assert lookup(BUSINESS_ADMIN.lower()).kind == "title"
    unknown = lookup("999")
    assert unknown.kind == "none" and "999" in unknown.hints[0]
