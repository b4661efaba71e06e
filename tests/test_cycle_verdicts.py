"""Issue 12, "Verification cycle": each verdict as the guidance words it.

Test ids name the section of ``wbl-qa-model-2024-25`` each case comes from.
"""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

import pytest
from icalendar import Calendar

from wblqa_cli.cycle.calendar import build_calendar, obligations_for
from wblqa_cli.cycle.plan import plan
from wblqa_cli.cycle.rules import load_rules, load_sector_groups, rules_from
from wblqa_cli.cycle.scope import classify
from wblqa_cli.dates import AcademicYear
from wblqa_cli.errors import DataError
from wblqa_cli.registry.model import Programme
from wblqa_cli.rules import Table, load
from wblqa_cli.status.actions import Settings, build

YEAR = AcademicYear(2025)
TODAY = date(2025, 10, 1)
EXPIRING = TODAY + timedelta(days=20)
EXPIRED = TODAY - timedelta(days=5)
BUSINESS_ADMIN = "Pearson BTEC Level 2 Diploma in Business Administration"  # group 214
PLAIN = "Pearson BTEC Level 3 Diploma in Health and Social Care"  # in no listed group

LSV = "your Lead Standards Verifier"
SV = "your sector standards verifier"

# (title, sector tag, whom an expiring Direct Claims Status is raised with)
WHO = [
    pytest.param(PLAIN, None, LSV, id="stage-2-lsv-visit:in-scope-alerts-lsv"),
    pytest.param(PLAIN, "construction", LSV, id="stage-4-next-cycle:construction-alerts-lsv"),
    pytest.param(PLAIN, "work-based-learning", SV, id="stage-2-lsv-visit:wbl-suite-raises-with-sv"),
    pytest.param(PLAIN, "green", SV, id="stage-2-lsv-visit:green-raises-with-sv"),
    pytest.param(BUSINESS_ADMIN, None, SV, id="sectors-not-in-scope-for-lsv:listed-raises-with-sv"),
    pytest.param(
        BUSINESS_ADMIN,
        "security",
        SV,
        id="sectors-not-in-scope-for-lsv:listed-tagged-raises-with-sv",
    ),
]


def _programme(title: str, sector: str | None, expiry: date) -> Programme:
    return Programme("P1", title, sector=sector, dcs_expiry=expiry)


@pytest.mark.parametrize(("title", "sector", "who"), WHO)
@pytest.mark.parametrize("expiry", [EXPIRING, EXPIRED], ids=["expiring", "expired"])
def test_plan_names_whom_to_raise_dcs_with(
    title: str, sector: str | None, who: str, expiry: date
) -> None:
    (pp,) = plan([_programme(title, sector, expiry)], YEAR, TODAY).programmes
    (warning,) = pp.warnings
    assert who in warning
    other = SV if who == LSV else LSV
    assert other not in warning
    assert pp.as_json()["dcs_raise_with"].startswith(who)


@pytest.mark.parametrize(("title", "sector", "who"), WHO)
def test_status_screen_names_whom_to_raise_dcs_with(
    title: str, sector: str | None, who: str
) -> None:
    p = plan([_programme(title, sector, EXPIRING)], YEAR, TODAY)
    s = build(TODAY, p, [], [], None, Settings(soon_days=30, upcoming_key_dates=4))
    (action,) = [a for a in s.actions if a.area == "dcs"]
    assert who in action.message
    assert "Lead Standards Verifier" not in action.message or who == LSV


@pytest.mark.parametrize(("title", "sector", "who"), WHO)
def test_calendar_names_whom_to_raise_dcs_with(title: str, sector: str | None, who: str) -> None:
    p = plan([_programme(title, sector, date(2026, 3, 1))], YEAR, TODAY)
    data = build_calendar(obligations_for(p))
    events = [e for e in Calendar.from_ical(data).walk("VEVENT") if "Direct Claims" in e["SUMMARY"]]
    (event,) = events
    description = str(event["DESCRIPTION"])
    assert who in description
    stage = "Stage 2" if who == LSV else "Stage 3"
    assert f"Source: wbl-qa-model-2024-25: {stage}" in description


