"""Every case the hostile sweep found ends in a clear error, and the last line of defence.

Each error: one or two lines naming the value and where it was, exit 2 (or 1
for a check that found something), nothing written. An exception no handler
expected: one line naming a crash file (0600, user state directory), exit 70.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from _aqd_helpers import register
from wblqa_cli.cli import app
from wblqa_cli.errors import EXIT_BAD_INPUT, EXIT_STORE, StoreError, known_error


def test_an_unexpected_exception_is_one_line_and_a_private_crash_file(
    invoke: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import wblqa_cli.gather

    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("a bug in wblqa")

    monkeypatch.setattr(wblqa_cli.gather, "status", broken)
    monkeypatch.delenv("WBLQA_CRASH")
    state = tmp_path / "state" / "deeper"
    monkeypatch.setenv("WBLQA_STATE_DIR", str(state))
    result = CliRunner().invoke(app, ["status"], catch_exceptions=False)
    assert result.exit_code == 70
    (crash,) = state.glob("crash-*.txt")
    assert result.stderr == f"wblqa: internal error; details in {crash}; please report it.\n"
    assert "Traceback" not in result.output
    assert stat.S_IMODE(crash.stat().st_mode) == 0o600
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    assert stat.S_IMODE(state.parent.stat().st_mode) == 0o700
    text = crash.read_text(encoding="utf-8")
    assert "RuntimeError: a bug in wblqa" in text and "Traceback" in text


def test_under_the_test_suite_reaching_the_handler_is_a_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import wblqa_cli.gather

    monkeypatch.setattr(wblqa_cli.gather, "status", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        CliRunner().invoke(app, ["status"], catch_exceptions=False)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("attempt to write a readonly database", "-shm"),
        ("database or disk is full", "disk holding the store is full"),
        ("disk I/O error", "disk I/O error"),
        ("database disk image is malformed", "damaged (corrupted pages)"),
    ],
)
def test_store_failures_are_named_as_such(words: str, expected: str) -> None:
    error = known_error(sqlite3.OperationalError(words))
    assert isinstance(error, StoreError)
    assert expected in f"{error.message} {error.hint}"


def test_a_stale_read_only_shm_file_is_named(invoke: Any, centre: str, db_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes through any file mode")
    shm = db_path.with_name(db_path.name + "-shm")
    shm.chmod(0o400)
    try:
        result = invoke("centre", "add", "23456", "--name", "Riverside")
    finally:
        shm.chmod(0o600)
    assert result.exit_code == 2 and "-shm" in result.stderr


def test_a_backup_where_it_cannot_be_written_is_a_clear_error(
    invoke: Any, centre: str, db_path: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    for target in ("/proc/1/backup.db", str(blocker / "backup.db")):
        result = invoke("db", "backup", target)
        assert result.exit_code == 2, result.stderr
        assert result.stderr.startswith(f"Error: Cannot write the backup {target}: ")


def test_backup_folders_are_created_owner_only(invoke: Any, centre: str, db_path: Path,
                                               tmp_path: Path) -> None:  # fmt: skip
    target = tmp_path / "new" / "deeper" / "copy.db"
    assert invoke("db", "backup", str(target)).exit_code == 0
    for folder in (target.parent, target.parent.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_migration_backups_made_in_the_same_second_have_different_names(tmp_path: Path) -> None:
    from wblqa_cli.store.engine import backup_name

    names = {backup_name(tmp_path / "wblqa.db", "before-schema-7") for _ in range(50)}
    assert len(names) == 50


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("big.json", '{"centre": {"c1": ' + "9" * 5000 + "}}", "thousands of digits"),
        ("big.toml", "[centre]\nc1 = " + "9" * 5000 + "\n", "thousands of digits"),
        ("big.yaml", "centre:\n  c1: " + "9" * 5000 + "\n", "thousands of digits"),
        ("empty.toml", "", "the file is empty"),
        ("blank.json", " \n", "the file is empty"),
        ("mixed.yaml", "centre: {}\n2: 3\nz: 1\n", "unknown key 2"),
        ("nul.json", '{"centre": {"terms.comments": "a\\u0000b"}}', "NUL"),
    ],
)
def test_bad_answers_files_are_clear_errors(
    invoke: Any, tmp_path: Path, name: str, content: str, expected: str
) -> None:
    register(invoke)
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = invoke("aqd", "start", "--year", "2025-26", "--answers", str(path))
    assert result.exit_code == EXIT_BAD_INPUT, result.output
    assert result.stderr.startswith(f"Error: {path}") and expected in result.stderr


def test_nul_bytes_are_refused_at_input_with_the_place_named(
    invoke: Any, centre: str, tmp_path: Path
) -> None:
    assert invoke("programme", "add", "P1", "--title", "Business").exit_code == 0
    records = tmp_path / "records.csv"
    records.write_bytes(b"id,programme,kind,cohort,certified,received\n"
                        b"A,P1,learner_work,c\x00d,2020-01-01,2020-02-01\n")  # fmt: skip
    checked = tmp_path / "archive.csv"
    checked.write_bytes(b"id,certified,received\nA\x00,2020-01-01,2020-02-01\n")
    programmes = tmp_path / "programmes.csv"
    programmes.write_bytes(b"code,title\nP2,Care\x00\n")
    arrangement = tmp_path / "a.toml"
    from wblqa_cli.consortium.template import TEMPLATE

    arrangement.write_text(TEMPLATE.replace("North Vale College", "North\\u0000Vale"), "utf-8")
    for args, where in (
        (("retention", "import", str(records)), f"{records}, line 2, character 20: a NUL"),
        (("retention", "check", str(checked)), f"{checked}, line 2, character 2: a NUL"),
        (("programme", "import", str(programmes)), f"{programmes}, line 2, character 8: a NUL"),
        (("consortium", "check", str(arrangement)), "key 'name': contains a NUL"),
    ):
        result = invoke(*args)
        assert result.exit_code == 2, (args, result.output)
        assert where in result.stderr
    assert json.loads(invoke("retention", "list", "--json").stdout)["records"] == []


def test_a_pipe_comes_through_standard_input_and_a_named_pipe_is_refused(
    invoke: Any, centre: str
) -> None:
    assert invoke("programme", "add", "P1", "--title", "Business").exit_code == 0
    for args in (("retention", "import"), ("retention", "check"), ("programme", "import")):
        data = {
            "programme": "code,title\nP9,Care\n",
            "import": "id,programme,kind,cohort,certified,received\n"
            "R-1,P1,learner_work,c,2020-01-01,2020-02-01\n",
            "check": "id,certified,received\nR-2,2020-01-01,2020-02-01\n",
        }[args[0] if args[0] == "programme" else args[1]]
        result = invoke(*args, "-", input=data)
        assert result.exit_code in (0, 1), (args, result.stderr)
        read, write = os.pipe()  # a process substitution, <(...): refused at once (issue 22)
        os.close(write)
        try:
            refused = invoke(*args, f"/dev/fd/{read}")
        finally:
            os.close(read)
        assert refused.exit_code == 2 and "give - and send it" in refused.stderr, refused.stderr


def test_a_very_long_name_is_shown_in_linear_time(invoke: Any, tmp_path: Path) -> None:
    from wblqa_cli.consortium.template import TEMPLATE

    timings = []
    for size in (100_000, 1_000_000):
        path = tmp_path / f"long-{size}.toml"
        path.write_text(TEMPLATE.replace("North Vale College", "x y" * size), "utf-8")
        start = time.perf_counter()
        result = invoke("consortium", "check", str(path))
        timings.append(time.perf_counter() - start)
        assert result.exit_code in (0, 1) and len(result.stdout) < 200_000
    assert timings[1] < 5 * max(timings[0], 0.2)  # ten times the text, not 100 times the time


SLOW_WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from wblqa_cli.cli import main  # installs nothing until called
    from wblqa_cli import cli, files
    import signal
    signal.signal(signal.SIGTERM, cli._terminated)
    signal.signal(signal.SIGHUP, cli._terminated)
    try:
        with files.private_output(Path(sys.argv[1])) as out:
            out.write("learner data\\n")
            out.flush()
            print("writing", flush=True)
            time.sleep(60)
    except KeyboardInterrupt:
        sys.exit(130)
    """
)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_terminated_export_leaves_no_part_file(tmp_path: Path, sig: signal.Signals) -> None:
    target = tmp_path / "export.csv"
    proc = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(target)],
                            stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline() == "writing\n"
    assert list(tmp_path.glob(".export.csv.*.part"))
    proc.send_signal(sig)
    assert proc.wait(20) == 130
    assert list(tmp_path.iterdir()) == []


