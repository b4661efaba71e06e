"""The README's console examples, run and compared: a transcript test (in the spirit of prysk).

Every ```` ```console ```` block of README.md (not indented) is a transcript: ``$ wblqa …``
lines (a trailing ``\\`` continues one) are run, in order, against one store
that starts empty, in a folder holding the files of ``tests/readme/``, on a
fixed day (:data:`TODAY`, as if every command had ``--as-of``). What follows
a command, up to the next ``$``, is its expected output (stdout and stderr as
a terminal shows them, 100 columns wide). In expected output:

* a line ``…`` stands for any number of lines;
* a line ending in ``…`` matches any line that starts with the text before it.

An HTML comment before a block steers it (readers never see it):
``<!-- transcript: skip -->`` leaves the block unchecked (an interactive
session, a PostgreSQL server); ``<!-- transcript: cp SOURCE TARGET -->``
copies ``tests/readme/SOURCE`` over ``TARGET`` first (a file the reader fills
in by hand).

When output changes on purpose, regenerate the README with

    .venv/bin/python tests/readme_transcript.py --update

which rewrites the expected output of every command that no longer matches
(and only those) with what it prints now; re-add any ``…`` you want, and
review the diff.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
FILES = REPO / "tests" / "readme"
TODAY = date(2025, 10, 6)  # a Monday, eight days before the 2025-26 AQD deadline
WIDTH = 100
ELLIPSIS = "…"
_BLOCK = re.compile(
    r"^(?P<directives>(?:<!-- transcript: [^>]*-->\n)*)```console\n(?P<body>.*?)^```", re.S | re.M
)
_DIRECTIVE = re.compile(r"<!-- transcript: ([^>]*?) -->")


@dataclass
class Command:
    text: str  # as written, continuation lines included
    expected: list[str]
    line: int  # 1-based line of the README where the command starts
    actual: list[str] = field(default_factory=list)

    @property
    def argv(self) -> list[str]:
        return shlex.split(self.text.replace("\\\n", " "), comments=True)

    def matches(self) -> bool:
        return lines_match(self.expected, self.actual)


@dataclass
class Block:
    start: int  # offset of the body in the README text
    end: int
    directives: list[str]
    commands: list[Command]


def lines_match(expected: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` fits ``expected``, with ``…`` lines and ``…`` prefixes."""
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if head == ELLIPSIS:
        return any(lines_match(rest, actual[i:]) for i in range(len(actual) + 1))
    if not actual:
        return False
    if head.endswith(ELLIPSIS):
        fits = actual[0].startswith(head[: -len(ELLIPSIS)].rstrip())
    else:
        fits = actual[0].rstrip() == head.rstrip()
    return fits and lines_match(rest, actual[1:])


def parse(text: str) -> list[Block]:
    blocks: list[Block] = []
    for m in _BLOCK.finditer(text):
        directives = _DIRECTIVE.findall(m["directives"])
        body_start = m.start("body")
        first_line = text.count("\n", 0, body_start) + 1
        commands: list[Command] = []
        lines = m["body"].split("\n")[:-1]
        i = 0
        while i < len(lines):
            if not lines[i].startswith("$ "):
                raise ValueError(f"README.md line {first_line + i}: output before any command")
            start = i
            command = lines[i][2:]
            while command.endswith("\\") and i + 1 < len(lines):
                i += 1
                command += "\n" + lines[i]
            i += 1
            expected: list[str] = []
            while i < len(lines) and not lines[i].startswith("$ "):
                expected.append(lines[i])
                i += 1
            commands.append(Command(command, expected, first_line + start))
        blocks.append(Block(body_start, m.end("body"), directives, commands))
    return blocks


@contextmanager
def world() -> Iterator[Path]:
    """A folder with the README's files, an empty store, a fixed day and a fixed width."""
    import wblqa_cli.dates as dates

    saved_env = dict(os.environ)
    saved_today, saved_cwd = dates.today, Path.cwd()
    with tempfile.TemporaryDirectory(prefix="wblqa-readme-") as tmp:
        folder = Path(tmp)
        for f in FILES.iterdir():
            if f.is_file() and not f.name.startswith("_"):
                shutil.copy(f, folder / f.name)
        os.environ.update(
            {
                "WBLQA_DB": str(folder / "store" / "wblqa.db"),
                "WBLQA_USER": "qn",
                "COLUMNS": str(WIDTH),
                "NO_COLOR": "1",
                "TERM": "dumb",
            }
        )
        os.environ.pop("FORCE_COLOR", None)
        dates.today = lambda: TODAY
        os.chdir(folder)
        try:
            yield folder
        finally:
            os.chdir(saved_cwd)
            dates.today = saved_today
            os.environ.clear()
            os.environ.update(saved_env)


def run_all(text: str) -> list[Block]:
    """Run every checked block's commands in order; fills each command's ``actual``."""
    from typer.testing import CliRunner

    from wblqa_cli import rules
    from wblqa_cli.cli import app

    blocks = parse(text)
    runner = CliRunner()
    with world() as folder:
        rules.load.cache_clear()
        for block in blocks:
            if "skip" in block.directives:
                continue
            for directive in block.directives:
                verb, *args = directive.split()
                if verb == "cp":
                    shutil.copy(FILES / args[0], folder / args[1])
            for command in block.commands:
                argv = command.argv
                if argv[:1] != ["wblqa"]:
                    raise ValueError(f"README.md line {command.line}: not a wblqa command")
                result = runner.invoke(app, argv[1:], catch_exceptions=False)
                command.actual = result.output.rstrip("\n").split("\n") if result.output else []
    return blocks


def failures(blocks: list[Block]) -> list[Command]:
    return [c for b in blocks if "skip" not in b.directives for c in b.commands if not c.matches()]


def update(text: str, blocks: list[Block]) -> str:
    """The README with the output of every mismatching command replaced by what it printed."""
    out, at = [], 0
    for b in blocks:
        out.append(text[at : b.start])
        body: list[str] = []
        for c in b.commands:
            keep = "skip" in b.directives or c.matches()
            body += [f"$ {c.text}", *(c.expected if keep else [x.rstrip() for x in c.actual])]
        out.append("\n".join(body) + "\n")
        at = b.end
    out.append(text[at:])
    return "".join(out)


def report(failed: list[Command], show: Callable[[str], None]) -> None:
    for c in failed:
        show(f"README.md line {c.line}: $ {c.text}")
        show("  expected:")
        show("\n".join("    " + x for x in c.expected) or "    (nothing)")
        show("  got:")
        show("\n".join("    " + x for x in c.actual) or "    (nothing)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--update", action="store_true", help="rewrite mismatching outputs")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO / "src"))
    text = README.read_text(encoding="utf-8")
    blocks = run_all(text)
    failed = failures(blocks)
    if args.update:
        README.write_text(update(text, blocks), encoding="utf-8")
        print(f"Updated {len(failed)} command output(s) in {README}.")
        return 0
    report(failed, print)
    print(f"{len(failed)} of {sum(len(b.commands) for b in blocks)} commands differ.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
