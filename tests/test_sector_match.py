"""The stored sector match: found when a title is saved, found again only when stale.

Domain parts run without a store; the store parts run on the engine of the
suite (``WBLQA_TEST_ENGINE``), the migration on a store made by the code
before migration 8.
"""

from __future__ import annotations

import json
import os
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from wblqa_cli.cycle import scope as scope_module
from wblqa_cli.cycle.rules import load_rules, load_sector_groups
from wblqa_cli.cycle.scope import classify
from wblqa_cli.cycle.sectors import data_version, match_title
from wblqa_cli.registry.model import SectorMatch
from wblqa_cli.registry.programmes import match_sector, refresh_matches
from wblqa_cli.store import migrations, open_store

BA = "Pearson BTEC Level 3 Diploma in Business Administration"
GROUPS = load_sector_groups()
LISTED = [t for g in GROUPS for t in g.titles]


# --- domain ---------------------------------------------------------------------------------


def _typo(title: str, where: int, kind: int) -> str:
    i = 1 + where % (len(title) - 2)
    if kind == 0:
        return title[:i] + title[i + 1 :]  # a letter dropped
    if kind == 1:
        return title[:i] + title[i + 1] + title[i] + title[i + 2 :]  # two letters swapped
    return title[:i] + "x" + title[i:]  # a letter added


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(LISTED),
    st.integers(min_value=0, max_value=200),
    st.integers(min_value=0, max_value=2),
)
def test_the_stored_match_is_the_full_matchs_answer(title: str, where: int, kind: int) -> None:
    """Scoring only compatible titles changes nothing about which title is accepted."""
    for query in (title, title.upper(), _typo(title, where, kind), title + " extra words"):
        full = match_title(query, GROUPS)
        lean = match_title(query, GROUPS, suggest=False)
        assert (lean.title, lean.group, lean.exact) == (full.title, full.group, full.exact)
        assert lean.suggestions == ()


def test_match_sector_says_how_it_was_found() -> None:
    version = data_version(GROUPS)
    assert match_sector(BA, GROUPS) == SectorMatch("214", "exact", BA, version)
    close = match_sector(BA.replace("Administration", "Adminstration"), GROUPS)
    assert (close.group, close.how, close.title) == ("214", "close", BA)
    assert match_sector("Pearson BTEC Level 3 Diploma in Plumbing", GROUPS) == SectorMatch(
        None, "none", None, version
    )


def test_the_data_version_follows_the_titles() -> None:
    first = GROUPS[0]
    changed = (
        type(first)(first.code, first.name, first.source_name, first.source, (*first.titles, "X")),
        *GROUPS[1:],
    )
    assert data_version(GROUPS) == data_version(load_sector_groups())
    assert data_version(changed) != data_version(GROUPS)


def test_a_current_stored_match_is_used_without_matching(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("matched again although the stored match is current")

    monkeypatch.setattr(scope_module, "match_title", refuse)
    scope_module._match.cache_clear()
    stored = SectorMatch("214", "exact", BA, data_version(GROUPS))
    found = classify("A title the matcher never sees", None, rules=load_rules(), groups=GROUPS,
                     match=stored)  # fmt: skip
    assert (found.basis, found.group and found.group.code, found.matched_title) == (
        "title", "214", BA,
    )  # fmt: skip


def test_a_stale_stored_match_is_found_again() -> None:
    scope_module._match.cache_clear()
    stale = SectorMatch("214", "exact", BA, "another-version")
    found = classify("Pearson BTEC Level 3 Diploma in Plumbing", None, rules=load_rules(),
                     groups=GROUPS, match=stale)  # fmt: skip
    assert found.basis == "none" and found.group is None
    assert set(refresh_matches([_programme("P1", BA, stale)])) == {"P1"}
    current = SectorMatch("214", "exact", BA, data_version(GROUPS))
    assert refresh_matches([_programme("P1", BA, current)]) == {}


def _programme(code: str, title: str, match: SectorMatch | None) -> Any:
    from wblqa_cli.registry.model import Programme

    return Programme(code, title, sector_match=match)


# --- in the store ---------------------------------------------------------------------------


def _stored(store_url: str) -> dict[str, tuple[Any, ...]]:
    store = open_store(store_url)
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT code, title, sector, sector_match_group, sector_match_how, "
                "sector_match_version FROM programme ORDER BY code"
            )
        ).all()
    store.close()
    return {r[0]: tuple(r[1:]) for r in rows}


def test_add_and_import_store_the_match(invoke: Any, centre: str, tmp_path: Any) -> None:
    version = data_version(GROUPS)
    assert invoke("programme", "add", "P1", "--title", BA).exit_code == 0
    assert invoke("programme", "add", "P2", "--title", "Level 3 Diploma in Plumbing").exit_code == 0
    csv = tmp_path / "p.csv"
    csv.write_text(f"code,title,sector\nP2,{BA.replace('Administration', 'Adminstration')},\n"
                   "P3,Some Construction Diploma,construction\n")  # fmt: skip
    result = invoke("programme", "import", str(csv))
    assert result.exit_code == 0, result.output
    rows = _stored(os.environ["WBLQA_DB"])
    assert rows["P1"][1:] == (None, "214", "exact", version)
    assert rows["P2"][2:] == ("214", "close", version)  # the new title, matched again
    assert rows["P3"][1:] == ("construction", None, "none", version)
    listed = {p["code"]: p for p in json.loads(invoke("programme", "list", "--json").stdout)}
    assert listed["P2"]["sector"] == "214" and listed["P3"]["sector"] == "construction"
    assert listed["P2"]["sector_match"]["how"] == "close"


