"""Tests for the LSV-excluded sector groups data and title matching."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from wblqa_cli.cycle.sectors import (
    SectorGroup,
    TitleMatch,
    find_group,
    groups_from_data,
    load_groups,
    match_title,
    normalise_title,
)

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data" / "sectors.toml"
SOURCE = REPO.parent / "shared" / "reference" / "000_421f36eb085028c3.txt"

EXPECTED_COUNTS = {
    "159": 2,
    "205": 2,
    "214": 9,
    "215": 10,
    "302": 3,
    "318": 2,
    "350": 5,
    "599": 50,
    "664": 1,
    "858": 12,
}

# Parametrisation needs the titles at collection time; tests use the fixture.
_RAW = tomllib.loads(DATA.read_text(encoding="utf-8"))
ALL_TITLES: list[tuple[str, str]] = [(g["code"], t) for g in _RAW["groups"] for t in g["titles"]]
TITLE_IDS = [f"{code}-{i}" for i, (code, _) in enumerate(ALL_TITLES)]


@pytest.fixture(scope="module")
def groups() -> tuple[SectorGroup, ...]:
    return load_groups(DATA)


def _by_code(groups: tuple[SectorGroup, ...]) -> dict[str, SectorGroup]:
    return {g.code: g for g in groups}


# --- the data against the source ---------------------------------------------


def _extract_from_source(text: str) -> dict[str, tuple[str, list[str]]]:
    """Independent extraction: code -> (heading, titles) from the raw table."""
    lines = text.splitlines()
    start = next(
        i
        for i, line in enumerate(lines)
        if line.strip().startswith("Sector Group\tQualification Titles")
    )
    rows: list[list[str]] = []
    for line in lines[start + 1 :]:
        line = re.sub(r"</?p>", " ", line)
        if not line.strip() or re.fullmatch(r"-+\s+-+", line.strip()):
            continue
        head = re.match(r"^(\d{3}) - ([^\t]+)\t(.*)$", line)
        if head:
            rows.append([head.group(1), head.group(2).strip(), head.group(3)])
        else:
            assert rows, f"continuation before any row: {line!r}"
            rows[-1][2] += " " + line.strip()
    table: dict[str, tuple[str, list[str]]] = {}
    for code, heading, cell in rows:
        titles = [
            " ".join(("Pearson BTEC " + part).split())
            for part in cell.split("Pearson BTEC ")
            if part.strip()
        ]
        table[code] = (heading, titles)
    return table


@pytest.fixture(scope="module")
def source_table() -> dict[str, tuple[str, list[str]]]:
    if not SOURCE.is_file():
        pytest.skip(f"source document not available at {SOURCE}")
    return _extract_from_source(SOURCE.read_text(encoding="utf-8"))


def test_source_has_ten_groups(
    source_table: dict[str, tuple[str, list[str]]],
) -> None:
    assert sorted(source_table) == sorted(EXPECTED_COUNTS)
    assert sum(len(t) for _, t in source_table.values()) == 96


def test_every_source_title_is_in_data_under_right_group(
    source_table: dict[str, tuple[str, list[str]]],
    groups: tuple[SectorGroup, ...],
) -> None:
    data = _by_code(groups)
    for code, (heading, titles) in source_table.items():
        assert code in data, f"group {code} missing from data"
        assert data[code].source_name == heading
        for title in titles:
            assert title in data[code].titles, f"{title!r} missing from {code}"
        assert list(data[code].titles) == titles, f"order/content differs in {code}"


def test_no_data_title_is_absent_from_source(
    source_table: dict[str, tuple[str, list[str]]],
    groups: tuple[SectorGroup, ...],
) -> None:
    for group in groups:
        listed = source_table.get(group.code, ("", []))[1]
        for title in group.titles:
            assert title in listed, f"{title!r} ({group.code}) not in the source"


def test_counts_and_metadata(groups: tuple[SectorGroup, ...]) -> None:
    assert {g.code: len(g.titles) for g in groups} == EXPECTED_COUNTS
    for group in groups:
        assert group.source == "wbl-qa-model-2024-25: Sectors not in scope for LSV"
        assert group.name and group.source_name


def test_source_wording_is_kept(groups: tuple[SectorGroup, ...]) -> None:
    g599 = _by_code(groups)["599"].titles
    assert "Pearson BTEC Level 1 Introductory Award in Land-Based Studies" in g599
    assert "Pearson BTEC Level 1 Introductory Diploma in Land-based Studies" in g599
    assert not any("Diploma in Transport and Vehicle" in t for t in g599)
    g858 = _by_code(groups)["858"].titles
    assert "Pearson BTEC Level Entry 3 Certificate in Entry to Vocational Study" in g858


# --- normalising and loading -------------------------------------------------


def test_normalise_title() -> None:
    assert normalise_title("BTEC Level 3 diploma in business administration") == (
        normalise_title("Pearson BTEC Level 3 Diploma in Business Administration")
    )
    assert normalise_title("  Art & Design,  Media ") == "art and design media"
    assert normalise_title("Pearson BTEC x", drop_brand=False) == "pearson btec x"
    assert normalise_title("Land-Based") == normalise_title("land based")


def _valid() -> dict[str, object]:
    return {
        "format": 1,
        "groups": [
            {
                "code": "123",
                "name": "N",
                "source_name": "S",
                "source": "src",
                "titles": ["Pearson BTEC Level 1 Award in X"],
            }
        ],
    }


def test_groups_from_data_accepts_valid() -> None:
    (group,) = groups_from_data(_valid())
    assert group.titles == ("Pearson BTEC Level 1 Award in X",)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("titles", [], r"group 123: key 'titles'"),
        ("titles", "x", r"group 123: key 'titles'"),
        ("name", "", r"group 123: key 'name'"),
        ("source", None, r"group 123: key 'source'"),
        ("code", "12", r"group 12: key 'code'"),
        ("code", 123, r"group #1: key 'code'"),
    ],
)
def test_groups_from_data_rejects_bad_shape(key: str, value: object, message: str) -> None:
    data = _valid()
    groups_list = data["groups"]
    assert isinstance(groups_list, list)
    groups_list[0][key] = value
    with pytest.raises(ValueError, match=message):
        groups_from_data(data)


def test_groups_from_data_rejects_duplicates_and_format() -> None:
    data = _valid()
    groups_list = data["groups"]
    assert isinstance(groups_list, list)
    groups_list.append(dict(groups_list[0], code="124"))
    with pytest.raises(ValueError, match=r"group 124: key 'titles' repeats"):
        groups_from_data(data)
    with pytest.raises(ValueError, match="format"):
        groups_from_data({"format": 2, "groups": []})
    with pytest.raises(ValueError, match="groups"):
        groups_from_data({"format": 1})


# --- matching ----------------------------------------------------------------


def _mutate(title: str) -> str:
    """Lowercase, double spaces, and swap two adjacent letters in the longest word."""
    words = title.lower().split(" ")
    i = max(range(len(words)), key=lambda k: len(words[k]))
    word = words[i]
    for j in range(1, len(word) - 1):
        if word[j] != word[j + 1] and word[j].isalpha() and word[j + 1].isalpha():
            word = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
            break
    words[i] = word
    return "  ".join(words)


def _check(match: TitleMatch, title: str, code: str) -> None:
    """Same title and group, or nothing at all; never a different title."""
    if match.title is None:
        assert match.group is None
        assert match.suggestions
    else:
        assert match.title == title
        assert match.group is not None and match.group.code == code


@pytest.mark.parametrize(("code", "title"), ALL_TITLES, ids=TITLE_IDS)
def test_title_matches_itself_exactly(
    code: str, title: str, groups: tuple[SectorGroup, ...]
) -> None:
    match = match_title(title, groups)
    assert match.exact and match.score == 1.0
    assert match.title == title
    assert match.group is not None and match.group.code == code
    loose = match_title("btec " + title.upper().replace(" ", "   "), groups)
    assert loose.exact and loose.title == title


@pytest.mark.parametrize(("code", "title"), ALL_TITLES, ids=TITLE_IDS)
def test_mutated_title_matches_same_or_none(
    code: str, title: str, groups: tuple[SectorGroup, ...]
) -> None:
    query = _mutate(title)
    assert query != title.lower()
    _check(match_title(query, groups), title, code)


def _mutate_subject(title: str) -> str:
    """Lowercase and swap two letters in the longest word after "in"/"for"."""
    head, sep, subject = re.split(r"( in | for )", title, maxsplit=1)
    return head.lower() + sep + _mutate(subject).replace("  ", " ")


@pytest.mark.parametrize(("code", "title"), ALL_TITLES, ids=TITLE_IDS)
def test_subject_typo_matches_same_or_none(
    code: str, title: str, groups: tuple[SectorGroup, ...]
) -> None:
    query = _mutate_subject(title)
    assert normalise_title(query) != normalise_title(title)
    _check(match_title(query, groups), title, code)


def test_mutated_titles_mostly_match(groups: tuple[SectorGroup, ...]) -> None:
    for mutate in (_mutate, _mutate_subject):
        hits = sum(match_title(mutate(t), groups).title == t for _, t in ALL_TITLES)
        assert hits >= 0.9 * len(ALL_TITLES), mutate.__name__


def _swap_level(title: str, digit: str) -> str:
    return re.sub(r"(Level(?: Entry)?) \d", rf"\1 {digit}", title, count=1)


_SIZES = ("Award", "Certificate", "Diploma")


@pytest.mark.parametrize(("code", "title"), ALL_TITLES, ids=TITLE_IDS)
def test_changed_level_or_size_never_matches_other_title(
    code: str, title: str, groups: tuple[SectorGroup, ...]
) -> None:
    """Change the level or size word (plus a typo): only a listed twin may match."""
    listed = {normalise_title(t) for _, t in ALL_TITLES}
    variants = [_swap_level(title, d) for d in "12345"]
    for size in _SIZES:
        for other in _SIZES:
            if size != other:
                variants.append(re.sub(rf"\b{size}\b", other, title, count=1))
    for variant in variants:
        if variant == title:
            continue
        match = match_title(_mutate(variant), groups)
        if match.title is not None:
            assert normalise_title(match.title) == normalise_title(variant), (
                f"{variant!r} matched {match.title!r}"
            )
            assert normalise_title(variant) in listed


@pytest.mark.parametrize(
    ("query", "expected", "code"),
    [
        ("BTEC Level 3 diploma in business administration",
         "Pearson BTEC Level 3 Diploma in Business Administration", "214"),
        ("Level 2 Diploma in Busines Administration",
         "Pearson BTEC Level 2 Diploma in Business Administration", "214"),
        ("Level 4 Diploma in Business Administration", None, None),
        ("Level 2 Diploma for Managers", None, None),
        ("Level 3 Diploma for Managers",
         "Pearson BTEC Level 3 Diploma for Managers", "350"),
        ("Level 3 Award in Principles of Customer Service", None, None),
        ("Level 2 Certificate in Customer Service Practitioners", None, None),
        ("Level 2 Diploma for Customer Service Practioners",
         "Pearson BTEC Level 2 Diploma for Customer Service Practitioners", "215"),
        ("Level 2 Diploma in Customer Servce",
         "Pearson BTEC Level 2 Diploma in Customer Service", "215"),
        ("Level 1 Introductory Diploma in Transport and Vehicle", None, None),
        ("Level 1 Introductory Award in Sprot",
         "Pearson BTEC Level 1 Introductory Award in Sport", "599"),
        ("Level 1 Award in Sport", None, None),
        ("Level 3 Diploma in Sport", None, None),
        ("Level 3 Diploma in Sportng Excellence",
         "Pearson BTEC Level 3 Diploma in Sporting Excellence", "664"),
        ("Entry Level 3 Award in Entry to Vocational Study",
         "Pearson BTEC Level Entry 3 Award in Entry to Vocational Study", "858"),
        ("Level 3 Award in Entry to Vocational Study", None, None),
        ("Entry Level 3 Award in Pre-Vocational Study", None, None),
        ("Entry Level 1 Extended Award in Pre-Vocational Study", None, None),
        ("Level 3 Award for IT Users (ITQ)", None, None),
        ("Level 3 Certificate in Marketing", None, None),
        ("Level 5 Foundation Diploma in Art, Design and Media Practice", None, None),
    ],
)  # fmt: skip
def test_near_identical_titles_kept_apart(
    query: str,
    expected: str | None,
    code: str | None,
    groups: tuple[SectorGroup, ...],
) -> None:
    match = match_title(query, groups)
    assert match.title == expected
    assert (match.group.code if match.group else None) == code
    if expected is None:
        assert 0 < len(match.suggestions) <= 5


def test_unlisted_title_gives_none_with_suggestions(
    groups: tuple[SectorGroup, ...],
) -> None:
    query = "Pearson BTEC Level 3 National Extended Diploma in Engineering"
    match = match_title(query, groups)
    assert match.title is None and match.group is None and not match.exact
    assert 0 < len(match.suggestions) <= 5
    assert "Pearson BTEC Level 1 Introductory Diploma in Engineering" in (match.suggestions)
    assert 0 < match.score < 1


def test_nonsense_gives_none(groups: tuple[SectorGroup, ...]) -> None:
    match = match_title("zzz", groups)
    assert match.title is None and match.group is None


def test_find_group(groups: tuple[SectorGroup, ...]) -> None:
    found = find_group("214", groups)
    assert found is not None and found.code == "214"
    marketing = find_group("marketing", groups)
    assert marketing is not None and marketing.code == "205"
    for label, code in [
        ("MARKETING", "205"),
        ("Administration (NVQ)", "214"),
        ("call handling", "215"),
        ("858 - ENTRY TO VOC STUDY E3 (RQF)", "858"),
        ("level 1 introductory (graded)", "599"),
        ("Sporting Excellence", "664"),
    ]:
        group = find_group(label, groups)
        assert group is not None and group.code == code, label
    assert find_group("999", groups) is None
    assert find_group("plumbing", groups) is None
    assert find_group("", groups) is None
