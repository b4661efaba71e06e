"""Listings that stream: ``retention list`` and ``retention due`` write rows as they are read.

The streamed JSON must be the very text the whole-document writer gives; the
store hands rows out one by one (a generator that has not read them all);
a table shows a screenful and says how many more there are.
"""

from __future__ import annotations

import contextlib
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wblqa_cli.json_stream import Streamed, stream_json
from wblqa_cli.output import to_json

# --- the writer ------------------------------------------------------------------------------

_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.text(max_size=12),
    st.dates(),
    st.datetimes(timezones=st.just(UTC)),
)
_plain = st.recursive(
    _leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)


@st.composite
def _documents(draw: Any, depth: int = 2) -> tuple[Any, Any]:
    """(the document with Streamed arrays, the same with plain lists)."""
    plain = draw(st.dictionaries(st.text(max_size=6), _plain, max_size=3))
    streamed = dict(plain)
    if depth:
        for key in draw(st.lists(st.text(max_size=6), min_size=1, max_size=2, unique=True)):
            items = draw(st.lists(_documents(depth - 1) | _plain.map(lambda v: (v, v)), max_size=4))
            nested = any(isinstance(s, dict) for s, _ in items)
            streamed[key] = Streamed(iter([s for s, _ in items]), nested=nested)
            plain[key] = [p for _, p in items]
    return streamed, plain


@settings(max_examples=200, deadline=None)
@given(_documents())
def test_streamed_json_is_the_same_text(doc: Any) -> None:
    streamed, plain = doc
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        stream_json(streamed)
    assert out.getvalue() == to_json(plain) + "\n"


def test_a_streamed_array_is_read_only_as_it_is_written(capsys: pytest.CaptureFixture[str]) -> None:
    written: list[int] = []

    def items() -> Any:
        for i in range(3):
            written.append(len(capsys.readouterr().out))  # nothing is held back until the end
            yield {"n": i, "at": datetime(2025, 1, 1, tzinfo=UTC), "day": date(2025, 1, 2)}

    stream_json({"rows": Streamed(items())})
    out = capsys.readouterr().out
    assert json.loads(out)["rows"][2] == {"n": 2, "at": "2025-01-01T00:00:00+00:00",
                                          "day": "2025-01-02"}  # fmt: skip


# --- the store and the commands --------------------------------------------------------------


def _records(tmp_path: Path, n: int, programme: str = "P1") -> str:
    path = tmp_path / "records.csv"
    lines = ["id,programme,kind,cohort,certified,received,hold"]
    for i in range(n):
        hold = "appeal" if i % 50 == 7 else ""
        received = "" if i % 40 == 3 else "2020-07-01"
        kind = "learner_work" if i % 2 else "qa_documents"
        lines.append(f"R{i:04d},{programme},{kind},2019-20,2020-06-01,{received},{hold}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture
def stored(invoke: Any, centre: str, tmp_path: Path) -> int:
    assert invoke("programme", "add", "P1", "--title", "Some Diploma").exit_code == 0
    result = invoke("retention", "import", _records(tmp_path, 250), "--quiet")
    assert result.exit_code == 0, result.output
    return 250


def test_the_store_yields_records_one_by_one(stored: int) -> None:
    import os

    from wblqa_cli.store import open_store
    from wblqa_cli.store.retention import count_records, iter_records

    store = open_store(os.environ["WBLQA_DB"])
    rows = iter_records(store, date(2025, 10, 1))
    first = next(rows)
    assert first.ref == "R0001"  # learner work first; one record read, the rest in the cursor
    assert 1 + sum(1 for _ in rows) == stored == count_records(store, date(2025, 10, 1))
    assert count_records(store, date(2025, 10, 1), status="on-hold") == 5
    rows = iter_records(store, date(2025, 10, 1))
    next(rows)
    rows.close()  # a reader that stops early lets the connection go
    store.close()


def test_list_json_lists_every_record(invoke: Any, stored: int) -> None:
    out = json.loads(invoke("retention", "list", "--json", "--as-of", "2025-10-01").stdout)
    assert [r["id"] for r in out["records"]][:2] == ["R0001", "R0003"]  # learner work first
    assert len(out["records"]) == stored and out["as_of"] == "2025-10-01"
    held = invoke("retention", "list", "--json", "--status", "on-hold", "--limit", "2")
    assert [r["status"] for r in json.loads(held.stdout)["records"]] == ["on-hold"] * 2


def test_list_table_shows_a_screenful_and_says_how_many_more(invoke: Any, stored: int) -> None:
    from wblqa_cli.retention.cli_records import TABLE_LIMIT

    result = invoke("retention", "list", "--as-of", "2025-10-01")
    assert result.exit_code == 0
    assert f"Showing the first {TABLE_LIMIT} of {stored} records" in result.stdout
    assert result.stdout.count(" P1 ") == TABLE_LIMIT
    short = invoke("retention", "list", "--as-of", "2025-10-01", "--limit", "3")
    assert short.stdout.count(" P1 ") == 3 and "Showing" not in short.stdout
    few = invoke("retention", "list", "--status", "on-hold")
    assert few.stdout.count(" P1 ") == 5 and "Showing" not in few.stdout


def test_due_json_counts_match_the_rows_streamed(invoke: Any, stored: int) -> None:
    out = json.loads(invoke("retention", "due", "--json", "--as-of", "2025-10-01").stdout)
    assert out["total"] == sum(g["count"] for g in out["groups"])
    assert all(g["count"] == len(g["records"]) for g in out["groups"])
    assert out["held_back"] == {"on-hold": 5, "unknown": 7}
    assert out["total"] + 5 + 7 == stored
    assert [g["kind"] for g in out["groups"]] == ["learner_work", "qa_documents"]
    human = invoke("retention", "due", "--as-of", "2025-10-01", "--show", "2")
    assert f"{out['total']} may be disposed of" in human.stdout
    assert f"and {out['groups'][0]['count'] - 2} more" in human.stdout


def test_due_on_a_day_with_nothing_due(invoke: Any, stored: int) -> None:
    out = json.loads(invoke("retention", "due", "--json", "--as-of", "2019-01-01").stdout)
    assert (out["total"], out["groups"]) == (0, [])
    human = invoke("retention", "due", "--as-of", "2019-01-01")
    assert "Nothing may be disposed of" in human.stdout


def test_a_screen_of_due_records_reads_only_what_it_shows(stored: int) -> None:
    import os
    from itertools import groupby

    from wblqa_cli.store import open_store
    from wblqa_cli.store.retention import iter_due

    store = open_store(os.environ["WBLQA_DB"])
    day = date(2025, 10, 1)
    every = list(iter_due(store, day))
    first_two = list(iter_due(store, day, per_group=2))
    store.close()
    expect = [r for _, rows in groupby(every, key=lambda r: (r[1], r[3])) for r in list(rows)[:2]]
    assert first_two == expect and len(first_two) == 4 and len(every) > 100