def test_a_screen_stores_missing_or_stale_matches_once(
    invoke: Any, centre: str, tmp_path: Any
) -> None:
    assert invoke("programme", "add", "P1", "--title", BA).exit_code == 0
    url = os.environ["WBLQA_DB"]
    store = open_store(url)
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE programme SET sector_match_version = 'old', "
                             "sector_match_group = NULL, sector_match_how = 'none'"))  # fmt: skip
    store.close()
    plan = json.loads(invoke("cycle", "plan", "--json", "--as-of", "2025-10-01").stdout)
    assert plan["programmes"][0]["sector_group"] == "214"  # found again, not the stale "none"
    # A read-only screen writes nothing (issue 16: readers never take the write lock) ...
    assert _stored(url)["P1"][2:] == (None, "none", "old")
    # ... a writing command that reads the programmes stores what it found.
    out = tmp_path / "pack.html"
    result = invoke("report", "--as-of", "2025-10-01", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert _stored(url)["P1"][2:] == ("214", "exact", data_version(GROUPS))


@pytest.fixture
def fresh_store(
    request: pytest.FixtureRequest, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> str:
    """A store location nothing has created yet, on the suite's engine; WBLQA_DB points at it."""
    if os.environ.get("WBLQA_TEST_ENGINE") == "postgresql":
        url = str(request.getfixturevalue("pg_url"))
    else:
        url = str(tmp_path / "before-8.db")
    monkeypatch.setenv("WBLQA_DB", url)
    return url


def test_migration_8_keeps_programmes_and_their_matches_are_found(
    invoke: Any, monkeypatch: pytest.MonkeyPatch, fresh_store: str, tmp_path: Any
) -> None:
    url = fresh_store
    before = [m for m in migrations.MIGRATIONS if m[0] < 8]
    with monkeypatch.context() as patch:  # the store as the code before migration 8 made it
        patch.setattr(migrations, "MIGRATIONS", before)
        patch.setattr(migrations, "SCHEMA_VERSION", before[-1][0])
        old = open_store(url)
        with old.engine.begin() as conn:
            centre = "INSERT INTO centre (number, name, created_at) VALUES ('12345', 'Old', :now)"
            conn.execute(sa.text(centre), {"now": date.today()})
            conn.execute(
                sa.text("INSERT INTO programme (code, title, centre_id, sector, created_at) "
                        "SELECT 'OLD1', :t, id, '214', :now FROM centre UNION ALL "
                        "SELECT 'OLD2', :t, id, NULL, :now FROM centre"),
                {"t": BA, "now": date.today()},
            )  # fmt: skip
        old.close()
    rows = _stored(url)  # opening with today's code migrates
    assert rows == {
        "OLD1": (BA, "214", None, None, None),
        "OLD2": (BA, None, None, None, None),
    }
    result = invoke("status", "--json", "--as-of", "2025-10-01")
    assert result.exit_code == 0, result.output
    assert _stored(url)["OLD2"] == (BA, None, None, None, None)  # status only reads
    result = invoke("report", "--as-of", "2025-10-01", "-o", str(tmp_path / "pack.html"))
    assert result.exit_code == 0, result.output
    version = data_version(GROUPS)
    assert _stored(url)["OLD2"] == (BA, None, "214", "exact", version)
    assert _stored(url)["OLD1"][:2] == (BA, "214")  # a tag is never overwritten


def test_tables_show_the_group_found_from_the_title(invoke: Any, centre: str) -> None:
    assert invoke("programme", "add", "P1", "--title", BA).exit_code == 0
    for args in (("programme", "list"), ("centre", "show", centre)):
        row = next(line for line in invoke(*args).stdout.splitlines() if "P1" in line)
        assert " 214 " in row, (args, row)


def test_edit_with_a_new_title_finds_the_match_again(invoke: Any, centre: str) -> None:
    assert invoke("programme", "add", "P1", "--title", "Level 3 Diploma in Plumbing").exit_code == 0
    url = os.environ["WBLQA_DB"]
    assert _stored(url)["P1"][2:4] == (None, "none")
    result = invoke("programme", "edit", "P1", "--title", BA)
    assert result.exit_code == 0, result.output
    assert _stored(url)["P1"][1:] == (None, "214", "exact", data_version(GROUPS))
    result = invoke("programme", "edit", "P1", "--expected-certification", "2026-07-15")
    assert result.exit_code == 0, result.output  # the title unchanged: the match is kept
    assert _stored(url)["P1"][2:4] == ("214", "exact")
