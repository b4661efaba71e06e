"""Every command wblqa prints for a person to run, runs as printed.

On a store with two centres and hostile names, each suggestion of ``status``
(and of the visit pack) is split as a POSIX shell splits it and run: it must
exit 0, or 1 where the command documents 1 (``consortium show`` of an
arrangement that fails a prerequisite). ``aqd start`` asks questions, so it runs
until its first question, which proves it found the declaration it names.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import html5lib
import pytest

from two_centres import ARRANGEMENT, AS_OF, NORTH, OTAKI, YEAR, build
from wblqa_cli.suggest import centre_option, command

#: Commands that exit 1 when what they check needs action, as their help says.
EXIT_ONE = {("consortium", "show")}


@pytest.fixture
def two(invoke: Any, tmp_path: Path) -> None:
    build(invoke, tmp_path / "files")


def run_as_printed(invoke: Any, line: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    words = shlex.split(line)
    assert words[0] == "wblqa", line
    args = words[1:]
    if args[:2] == ["programme", "add"]:  # a template: CODE and TITLE are the user's to give
        args = [{"CODE": "600/1111/1", "TITLE": "Pearson BTEC Level 2 Diploma"}.get(a, a)
                for a in args]  # fmt: skip
    if args[:2] == ["aqd", "start"]:
        from wblqa_cli.aqd import cli_prompting as prompting
        from wblqa_cli.aqd import cli_start

        def stop(*_: Any, **__: Any) -> Any:
            raise KeyboardInterrupt

        monkeypatch.setattr(cli_start, "_has_terminal", lambda: True)
        monkeypatch.setattr(prompting, "ask", stop)
    return invoke(*args)


def test_every_status_suggestion_runs_as_printed(
    invoke: Any, two: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = json.loads(invoke("status", "--year", YEAR, "--as-of", AS_OF, "--json").stdout)
    commands = [a["command"] for a in doc["actions"] if a["command"]]
    kinds = {tuple(shlex.split(c)[1:3]) for c in commands}
    assert {("aqd", "start"), ("aqd", "submit"), ("consortium", "show"),
            ("cycle", "plan"), ("retention", "due"), ("retention", "list")} <= kinds  # fmt: skip
    for line in commands:
        result = run_as_printed(invoke, line, monkeypatch)
        words = tuple(shlex.split(line)[1:3])
        if words == ("aqd", "start"):  # reached its first question: the declaration was found
            assert result.exit_code == 130, (line, result.output)
            assert f"--centre {OTAKI}" in result.stderr
            continue
        allowed = (0, 1) if words in EXIT_ONE else (0,)
        assert result.exit_code in allowed, (line, result.output)
    assert f"wblqa aqd submit --year {YEAR} --centre {NORTH}" in commands
    shown = shlex.quote(ARRANGEMENT)
    assert f"wblqa consortium show {shown}" in commands


def test_a_centre_without_programmes_is_told_a_command_for_itself(
    invoke: Any, two: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert invoke("centre", "add", "24680", "--name", "Third & <Last>").exit_code == 0
    doc = json.loads(invoke("status", "--year", YEAR, "--as-of", AS_OF, "--json").stdout)
    (add,) = [a["command"] for a in doc["actions"] if "programme add" in (a["command"] or "")]
    assert add == "wblqa programme add CODE --title TITLE --centre 24680"
    assert run_as_printed(invoke, add, monkeypatch).exit_code == 0
    listed = json.loads(invoke("centre", "show", "24680", "--json").stdout)
    assert [p["code"] for p in listed["programmes"]] == ["600/1111/1"]


def test_every_command_in_the_pack_runs_as_printed(
    invoke: Any, two: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "pack.html"
    result = invoke("report", "--year", YEAR, "--as-of", AS_OF, "-o", str(out))
    assert result.exit_code == 0, result.output
    root = html5lib.parse(out.read_text(encoding="utf-8"), namespaceHTMLElements=False)
    lines = {"".join(c.itertext()) for c in root.iter("code") if "cmd" in c.get("class", "")}
    assert any("--centre" in line for line in lines)
    for line in sorted(lines):
        result = run_as_printed(invoke, line, monkeypatch)
        words = tuple(shlex.split(line)[1:3])
        if words == ("aqd", "start"):
            assert result.exit_code == 130, (line, result.output)
            continue
        assert result.exit_code in ((0, 1) if words in EXIT_ONE else (0,)), (line, result.output)


@pytest.mark.parametrize(
    ("words", "arguments", "line"),
    [
        (("consortium", "show"), ['A & B <C> "D"'], "wblqa consortium show 'A & B <C> \"D\"'"),
        (("consortium", "show"), ["-rm me"], "wblqa consortium show -- '-rm me'"),
        (("consortium", "show"), ["it's"], "wblqa consortium show 'it'\"'\"'s'"),
        (("aqd", "status", "--year", "2025-26"), [], "wblqa aqd status --year 2025-26"),
    ],
)
def test_command_quotes_each_word(words: tuple[str, ...], arguments: list[str], line: str) -> None:
    assert command(*words, arguments=arguments) == line
    assert shlex.split(line)[-len(arguments) :] == arguments or not arguments


def test_centre_option_only_when_several() -> None:
    assert centre_option("12345", several=False) == []
    assert centre_option("12345", several=True) == ["--centre", "12345"]
