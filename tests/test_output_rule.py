"""One rule for every ``-o``: an existing file is refused unless ``--force``, and says so."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer

from _aqd_helpers import complete_document, register, write_json
from wblqa_cli.cli import app

YEAR = "2025-26"


def _commands_with_output() -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []

    def walk(command: Any, path: tuple[str, ...]) -> None:
        if getattr(command, "commands", None):
            for name, child in command.commands.items():
                walk(child, (*path, name))
        elif any("-o" in getattr(p, "opts", ()) for p in command.params):
            found.append(path)

    walk(typer.main.get_command(app), ())
    return sorted(found)


#: How each ``-o`` command is run here: every one found must be listed. Commands that
#: write tables with ``-o`` (``--format csv`` or ``xlsx``) are listed ahead of their ``-o``.
RUNS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("aqd", "export"): ("--year", YEAR),
    ("aqd", "template"): (),
    ("calendar",): ("--year", YEAR),
    ("consortium", "init"): (),
    ("cycle", "plan"): ("--year", YEAR, "--format", "xlsx"),
    ("retention", "check"): ("{archive}", "--format", "csv"),
    ("retention", "list"): ("--format", "csv"),
    ("report",): ("--year", YEAR),
}
SUFFIX = {
    ("aqd", "template"): ".toml",
    ("calendar",): ".ics",
    ("cycle", "plan"): ".xlsx",
    ("report",): ".html",
}
FOUND = _commands_with_output()


def test_every_command_with_o_is_covered() -> None:
    assert len(FOUND) >= 4
    assert set(FOUND) <= set(RUNS), set(FOUND) - set(RUNS)


@pytest.fixture
def answered(invoke: Any, tmp_path: Path) -> None:
    register(invoke)
    answers = write_json(tmp_path / "answers.json", complete_document())
    result = invoke("aqd", "start", "--year", YEAR, "--answers", str(answers))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("path", FOUND, ids=" ".join)
def test_existing_file_refused_unless_forced(
    invoke: Any, answered: None, tmp_path: Path, path: tuple[str, ...]
) -> None:
    out = tmp_path / f"mine{SUFFIX.get(path, '.txt')}"
    out.write_text("keep me", encoding="utf-8")
    archive = tmp_path / "archive.csv"
    archive.write_text("id,certified,received\nA1,2024-07-01,2024-07-20\n", encoding="utf-8")
    args = [a.replace("{archive}", str(archive)) for a in RUNS[path]]
    refused = invoke(*path, *args, "-o", str(out))
    assert refused.exit_code == 2, refused.output
    assert f"{out}" in refused.stderr and "already exists" in refused.stderr
    assert "--force" in refused.stderr
    assert out.read_bytes() == b"keep me"
    forced = invoke(*path, *args, "-o", str(out), "--force")
    assert forced.exit_code == 0, forced.output
    assert out.read_bytes() != b"keep me"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


@pytest.mark.parametrize("path", FOUND, ids=" ".join)
def test_force_is_in_the_help(invoke: Any, path: tuple[str, ...]) -> None:
    result = invoke(*path, "--help")
    assert "--force" in result.stdout


@pytest.mark.parametrize("path", FOUND, ids=" ".join)
def test_dash_is_standard_output_for_every_command(
    invoke: Any, answered: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    path: tuple[str, ...],
) -> None:  # fmt: skip
    archive = tmp_path / "archive.csv"
    archive.write_text("id,certified,received\nA1,2024-07-01,2024-07-20\n", encoding="utf-8")
    args = [a.replace("{archive}", str(archive)) for a in RUNS[path]]
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = invoke(*path, *args, "-o", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes, "nothing on standard output"
    assert list(work.iterdir()) == [], "a file was written instead of standard output"


@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
@pytest.mark.parametrize("path", FOUND, ids=" ".join)
def test_force_replaces_only_a_file_or_a_link(
    invoke: Any, answered: None, tmp_path: Path, path: tuple[str, ...], kind: str
) -> None:
    import os
    import stat

    archive = tmp_path / "archive.csv"
    archive.write_text("id,certified,received\nA1,2024-07-01,2024-07-20\n", encoding="utf-8")
    args = [a.replace("{archive}", str(archive)) for a in RUNS[path]]
    target = tmp_path / f"out{SUFFIX.get(path, '.txt')}"
    if kind == "device":  # a character device like /dev/null, under a name the command takes
        try:
            os.mknod(target, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        except PermissionError:
            pytest.skip("making a device node needs root")
    else:
        os.mkfifo(target) if kind == "fifo" else target.mkdir()
    before = target.lstat()
    result = invoke(*path, *args, "-o", str(target), "--force")
    assert result.exit_code == 2, (result.stdout[:300], result.stderr)
    assert result.stderr.startswith(f"Error: Cannot write {target}"), result.stderr
    after = target.lstat()
    assert stat.S_IFMT(after.st_mode) == stat.S_IFMT(before.st_mode)
    assert after.st_ino == before.st_ino


@pytest.mark.parametrize("path", FOUND, ids=" ".join)
def test_force_replaces_a_symbolic_link_not_its_target(
    invoke: Any, answered: None, tmp_path: Path, path: tuple[str, ...]
) -> None:
    archive = tmp_path / "archive.csv"
    archive.write_text("id,certified,received\nA1,2024-07-01,2024-07-20\n", encoding="utf-8")
    args = [a.replace("{archive}", str(archive)) for a in RUNS[path]]
    kept = tmp_path / "kept.txt"
    kept.write_text("keep me", encoding="utf-8")
    link = tmp_path / f"link{SUFFIX.get(path, '.txt')}"
    link.symlink_to(kept)
    result = invoke(*path, *args, "-o", str(link), "--force")
    assert result.exit_code == 0, result.output
    assert not link.is_symlink() and link.read_bytes() != b"keep me"
    assert kept.read_text(encoding="utf-8") == "keep me"