def test_a_tag_never_puts_a_listed_title_back_in_scope() -> None:
    rules, groups = load_rules(), load_sector_groups()
    for key, sector in rules.sectors.items():
        scope = classify(BUSINESS_ADMIN, key, rules=rules, groups=groups)
        assert scope.rule.in_lsv_scope is False, key
        assert scope.rule.min_standards_verification == max(
            rules.listed_group.min_standards_verification,
            sector.rule.min_standards_verification,
        ), key
    raised = classify(BUSINESS_ADMIN, "construction", rules=rules, groups=groups)
    assert "214" in raised.reason and "Construction" in raised.reason
    assert "Sectors not in scope for LSV" in raised.rule.source
    assert "Stage 4" in raised.rule.source


# --- strengths and the tool's own defaults in verification.toml ---------------------------


def test_every_rule_has_a_strength_or_is_the_tools_own() -> None:
    rules = load_rules()
    cited = [
        rules.default.cited,
        rules.listed_group.cited,
        *(s.rule.cited for s in rules.sectors.values()),
        *(k.cited for k in rules.key_dates),
        rules.aqd_cited,
        rules.dcs_with_lsv.cited,
        rules.dcs_without_lsv.cited,
        rules.certification_cited,
    ]
    for c in cited:
        assert c.strength in ("must", "should") and c.strength_basis, c
        assert not c.own_default, c
    numbers = [
        rules.dcs_warn,
        rules.dcs_reminder,
        rules.aqd_reminder,
        rules.certification_reminder,
        rules.arrangement_reminder,
    ]
    for n in numbers:
        assert n.own_default and n.reason, n
        assert n.shown() == f"wblqa's own default ({n.reason})"
    first = next(k for k in rules.key_dates if k.key == "first-lsv-visit")
    assert first.reminder is not None and first.reminder.own_default


def _raw() -> dict[str, Any]:
    return copy.deepcopy(load("verification.toml"))


def _error(change: Any) -> str:
    raw = _raw()
    change(raw)
    with pytest.raises(DataError) as info:
        rules_from(Table(raw, "data/verification.toml", error=DataError))
    return info.value.message


def test_bad_strengths_and_defaults_are_data_errors_naming_file_and_key() -> None:
    def unknown_strength(raw: dict[str, Any]) -> None:
        raw["sectors"][0]["strength"] = "could"

    def no_strength(raw: dict[str, Any]) -> None:
        del raw["scope"]["default"]["strength"]

    def no_basis(raw: dict[str, Any]) -> None:
        del raw["key_dates"][0]["strength_basis"]

    def support_must(raw: dict[str, Any]) -> None:
        raw["dcs_expiry"]["source"] = "pearson-support:Some-Article"

    def default_without_reason(raw: dict[str, Any]) -> None:
        del raw["dcs_expiry"]["warn_within"]["reason"]

    def invented_citation(raw: dict[str, Any]) -> None:
        raw["calendar"]["aqd_reminder"]["source"] = "my own notes"

    message = _error(unknown_strength)
    assert "data/verification.toml, [[sectors]] 1, key 'strength'" in message
    assert "expected one of must, should" in message
    assert "[scope], [default], key 'strength': is missing" in _error(no_strength)
    assert "[[key_dates]] 1, key 'strength_basis': is missing" in _error(no_basis)
    message = _error(support_must)
    assert "[dcs_expiry], key 'strength'" in message and "secondary source" in message
    message = _error(default_without_reason)
    assert "[dcs_expiry], [warn_within], key 'reason': is missing" in message
    assert "[aqd_reminder], key 'source'" in _error(invented_citation)
