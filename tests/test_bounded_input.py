"""Bounded input (issue 22): every file wblqa reads is a regular file under its kind's
limit (``data/limits.toml``), or ``-`` where a command takes standard input; a FIFO, a
device or a huge file is refused at once. Answers files refuse duplicate keys, counts
are checked as they are parsed, and an error echoes at most ~200 characters of a value.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from _aqd_helpers import CODES, register
from wblqa_cli.consortium.template import TEMPLATE

#: Every command that reads a file, with the file's place in its arguments.
READERS: list[tuple[str, ...]] = [
    ("consortium", "check", "{}"),
    ("consortium", "import", "{}"),
    ("consortium", "diff", "{}", "{ok.toml}"),
    ("consortium", "diff", "{ok.toml}", "{}"),
    ("retention", "check", "{}"),
    ("retention", "import", "{}"),
    ("programme", "import", "{}"),
    ("aqd", "start", "--year", "2025-26", "--answers", "{}"),
]
IDS = [" ".join(a) for a in READERS]


@pytest.fixture(autouse=True)
def _no_hang() -> Iterator[None]:
    """A read that blocks fails the test after 20 s instead of hanging the suite."""

    def expired(*_: Any) -> None:
        raise TimeoutError("the command waited for its input")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(20)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def ready(invoke: Any, tmp_path: Path) -> Path:
    register(invoke, (CODES[0],))
    (tmp_path / "ok.toml").write_text(TEMPLATE.replace("unedited_template = true\n", ""), "utf-8")
    return tmp_path


def _args(args: tuple[str, ...], target: str, folder: Path) -> list[str]:
    return [target if a == "{}" else a.replace("{ok.toml}", str(folder / "ok.toml")) for a in args]


def _refused(result: Any, *fragments: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert result.stderr.startswith("Error: "), result.stderr
    assert len(result.stderr.splitlines()) <= 2, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


@pytest.mark.parametrize("args", READERS, ids=IDS)
def test_a_fifo_is_refused_at_once(invoke: Any, ready: Path, args: tuple[str, ...]) -> None:
    fifo = ready / "answers.toml"  # a name every reader accepts: only its kind differs
    os.mkfifo(fifo)
    _refused(invoke(*_args(args, str(fifo), ready)), str(fifo), "is a pipe (FIFO)")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
@pytest.mark.parametrize("args", READERS, ids=IDS)
def test_a_device_is_refused_at_once(
    invoke: Any, ready: Path, args: tuple[str, ...], device: str, tmp_path: Path
) -> None:
    if args[0] == "aqd":  # the answers reader wants a suffix: a link to the device has one
        link = tmp_path / "device.yaml"
        link.symlink_to(device)
        device = str(link)
    _refused(invoke(*_args(args, device, ready)), device, "is a device")


@pytest.mark.parametrize(
    ("args", "kind", "limit_mib"),
    [
        (READERS[0], "arrangement", 16),
        (READERS[4], "records", 2048),
        (READERS[6], "programmes", 64),
        (READERS[7], "answers", 32),
    ],
    ids=["arrangement", "records", "programmes", "answers"],
)
def test_a_file_over_its_kinds_limit_is_refused_before_it_is_read(
    invoke: Any, ready: Path, args: tuple[str, ...], kind: str, limit_mib: int
) -> None:
    from wblqa_cli.inputs import limit

    assert limit(kind) == limit_mib << 20  # the documented limit (data/limits.toml)
    huge = ready / "huge.json"
    with huge.open("wb") as f:  # sparse: no disk is used
        f.truncate(limit(kind) + 1)
    _refused(invoke(*_args(args, str(huge), ready)), "is larger than wblqa reads")


def test_standard_input_is_read_within_the_limit(
    invoke: Any, ready: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wblqa_cli import inputs

    monkeypatch.setattr(inputs, "limit", lambda kind: 1000)
    rows = "id,certified,received\n" + "".join(f"R{n},2024-07-01,\n" for n in range(200))
    _refused(invoke("retention", "check", "-", input=rows), "<stdin>", "is larger than")
    programmes = "code,title\n" + "".join(f"P{n},Care\n" for n in range(200))
    _refused(invoke("programme", "import", "-", input=programmes), "<stdin>", "is larger than")


@pytest.mark.parametrize("args", [("retention", "check", "-"), ("programme", "import", "-")])
def test_a_device_on_standard_input_is_refused(ready: Path, args: tuple[str, ...]) -> None:
    code = "from wblqa_cli.cli import main; main()"
    with Path("/dev/zero").open("rb") as zero:
        done = subprocess.run(
            [sys.executable, "-c", code, *args], stdin=zero, capture_output=True, text=True,
            timeout=60, check=False, env={**os.environ, "WBLQA_CRASH": ""},
        )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("Error: Standard input (-) is a device"), done.stderr


def test_a_pipe_comes_in_as_standard_input(invoke: Any, ready: Path) -> None:
    data = "id,certified,received\nR-2,2020-01-01,2020-02-01\n"
    assert invoke("retention", "check", "-", input=data).exit_code in (0, 1)
    read, write = os.pipe()
    os.close(write)
    try:
        result = invoke("retention", "check", f"/dev/fd/{read}")
    finally:
        os.close(read)
    _refused(result, "is a pipe (FIFO)", "give - and send it to standard input")


# ------------------------------------------------------------- duplicate keys


@pytest.mark.parametrize(
    ("name", "text", "fragment"),
    [
        ("a.json", '{"centre": {"centre.policies.reviewed": true, '
                   '"centre.policies.reviewed": false}}',
         "the key 'centre.policies.reviewed' appears twice"),
        ("b.json", '{"centre": {}, "centre": {"centre.policies.reviewed": true}}',
         "the key 'centre' appears twice"),
        ("a.yaml", "centre:\n  centre.policies.reviewed: true\n  centre.policies.reviewed: false\n",
         "line 3, column 3: the key 'centre.policies.reviewed' appears twice"),
        ("b.yaml", "programmes: {}\nprogrammes: {}\n", "line 2, column 1: the key 'programmes'"),
    ],
)  # fmt: skip
def test_answers_files_refuse_duplicate_keys_like_toml(
    invoke: Any, ready: Path, name: str, text: str, fragment: str
) -> None:
    path = ready / name
    path.write_text(text, encoding="utf-8")
    _refused(invoke("aqd", "start", "--year", "2025-26", "--answers", str(path)), fragment)
    status = json.loads(invoke("aqd", "status", "--year", "2025-26", "--json").stdout)
    assert status["status"] == "not started"


# ------------------------------------------------------------- counts and echoes


@pytest.mark.parametrize(
    "args",
    [
        ("retention", "list", "--limit", "9223372036854775808"),
        ("retention", "list", "--limit", "0"),
        ("retention", "due", "--show", "-1"),
        ("retention", "due", "--show", str(10**30)),
        ("audit", "--last", "0"),
        ("audit", "--last", "18446744073709551616"),
    ],
)
def test_counts_are_range_checked_as_they_are_parsed(invoke: Any, args: tuple[str, ...]) -> None:
    _refused(invoke(*args), f"({args[-2]}) is not a count wblqa takes", "1,000,000,000")


LONG = "x" * 120_000


@pytest.mark.parametrize(
    "args",
    [
        ("centre", "show", LONG),
        ("programme", "show", LONG),
        ("retention", "show", LONG),
        ("retention", "calc", "--certified", LONG),
        ("status", "--as-of", LONG),
        ("aqd", "status", "--year", LONG),
        ("retention", "list", "--status", LONG),
        ("retention", "add", "R1", "--programme", CODES[0], "--kind", LONG),
        ("programme", "add", LONG, "--title", "T"),
        ("cycle", "plan", "--format", LONG),
        ("--db", "sqlite://" + LONG, "status"),
    ],
    ids=lambda a: " ".join(x[:12] for x in a),
)
def test_an_error_echoes_at_most_about_200_characters_of_a_value(
    invoke: Any, ready: Path, args: tuple[str, ...]
) -> None:
    result = invoke(*args)
    assert result.exit_code == 2, result.stderr[:500]
    assert len(result.stderr) < 1_000, result.stderr[:1_500]
    assert "x" * 190 in result.stderr and "x" * 201 not in result.stderr, result.stderr[:500]
    assert "more characters" in result.stderr, result.stderr[:500]


# ------------------------------------------------------------- programmes


def test_retiring_from_an_empty_year_is_refused(invoke: Any, ready: Path) -> None:
    _refused(invoke("programme", "retire", CODES[0], "--from", ""), "'' (--from)")
    shown = json.loads(invoke("programme", "show", CODES[0], "--json").stdout)
    assert shown["retired_from"] is None


def test_when_every_programme_is_retired_the_list_says_so(invoke: Any, ready: Path) -> None:
    assert invoke("programme", "retire", CODES[0], "--from", "2024-25").exit_code == 0
    result = invoke("programme", "list", "--year", "2025-26")
    assert result.exit_code == 0
    assert "No programmes yet" not in result.stdout
    assert "1 programme registered, every one retired" in result.stdout
    assert "--retired" in result.stdout
    assert CODES[0] in invoke("programme", "list", "--year", "2025-26", "--retired").stdout
