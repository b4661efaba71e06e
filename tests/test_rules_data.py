"""The rules loader and the shape of every file under data/."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from wblqa_cli import rules
from wblqa_cli.aqd.deadlines import deadline_for
from wblqa_cli.dates import AcademicYear
from wblqa_cli.errors import DataError, InputError
from wblqa_cli.rules import Table

DATA = Path(__file__).resolve().parents[1] / "data"


def _sources(node: object) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "source" and isinstance(value, str):
                found.append(value)
            else:
                found.extend(_sources(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_sources(item))
    return found


@pytest.mark.parametrize("path", sorted(DATA.glob("*.toml")), ids=lambda p: p.name)
def test_every_rules_file_parses_and_cites_known_documents(path: Path) -> None:
    doc = rules.load(path.name)
    assert doc["format"] == 1
    for source in _sources(tomllib.loads(path.read_text(encoding="utf-8"))):
        if source == rules.WBLQA_DEFAULT:  # the tool's own, with a reason (Table.citation)
            continue
        assert source.startswith(rules.SOURCE_PREFIXES), f"{path.name}: {source!r}"
        assert source.split(":", 1)[1].strip(), f"{path.name}: {source!r} names no section"


def test_data_dir_is_found_from_the_source_tree() -> None:
    assert (rules.data_dir() / "retention.toml").is_file()


def test_missing_rules_file_is_a_clear_error() -> None:
    with pytest.raises(DataError, match=r"data/nope\.toml is missing"):
        rules.load("nope.toml")


def test_table_names_file_and_key() -> None:
    t = Table({"weeks": "twelve", "extra": 1}, "data/x.toml, [[rules]] 2", error=DataError)
    with pytest.raises(DataError, match=r"data/x\.toml, \[\[rules\]\] 2, key 'weeks'"):
        t.integer("weeks")
    t2 = Table({"extra": 1}, "file.toml")
    with pytest.raises(InputError, match="key 'extra': is not a known key"):
        t2.done()


@pytest.mark.parametrize(
    ("values", "getter", "message"),
    [
        ({"a": True}, "integer", "must be a whole number"),
        ({"a": 3}, "flag", "must be true or false"),
        ({"a": ""}, "text", "must not be empty"),
        ({"a": "31/02/2025"}, "day", "must be a date"),
        ({"a": ["x", 1]}, "text_list", "must be a list of text"),
        ({}, "text", "is missing"),
    ],
)
def test_table_type_errors(values: dict[str, object], getter: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        getattr(Table(values, "f.toml"), getter)("a")


def test_table_day_accepts_toml_dates_and_uk_strings() -> None:
    t = Table({"a": date(2025, 9, 8), "b": "8 September 2025"}, "f.toml")
    assert t.day("a") == t.day("b") == date(2025, 9, 8)


def test_source_must_cite_a_known_document() -> None:
    with pytest.raises(InputError, match="must cite a document"):
        Table({"source": "my notes"}, "f.toml").source()
    with pytest.raises(InputError, match="must cite a document"):
        Table({"source": "btec-collab-guide-1.1:  "}, "f.toml").source()


# The AQD deadline: wbl-qa-model-2024-25 "Stage 1" states 14 October 2024 for 2024-25;
# pearson-support:Quality-Assurance-Annual-Quality-Declaration says 14 October every year.
@pytest.mark.parametrize(
    ("year", "expected", "origin", "weekend"),
    [
        ("2024-25", date(2024, 10, 14), "data", False),
        ("2025-26", date(2025, 10, 14), "rule", False),
        ("2026-27", date(2026, 10, 14), "rule", False),
        ("2028-29", date(2028, 10, 14), "rule", True),  # a Saturday
        ("2029-30", date(2029, 10, 14), "rule", True),  # a Sunday
    ],
    ids=lambda v: str(v),
)
def test_aqd_deadline_every_year(year: str, expected: date, origin: str, weekend: bool) -> None:
    d = deadline_for(AcademicYear.parse(year))
    assert (d.deadline, d.origin, d.on_weekend) == (expected, origin, weekend)
    assert d.opens == date(AcademicYear.parse(year).start_year, 9, 1)
    if weekend:
        assert d.note is not None and "accepted" in d.note
        assert d.working_day_before.weekday() == 4
    else:
        assert d.note is None


def test_a_user_set_deadline_wins() -> None:
    year = AcademicYear.parse("2031-32")
    d = deadline_for(year, {"2031-32": date(2031, 10, 10)})
    assert (d.deadline, d.origin) == (date(2031, 10, 10), "user")
    assert d.days_left(date(2031, 10, 1)) == 9


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"month": 2, "day": 29}, "month 2 day 29 is not a day of every year"),
        ({"month": 13, "day": 1}, "month 13 day 1 is not a day of every year"),
        ({"month": 10}, "key 'day': is missing"),
        ({"month": 10, "day": 14, "year": 2024}, "key 'year': is not a known key"),
    ],
)
def test_month_day_refuses_what_is_not_a_day_of_every_year(
    value: dict[str, int], message: str
) -> None:
    t = Table({"closes": value}, "data/aqd.toml, [window]", error=DataError)
    with pytest.raises(DataError, match=message):
        rules.month_day(t, "closes")


def test_month_day_reads_a_day() -> None:
    assert rules.month_day(Table({"k": {"month": 10, "day": 14}}, "f.toml"), "k") == (10, 14)


# --- strength and the tool's own defaults (issue 12) ---------------------------------------


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"source": "wblqa default", "strength": "should", "strength_basis": "x"},
         "key 'reason': is missing"),
        ({"source": "my notes", "strength": "must", "strength_basis": "x"}, "must cite a document"),
        ({"source": "btec-collab-guide-1.1: Application"}, "key 'strength': is missing"),
        (
            {"source": "btec-collab-guide-1.1: Application", "strength": "may"},
            "key 'strength': is 'may'; expected one of must, should",
        ),
        (
            {"source": "btec-collab-guide-1.1: Application", "strength": "must"},
            "key 'strength_basis': is missing",
        ),
        (
            {"source": "pearson-support:BTEC-Centre-Policies", "strength": "must",
             "strength_basis": "x"},
            "secondary source",
        ),
    ],
    ids=["default-without-reason", "invented-source", "no-strength", "unknown-strength",
         "no-basis", "support-page-must"],
)  # fmt: skip
def test_cited_refuses_what_the_principle_forbids(values: dict[str, object], message: str) -> None:
    with pytest.raises(DataError, match=r"data/x\.toml, \[\[rules\]\] 1, key '.*'") as info:
        Table(values, "data/x.toml, [[rules]] 1", error=DataError).cited()
    assert message in info.value.message


def test_citation_reads_a_number_that_is_the_tools_own() -> None:
    t = Table({"source": "wblqa default", "reason": "two weeks' notice"}, "f.toml")
    assert t.citation() == ("wblqa default", "two weeks' notice")
    with pytest.raises(InputError, match="key 'reason': is missing"):
        Table({"source": "wblqa default"}, "f.toml").citation()


@pytest.mark.parametrize(
    ("setting", "problem"),
    [
        ({"value": 3, "source": "wblqa default"}, "'reason'"),
        ({"value": 3}, "'source'"),
        ({"value": 3, "source": "my guess", "reason": "x"}, "must cite a document"),
        ({"value": -1, "source": "wblqa default", "reason": "x"}, "'value'"),
        ({"value": 3, "source": "wblqa default", "reason": "x", "extra": 1}, "'extra'"),
    ],
)
def test_a_setting_is_cited_or_marked_as_the_tools_own(setting: dict, problem: str) -> None:
    t = Table({"soon_days": setting}, "status.toml", error=DataError)
    with pytest.raises(DataError, match=problem) as caught:
        t.setting("soon_days", minimum=0)
    assert "status.toml, [soon_days]" in caught.value.message


def test_a_setting_reads_its_value() -> None:
    t = Table(
        {"soon_days": {"value": 30, "source": "wblqa default", "reason": "a month ahead"}},
        "status.toml",
        error=DataError,
    )
    assert t.setting("soon_days", minimum=0) == 30
