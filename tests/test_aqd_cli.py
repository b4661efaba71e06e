"""``wblqa aqd`` commands through CliRunner, every error path included."""

from __future__ import annotations

import csv
import io
import json
import stat
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from _aqd_helpers import CODES, complete_document, register, write_json
from wblqa_cli.aqd.bank import load_bank

BANK = load_bank()
YEAR = "2025-26"


@pytest.fixture
def registered(invoke: Any) -> None:
    register(invoke)


def start_file(invoke: Any, path: Path, *extra: str) -> Any:
    return invoke("aqd", "start", "--year", YEAR, "--answers", str(path), *extra)


def status(invoke: Any, *extra: str) -> dict[str, Any]:
    result = invoke("aqd", "status", "--year", YEAR, "--json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def audit_actions(db_path: Path, entity: str = "aqd") -> list[tuple[str, str, dict[str, Any]]]:
    from wblqa_cli.store import audit, open_store

    s = open_store(str(db_path))
    try:
        return [(e.action, e.summary, e.details) for e in audit.entries(s, entity=entity)]
    finally:
        s.close()


def assert_nothing_saved(invoke: Any, db_path: Path) -> None:
    doc = status(invoke)
    assert doc["status"] == "not started"
    assert all(s["answers"] == {} for s in doc["scopes"])
    assert audit_actions(db_path) == []


# ---------------------------------------------------------------- questions


def test_questions_json_lists_the_bank(invoke: Any) -> None:
    result = invoke("aqd", "questions", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert len(doc) == len(BANK.questions)
    keys = {"id", "section", "scope", "type", "question", "choices", "required", "source", "help"}
    assert keys <= set(doc[0])
    kinds = {q["id"]: q for q in doc}
    assert kinds["programme.collaboration.type"]["choices"] == [
        "none",
        "informal",
        "formal",
        "exceptional",
    ]
    assert kinds["terms.accept"]["choices"] is None


def test_questions_human(invoke: Any) -> None:
    result = invoke("aqd", "questions")
    assert result.exit_code == 0, result.output
    assert "terms.accept" in result.stdout and "Centre declarations" in result.stdout


# ---------------------------------------------------------------- template


@pytest.mark.parametrize("suffix", [".toml", ".json", ".yaml"])
def test_template_writes_a_fillable_file(
    invoke: Any, registered: None, tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / f"answers{suffix}"
    result = invoke("aqd", "template", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = out.read_text()
    doc = (
        tomllib.loads(text)
        if suffix == ".toml"
        else json.loads(text)
        if suffix == ".json"
        else yaml.safe_load(text)
    )
    assert set(doc["programmes"]) == set(CODES)
    # The blank template is itself a valid (empty) answers file.
    result = start_file(invoke, out)
    assert result.exit_code == 0, result.output
    assert "Read 0 answers" in result.stdout


def test_template_refuses_to_overwrite(invoke: Any, tmp_path: Path) -> None:
    out = tmp_path / "a.toml"
    out.write_text("keep me")
    result = invoke("aqd", "template", "-o", str(out))
    assert result.exit_code == 2
    assert "already exists" in result.stderr
    assert out.read_text() == "keep me"


def test_template_refuses_unknown_suffix(invoke: Any, tmp_path: Path) -> None:
    result = invoke("aqd", "template", "-o", str(tmp_path / "a.txt"))
    assert result.exit_code == 2
    assert ".toml" in result.stderr


# ------------------------------------------------------------ answers file


def test_answers_file_completes_the_declaration(
    invoke: Any, registered: None, tmp_path: Path, db_path: Path
) -> None:
    path = write_json(tmp_path / "a.json", complete_document())
    result = start_file(invoke, path)
    assert result.exit_code == 0, result.output
    doc = status(invoke)
    assert doc["complete"] is True and doc["status"] == "open"
    actions = [a for a, _, _ in audit_actions(db_path)]
    assert actions[0] == "aqd.start"
    # Answers that are programme facts are logged as changes of the programme's facts.
    programme_log = audit_actions(db_path, "programme")
    facts = [a for a, _, _ in programme_log if a == "programme.fact"]
    answered = sum(len(s["answers"]) for s in doc["scopes"])
    assert actions.count("aqd.answer") + len(facts) == answered and facts
    # The same file again changes nothing and logs nothing new.
    again = start_file(invoke, path)
    assert "0 saved" in again.stdout
    assert len(audit_actions(db_path)) == len(actions)
    assert len(audit_actions(db_path, "programme")) == len(programme_log)


def test_answers_toml_with_native_dates_and_comments(
    invoke: Any, registered: None, tmp_path: Path
) -> None:
    path = tmp_path / "a.toml"
    path.write_text(
        '[programmes."603/1234/5"]\n'
        '"programme.dcs.held" = true\n'
        '"programme.dcs.expiry" = { answer = 2026-03-31, comment = "LSV told" }\n'
    )
    result = start_file(invoke, path)
    assert result.exit_code == 0, result.output
    scope = next(s for s in status(invoke)["scopes"] if s["programme"] == "603/1234/5")
    assert scope["answers"]["programme.dcs.expiry"] == "2026-03-31"


def test_answers_yaml(invoke: Any, registered: None, tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump(complete_document()))
    result = start_file(invoke, path)
    assert result.exit_code == 0, result.output
    assert status(invoke)["complete"] is True


BAD_FILES = [
    ("unknown id", ".json", {"centre": {"centre.no-such": True}}, ["centre.no-such"]),
    ("unknown code", ".json", {"programmes": {"999/9999/9": {}}}, ["999/9999/9"]),
    (
        "bad yes-no",
        ".json",
        {"centre": {"centre.wbl-group.selected": "perhaps"}},
        ["centre.wbl-group.selected", "'perhaps'"],
    ),
    (
        "bad date",
        ".json",
        {"programmes": {"603/1234/5": {"programme.assessment.first-date": "31/02/2025"}}},
        ["programmes.603/1234/5.programme.assessment.first-date", "31/02/2025"],
    ),
    (
        "bad choice",
        ".json",
        {"programmes": {"603/1234/5": {"programme.delivery.mode": "by post"}}},
        ["programme.delivery.mode", "'by post'"],
    ),
    ("wrong shape", ".json", ["centre"], ["expected a table"]),
    ("wrong shape nested", ".json", {"programmes": {"603/1234/5": [1]}}, ["603/1234/5"]),
    ("malformed TOML", ".toml", "[centre\n", ["not valid TOML"]),
    ("malformed JSON", ".json", '{"centre": {', ["line 1", "not valid JSON"]),
    ("malformed YAML", ".yaml", "centre: [1, 2\n", ["line", "not valid YAML"]),
    ("unsupported suffix", ".txt", "centre = 1", [".toml, .json or .yaml"]),
]


@pytest.mark.parametrize(
    ("suffix", "content", "fragments"),
    [case[1:] for case in BAD_FILES],
    ids=[case[0] for case in BAD_FILES],
)
def test_invalid_answers_file_saves_nothing(
    invoke: Any,
    registered: None,
    tmp_path: Path,
    db_path: Path,
    suffix: str,
    content: Any,
    fragments: list[str],
) -> None:
    path = tmp_path / f"answers{suffix}"
    if isinstance(content, str):
        path.write_text(content)
    else:
        # A valid first part, so that "nothing saved" means something.
        if isinstance(content, dict):
            good = complete_document()
            content = {
                "centre": {**good["centre"], **content.get("centre", {})},
                "programmes": {**good["programmes"], **content.get("programmes", {})},
            }
        write_json(path, content)
    result = start_file(invoke, path)
    assert result.exit_code == 2, result.output
    assert str(path) in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr
    assert "Traceback" not in result.output
    assert_nothing_saved(invoke, db_path)


def test_missing_answers_file(invoke: Any, registered: None, tmp_path: Path) -> None:
    result = start_file(invoke, tmp_path / "none.toml")
    assert result.exit_code == 2
    assert "no such file" in result.stderr


# ---------------------------------------------------------------- no terminal


def test_start_without_terminal_or_answers_exits_2(invoke: Any, registered: None) -> None:
    result = invoke("aqd", "start", "--year", YEAR)
    assert result.exit_code == 2, result.output
    assert "--answers" in result.stderr
    assert "no terminal" in result.stderr


def test_start_unknown_programme(invoke: Any, registered: None, tmp_path: Path) -> None:
    path = write_json(tmp_path / "a.json", {})
    result = start_file(invoke, path, "--programme", "NOPE")
    assert result.exit_code == 2
    assert "'NOPE'" in result.stderr and "--programme" in result.stderr


def test_start_without_centre(invoke: Any, tmp_path: Path) -> None:
    path = write_json(tmp_path / "a.json", {})
    result = start_file(invoke, path)
    assert result.exit_code == 2
    assert "centre add" in result.stderr


# ------------------------------------------------------------------ status


def test_status_reports_missing_flags_and_deadline(
    invoke: Any, registered: None, tmp_path: Path
) -> None:
    doc = complete_document(skip=("programme.liv.appointed",))
    doc["centre"]["centre.policies.contingency"] = False
    assert start_file(invoke, write_json(tmp_path / "a.json", doc)).exit_code == 0
    out = status(invoke, "--as-of", "2025-10-01")
    assert out["complete"] is False
    assert out["deadline"]["deadline"] == "2025-10-14"
    assert out["deadline"]["days_left"] == 13
    scopes = {s["programme"]: s for s in out["scopes"]}
    assert scopes[None]["flagged"][0]["question_id"] == "centre.policies.contingency"
    for code in CODES:
        assert scopes[code]["missing"] == ["programme.liv.appointed"]
        assert scopes[code]["title"]
    human = invoke("aqd", "status", "--year", YEAR, "--as-of", "2025-10-01")
    assert human.exit_code == 0, human.output
    assert "13 days left" in human.stdout
    assert "programme.liv.appointed" in human.stdout
    assert "Flagged for action (1)" in human.stdout


def test_status_notes_a_weekend_deadline(invoke: Any, registered: None) -> None:
    # pearson-support:Quality-Assurance-Annual-Quality-Declaration — 14 October is fixed
    weekend_year = next(y for y in range(2025, 2040) if date(y, 10, 14).weekday() >= 5)
    label = f"{weekend_year}-{(weekend_year + 1) % 100:02d}"
    result = invoke("aqd", "status", "--year", label, "--json")
    doc = json.loads(result.stdout)
    assert doc["deadline"]["weekend"] is True
    assert "working day" in doc["deadline"]["note"] or "prefer" in doc["deadline"]["note"]
    human = invoke("aqd", "status", "--year", label)
    assert "prefer to submit" in human.stdout


# ---------------------------------------------------------- submit / reopen


def test_submit_incomplete_exits_1_listing_missing(
    invoke: Any, registered: None, tmp_path: Path, db_path: Path
) -> None:
    doc = complete_document(skip=("terms.accept",))
    assert start_file(invoke, write_json(tmp_path / "a.json", doc)).exit_code == 0
    result = invoke("aqd", "submit", "--year", YEAR)
    assert result.exit_code == 1, result.output
    assert "terms.accept" in result.stdout
    assert "1 unanswered" in result.stderr
    assert status(invoke)["status"] == "open"
    assert "aqd.submit" not in [a for a, _, _ in audit_actions(db_path)]


def test_submit_without_declaration(invoke: Any, registered: None) -> None:
    result = invoke("aqd", "submit", "--year", YEAR)
    assert result.exit_code == 2
    assert "no declaration" in result.stderr


def test_submit_needs_a_programme(invoke: Any, centre: str, tmp_path: Path) -> None:
    doc = complete_document(codes=())
    assert start_file(invoke, write_json(tmp_path / "a.json", doc)).exit_code == 0
    result = invoke("aqd", "submit", "--year", YEAR)
    assert result.exit_code == 1
    assert "no programmes" in result.stderr


def test_submit_lock_reopen_cycle_is_audited(
    invoke: Any, registered: None, tmp_path: Path, db_path: Path
) -> None:
    path = write_json(tmp_path / "a.json", complete_document())
    assert start_file(invoke, path).exit_code == 0
    result = invoke("aqd", "submit", "--year", YEAR)
    assert result.exit_code == 0, result.output
    assert status(invoke)["status"] == "submitted"
    # Locked: an answer change is refused with exit 1 and a pointer to reopen.
    change = write_json(tmp_path / "b.json", {"centre": {"terms.comments": "late note"}})
    refused = start_file(invoke, change)
    assert refused.exit_code == 1, refused.output
    assert "aqd reopen" in refused.stderr
    again = invoke("aqd", "submit", "--year", YEAR)
    assert again.exit_code == 1
    reopened = invoke("aqd", "reopen", "--year", YEAR, "--reason", "Head of Centre asked")
    assert reopened.exit_code == 0, reopened.output
    assert status(invoke)["status"] == "open"
    assert start_file(invoke, change).exit_code == 0
    actions = audit_actions(db_path)
    names = [a for a, _, _ in actions]
    assert names.count("aqd.submit") == 1
    reopen = next(x for x in actions if x[0] == "aqd.reopen")
    assert reopen[2] == {"reason": "Head of Centre asked"}
    last = actions[-1]
    assert last[0] == "aqd.answer" and last[2]["question"] == "terms.comments"


def test_reopen_an_open_declaration(invoke: Any, registered: None, tmp_path: Path) -> None:
    assert start_file(invoke, write_json(tmp_path / "a.json", {})).exit_code == 0
    result = invoke("aqd", "reopen", "--year", YEAR, "--reason", "why")
    assert result.exit_code == 2
    assert "not submitted" in result.stderr


def test_reopen_needs_a_reason(invoke: Any, registered: None) -> None:
    result = invoke("aqd", "reopen", "--year", YEAR, "--reason", "  ")
    assert result.exit_code == 2


# ------------------------------------------------------------------ export


@pytest.fixture
def answered(invoke: Any, registered: None, tmp_path: Path) -> dict[str, Any]:
    doc = complete_document()
    doc["centre"]["terms.comments"] = {
        "answer": '=HYPERLINK("http://evil","x")',
        "comment": "@SUM(A1:A9)",
    }
    assert start_file(invoke, write_json(tmp_path / "a.json", doc)).exit_code == 0
    return doc


def test_export_csv_neutralises_formulas(invoke: Any, answered: dict[str, Any]) -> None:
    result = invoke("aqd", "export", "--year", YEAR)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    expected = len(answered["centre"]) + sum(len(p) for p in answered["programmes"].values())
    assert len(rows) == expected
    assert list(rows[0])[:10] == [
        "academic_year",
        "centre_number",
        "programme_code",
        "programme_title",
        "section",
        "question_id",
        "question",
        "answer",
        "comment",
        "answered_at",
    ]
    comment = next(r for r in rows if r["question_id"] == "terms.comments")
    assert comment["answer"] == '\'=HYPERLINK("http://evil","x")'
    assert comment["comment"] == "'@SUM(A1:A9)"
    first = rows[0]
    assert (first["academic_year"], first["centre_number"], first["programme_code"]) == (
        YEAR,
        "12345",
        "",
    )
    assert (first["answer"], first["flagged"]) == ("yes", "no")
    programme_rows = [r for r in rows if r["programme_code"] == "603/1234/5"]
    assert programme_rows[0]["programme_title"].startswith("Pearson BTEC Level 3")


def test_export_json_to_file_mode_0600(
    invoke: Any, answered: dict[str, Any], tmp_path: Path
) -> None:
    out = tmp_path / "aqd.json"
    result = invoke("aqd", "export", "--year", YEAR, "--format", "json", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    rows = json.loads(out.read_text())
    assert rows[0]["answer"] is True
    assert any(r["answer"] == "2025-10-01" for r in rows)
    again = invoke("aqd", "export", "--year", YEAR, "-o", str(out))
    assert again.exit_code == 2 and "--force" in again.stderr
    forced = invoke("aqd", "export", "--year", YEAR, "-o", str(out), "--force")
    assert forced.exit_code == 0
    assert out.read_text().startswith("academic_year,")


def test_export_bad_format(invoke: Any, answered: dict[str, Any]) -> None:
    result = invoke("aqd", "export", "--year", YEAR, "--format", "ods")
    assert result.exit_code == 2
    assert "'ods'" in result.stderr


def test_export_without_declaration(invoke: Any, registered: None) -> None:
    result = invoke("aqd", "export", "--year", YEAR)
    assert result.exit_code == 2
    assert "no declaration" in result.stderr


# ---------------------------------------------------------------- deadline


def test_deadline_show_and_set(invoke: Any, db_path: Path) -> None:
    shown = invoke("aqd", "deadline", "--year", "2024-25", "--json")
    assert json.loads(shown.stdout)["deadline"] == "2024-10-14"
    assert json.loads(shown.stdout)["origin"] == "data"
    result = invoke("aqd", "deadline", "--year", "2030-31", "10/10/2030")
    assert result.exit_code == 0, result.output
    doc = json.loads(invoke("aqd", "deadline", "--year", "2030-31", "--json").stdout)
    assert (doc["deadline"], doc["origin"]) == ("2030-10-10", "user")
    assert audit_actions(db_path)[-1][0] == "aqd.deadline"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("--year", "2024-25", "2024-10-20"), "already states"),
        (("--year", "2030-31", "2029-10-10"), "not in the academic year"),
        (("--year", "2030-31", "31/02/2031"), "31/02/2031"),
        (("--year", "2030", "2030-10-10"), "not an academic year"),
    ],
)
def test_deadline_errors(invoke: Any, args: tuple[str, ...], fragment: str) -> None:
    result = invoke("aqd", "deadline", *args)
    assert result.exit_code == 2, result.output
    assert fragment in result.stderr


def test_every_aqd_command_has_help(invoke: Any) -> None:
    from wblqa_cli.aqd.cli import app

    names = [c.name for c in app.registered_commands]
    assert set(names) >= {"questions", "template", "start", "status", "submit", "reopen",
                          "export", "deadline"}  # fmt: skip
    for name in names:
        result = invoke("aqd", name or "", "--help")
        assert result.exit_code == 0
        assert len(result.stdout) > 100


def test_start_in_a_real_process_without_terminal_exits_2(
    invoke: Any, registered: None, db_path: Path
) -> None:
    import os
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-m", "wblqa_cli", "--db", str(db_path), "aqd", "start"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(repo / "src")},
    )
    assert done.returncode == 2, done.stderr
    assert "--answers" in done.stderr
    assert "Traceback" not in done.stderr and "OSError" not in done.stderr
