"""Hostile text in every stored field, then every listing, status, plan and report command.

Markup (``[/]``, ``[link=…]``), ANSI (``ESC[2J``), OSC (``ESC]0;…BEL``), BEL and
a C1 CSI are stored through every way text gets in: centre name, programme
title, cohort, learner, hold reason, disposal note, the acting user, CSV cells
and a consortium file. Each command must then end cleanly (no traceback, no
crash) with no raw control byte on stdout or stderr, and show the text rather
than obey it. Runs on SQLite, and on PostgreSQL with ``WBLQA_TEST_ENGINE``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from _aqd_helpers import CODES, complete_document, write_json
from wblqa_cli.cli import app

MARK = "Evil [/] [bold]b[/bold] [link=http://x]L[/link] E\x1b[2J\x1b[31mRED\x1b]0;t\x07\x9b1m\x7f"
# What the terminal must never receive: C0 but tab/newline, DEL, C1.
RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
TOML_MARK = "".join(f"\\u{ord(c):04x}" if RAW.match(c) or c in '"\\' else c for c in MARK)


def run(*args: str, user: str = "tester"):
    result = CliRunner().invoke(app, list(args), env={"WBLQA_USER": user}, catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        args,
        repr(result.exception),
    )
    assert result.exit_code in (0, 1), (args, result.exit_code, result.stdout, result.stderr)
    for stream in (result.stdout, result.stderr):
        found = RAW.search(stream)
        assert found is None, (args, repr(found.group()), stream[:2000])
    return result


def consortium_file(tmp: Path) -> Path:
    from wblqa_cli.consortium.template import TEMPLATE

    text = (
        TEMPLATE.replace('"North Vale BTEC Consortium"', f'"Consortium {TOML_MARK}"')
        .replace("unedited_template = true\n", "")
        .replace('"North Vale College"', f'"College {TOML_MARK}"')
        .replace('"Riverside School"', f'"School {TOML_MARK}"')
        .replace(
            '"Pearson BTEC Level 3 National Extended Certificate in Business"',
            f'"Title {TOML_MARK}"',
        )
    )
    path = tmp / "arrangement [bold]\x1b.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """A store where every free-text field holds markup, ANSI, OSC, BEL and C1."""
    run("centre", "add", "12345", "--name", f"Centre {MARK}")
    run("programme", "add", CODES[0], "--title", f"BTEC Business {MARK}",
        "--centre", "12345", "--dcs-expiry", "2025-12-01",
        "--expected-certification", "2026-07-15")  # fmt: skip
    run("retention", "add", "LW-1", "--programme", CODES[0], "--kind", "learner_work",
        "--cohort", f"cohort {MARK}", "--learner", f"learner {MARK}",
        "--certified", "2020-07-15", "--received", "2020-08-01", user=f"user {MARK}")  # fmt: skip
    run("retention", "add", "QA-1", "--programme", CODES[0], "--kind", "qa_documents",
        "--cohort", "c1", "--certified", "2020-07-15", "--received", "2020-08-01")  # fmt: skip
    run("retention", "hold", "QA-1", "--reason", f"appeal {MARK}", user=f"user {MARK}")
    csv = tmp_path / "records.csv"
    csv.write_text(
        "id,programme,kind,cohort,learner,certified,received\n"
        f'LW-2,{CODES[0]},learner_work,"csv {MARK}","csv {MARK}",2020-07-15,2020-08-01\n'
        f"LW-3,{CODES[0]},learner_work,c3,,2020-07-15,2020-08-01\n",
        encoding="utf-8",
    )
    run("retention", "import", str(csv))
    run("retention", "dispose", "LW-3", "--note", f"shredded {MARK}", user=f"user {MARK}")
    run("consortium", "import", str(consortium_file(tmp_path)))
    document = complete_document(codes=(CODES[0],))
    for answers in (document["centre"], *document["programmes"].values()):
        for key, value in answers.items():
            if value == "Nothing to add.":
                answers[key] = f"answer {MARK}"
    answers_file = write_json(tmp_path / "answers.json", document)
    run("aqd", "start", "--year", "2025-26", "--answers", str(answers_file), user=f"u {MARK}")
    return tmp_path


def test_every_view_shows_hostile_text_without_obeying_it(hostile: Path) -> None:
    arrangement = consortium_file(hostile)
    commands = [
        ("centre", "list"),
        ("centre", "show", "12345"),
        ("programme", "list"),
        ("retention", "list"),
        ("retention", "show", "LW-1"),
        ("retention", "show", "QA-1"),
        ("retention", "due", "--as-of", "2030-01-01"),
        ("status", "--as-of", "2025-11-03"),
        ("cycle", "plan", "--year", "2025-26", "--as-of", "2025-11-03"),
        ("aqd", "status", "--year", "2025-26"),
        ("aqd", "export", "--year", "2025-26"),
        ("audit",),
        ("consortium", "list"),
        ("consortium", "check", str(arrangement)),
        ("consortium", "check", str(arrangement), "--format", "junit"),
        ("consortium", "import", str(arrangement)),
        ("db", "check"),
    ]
    seen = ""
    for args in commands:
        seen += run(*args).stdout
        if args[0] not in ("db",) and "export" not in args and "junit" not in args:
            seen += run(*args, "--json").stdout if _has_json(args) else ""
    # The text is shown (escaped), not swallowed as markup.
    assert "Evil [/] [bold]b[/bold] [link=http://x]L[/link]" in seen
    assert "\\x1b[2J" in seen


def _has_json(args: tuple[str, ...]) -> bool:
    return args[:2] not in (("consortium", "check"), ("consortium", "import"))


def test_rendering_helpers_escape_markup_and_show_controls() -> None:
    from rich.console import Console

    from wblqa_cli import output

    t = output.table("A", "B")
    t.add_row(MARK, output.styled(f"[bold]{output.safe(MARK)}[/bold]"))
    console = output.console()
    with console.capture() as captured:
        console.print(t)
        console.print(f"[red]x[/red] {MARK}")  # unescaped value, broken markup: literal
    text = captured.get()
    assert RAW.search(text) is None
    assert "[/]" in text and "\\x1b]0;t\\x07" in text
    assert isinstance(console, Console)


def test_json_escapes_del_and_c1() -> None:
    from wblqa_cli.output import to_json

    assert RAW.search(to_json({"k": MARK})) is None
    assert "\\u009b" in to_json("\x9b")


def test_say_keeps_our_styles_and_shows_any_other_bracket(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from wblqa_cli.output import note, say

    say("[bold]Centre[/bold] [link=http://x]click[/link]")
    say("Broken [/] markup prints as it is")
    say(f"[red]x[/red] {MARK}")
    note(f"[yellow]y[/yellow] {MARK}")
    out, err = capsys.readouterr()
    assert out.startswith("Centre [link=http://x]click[/link]\nBroken [/] markup")
    assert RAW.search(out) is None and RAW.search(err) is None
    assert "\\x1b[2J" in out and "\\x1b[2J" in err


def test_an_output_path_with_brackets_prints_as_typed(invoke, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert invoke("centre", "add", "12345", "--name", "North Vale").exit_code == 0
    target = tmp_path / "plan [red]x[bold].xlsx"
    result = invoke("cycle", "plan", "--format", "xlsx", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert "plan [red]x[bold].xlsx" in result.output.replace("\n", "")
