"""`wblqa consortium …` through CliRunner: every command, and its error paths."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from consortium_helpers import fixture_path
from wblqa_cli.consortium.loader import parse_arrangement, read_arrangement_file
from wblqa_cli.consortium.rules import rules
from wblqa_cli.consortium.template import TEMPLATE

AS_OF = "2025-11-03"


def _variant(tmp_path: Path, model: str, old: str, new: str, name: str = "variant.toml") -> Path:
    text = fixture_path(model).read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


# ---------------------------------------------------------------------- init


def test_init_to_stdout_is_the_template(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke("consortium", "init")
    assert result.exit_code == 0, result.output
    assert result.stdout == TEMPLATE
    parse_arrangement(result.stdout, "stdout")


def test_init_writes_a_file_that_loads_but_never_passes_unedited(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "north-vale.toml"
    result = invoke("consortium", "init", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert f"wblqa consortium check {target}" in result.stderr
    checked = invoke("consortium", "check", str(target), "--as-of", AS_OF, "--json")
    assert checked.exit_code == 1, checked.output
    doc = json.loads(checked.stdout)
    failed = [r for r in doc["results"] if r["status"] == "fail"]
    assert [r["id"] for r in failed] == ["template.filled-in"]
    assert "delete the line `unedited_template = true`" in failed[0]["message"]
    assert failed[0]["source"] == "wblqa default" and failed[0]["default_reason"]
    # Once a person has filled it in and removed the marker, the sample itself is sound.
    edited = target.read_text(encoding="utf-8").replace("unedited_template = true\n", "")
    target.write_text(edited, encoding="utf-8")
    again = invoke("consortium", "check", str(target), "--as-of", AS_OF)
    assert again.exit_code == 0, again.output


def test_init_refuses_to_overwrite(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "mine.toml"
    target.write_text("keep me", encoding="utf-8")
    result = invoke("consortium", "init", "-o", str(target))
    assert result.exit_code == 2, result.output
    assert "already exists" in result.stderr
    assert target.read_text(encoding="utf-8") == "keep me"


# --------------------------------------------------------------------- check


@pytest.mark.parametrize("model", ["informal", "formal", "exceptional"])
def test_check_sound_file_exits_0(invoke, model: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke("consortium", "check", str(fixture_path(model)), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "meets every checked prerequisite: 0 failed" in result.stdout
    if model == "informal":
        assert "needs no application" in result.stdout
    else:
        assert "Latest date to apply: " in result.stdout


def test_check_failure_exits_1_with_failures_first(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _variant(
        tmp_path, "formal", "delivery_sites_declared = true", "delivery_sites_declared = false"
    )
    result = invoke("consortium", "check", str(path), "--as-of", AS_OF)
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert out.index("FAIL") < out.index("pass") < out.index("n/a")
    assert "needs action: 1 failed, 0 warnings, 0 waived" in out
    assert "Latest date to apply: 2025-07-28 (6 weeks before delivery starts on 2025-09-08)." in out


def test_check_json(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _variant(
        tmp_path, "formal", "delivery_sites_declared = true", "delivery_sites_declared = false"
    )
    result = invoke("consortium", "check", str(path), "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    assert doc["arrangement"] == "North Vale BTEC Consortium"
    assert doc["model"] == "formal"
    assert doc["as_of"] == AS_OF
    assert doc["apply_by"] == "2025-07-28"
    assert doc["summary"]["fail"] == 1
    assert [r["id"] for r in doc["results"] if r["status"] == "fail"] == [
        "sv.delivery-sites-declared"
    ]
    same = invoke("consortium", "check", str(path), "--as-of", AS_OF, "--json")
    assert json.loads(same.stdout) == doc


def test_check_junit_parses(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(
        "consortium", "check", str(fixture_path("informal")), "--as-of", AS_OF, "-f", "junit"
    )
    assert result.exit_code == 0, result.output
    root = ET.fromstring(result.stdout)
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == len(rules().checks)
    assert not root.findall(".//failure")
    props = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert props["apply_by"] == ""
    assert props["model"] == "informal"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        pytest.param(
            ["--format", "xml"],
            "'xml' (--format) is not one of table, json, junit",
            id="bad-format",
        ),
        pytest.param(
            ["--as-of", "31/02/2025"], "'31/02/2025' (--as-of) is not a valid date", id="bad-as-of"
        ),
    ],
)
def test_check_bad_options_exit_2(invoke, args: list[str], fragment: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke("consortium", "check", str(fixture_path("formal")), *args)
    assert result.exit_code == 2, result.output
    assert fragment in result.stderr
    assert result.stdout == ""


def test_check_bad_file_exits_2_naming_the_key(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = fixture_path("informal").read_text(encoding="utf-8")
    second = text.index("uk = true", text.index('name = "Hillside Academy"'))
    path = tmp_path / "north-vale.toml"
    path.write_text(text[:second] + "uk = 1" + text[second + len("uk = true") :], encoding="utf-8")
    result = invoke("consortium", "check", str(path), "--json")
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert (
        "[[organisations]] 2 (Hillside Academy), key 'uk': must be true or false, not 1."
        in result.stderr
    )
    assert "Traceback" not in result.output


def test_check_missing_file_exits_2(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = invoke("consortium", "check", str(tmp_path / "absent.toml"))
    assert result.exit_code == 2
    assert "absent.toml: no such file" in result.stderr


def test_check_waived_and_expired(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = (
        fixture_path("formal")
        .read_text(encoding="utf-8")
        .replace("delivery_sites_declared = true", "delivery_sites_declared = false")
    )
    waiver = (
        '\n[[waivers]]\ncheck = "sv.delivery-sites-declared"\nreason = "SV not yet allocated"\n'
        'approved_by = "Quality Nominee"\nexpires = 2025-12-01\n'
    )
    path = tmp_path / "waived.toml"
    path.write_text(text + waiver, encoding="utf-8")
    ok = invoke("consortium", "check", str(path), "--as-of", AS_OF, "--json")
    assert ok.exit_code == 0, ok.output
    doc = json.loads(ok.stdout)
    assert doc["summary"]["waived"] == 1
    late = invoke("consortium", "check", str(path), "--as-of", "2025-12-02", "--json")
    assert late.exit_code == 1
    statuses = {r["id"]: r["status"] for r in json.loads(late.stdout)["results"]}
    assert statuses["sv.delivery-sites-declared"] == "fail"
    assert statuses["waivers.in-date"] == "warn"


# -------------------------------------------------------------------- advise


def test_advise_without_flags_or_terminal_exits_2(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke("consortium", "advise")
    assert result.exit_code == 2, result.output
    assert "no terminal" in result.stderr
    assert "--sharing-only" in result.stderr


@pytest.mark.parametrize(
    ("flags", "model", "fragment"),
    [
        pytest.param(
            ["--sharing-only"],
            "informal",
            "own programme code",
            id="informal-sharing[What is a BTEC Collaborative arrangement]",
        ),
        pytest.param(
            ["--shared-assessment"],
            "formal",
            "Shared assessment",
            id="formal-shared-assessment[What is a BTEC Collaborative arrangement]",
        ),
        pytest.param(
            ["--partner-not-pearson-centre", "--shared-assessment"],
            "exceptional",
            "not a Pearson-approved centre",
            id="exceptional-wins[What is a BTEC Collaborative arrangement]",
        ),
        pytest.param(
            ["--tech-award-2022", "--partner-not-pearson-centre"],
            "gq",
            "general qualifications",
            id="tech-award-gq[Introduction]",
        ),
        pytest.param(
            ["--mixed-groups"],
            "formal",
            "consortium programme code",
            id="mixed-groups[Frequently asked questions]",
        ),
    ],
)
def test_advise_by_flags(invoke, flags: list[str], model: str, fragment: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke("consortium", "advise", *flags, "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["model"] == model
    assert fragment in json.dumps(doc)
    assert all(
        r["source"].startswith(("btec-collab-guide-1.1:", "pearson-support:"))
        for r in doc["reasons"]
    )
    human = invoke("consortium", "advise", *flags)
    assert human.exit_code == 0
    label = "general-qualification centre consortium" if model == "gq" else model
    assert f"Recommended: {label}" in human.stdout
    assert "Next steps" in human.stdout


def test_advise_registration_code_mixed_vs_separate(invoke) -> None:  # type: ignore[no-untyped-def]
    # btec-collab-guide-1.1: Frequently asked questions — which programme code.
    mixed = json.loads(invoke("consortium", "advise", "--mixed-groups", "--json").stdout)
    separate = json.loads(
        invoke("consortium", "advise", "--delivery-for-partners", "--json").stdout
    )
    assert "all registered on the consortium programme code" in mixed["registration"]
    assert "its own learners on its own programme code" in separate["registration"]


def test_advise_uk_funded_and_functional_skills_add_steps(invoke) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(
        invoke(
            "consortium", "advise", "--mixed-groups", "--uk-funded", "--functional-skills", "--json"
        ).stdout
    )
    steps = " ".join(doc["next_steps"])
    assert "public funding registers the learners" in steps
    assert "JCQ" in steps
    assert [r["reason"] for r in doc["reasons"]] == [
        q.reason for q in rules().questions if q.id == "mixed-groups"
    ]


def test_advise_sharing_only_conflicts(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke("consortium", "advise", "--sharing-only", "--mixed-groups")
    assert result.exit_code == 2
    assert "--sharing-only" in result.stderr


def test_advise_interactive_asks_every_question(invoke, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import questionary

    from wblqa_cli.consortium import cli as cmd

    asked: list[str] = []

    class Answer:
        def __init__(self, text: str) -> None:
            self.text = text

        def unsafe_ask(self) -> bool:
            return "not a Pearson-approved centre" in self.text

    def confirm(text: str, default: bool = False) -> Answer:
        asked.append(text)
        return Answer(text)

    monkeypatch.setattr(cmd, "require_tty", lambda *_: None)
    monkeypatch.setattr(questionary, "confirm", confirm)
    result = invoke("consortium", "advise", "--json")
    assert result.exit_code == 0, result.output
    assert asked == [q.question for q in rules().questions]
    assert json.loads(result.stdout)["model"] == "exceptional"


def test_every_advise_question_has_a_flag(invoke) -> None:  # type: ignore[no-untyped-def]
    help_text = invoke("consortium", "advise", "--help").stdout
    for q in rules().questions:
        assert f"--{q.id}" in help_text, q.id


# ------------------------------------------------------- import, list, show


def test_import_list_show(invoke) -> None:  # type: ignore[no-untyped-def]
    for model in ("formal", "exceptional"):
        result = invoke("consortium", "import", str(fixture_path(model)))
        assert result.exit_code == 0, result.output
        assert "Stored arrangement" in result.stdout
    again = invoke("consortium", "import", str(fixture_path("formal")))
    assert "Updated arrangement 'North Vale BTEC Consortium'" in again.stdout
    listed = json.loads(invoke("consortium", "list", "--json").stdout)
    assert [a["name"] for a in listed] == [
        "North Vale BTEC Consortium",
        "North Vale and Skills Hub",
    ]
    assert listed[0]["apply_by"] == "2025-07-28"
    assert listed[0]["qualifications"] == ["603/1234/5", "610/0001/1"]
    table = invoke("consortium", "list")
    assert "North Vale and Skills Hub" in table.stdout
    shown = invoke("consortium", "show", "North Vale BTEC Consortium", "--as-of", AS_OF, "--json")
    assert shown.exit_code == 0, shown.output
    file_check = invoke(
        "consortium", "check", str(fixture_path("formal")), "--as-of", AS_OF, "--json"
    )
    assert json.loads(shown.stdout) == json.loads(file_check.stdout)


def test_show_fails_like_check(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _variant(
        tmp_path, "formal", "delivery_sites_declared = true", "delivery_sites_declared = false"
    )
    assert invoke("consortium", "import", str(path)).exit_code == 0
    result = invoke("consortium", "show", "North Vale BTEC Consortium", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "FAIL" in result.stdout


def test_list_empty_and_show_unknown(invoke) -> None:  # type: ignore[no-untyped-def]
    assert "No arrangements stored" in invoke("consortium", "list").stdout
    assert json.loads(invoke("consortium", "list", "--json").stdout) == []
    result = invoke("consortium", "show", "Nowhere")
    assert result.exit_code == 2
    assert "No stored arrangement is named 'Nowhere'" in result.stderr


def test_import_bad_file_stores_nothing(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _variant(tmp_path, "formal", 'model = "formal"', 'model = "consortium"')
    result = invoke("consortium", "import", str(path))
    assert result.exit_code == 2
    assert "key 'model'" in result.stderr
    assert json.loads(invoke("consortium", "list", "--json").stdout) == []


def test_list_arrangements_for_the_calendar(invoke) -> None:  # type: ignore[no-untyped-def]
    from wblqa_cli.store import open_store
    from wblqa_cli.store.audit import entries
    from wblqa_cli.store.consortium import list_arrangements

    invoke("consortium", "import", str(fixture_path("exceptional")))
    store = open_store()
    try:
        arrangements = list_arrangements(store)
        assert arrangements == [read_arrangement_file(fixture_path("exceptional"))]
        assert [e.action for e in entries(store, entity="arrangement")] == ["consortium.import"]
    finally:
        store.close()


# ---------------------------------------------------------------------- diff


def test_diff_amendment(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    new = _variant(
        tmp_path,
        "formal",
        'name = "Riverside School"\ncentre_number = "23456"',
        'name = "Lakeside School"\ncentre_number = "45678"',
    )
    result = invoke("consortium", "diff", str(fixture_path("formal")), str(new), "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["needs"] == "amendment"
    assert {(ch["change"], ch["subject"]) for ch in doc["changes"]} == {
        ("centre-added", "Lakeside School"),
        ("centre-withdrawn", "Riverside School"),
    }
    human = invoke("consortium", "diff", str(fixture_path("formal")), str(new))
    assert "apply to Pearson to amend" in human.stdout


def test_diff_lead_handed_on_with_the_old_lead_staying_is_left_open(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # btec-collab-guide-1.1: Application — a new arrangement only when the lead withdraws
    # or closes; a hand-over with the old lead staying in is not decided by the guide.
    text = fixture_path("formal").read_text(encoding="utf-8")
    text = text.replace("lead = true\n", "", 1).replace(
        'centre_number = "23456"\n', 'centre_number = "23456"\nlead = true\n'
    )
    new = tmp_path / "new-lead.toml"
    new.write_text(text, encoding="utf-8")
    doc = json.loads(
        invoke("consortium", "diff", str(fixture_path("formal")), str(new), "--json").stdout
    )
    assert doc["needs"] == "ask-pearson"
    assert [ch["change"] for ch in doc["changes"]] == ["lead-changed"]
    detail = doc["changes"][0]["detail"]
    assert "North Vale College stays in" in detail
    assert "does not say" in detail
    human = invoke("consortium", "diff", str(fixture_path("formal")), str(new))
    assert "leaves open" in human.stdout


def test_diff_qualification_withdrawn_and_unchanged(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = fixture_path("formal").read_text(encoding="utf-8")
    new = tmp_path / "fewer.toml"
    new.write_text(text.split('[[qualifications]]\ncode = "610/0001/1"')[0], encoding="utf-8")
    doc = json.loads(
        invoke("consortium", "diff", str(fixture_path("formal")), str(new), "--json").stdout
    )
    assert doc["needs"] == "amendment"
    assert [(ch["change"], ch["subject"]) for ch in doc["changes"]] == [
        ("qualification-withdrawn", "610/0001/1")
    ]
    same = invoke("consortium", "diff", str(fixture_path("formal")), str(fixture_path("formal")))
    assert same.exit_code == 0
    assert "No changes." in same.stdout


def test_diff_dates_need_nothing(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    new = _variant(tmp_path, "formal", "delivery_start = 2025-09-08", "delivery_start = 2025-09-15")
    doc = json.loads(
        invoke("consortium", "diff", str(fixture_path("formal")), str(new), "--json").stdout
    )
    assert doc["needs"] == "none"
    assert doc["changes"][0]["change"] == "arrangement-updated"


def test_diff_bad_file_exits_2(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = invoke("consortium", "diff", str(fixture_path("formal")), str(tmp_path / "none.toml"))
    assert result.exit_code == 2
    assert "no such file" in result.stderr
