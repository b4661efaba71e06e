"""``retention import`` in one pass: rows inserted in batches, all rolled back by a later bad row.

The batch size is made small so that several batches are written before the
row that fails; a spy on the bulk insert proves they were.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

PROGRAMME = "603/1234/5"
HEADER = "id,programme,kind,cohort,certified,received,hold"
ROWS = 20_000
BAD_LINE = 15_000  # the header is line 1, so record i is on line i + 2


def _ok(result: Any) -> Any:
    assert result.exit_code == 0, result.output
    return result


def _bad(result: Any) -> Any:
    assert result.exit_code == 2, result.output
    assert result.stdout == "", "nothing may be printed on error"
    assert result.stderr.startswith("Error: ")
    assert "Traceback" not in result.stderr
    return result


def _row(i: int, prefix: str = "R") -> str:
    return f"{prefix}{i:06d},{PROGRAMME},learner_work,2021-22 day,2022-07-15,2022-08-01,\n"


def _archive(replace: dict[int, str] | None = None, prefix: str = "R") -> str:
    """ROWS records; ``replace`` maps a line number to the row put there instead."""
    replace = replace or {}
    rows = [replace.get(i + 2, _row(i, prefix)) for i in range(ROWS)]
    return HEADER + "\n" + "".join(rows)


@pytest.fixture
def batches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Batches of 1,000 rows; the sizes of the batches the bulk insert wrote, in order."""
    from wblqa_cli.store import bulk
    from wblqa_cli.store import retention_import as store_retention

    monkeypatch.setattr(store_retention, "CHUNK", 1_000)
    written: list[int] = []
    execute = bulk.BulkInsert.execute

    def spy(self: Any, rows: Any) -> int:
        count = execute(self, rows)
        written.append(count)
        return count

    monkeypatch.setattr(bulk.BulkInsert, "execute", spy)
    return written


@pytest.fixture
def programme(invoke: Any, centre: str) -> str:
    _ok(invoke("programme", "add", PROGRAMME, "--title", "Pearson BTEC Level 3 Diploma"))
    return PROGRAMME


def _nothing_written(invoke: Any) -> None:
    assert json.loads(_ok(invoke("retention", "list", "--json")).stdout)["records"] == []
    assert _retention_log(invoke) == []


def _write(tmp_path: Path, text: str | bytes, name: str = "records.csv") -> str:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_bad_row_after_many_batches_leaves_no_rows_and_no_audit_entry(
    invoke: Any, programme: str, tmp_path: Path, batches: list[int]
) -> None:
    bad = f"BAD,{PROGRAMME},learner_work,2021-22 day,2022-07-15,31/02/2022,\n"
    path = _write(tmp_path, _archive({BAD_LINE: bad}))
    result = _bad(invoke("retention", "import", path))
    assert f"{path}, line {BAD_LINE}, column 'received'" in result.stderr, result.stderr
    assert "'31/02/2022'" in result.stderr
    # The rows before it had gone in (14 batches of 1,000) and were rolled back.
    assert sum(batches) == 14_000 and len(batches) == 14
    _nothing_written(invoke)


def test_a_late_duplicate_id_from_stdin_leaves_nothing(
    invoke: Any, programme: str, batches: list[int]
) -> None:
    text = _archive({BAD_LINE: _row(3)})  # R000003 is on line 5 already
    result = _bad(invoke("retention", "import", "-", input=text))
    assert f"<stdin>, line {BAD_LINE}, column 'id': 'R000003' is already on line 5." in (
        result.stderr
    )
    assert sum(batches) > 0
    _nothing_written(invoke)


def test_ids_stored_already_are_all_counted_and_nothing_is_kept(
    invoke: Any, programme: str, tmp_path: Path, batches: list[int]
) -> None:
    old = HEADER + "\n" + _row(1, "OLD") + _row(2, "OLD")
    _ok(invoke("retention", "import", _write(tmp_path, old, "a.csv")))
    batches.clear()
    path = _write(tmp_path, _archive({BAD_LINE + 3: _row(1, "OLD"), BAD_LINE: _row(2, "OLD")}))
    result = _bad(invoke("retention", "import", path))
    # Reported as before the single pass: the first clash by line, and how many more.
    assert (
        "line 15000, column 'id': 'OLD000002' is stored already (and 1 more ids)." in result.stderr
    )
    assert "Nothing was imported" in result.stderr
    assert sum(batches) == 14_000  # rows went in until the clash was seen, then stopped
    records = json.loads(_ok(invoke("retention", "list", "--json")).stdout)["records"]
    assert sorted(r["id"] for r in records) == ["OLD000001", "OLD000002"]
    assert len(_retention_log(invoke)) == 1


def test_a_bad_row_after_a_stored_id_is_the_error_reported(
    invoke: Any, programme: str, tmp_path: Path, batches: list[int]
) -> None:
    _ok(invoke("retention", "import", _write(tmp_path, HEADER + "\n" + _row(1, "OLD"), "a.csv")))
    bad = "X,NOPE,learner_work,c,2022-07-15,,\n"
    path = _write(tmp_path, _archive({3_000: _row(1, "OLD"), BAD_LINE: bad}))
    result = _bad(invoke("retention", "import", path))
    assert f"line {BAD_LINE}, column 'programme': programme 'NOPE' is not registered" in (
        result.stderr
    )
    assert "stored already" not in result.stderr


def test_the_audit_entry_has_the_sha256_of_the_whole_file(
    invoke: Any, programme: str, tmp_path: Path, batches: list[int]
) -> None:
    # A byte-order mark and no newline at the end: the digest is of the bytes as read.
    data = b"\xef\xbb\xbf" + _archive().rstrip("\n").encode("utf-8")
    result = _ok(invoke("retention", "import", _write(tmp_path, data)))
    assert f"Imported {ROWS} retention records" in result.stdout
    (entry,) = _retention_log(invoke)
    assert entry["details"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert entry["details"]["records"] == ROWS
    assert sum(batches) == ROWS and len(batches) == ROWS // 1_000


def _retention_log(invoke: Any) -> list[dict[str, Any]]:
    """The audit log without the entries of registering the centre and programmes."""
    log = json.loads(_ok(invoke("audit", "--json")).stdout)
    return [e for e in log if e["entity"] not in ("centre", "programme")]
