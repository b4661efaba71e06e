"""The last line of defence cannot fail (issue 22).

A non-UTF-8 byte in an argument is a clear exit-2 error; the crash handler
survives text that will not encode and a state directory it cannot write; an
exception anywhere (before, around or after the command) is exit 70 with a
non-empty crash file, never a traceback and never exit 1 ("needs action"); an
xlsx write that fails half way says so in one line, with no
``ZipFile.__del__`` noise after it.
"""

from __future__ import annotations

import errno
import gc
import io
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from wblqa_cli import crash

HOSTILE = b"\xff\xfe"

#: 20 command/option pairs, each given the bytes $'\xff\xfe' where a value goes.
PAIRS: list[tuple[bytes, ...]] = [
    (b"centre", b"add", b"99999", b"--name", HOSTILE),
    (b"centre", b"add", HOSTILE, b"--name", b"North Vale"),
    (b"centre", b"show", HOSTILE),
    (b"programme", b"add", b"P9", b"--title", HOSTILE),
    (b"programme", b"add", HOSTILE, b"--title", b"Care"),
    (b"programme", b"show", HOSTILE),
    (b"programme", b"list", b"--centre", HOSTILE),
    (b"retention", b"show", HOSTILE),
    (b"retention", b"hold", b"R1", b"--reason", HOSTILE),
    (b"retention", b"calc", b"--certified", HOSTILE),
    (b"retention", b"list", b"--status", HOSTILE),
    (b"audit", b"--id", HOSTILE),
    (b"aqd", b"status", b"--centre", HOSTILE),
    (b"aqd", b"export", b"--year", HOSTILE),
    (b"status", b"--as-of", HOSTILE),
    (b"cycle", b"plan", b"--year", HOSTILE),
    (b"sector", b"lookup", HOSTILE),
    (b"report", b"-o", HOSTILE),
    (b"calendar", b"-o", HOSTILE),
    (b"--db", HOSTILE, b"status"),
]


