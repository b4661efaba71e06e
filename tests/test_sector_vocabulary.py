"""Issue 12, "Verification cycle": `--sector` takes the sector names a centre uses.

The vocabulary is Ofqual's Sector Subject Areas, tiers 1 and 2
(``data/sector_subject_areas.toml``); its mapping to the model's named sectors
is the tool's own. Test ids name the section or file each case rests on.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from wblqa_cli.cycle.areas import areas_from, load_areas, name_key
from wblqa_cli.cycle.lookup import lookup
from wblqa_cli.cycle.rules import load_rules, load_sector_groups
from wblqa_cli.cycle.scope import classify
from wblqa_cli.cycle.sectors import find_group
from wblqa_cli.errors import DataError, InputError
from wblqa_cli.registry.programmes import resolve_sector
from wblqa_cli.rules import Table, load

TITLE = "Pearson BTEC Level 3 Diploma in Applied Engineering Practice"  # in no listed group
LISTED = "Pearson BTEC Level 2 Diploma in Business Administration"  # group 214
SSA = "ofqual-ssa"


@pytest.mark.parametrize(
    ("typed", "stored", "code"),
    [
        ("Engineering", "engineering", "4.1"),
        ("engineering", "engineering", "4.1"),
        ("Health and Social Care", "health-and-social-care", "1.3"),
        ("health & social care", "health-and-social-care", "1.3"),
        ("Business", "business-administration-and-law", "15"),
        ("Hair and Beauty", "service-enterprises", "7.3"),
        ("ICT for Users", "digital-technology-users", "6.2"),
        ("4.3", "transportation-operations-and-maintenance", "4.3"),
        ("15.2", "administration", "15.2"),
    ],
    ids=lambda v: f"{SSA}:{v}" if isinstance(v, str) and " " not in v else None,
)
def test_sector_names_centres_use_are_accepted(typed: str, stored: str, code: str) -> None:
    assert resolve_sector(typed, TITLE) == stored
    area = load_areas().by_key(stored)
    assert area is not None and area.code == code


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("construction", "construction"), ("214", "214"), ("Marketing", "205"), ("green", "green")],
    ids=lambda v: f"wbl-qa-model-2024-25:{v}",
)
def test_group_codes_and_named_sectors_still_resolve_first(typed: str, stored: str) -> None:
    assert resolve_sector(typed, TITLE) == stored


@pytest.mark.parametrize(
    ("typed", "suggestion"),
    [("Enginering", "'Engineering'"), ("Helth and Social Care", "'Health and Social Care'"),
     ("constrction", "'construction'")],
    ids=lambda v: f"{SSA}:unknown-{v}",
)  # fmt: skip
def test_an_unknown_sector_lists_close_matches(typed: str, suggestion: str) -> None:
    with pytest.raises(InputError) as info:
        resolve_sector(typed, TITLE, "--sector")
    assert f"{typed!r} (--sector)" in info.value.message
    assert "Did you mean" in info.value.message and suggestion in info.value.message


def test_building_and_construction_counts_as_construction_by_the_tools_own_mapping() -> None:
    rules, groups = load_rules(), load_sector_groups()
    stored = resolve_sector("Building and Construction", TITLE)
    scope = classify(TITLE, stored, rules=rules, groups=groups)
    assert scope.sector is not None and scope.sector.key == "construction"
    assert scope.rule.min_standards_verification == 2
    assert scope.area is not None and scope.area.code == "5.2"
    found = lookup("Building and Construction")
    assert found.kind == "area" and found.rule is rules.sectors["construction"].rule
    assert any("wblqa's own default (" in h for h in found.hints)


def test_an_unmapped_area_is_as_untagged_and_never_restores_a_listed_title() -> None:
    rules, groups = load_rules(), load_sector_groups()
    plain = classify(TITLE, "engineering", rules=rules, groups=groups)
    assert plain.rule is rules.default and plain.sector_name == "Engineering"
    assert not any("no longer" in h for h in plain.hints)
    listed = classify(LISTED, "business-administration-and-law", rules=rules, groups=groups)
    assert listed.rule.in_lsv_scope is False and listed.group is not None
    assert listed.group.code == "214"
    mapped = classify(LISTED, "building-and-construction", rules=rules, groups=groups)
    assert mapped.rule.in_lsv_scope is False and mapped.rule.min_standards_verification == 2


def test_the_vocabulary_cites_ofqual_and_marks_its_additions_as_own() -> None:
    areas = load_areas()
    assert areas.cited.source.startswith("ofqual-ssa: Sector Subject Area")
    assert areas.own.own_default and areas.own.reason
    tier1 = [a for a in areas.areas if "." not in a.code]
    assert [a.code for a in tier1] == [str(n) for n in range(1, 16)]
    for area in areas.areas:
        if "." in area.code:
            assert area.code.split(".")[0] in {a.code for a in tier1}, area
    mapped = {a.code: a.sector for a in areas.areas if a.sector}
    assert mapped == {"5.2": "construction"}


def test_no_area_name_clashes_with_a_named_sector_and_group_clashes_are_known() -> None:
    rules, groups = load_rules(), load_sector_groups()
    named = {name_key(k) for k in rules.sectors} | {
        name_key(s.name) for s in rules.sectors.values()
    }
    clashes = []
    for area in load_areas().areas:
        for name in (area.name, *area.also):
            assert name_key(name) not in named, name
            if find_group(name, groups) is not None:
                clashes.append(name)
    # A group's name means the group (as it always has); the area is reached by its code.
    assert clashes == ["Administration"]


def _broken(change: Any) -> str:
    raw = copy.deepcopy(load("sector_subject_areas.toml"))
    change(raw)
    with pytest.raises(DataError) as info:
        areas_from(Table(raw, "data/sector_subject_areas.toml", error=DataError), ["construction"])
    return info.value.message


def test_bad_vocabulary_is_a_data_error_naming_file_and_key() -> None:
    def unknown_sector(raw: dict[str, Any]) -> None:
        raw["areas"][0]["sector"] = "plumbing"

    def repeated_name(raw: dict[str, Any]) -> None:
        raw["areas"][1]["also"] = ["Engineering"]

    def own_cited(raw: dict[str, Any]) -> None:
        raw["own"] = {"source": "ofqual-ssa: tiers", "reason": "x"}

    def no_reason(raw: dict[str, Any]) -> None:
        del raw["own"]["reason"]

    assert "[[areas]] 1, key 'sector': 'plumbing'" in _broken(unknown_sector)
    message = _broken(repeated_name)  # area 1.1 claims it first; 4.1 is then refused
    assert "[[areas]] 16, key 'also': 'Engineering' already names area 1.1" in message
    assert "[own], key 'source'" in _broken(own_cited)
    assert "[own], key 'reason': is missing" in _broken(no_reason)


def test_programme_add_with_a_centres_sector_name(invoke, centre) -> None:  # type: ignore[no-untyped-def]
    done = invoke("programme", "add", "603/0001/1", "--title", TITLE, "--sector", "Engineering")
    assert done.exit_code == 0, done.output
    plan = json.loads(invoke("cycle", "plan", "--json", "--as-of", "2025-10-01").stdout)
    (p,) = plan["programmes"]
    assert (p["sector_name"], p["sector_area"], p["in_lsv_scope"]) == ("Engineering", "4.1", True)
    bad = invoke("programme", "add", "603/0002/1", "--title", TITLE, "--sector", "Enginering")
    assert bad.exit_code == 2 and bad.stdout == ""
    assert "Did you mean 'Engineering'?" in bad.stderr


def test_sector_list_shows_the_areas_and_marks_the_additions_as_own(invoke) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(invoke("sector", "list", "--json").stdout)
    areas = doc["areas"]
    assert areas["source"].startswith("ofqual-ssa:")
    assert areas["additions_source"].startswith("wblqa's own default (")
    assert {"code": "5.2", "name": "Building and Construction", "also": [],
            "sector": "construction"} in areas["areas"]  # fmt: skip
    human = " ".join(invoke("sector", "list").stdout.split())
    assert "Sector subject areas (--sector)" in human and "Health and Social Care" in human
