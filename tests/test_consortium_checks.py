"""The prerequisite checks: one sound arrangement per model, and single changes that break one.

Every test id names the check and the source its rule comes from (a section of
btec-collab-guide-1.1, the Pearson support article, or wblqa's own default). A
broken rule fails when its source says it must be so and warns when it says
should (tests/test_consortium_strength.py holds the strength of each).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consortium_helpers import AS_OF, MODELS, Doc, build, deleter, org, qual, setter
from wblqa_cli.consortium.checks import check
from wblqa_cli.consortium.report import Report, junit_xml
from wblqa_cli.consortium.rules import latest_application_date, rules

GUIDE = "btec-collab-guide-1.1: "
INTRO = GUIDE + "Introduction"
WHAT = GUIDE + "What is a BTEC Collaborative arrangement"
FORMAL = GUIDE + "Setting up a BTEC Formal Collaborative arrangement"
EXCEPTIONAL = GUIDE + "Setting up a BTEC Exceptional collaborative arrangement"
QA = GUIDE + "Quality Assurance for BTEC Collaborative Arrangements"
APPLICATION = GUIDE + "Application"
FAQ = GUIDE + "Frequently asked questions"
POLICIES = "pearson-support:BTEC-Centre-Policies"
OWN = "wblqa default"


def _remove_policy(n: int, policy: str) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        org(doc, n)["policies"].remove(policy)

    return mutate


def _remove_approval(n: int, code: str) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        org(doc, n)["approved_qualifications"].remove(code)

    return mutate


def _add_tech_award(doc: Doc) -> None:
    doc["qualifications"].append(
        {
            "code": "603/7777/2",
            "title": "Pearson BTEC Level 2 Tech Award in Sport",
            "kind": "tech-award-2022",
        }
    )


def _drop_second_org(doc: Doc) -> None:
    del doc["organisations"][1]


def _mixed_groups_own_code(doc: Doc) -> None:
    doc["mixed_groups"] = True
    org(doc, 0)["registers_on"] = "consortium"
    org(doc, 1)["registers_on"] = "own"


#: (check id, fixture model, single change, guide section)
BREAKS: list[tuple[str, str, Callable[[Doc], Any], str]] = [
    ("template.filled-in", "formal", setter("unedited_template", value=True), OWN),
    ("scope.tech-award-2022", "formal", _add_tech_award, INTRO),
    ("scope.tech-award-2022", "exceptional", _add_tech_award, INTRO),
    ("members.at-least-two", "informal", _drop_second_org, WHAT),
    (
        "members.approved-centres",
        "informal",
        setter("organisations", 1, "approved_centre", value=False),
        WHAT,
    ),
    ("lead-centre.exactly-one", "formal", setter("organisations", 1, "lead", value=True), WHAT),
    (
        "lead-centre.approved",
        "exceptional",
        setter("organisations", 0, "approved_centre", value=False),
        EXCEPTIONAL,
    ),
    ("approval.per-qualification", "formal", _remove_approval(1, "603/1234/5"), WHAT),
    ("approval.per-qualification", "informal", _remove_approval(0, "603/1234/5"), WHAT),
    (
        "approval.per-qualification",
        "exceptional",
        setter("organisations", 0, "approved_qualifications", value=["603/5555/2"]),
        WHAT,
    ),
    (
        "application.submitted-in-time",
        "formal",
        setter("application_submitted", value=date(2025, 7, 29)),
        APPLICATION,
    ),
    (
        "application.approved-before-recruitment",
        "formal",
        setter("approved", value=date(2025, 8, 19)),
        WHAT,
    ),
    (
        "application.approved-before-delivery",
        "exceptional",
        setter("approved", value=date(2025, 9, 16)),
        FAQ,
    ),
    (
        "liv.appointed-this-year",
        "formal",
        setter("qualifications", 0, "liv_appointed", value=date(2025, 5, 31)),
        QA,
    ),
    (
        "exceptional.liv-appointed",
        "exceptional",
        deleter("qualifications", 0, "liv_appointed"),
        EXCEPTIONAL,
    ),
    (
        "standardisation.this-year",
        "formal",
        setter("qualifications", 1, "standardised", value=date(2025, 5, 30)),
        QA,
    ),
    (
        "standardisation.before-assessment",
        "formal",
        setter("qualifications", 0, "standardised", value=date(2025, 10, 7)),
        QA,
    ),
    ("policies.minimum", "formal", _remove_policy(1, "appeals"), FAQ),
    ("policies.minimum", "informal", _remove_policy(0, "registration-certification"), FAQ),
    ("policies.minimum", "exceptional", _remove_policy(0, "registration-certification"), FORMAL),
    (
        "policies.collaborative-arrangements",
        "formal",
        _remove_policy(1, "collaborative-arrangements"),
        POLICIES,
    ),
    ("aqd.every-centre", "informal", setter("organisations", 0, "aqd_completed", value=False), QA),
    ("aqd.every-centre", "formal", deleter("organisations", 1, "aqd_completed"), QA),
    (
        "registration.funded-centre-registers",
        "formal",
        setter("organisations", 1, "registers_learners", value=False),
        WHAT,
    ),
    (
        "registration.funded-centre-registers",
        "exceptional",
        setter("organisations", 1, "receives_funding", value=True),
        FAQ,
    ),
    ("informal.no-shared-assessment", "informal", setter("shared_assessment", value=True), WHAT),
    ("informal.own-registrations", "informal", setter("joint_registration", value=True), WHAT),
    ("informal.no-mixed-groups", "informal", setter("mixed_groups", value=True), FAQ),
    ("registration.consortium-code", "formal", _mixed_groups_own_code, FAQ),
    (
        "exceptional.written-contracts",
        "exceptional",
        setter("organisations", 1, "written_contract", value=False),
        EXCEPTIONAL,
    ),
    (
        "exceptional.due-diligence",
        "exceptional",
        deleter("organisations", 1, "due_diligence"),
        EXCEPTIONAL,
    ),
    (
        "exceptional.lead-registers",
        "exceptional",
        setter("organisations", 1, "registers_learners", value=True),
        WHAT,
    ),
    ("exceptional.sub-site", "exceptional", deleter("organisations", 0, "sub_site"), FAQ),
    ("exceptional.lead-policies", "exceptional", _remove_policy(0, "complaints"), EXCEPTIONAL),
    ("members.qa-access", "formal", setter("organisations", 1, "qa_access", value=False), FORMAL),
    (
        "members.qa-access",
        "exceptional",
        setter("organisations", 1, "qa_access", value=False),
        EXCEPTIONAL,
    ),
    (
        "members.progress-meetings",
        "formal",
        setter("organisations", 1, "regular_meetings", value=False),
        FAQ,
    ),
    (
        "exceptional.regular-meetings",
        "exceptional",
        setter("organisations", 1, "regular_meetings", value=False),
        EXCEPTIONAL,
    ),
    ("sv.delivery-sites-declared", "formal", setter("delivery_sites_declared", value=False), QA),
    (
        "functional-skills.jcq-site",
        "formal",
        setter("qualifications", 1, "assessment_site_jcq_compliant", value=False),
        FAQ,
    ),
    (
        "functional-skills.registered-at-assessment-site",
        "formal",
        setter("qualifications", 1, "registered_at_assessment_site", value=False),
        FAQ,
    ),
]


def failing(report: Report) -> set[str]:
    return {r.id for r in report.results if r.status == "fail"}


def flagged(report: Report) -> set[str]:
    """The checks that need action: failed or warned."""
    return {r.id for r in report.results if r.status in ("fail", "warn")}


@pytest.mark.parametrize("model", MODELS)
def test_sound_arrangement_passes(model: str) -> None:
    report = check(build(model), AS_OF)
    assert not report.failed, [r for r in report.results if r.status != "pass"]
    assert report.summary()["warn"] == 0, [r for r in report.results if r.status == "warn"]
    assert report.model == model


@pytest.mark.parametrize(
    ("check_id", "model", "mutate"),
    [pytest.param(i, m, f, id=f"{i}[{m}; {s}]") for i, m, f, s in BREAKS],
)
def test_single_change_breaks_exactly_that_check(
    check_id: str, model: str, mutate: Callable[[Doc], Any]
) -> None:
    report = check(build(model, mutate), AS_OF)
    assert flagged(report) == {check_id}
    result = next(r for r in report.results if r.id == check_id)
    rule = rules().check(check_id)
    assert result.status == ("fail" if rule.strength == "must" else "warn")
    assert result.message.endswith(rule.action), "a broken rule says what to do"
    assert result.source == rule.source


def test_every_check_has_a_breaking_change() -> None:
    """Two checks break only with others, so their own tests cover them: an expired
    waiver (waivers.in-date) lets the waived check fail too; no application at all
    (application.submitted) leaves the arrangement unapproved as well."""
    covered = {b[0] for b in BREAKS}
    assert covered == set(rules().check_ids) - {"waivers.in-date", "application.submitted"}


def test_checks_not_of_the_model_are_na() -> None:
    report = check(build("informal"), AS_OF)
    for rule in rules().checks:
        if "informal" not in rule.models:
            assert report.status_of(rule.id) == "n/a", rule.id


# ------------------------------------------------------------ dates and as-of


def test_latest_date_to_apply_is_six_weeks_before_delivery() -> None:
    a = build("formal")
    assert a.apply_by() == date(2025, 7, 28)
    assert latest_application_date(date(2025, 9, 8)) == date(2025, 7, 28)
    assert build("informal").apply_by() is None


@pytest.mark.parametrize(
    ("as_of", "status", "fragment"),
    [
        pytest.param(
            date(2025, 7, 1), "warn", "apply by 2025-07-28 (27 days left)", id="before-latest"
        ),
        pytest.param(date(2025, 7, 28), "warn", "(0 days left)", id="on-latest"),
        pytest.param(date(2025, 7, 29), "fail", "passed 1 day ago", id="after-latest"),
    ],
)
def test_unsubmitted_application_warns_then_fails(as_of: date, status: str, fragment: str) -> None:
    # btec-collab-guide-1.1: Application — at least six weeks before delivery.
    a = build("formal", lambda d: [d.pop("approved"), d.pop("application_submitted")])
    report = check(a, as_of)
    result = next(r for r in report.results if r.id == "application.submitted")
    assert result.status == status
    assert fragment in result.message
    assert report.status_of("application.submitted-in-time") == "n/a"


def test_submitted_on_the_latest_day_is_in_time() -> None:
    a = build("formal", setter("application_submitted", value=date(2025, 7, 28)))
    assert check(a, AS_OF).status_of("application.submitted-in-time") == "pass"


def test_late_submission_states_how_late() -> None:
    a = build("formal", setter("application_submitted", value=date(2025, 7, 31)))
    result = next(r for r in check(a, AS_OF).results if r.id == "application.submitted-in-time")
    assert "3 days after the latest date to apply, 2025-07-28" in result.message


def test_dates_after_as_of_have_not_happened_yet() -> None:
    # As of 2025-07-10 the approval recorded for 2025-07-25 is still to come.
    report = check(build("formal"), date(2025, 7, 10))
    assert report.status_of("application.approved-before-recruitment") == "warn"
    assert report.status_of("application.approved-before-delivery") == "warn"
    assert report.status_of("liv.appointed-this-year") == "warn"
    assert report.status_of("standardisation.this-year") == "warn"
    assert report.status_of("standardisation.before-assessment") == "warn"
    assert not report.failed


def test_recruitment_without_approval_fails() -> None:
    a = build("formal", lambda d: d.pop("approved"))
    report = check(a, date(2025, 8, 20))
    assert report.status_of("application.approved-before-recruitment") == "fail"
    assert report.status_of("application.approved-before-delivery") == "warn"


def test_first_assessment_before_delivery_start_counts_for_approval() -> None:
    a = build("formal", setter("qualifications", 0, "first_assessment", value=date(2025, 7, 20)))
    result = next(
        r for r in check(a, AS_OF).results if r.id == "application.approved-before-delivery"
    )
    assert result.status == "fail"
    assert "the first assessment on 2025-07-20" in result.message


def test_aqd_not_completed_warns_until_the_deadline() -> None:
    a = build("informal", setter("organisations", 0, "aqd_completed", value=False))
    assert check(a, date(2025, 10, 14)).status_of("aqd.every-centre") == "warn"
    assert check(a, date(2025, 10, 15)).status_of("aqd.every-centre") == "fail"


def test_missing_first_assessment_asks_for_it() -> None:
    a = build("formal", deleter("qualifications", 0, "first_assessment"))
    result = next(r for r in check(a, AS_OF).results if r.id == "standardisation.before-assessment")
    assert result.status == "warn"
    assert "603/1234/5 has no first_assessment" in result.message


def test_unrecorded_optional_confirmations_warn() -> None:
    a = build(
        "formal",
        lambda d: [
            d.pop("delivery_sites_declared"),
            org(d, 1).pop("qa_access"),
            qual(d, 1).pop("assessment_site_jcq_compliant"),
        ],
    )
    report = check(a, AS_OF)
    for check_id in (
        "sv.delivery-sites-declared",
        "members.qa-access",
        "functional-skills.jcq-site",
    ):
        assert report.status_of(check_id) == "warn", check_id


def test_exceptional_sub_site_is_na_before_approval() -> None:
    a = build("exceptional", lambda d: [d.pop("approved"), org(d, 0).pop("sub_site")])
    assert check(a, date(2025, 7, 1)).status_of("exceptional.sub-site") == "n/a"


def test_approval_is_per_size_not_subject() -> None:
    # FAQ: approval for one size of a subject does not cover the others.
    a = build("informal", setter("qualifications", 0, "code", value="603/1236/9"))
    message = next(
        r for r in check(a, AS_OF).results if r.id == "approval.per-qualification"
    ).message
    assert "Riverside School lacks 603/1236/9" in message
    assert "Hillside" not in message.split(".")[0]


def test_no_lead_makes_lead_dependent_checks_na() -> None:
    a = build("exceptional", _unlead)
    report = check(a, AS_OF)
    # The funded college is no longer the registering lead, so that check fails too.
    assert failing(report) == {"lead-centre.exactly-one", "registration.funded-centre-registers"}
    for check_id in ("lead-centre.approved", "exceptional.lead-registers", "exceptional.sub-site"):
        assert report.status_of(check_id) == "n/a"


def _unlead(doc: Doc) -> None:
    org(doc, 0)["lead"] = False
    del org(doc, 0)["sub_site"]


# ------------------------------------------------------------------- waivers


def _waive(check_id: str, expires: date) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        doc["delivery_sites_declared"] = False  # breaks sv.delivery-sites-declared (a must)
        doc["waivers"] = [
            {
                "check": check_id,
                "reason": "Termly meetings from January",
                "approved_by": "Head of Centre",
                "expires": expires,
            }
        ]

    return mutate


def test_waiver_turns_a_failure_into_waived() -> None:
    report = check(build("formal", _waive("sv.delivery-sites-declared", date(2026, 1, 31))), AS_OF)
    result = next(r for r in report.results if r.id == "sv.delivery-sites-declared")
    assert result.status == "waived"
    assert "Termly meetings from January" in result.message
    assert "Head of Centre" in result.message
    assert not report.failed
    assert report.summary()["waived"] == 1
    assert report.status_of("waivers.in-date") == "pass"


def test_waiver_expiring_on_the_day_still_applies() -> None:
    report = check(build("formal", _waive("sv.delivery-sites-declared", AS_OF)), AS_OF)
    assert report.status_of("sv.delivery-sites-declared") == "waived"


def test_expired_waiver_no_longer_applies_and_warns() -> None:
    # waivers.in-date is wblqa's own rule (source "wblqa default"): it only warns.
    report = check(build("formal", _waive("sv.delivery-sites-declared", date(2025, 11, 2))), AS_OF)
    assert report.status_of("sv.delivery-sites-declared") == "fail"
    result = next(r for r in report.results if r.id == "waivers.in-date")
    assert result.status == "warn"
    assert "sv.delivery-sites-declared (expired 2025-11-02)" in result.message


def test_waiver_does_not_hide_a_pass() -> None:
    report = check(build("formal", _waive("members.progress-meetings", date(2026, 1, 31))), AS_OF)
    assert report.status_of("members.progress-meetings") == "pass"


# -------------------------------------------------------------------- output


RESULT_KEYS = {
    "id",
    "title",
    "status",
    "strength",
    "strength_basis",
    "message",
    "source",
    "default_reason",
    "waiver",
}


def test_json_document_shape() -> None:
    doc = check(build("formal"), AS_OF).as_json()
    assert set(doc) == {"arrangement", "model", "as_of", "apply_by", "results", "summary"}
    assert set(doc["summary"]) == {"pass", "fail", "warn", "n/a", "waived"}
    assert all(set(r) == RESULT_KEYS for r in doc["results"])
    assert {r["strength"] for r in doc["results"]} == {"must", "should"}
    assert [r["id"] for r in doc["results"]] == list(rules().check_ids)
    assert sum(doc["summary"].values()) == len(doc["results"])


def test_junit_parses_back_with_one_testcase_per_check() -> None:
    a = build("formal", setter("delivery_sites_declared", value=False))
    report = check(a, AS_OF)
    root = ET.fromstring(junit_xml(report))
    suite = root.find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert len(cases) == len(rules().checks)
    failed = [tc for tc in cases if tc.find("failure") is not None]
    assert [tc.get("name", "").split(":")[0] for tc in failed] == ["sv.delivery-sites-declared"]
    skipped = [tc for tc in cases if tc.find("skipped") is not None]
    assert len(skipped) == report.summary()["n/a"] == int(suite.get("skipped", "-1"))
    assert suite.get("failures") == "1"
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["apply_by"] == "2025-07-28"


def test_mixed_groups_all_on_the_consortium_code_pass() -> None:
    def mutate(doc: Doc) -> None:
        doc["mixed_groups"] = True
        for o in doc["organisations"]:
            o["registers_on"] = "consortium"

    report = check(build("formal", mutate), AS_OF)
    assert report.status_of("registration.consortium-code") == "pass"
    unrecorded = check(build("formal", setter("mixed_groups", value=True)), AS_OF)
    assert unrecorded.status_of("registration.consortium-code") == "warn"


# ---------------------------------------------------------------- properties


_DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@given(delivery=_DAYS, as_of=_DAYS)
def test_unsubmitted_application_warns_exactly_until_six_weeks_before(
    delivery: date, as_of: date
) -> None:
    # btec-collab-guide-1.1: Application — at least six weeks before delivery.
    a = replace(build("formal"), delivery_start=delivery, application_submitted=None, approved=None)
    assert a.apply_by() == delivery - timedelta(weeks=6)
    expected = "warn" if as_of <= delivery - timedelta(days=42) else "fail"
    assert check(a, as_of).status_of("application.submitted") == expected


@given(delivery=_DAYS, submitted=_DAYS)
def test_submission_passes_exactly_when_on_or_before_the_latest_date(
    delivery: date, submitted: date
) -> None:
    # btec-collab-guide-1.1: Application — the Lead Centre "should" submit six weeks ahead.
    a = replace(build("formal"), delivery_start=delivery, application_submitted=submitted)
    as_of = max(submitted, delivery)
    expected = "pass" if submitted <= delivery - timedelta(days=42) else "warn"
    assert check(a, as_of).status_of("application.submitted-in-time") == expected
