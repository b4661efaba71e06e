"""The arrangement file loader: every kind of bad file is an input error naming where."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from consortium_helpers import MODELS, fixture_path
from wblqa_cli.consortium.loader import (
    arrangement_from_document,
    parse_arrangement,
    read_arrangement_file,
)
from wblqa_cli.consortium.template import TEMPLATE
from wblqa_cli.errors import InputError

GOOD = fixture_path("formal").read_text(encoding="utf-8")
POLICIES = (
    'policies = ["registration-certification", "malpractice", "appeals", '
    '"collaborative-arrangements"]'
)
MINIMAL = (
    'format = 1\nname = "N"\nmodel = "formal"\nacademic_year = "2025-26"\n'
    "delivery_start = 2025-09-08\n"
)


def _waiver(check: str, expires: str = "2026-01-31", reason: str = 'reason = "r"\n') -> str:
    return f'\n[[waivers]]\ncheck = "{check}"\n{reason}approved_by = "HoC"\nexpires = {expires}\n'


def _replace(old: str, new: str, count: int = 1) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, count)


def _second(old: str, new: str) -> str:
    """Replace the second occurrence (the second organisation's line)."""
    first = GOOD.index(old)
    second = GOOD.index(old, first + 1)
    return GOOD[:second] + new + GOOD[second + len(old) :]


BAD: list[tuple[str, str, str]] = [
    # (id, file text, expected message fragment)
    ("not-toml", "name = ", "north-vale.toml: not valid TOML"),
    ("format-2", _replace("format = 1", "format = 2"), "key 'format': is 2; this wblqa reads"),
    ("format-missing", _replace("format = 1\n", ""), "key 'format': is missing"),
    (
        "unknown-top-key",
        _replace("model =", 'modle = "formal"\nmodel ='),
        "key 'modle': is not a known key",
    ),
    (
        "model-enum",
        _replace('model = "formal"', 'model = "consortium"'),
        "key 'model': is 'consortium'; expected one of informal, formal, exceptional",
    ),
    (
        "academic-year",
        _replace('"2025-26"', '"2025-27"'),
        "key 'academic_year': '2025-27' is not an academic year",
    ),
    (
        "bad-date",
        _replace("delivery_start = 2025-09-08", 'delivery_start = "31/02/2025"'),
        "key 'delivery_start': must be a date",
    ),
    (
        "time-not-date",  # a date-time is read as its date (issue 22); a bare time is not one
        _replace("delivery_start = 2025-09-08", "delivery_start = 09:00:00"),
        "key 'delivery_start': must be a date",
    ),
    (
        "delivery-missing",
        _replace("delivery_start = 2025-09-08\n", ""),
        "key 'delivery_start': is missing",
    ),
    (
        "approved-without-submitted",
        _replace("application_submitted = 2025-07-01\n", ""),
        "key 'approved': is given but application_submitted is not",
    ),
    (
        "approved-before-submitted",
        _replace("approved = 2025-08-10", "approved = 2025-06-01"),
        "key 'approved': 2025-06-01 is before application_submitted 2025-07-01",
    ),
    (
        "flag-type",
        _second("uk = true", 'uk = "yes"'),
        "north-vale.toml, [[organisations]] 2 (Riverside School), key 'uk': must be true or false",
    ),
    (
        "unknown-org-key",
        _second("uk = true", "uk = true\nlead_centre = true"),
        "[[organisations]] 2 (Riverside School), key 'lead_centre': is not a known key",
    ),
    (
        "org-missing-required",
        _second("registers_learners = true\n", ""),
        "[[organisations]] 2 (Riverside School), key 'registers_learners': is missing",
    ),
    (
        "unknown-policy",
        _replace('"appeals", "collab', '"appeal", "collab'),
        "[[organisations]] 1 (North Vale College), key 'policies': 'appeal' is not one of",
    ),
    (
        "policies-type",
        _replace(
            POLICIES,
            'policies = "appeals"',
        ),
        "key 'policies': must be a list of text",
    ),
    (
        "bad-centre-number",
        _replace('centre_number = "12345"', 'centre_number = "12 345"'),
        "key 'centre_number': '12 345' is not a centre number",
    ),
    (
        "duplicate-centre-number",
        _replace('centre_number = "23456"', 'centre_number = "12345"'),
        "[[organisations]] 2 (Riverside School), key 'centre_number': "
        "12345 is also North Vale College's",
    ),
    (
        "duplicate-org",
        _replace('name = "Riverside School"', 'name = "North Vale College"'),
        "key 'name': 'North Vale College' is listed twice",
    ),
    (
        "sub-site-not-lead",
        _second("uk = true", 'uk = true\nsub_site = "X1"'),
        "key 'sub_site': belongs on the Lead Centre",
    ),
    (
        "kind-enum",
        _replace('kind = "btec"', 'kind = "gcse"'),
        "[[qualifications]] 1 (603/1234/5), key 'kind': is 'gcse'; "
        "expected one of btec, functional-skills, tech-award-2022",
    ),
    (
        "qual-date",
        _replace("liv_appointed = 2025-09-01", "liv_appointed = 20250901"),
        "[[qualifications]] 1 (603/1234/5), key 'liv_appointed': must be a date",
    ),
    (
        "unknown-qual-key",
        _replace("first_assessment = 2025-10-06", "first_assesment = 2025-10-06"),
        "[[qualifications]] 1 (603/1234/5), key 'first_assesment': is not a known key",
    ),
    (
        "duplicate-qual",
        _replace('code = "610/0001/1"', 'code = "603/1234/5"'),
        "key 'code': '603/1234/5' is listed twice",
    ),
    (
        "bad-code",
        _replace('code = "603/1234/5"', 'code = "603 / 1234 / 5 !"'),
        "key 'code': '603 / 1234 / 5 !' is not a qualification code",
    ),
    (
        "no-qualifications",
        GOOD.split("[[qualifications]]")[0],
        "list at least one [[qualifications]] entry",
    ),
    (
        "organisations-not-array",
        _replace("[[organisations]]", "[organisations_x]", 1),
        "is not a known key",
    ),
    (
        "organisations-as-table",
        MINIMAL + '[organisations]\nname = "A"\n',
        "key 'organisations': must be an array of tables",
    ),
    (
        "waiver-unknown-check",
        GOOD + _waiver("members.meetings"),
        "[[waivers]] 1 (members.meetings), key 'check': 'members.meetings' is not a check id",
    ),
    (
        "waiver-bad-expiry",
        GOOD + _waiver("members.qa-access", expires='"soon"'),
        "key 'expires': must be a date",
    ),
    (
        "waiver-missing-reason",
        GOOD
        + '\n[[waivers]]\ncheck = "members.qa-access"\napproved_by = "HoC"\nexpires = 2026-01-31\n',
        "key 'reason': is missing",
    ),
    (
        "waiver-twice",
        GOOD + 2 * _waiver("members.qa-access"),
        "[[waivers]] 2 (members.qa-access), key 'check': 'members.qa-access' already has a waiver",
    ),
]


@pytest.mark.parametrize(("text", "fragment"), [pytest.param(t, f, id=i) for i, t, f in BAD])
def test_bad_file_is_an_input_error_naming_where(text: str, fragment: str) -> None:
    with pytest.raises(InputError) as info:
        parse_arrangement(text, "north-vale.toml")
    assert info.value.exit_code == 2
    assert fragment in info.value.message
    assert info.value.message.startswith("north-vale.toml")


def test_the_issue_example_message_exactly() -> None:
    with pytest.raises(InputError) as info:
        parse_arrangement(_second("uk = true", 'uk = "yes"'), "north-vale.toml")
    assert info.value.message == (
        "north-vale.toml, [[organisations]] 2 (Riverside School), key 'uk': "
        "must be true or false, not 'yes'."
    )


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=re.escape(f"{tmp_path / 'nope.toml'}: no such file")):
        read_arrangement_file(tmp_path / "nope.toml")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(GOOD.replace("Riverside", "Rivérside").encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8 text"):
        read_arrangement_file(path)


@pytest.mark.parametrize("model", MODELS)
def test_round_trip_through_stored_document(model: str) -> None:
    a = read_arrangement_file(fixture_path(model))
    assert arrangement_from_document(a.to_document(), "stored") == a


def test_template_passes_the_loader_and_documents_every_key() -> None:
    a = parse_arrangement(TEMPLATE, "template")
    assert a.model == "formal"
    # Every optional key the template shows commented out is valid when uncommented.
    uncommented = re.sub(r"^# (\[\[waivers\]\]|\w+ = )", r"\1", TEMPLATE, flags=re.M)
    b = parse_arrangement(uncommented, "template, uncommented")
    assert b.shared_assessment is False
    assert b.lead is not None and b.lead.sub_site == "12345-EX"
    assert [w.check for w in b.waivers] == ["members.progress-meetings"]
    for key in (
        "mixed_groups",
        "registers_on",
        "shared_assessment",
        "joint_registration",
        "delivery_sites_declared",
        "sub_site",
        "written_contract",
        "due_diligence",
        "qa_access",
        "regular_meetings",
        "assessment_site_jcq_compliant",
        "registered_at_assessment_site",
        "[[waivers]]",
    ):
        assert key in TEMPLATE, key


def test_quoted_uk_dates_are_accepted() -> None:
    a = parse_arrangement(
        GOOD.replace("delivery_start = 2025-09-08", 'delivery_start = "8 September 2025"'), "f"
    )
    assert a.delivery_start.isoformat() == "2025-09-08"