def _wblqa(*args: bytes | str, env: dict[str, str] | None = None, code: str = "") -> Any:
    program = code + "\nfrom wblqa_cli.cli import main\nmain()\n"
    environment = {k: v for k, v in os.environ.items() if k != "WBLQA_CRASH"}
    return subprocess.run(
        [sys.executable, "-c", program, *args],
        capture_output=True,
        env={**environment, **(env or {})},
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("args", PAIRS, ids=lambda a: b" ".join(a).decode("utf-8", "replace"))
def test_an_argument_of_raw_bytes_is_a_clear_error(tmp_path: Path, args: tuple[bytes, ...]) -> None:
    done = _wblqa(*args, env={"WBLQA_STATE_DIR": str(tmp_path / "state")})
    stderr = done.stderr.decode("utf-8")
    assert done.returncode == 2, stderr
    assert stderr.startswith("Error: '\\xff\\xfe'"), stderr
    option = args[args.index(HOSTILE) - 1].decode()
    assert f"({option})" in stderr if option.startswith("-") else "(argument" in stderr
    assert "Traceback" not in stderr and len(stderr.splitlines()) == 2
    assert not (tmp_path / "state").exists()  # no crash file: not a crash


def test_a_store_path_of_raw_bytes_in_the_environment_is_a_clear_error() -> None:
    done = _wblqa("status", env={"WBLQA_DB": os.fsdecode(b"/tmp/\xfe.db")})
    assert done.returncode == 2, done.stderr
    assert done.stderr.decode().startswith("Error: '/tmp/\\xfe.db' (WBLQA_DB)")


# ------------------------------------------------------------- the crash handler


def _crash_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*crash-*.txt")) if folder.exists() else []


def test_the_handler_survives_text_that_will_not_encode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WBLQA_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setattr(sys, "argv", ["wblqa", "centre", "add", os.fsdecode(HOSTILE)])
    code = crash.report(RuntimeError(f"a value {os.fsdecode(HOSTILE)} in the message"))
    assert code == 70
    (found,) = _crash_files(tmp_path / "state")
    text = found.read_text(encoding="utf-8")
    assert "centre add \\xff\\xfe" in text and "RuntimeError" in text
    assert stat.S_IMODE(found.stat().st_mode) == 0o600
    assert (
        capsys.readouterr().err == f"wblqa: internal error; details in {found}; please report it.\n"
    )


def test_an_unwritable_state_directory_gives_way_to_the_temporary_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the state directory should be")
    monkeypatch.setenv("WBLQA_STATE_DIR", str(blocker / "state"))
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    assert crash.report(ValueError("boom")) == 70
    (found,) = _crash_files(tmp_path / "tmp")
    assert "ValueError: boom" in found.read_text(encoding="utf-8")
    assert str(found) in capsys.readouterr().err


#: Places an exception can start, outside the command itself and inside it.
BREAKS = {
    "before the command": "import wblqa_cli.output as o; o.tolerant_streams = lambda: 1 / 0",
    "parsing the arguments": (
        "import wblqa_cli.cli as c\n"
        "c.WblqaGroup.parse_args = lambda self, ctx, args: (_ for _ in ()).throw(KeyError('x'))"
    ),
    "inside the command": (
        "import wblqa_cli.gather as g\n"
        "g.status = lambda *a, **k: (_ for _ in ()).throw(RuntimeError('caf\\udcff'))"
    ),
    "reporting an error": (
        "import wblqa_cli.cli as c\n"
        "def broken(error):\n    raise UnicodeEncodeError('utf-8', '\\udcff', 0, 1, 'no')\n"
        "c.report_error = broken"
    ),
}


@pytest.mark.parametrize("where", BREAKS)
def test_a_crash_anywhere_is_exit_70_with_a_crash_file_never_1(tmp_path: Path, where: str) -> None:
    state = tmp_path / "state"
    args = ("status",) if where != "reporting an error" else ("status", "--as-of", "nope")
    done = _wblqa(*args, code=BREAKS[where], env={"WBLQA_STATE_DIR": str(state)})
    stderr = done.stderr.decode("utf-8", "backslashreplace")
    assert done.returncode == 70, (done.returncode, stderr)
    (found,) = _crash_files(state)
    assert found.stat().st_size > 0 and "Traceback" in found.read_text(encoding="utf-8")
    assert stderr == f"wblqa: internal error; details in {found}; please report it.\n"


# ------------------------------------------------------------- xlsx on a full disk


class _FillsUp(io.RawIOBase):
    """A file on a disk that fills after ``room`` bytes; closed, it refuses everything."""

    def __init__(self, room: int) -> None:
        self.room = room
        self.data = bytearray()
        self.position = 0

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        if self.closed:
            raise ValueError("write to closed file")
        if self.position + len(b) > self.room:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.data[self.position : self.position + len(b)] = bytes(b)
        self.position += len(b)
        return len(b)

    def seek(self, offset: int, whence: int = 0) -> int:
        if self.closed:
            raise ValueError("seek of closed file")
        self.position = offset if whence == 0 else self.position + offset
        return self.position

    def tell(self) -> int:
        if self.closed:
            raise ValueError("tell of closed file")
        return self.position


def test_an_xlsx_write_that_fails_leaves_no_zipfile_noise(monkeypatch: pytest.MonkeyPatch) -> None:
    from wblqa_cli.xlsx import Sheet, columns, write_workbook

    noise: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", noise.append)
    stream = io.BufferedWriter(_FillsUp(room=6_000), buffer_size=1024)
    rows = ([f"P{n}", f"Programme {n} " * 5] for n in range(2_000))
    with pytest.raises(OSError, match="No space left"):
        write_workbook(stream, [Sheet("Programmes", columns("code", "title"), rows)])
    stream.close = lambda: None  # type: ignore[method-assign]
    stream.raw.close()
    gc.collect()
    assert noise == [], [repr(n.exc_value) for n in noise]


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")
def test_xlsx_onto_a_full_disk_is_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "small"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)],
                             capture_output=True, check=False)  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        env = {"WBLQA_DB": str(tmp_path / "s.db"), "WBLQA_STATE_DIR": str(tmp_path / "state")}
        rows = "code,title\n" + "".join(f"P{n},Programme {n} in a long title\n" for n in range(300))
        (tmp_path / "p.csv").write_text(rows, encoding="utf-8")
        assert _wblqa("centre", "add", "12345", "--name", "N", env=env).returncode == 0
        assert _wblqa("programme", "import", str(tmp_path / "p.csv"), env=env).returncode == 0
        with (folder / "filler").open("wb") as filler:
            filler.write(b"\0" * 240 * 1024)
        done = _wblqa("cycle", "plan", "--year", "2025-26", "--format", "xlsx",
                      "-o", str(folder / "plan.xlsx"), env=env)  # fmt: skip
        stderr = done.stderr.decode()
        assert done.returncode == 2, stderr
        assert stderr.startswith("Error: Cannot write") and "No space left" in stderr
        assert "Exception ignored" not in stderr and "Traceback" not in stderr
        assert len(stderr.splitlines()) == 1
        assert list(folder.iterdir()) == [folder / "filler"]
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)