def test_a_killed_exports_part_file_is_swept_on_the_next_run(tmp_path: Path) -> None:
    from wblqa_cli.files import write_private

    target = tmp_path / "export.csv"
    proc = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(target)],
                            stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline() == "writing\n"
    proc.kill()  # SIGKILL: nothing can clean up
    proc.wait(20)
    assert list(tmp_path.glob(".export.csv.*.part"))
    write_private(target, "new\n")
    assert [p.name for p in tmp_path.iterdir()] == ["export.csv"]


def test_db_check_reports_corrupted_pages_with_the_store_exit_code(
    invoke: Any, centre: str, db_path: Path
) -> None:
    for n in range(30):
        assert invoke("programme", "add", f"P{n}", "--title", "Business " * 40).exit_code == 0
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with db_path.open("r+b") as f:
        f.seek(4096 * 5)
        f.write(b"\xff" * 4096 * 3)
    result = invoke("db", "check", "--json")
    assert result.exit_code == StoreError.exit_code, result.stderr
    assert "The store is damaged" in result.stderr
    report = json.loads(result.stdout)
    assert report["problems"] and report["integrity"] != "ok" and report["damaged"] is True
    assert any("table " in p for p in report["problems"]), report["problems"]  # which table
    shown = invoke("programme", "list")
    assert shown.exit_code in (0, EXIT_STORE)
    if shown.exit_code == EXIT_STORE:
        assert "damaged (corrupted pages)" in shown.stderr and "wblqa db check" in shown.stderr
