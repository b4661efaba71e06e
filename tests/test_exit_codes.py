"""Each kind of failure exits with a code of its own, so that a script can tell them apart.

0 done, 1 needs action, 2 bad input, 69 the store cannot be opened or reached,
70 an internal error, 78 the rules data is broken, 130 interrupted: as the
README's exit-code table says.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from wblqa_cli import crash
from wblqa_cli.errors import (
    EXIT_ACTION_NEEDED,
    EXIT_BAD_INPUT,
    EXIT_DATA,
    EXIT_INTERRUPTED,
    EXIT_STORE,
    ActionNeeded,
    DataError,
    InputError,
    NotFound,
    StoreError,
)

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_kind_of_failure_has_its_own_code() -> None:
    codes = {
        "action needed": ActionNeeded("x").exit_code,
        "bad input": InputError("x").exit_code,
        "store": StoreError("x").exit_code,
        "data": DataError("x").exit_code,
        "internal": crash.EXIT_INTERNAL,
        "interrupted": EXIT_INTERRUPTED,
    }
    assert len(set(codes.values())) == len(codes), codes
    assert 0 not in codes.values()
    assert (codes["store"], codes["data"]) == (EXIT_STORE, EXIT_DATA) == (69, 78)
    assert NotFound("x").exit_code == EXIT_BAD_INPUT == 2
    assert codes["action needed"] == EXIT_ACTION_NEEDED == 1


def test_the_readme_table_lists_every_code() -> None:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("| Exit code |") :]
    section = section[: section.index("\n\n")]
    listed = {int(code) for code in re.findall(r"^\| `(\d+)` \|", section, flags=re.MULTILINE)}
    assert listed == {0, EXIT_ACTION_NEEDED, EXIT_BAD_INPUT, EXIT_STORE, crash.EXIT_INTERNAL,
                      EXIT_DATA, EXIT_INTERRUPTED}  # fmt: skip


# ------------------------------------------------------------- the store: 69


def test_a_store_path_that_is_a_folder_exits_69(invoke: Any, tmp_path: Path) -> None:
    result = invoke("--db", str(tmp_path), "status")
    assert result.exit_code == EXIT_STORE, result.output
    assert result.stderr.startswith(f"Error: The store path {tmp_path} is a directory")
    assert result.stdout == ""


def test_an_unreachable_server_exits_69(invoke: Any) -> None:
    pytest.importorskip("psycopg")
    result = invoke("--db", "postgresql+psycopg://nobody@127.0.0.1:9/none", "centre", "list")
    assert result.exit_code == EXIT_STORE, result.output
    assert result.stderr.startswith("Error: Cannot open the store postgresql+psycopg://")
    assert "Traceback" not in result.output


def test_a_damaged_store_file_exits_69(invoke: Any, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"this is not a SQLite file at all, but it is long enough" * 100)
    result = invoke("--db", str(damaged), "centre", "list")
    assert result.exit_code == EXIT_STORE, result.output
    assert result.stderr.startswith("Error: ")


def test_a_backup_target_that_exists_is_bad_input_not_a_store_error(
    invoke: Any, centre: str, db_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "copy.db"
    target.write_text("keep")
    result = invoke("db", "backup", str(target))
    assert result.exit_code == EXIT_BAD_INPUT, result.output
    assert "already exists" in result.stderr and target.read_text() == "keep"


# ---------------------------------------------------------- the rules data: 78


@pytest.fixture
def broken_data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    """A copy of ``data/`` to break, used in place of the installed one."""
    from wblqa_cli import rules
    from wblqa_cli.retention import rules as retention_rules

    data = tmp_path / "data"
    shutil.copytree(Path(str(rules.data_dir())), data)
    monkeypatch.setattr(rules, "data_dir", lambda: data)
    rules.load.cache_clear()
    retention_rules.load_rules.cache_clear()
    yield data
    rules.load.cache_clear()
    retention_rules.load_rules.cache_clear()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("format = 1\n[broken", "Rules file data/retention.toml is not valid TOML"),
        ("format = 'one'\n", "Rules file data/retention.toml: key 'format' must be an integer"),
    ],
)
def test_broken_rules_data_exits_78(
    invoke: Any, broken_data: Path, content: str, message: str
) -> None:
    (broken_data / "retention.toml").write_text(content, encoding="utf-8")
    result = invoke("retention", "calc", "--certified", "2024-07-15", "--received", "2024-08-01")
    assert result.exit_code == EXIT_DATA, result.output
    assert result.stderr.startswith(f"Error: {message}") and result.stdout == ""


def test_missing_rules_data_exits_78(invoke: Any, broken_data: Path) -> None:
    (broken_data / "retention.toml").unlink()
    result = invoke("retention", "calc", "--certified", "2024-07-15")
    assert result.exit_code == EXIT_DATA, result.output
    assert "data/retention.toml is missing from this installation" in result.stderr
