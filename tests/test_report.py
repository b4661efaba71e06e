"""`wblqa report`: the visit pack parses strictly, escapes, references nothing, and agrees
with the JSON views on the same store."""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import html5lib
import pytest

from _aqd_helpers import complete_document, write_json
from wblqa_cli.aqd.bank import load_bank

DATA = Path(__file__).resolve().parent / "data" / "consortium"
AS_OF = "2025-10-06"
SVG = "{http://www.w3.org/2000/svg}"
HOSTILE_TITLE = '<script>alert("x")</script> & Care'
HOSTILE_REASON = "Appeal <img src=x onerror=alert(1)> pending"
HOSTILE_COMMENT = "Agreed </td></tr></table><b>bold</b>\x1b[2J; owner QN"
HOSTILE_ARRANGEMENT = "Vale </style><script>x()</script> Consortium"
CODES = ("603/0001/1", "603/1234/5", "603/9999/9")


def ok(invoke: Any, *args: str) -> Any:
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return result


def _answers(tmp_path: Path) -> Path:
    """Every question answered, two centre answers and one programme answer flagged."""
    bank = load_bank()
    doc = complete_document(CODES)
    flipped = 0
    for q in bank.of_scope("centre"):
        if q.type == "yes-no" and q.expect is not None and q.id in doc["centre"] and flipped < 2:
            doc["centre"][q.id] = {"answer": not q.expect, "comment": HOSTILE_COMMENT}
            flipped += 1
    programme = doc["programmes"]["603/1234/5"]
    q = next(
        q
        for q in bank.of_scope("programme")
        if q.type == "yes-no" and q.expect is not None and q.id in programme
    )
    programme[q.id] = {"answer": not q.expect, "comment": "SV sampling moved to spring"}
    for key in list(doc["programmes"]["603/9999/9"])[:3]:
        del doc["programmes"]["603/9999/9"][key]
    return write_json(tmp_path / "answers.json", doc)


def _arrangement(tmp_path: Path) -> Path:
    """The sound formal arrangement, renamed hostilely, with its LIV never appointed."""
    text = (DATA / "formal.toml").read_text(encoding="utf-8")
    text = text.replace(
        'name = "North Vale BTEC Consortium"', f"name = {json.dumps(HOSTILE_ARRANGEMENT)}"
    )
    text = re.sub(r"(?m)^liv_appointed = .*$", "", text)
    path = tmp_path / "arrangement.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def full_store(invoke, tmp_path: Path) -> None:
    ok(invoke, "centre", "add", "12345", "--name", 'North Vale "College" </style>')
    ba = "Pearson BTEC Level 2 Diploma in Business Administration"
    ok(invoke, "programme", "add", CODES[0], "--title", ba, "--dcs-expiry", "2025-09-30")
    ok(invoke, "programme", "add", CODES[1], "--title", "Pearson BTEC Level 3 Diploma in Security",
       "--sector", "security", "--dcs-expiry", "2025-11-01")  # fmt: skip
    ok(invoke, "programme", "add", CODES[2], "--title", HOSTILE_TITLE)
    for ref, code, received in (
        ("LW1", CODES[0], "2025-06-01"),
        ("LW2", CODES[0], None),
        ("LW3", CODES[1], "2025-09-01"),
        ("LW4", CODES[1], "2025-09-01"),
        ("LW5", CODES[1], "2025-12-01"),
    ):
        extra = ["--received", received] if received else []
        ok(invoke, "retention", "add", ref, "--programme", code, "--kind", "learner_work",
           "--cohort", "2025-26", *extra)  # fmt: skip
    ok(invoke, "retention", "hold", "LW3", "--reason", HOSTILE_REASON)
    ok(invoke, "consortium", "import", str(_arrangement(tmp_path)))
    ok(invoke, "aqd", "start", "--year", "2025-26", "--answers", str(_answers(tmp_path)))


def _pack(invoke, tmp_path: Path, *extra: str) -> tuple[str, Element]:
    out = tmp_path / "pack.html"
    result = invoke("report", "--year", "2025-26", "--as-of", AS_OF, "-o", str(out), *extra)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    return text, parse(text)


def parse(text: str) -> Element:
    """A strict HTML5 parse: any parse error fails the test."""
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(text)


def section(root: Element, ident: str) -> Element:
    found = root.find(f".//section[@id='{ident}']")
    assert found is not None, ident
    return found


def text_of(element: Element) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def rows(table: Element) -> list[list[str]]:
    return [[text_of(c) for c in tr if c.tag in ("td", "th")] for tr in table.iter("tr")][1:]


def json_of(invoke, *args: str) -> Any:
    return json.loads(ok(invoke, *args).stdout)


# -- the file itself ---------------------------------------------------------------------


def test_report_writes_a_private_strictly_valid_document(invoke, full_store, tmp_path) -> None:
    text, root = _pack(invoke, tmp_path)
    assert stat.S_IMODE((tmp_path / "pack.html").stat().st_mode) == 0o600
    assert text.startswith("<!DOCTYPE html>")
    ids = [s.get("id") for s in root.iter("section")]
    assert ids == ["cover", "actions", "aqd", "cycle", "consortium", "retention", "sources"]
    assert not list(tmp_path.glob(".pack.html.*"))  # no temporary file left behind


def test_every_stored_string_is_escaped(invoke, full_store, tmp_path) -> None:
    text, root = _pack(invoke, tmp_path)
    assert not list(root.iter("script")) and not list(root.iter("img"))
    assert not list(root.iter("b"))
    assert "<script>" not in text and "<img" not in text
    assert len(root.findall(".//style")) == 1  # the centre's "</style>" did not close it
    body = text_of(root)
    assert HOSTILE_TITLE in body
    assert HOSTILE_REASON in body
    assert HOSTILE_ARRANGEMENT in body
    assert "Agreed </td></tr></table><b>bold</b>[2J; owner QN" in body  # ESC removed
    assert "\x1b" not in text
    # The hostile title also labels a chart bar: escaped there too, as SVG text.
    labels = [text_of(t) for t in root.iter(f"{SVG}text")]
    assert any(label.startswith('603/9999/9 <script>alert("x")') for label in labels)


def test_nothing_external_is_referenced(invoke, full_store, tmp_path) -> None:
    text, root = _pack(invoke, tmp_path)
    banned = {"script", "link", "img", "iframe", "object", "embed", "video", "audio", "source"}
    assert not [e.tag for e in root.iter() if e.tag in banned]
    for e in root.iter():
        for name, value in e.attrib.items():
            assert not name.endswith("src"), (e.tag, name, value)
            if name.endswith("href"):
                assert value.startswith("#"), (e.tag, value)
    style = "".join(s.text or "" for s in root.iter("style"))
    assert "url(" not in style and "@import" not in style and "@font-face" not in style
    assert not re.search(r"(?i)\b(https?:)?//(?!www\.w3\.org/2000/svg)", text)


def test_three_charts_with_text_equivalents(invoke, full_store, tmp_path) -> None:
    _, root = _pack(invoke, tmp_path)
    figures = list(root.iter("figure"))
    assert len(figures) == 3  # AQD progress (one centre), key dates, disposals per month
    for figure in figures:
        svg = figure.find(f"{SVG}svg")
        assert svg is not None and svg.get("role") == "img" and svg.get("aria-label")
        assert svg.find(f"{SVG}title") is not None
        assert figure.find("figcaption") is not None


# -- agreement with the JSON views --------------------------------------------------------


def test_actions_agree_with_status_json(invoke, full_store, tmp_path) -> None:
    _, root = _pack(invoke, tmp_path)
    doc = json_of(invoke, "status", "--year", "2025-26", "--as-of", AS_OF, "--json")
    table = section(root, "actions").find(".//table")
    assert table is not None
    shown = rows(table)
    assert [r[2] for r in shown] == [a["message"] for a in doc["actions"]]
    assert [r[1] for r in shown] == [a["area"] for a in doc["actions"]]
    s = doc["summary"]
    assert f"{s['overdue']} overdue, {s['now']} to act on now, {s['soon']} soon" in text_of(
        section(root, "actions")
    )


def test_aqd_agrees_with_aqd_status_json(invoke, full_store, tmp_path) -> None:
    _, root = _pack(invoke, tmp_path)
    doc = json_of(invoke, "aqd", "status", "--year", "2025-26", "--as-of", AS_OF, "--json")
    tables = section(root, "aqd").findall(".//table")
    progress = rows(tables[0])
    assert [(r[0], int(r[2]), int(r[3]), int(r[4]), int(r[5])) for r in progress] == [
        (
            sc["programme"] or "Centre",
            sc["answered"],
            sc["applicable"],
            len(sc["missing"]),
            len(sc["flagged"]),
        )
        for sc in doc["scopes"]
    ]
    flagged = rows(tables[1])
    expected = [(sc["programme"] or "Centre", f) for sc in doc["scopes"] for f in sc["flagged"]]
    assert len(flagged) == len(expected) == 3
    for row, (scope, f) in zip(flagged, expected, strict=True):
        assert row[0] == scope and f["question_id"] in row[1] and f["question"] in row[1]
        assert row[2] == {True: "yes", False: "no"}[f["answer"]]  # all yes-no questions
    assert "SV sampling moved to spring" in flagged[2][3]
    assert "Status: open; not submitted." in text_of(section(root, "aqd"))
    assert "Deadline 14 October 2025 (8 days left)" in text_of(section(root, "aqd"))


def test_cycle_agrees_with_cycle_plan_json(invoke, full_store, tmp_path) -> None:
    _, root = _pack(invoke, tmp_path)
    doc = json_of(invoke, "cycle", "plan", "--year", "2025-26", "--as-of", AS_OF, "--json")
    tables = section(root, "cycle").findall(".//table")
    programmes, key_dates = rows(tables[0]), rows(tables[1])
    assert len(programmes) == len(doc["programmes"]) == 3
    for row, p in zip(programmes, doc["programmes"], strict=True):
        assert row[0].startswith(p["code"]) and p["title"] in row[0]
        assert row[2] == ("in" if p["in_lsv_scope"] else "out")
        assert int(row[3]) == p["min_standards_verification"]
        # The reason is said once, in the numbered note the row refers to.
        note = root.find(f".//li[@id='why-{row[4].removeprefix('note ')}']")
        assert note is not None and p["reason"] in text_of(note) and p["source"] in text_of(note)
    notes = section(root, "cycle").findall(".//ol[@class='notes']/li")
    assert len(notes) == len({(p["reason"], p["source"]) for p in doc["programmes"]})
    assert "(expired)" in programmes[0][5] and "(expiring)" in programmes[1][5]
    assert [r[2] for r in key_dates] == [k["source"] for k in doc["key_dates"]]
    assert all(k["what"] in r[1] for r, k in zip(key_dates, doc["key_dates"], strict=True))
    circles = list(section(root, "cycle").iter(f"{SVG}circle"))
    bars = [r for r in section(root, "cycle").iter(f"{SVG}rect") if r.get("height") == "10"]
    assert len(circles) + len(bars) == len(doc["key_dates"])  # one mark per key date


def test_consortium_agrees_with_consortium_show_json(invoke, full_store, tmp_path) -> None:
    _, root = _pack(invoke, tmp_path)
    result = invoke("consortium", "show", HOSTILE_ARRANGEMENT, "--as-of", AS_OF, "--json")
    doc = json.loads(result.stdout)
    part = section(root, "consortium")
    s = doc["summary"]
    assert (
        f"{s['fail']} failed, {s['warn']} warnings, {s['waived']} waived, {s['pass']} passed"
        in text_of(part)
    )
    open_checks = [r for r in doc["results"] if r["status"] in ("fail", "warn", "waived")]
    assert open_checks, "the fixture's arrangement should have something to act on"
    shown = rows(part.find(".//table"))  # type: ignore[arg-type]
    assert [(r[1], r[2], r[3]) for r in shown] == [
        (c["status"], c["message"], c["source"]) for c in open_checks
    ]


def test_retention_agrees_with_status_and_list_json(invoke, full_store, tmp_path) -> None:
    _, root = _pack(invoke, tmp_path)
    status = json_of(invoke, "status", "--year", "2025-26", "--as-of", AS_OF, "--json")
    held = json_of(invoke, "retention", "list", "--status", "on-hold", "--as-of", AS_OF, "--json")
    part = section(root, "retention")
    tables = part.findall(".//table")
    counts = [int(r[1]) for r in rows(tables[0])]
    r = status["retention"]
    assert counts == [r["disposable"], r["on_hold"], r["retain"], r["unknown"]]
    assert sum(int(row[1]) for row in rows(tables[1])) == r["disposable"]
    holds = rows(tables[2])
    records = held if isinstance(held, list) else held["records"]
    assert [(h[0], h[3]) for h in holds] == [(x["id"], x["hold"]["reason"]) for x in records]
    months = rows(tables[3])
    assert [m[0] for m in months][:3] == ["Oct 2025", "Nov 2025", "Dec 2025"]
    assert len(months) == 12
    # LW4: received 1 Sep 2025, disposable from 25 Nov; LW5 from 24 Feb 2026 (12 weeks).
    by_month = {m[0]: int(m[1]) for m in months}
    assert by_month["Nov 2025"] == 1 and by_month["Feb 2026"] == 1 and sum(by_month.values()) == 2
    chart = [  # the counts above the columns (a month's year, beneath it, is smaller)
        t for t in part.iter(f"{SVG}text") if text_of(t).isdigit() and t.get("font-size") == "12"
    ]
    assert [int(text_of(t)) for t in chart] == [int(m[1]) for m in months]


def test_cover_shows_the_audit_chain_and_its_head(invoke, full_store, tmp_path) -> None:
    _, root = _pack(invoke, tmp_path)
    entries = json_of(invoke, "audit", "--json")
    cover = text_of(section(root, "cover"))
    assert f"Hash chain intact: {len(entries)} entries" in cover
    assert entries[-1]["hash"] in cover
    assert "6 October 2025" in cover and "2025-26" in cover


def test_sources_list_every_citation_in_data(invoke, full_store, tmp_path) -> None:
    import tomllib

    from test_rules_data import DATA, _sources
    from wblqa_cli.report.pack import DOCUMENTS

    _, root = _pack(invoke, tmp_path)
    sources = section(root, "sources")
    shown = {
        (text_of(t.find("caption")), r[0])  # type: ignore[arg-type]
        for t in sources.findall(".//table[@class='sources']")
        for r in rows(t)
    }
    appendix = sources.find(".//details")
    assert appendix is not None  # the rules files' keys: collapsed on screen, not printed
    own = [r[2] for r in rows(appendix.find(".//table")) if r[0] == "wblqa default"]  # type: ignore[arg-type]
    own_defaults = 0
    for path in DATA.glob("*.toml"):
        for source in _sources(tomllib.loads(path.read_text(encoding="utf-8"))):
            for one in source.split(";"):
                if one.strip() == "wblqa default":  # listed apart, never as a document
                    own_defaults += 1
                    assert f"data/{path.name}" in " ".join(own), path.name
                    continue
                document, _, heading = one.strip().partition(":")
                assert (DOCUMENTS[document], heading.strip()) in shown, (path.name, one)
    assert own_defaults > 5
    assert not any("wblqa default" in document for document, _ in shown)
    sources.remove(appendix)
    printed = text_of(sources)
    assert "data/" not in printed and ".toml" not in printed  # words a verifier reads
    assert "numbers or choices come from no guidance" in printed


# -- options and errors ---------------------------------------------------------------------


def test_report_refuses_to_overwrite_without_force(invoke, full_store, tmp_path) -> None:
    out = tmp_path / "pack.html"
    out.write_text("keep me", encoding="utf-8")
    result = invoke("report", "--as-of", AS_OF, "-o", str(out))
    assert result.exit_code == 2
    assert f"{out} already exists" in result.stderr and "--force" in result.stderr
    assert out.read_text(encoding="utf-8") == "keep me"
    result = invoke("report", "--as-of", AS_OF, "-o", str(out), "--force")
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--as-of", "31/02/2025"), "'31/02/2025' (--as-of)"),
        (("--year", "2025-27"), "2025-27"),
        (("--centre", "99999"), "99999"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(
    invoke, full_store, tmp_path, args: tuple[str, ...], message: str
) -> None:
    out = tmp_path / "pack.html"
    result = invoke("report", "-o", str(out), *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2
    assert not out.exists() and not list(tmp_path.glob(".pack.html.*"))


def test_missing_folder_is_refused(invoke, centre, tmp_path) -> None:
    out = tmp_path / "nowhere" / "pack.html"
    result = invoke("report", "-o", str(out))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_report_to_stdout(invoke, centre) -> None:
    result = invoke("report", "--as-of", AS_OF, "-o", "-")
    assert result.exit_code == 0, result.output
    parse(result.stdout)
    assert "Quality assurance visit pack 2025-26" in result.stdout


def test_centre_option_limits_the_aqd_and_programmes(invoke, full_store, tmp_path) -> None:
    ok(invoke, "centre", "add", "67890", "--name", "Other Centre")
    _, root = _pack(invoke, tmp_path, "--centre", "67890")
    cover = text_of(section(root, "cover"))
    assert "67890 Other Centre" in cover and "12345" not in cover
    assert "No programmes registered" in text_of(section(root, "aqd"))
    assert section(root, "cycle").find(".//table[1]//td[@class='n']") is None  # no programmes
    assert CODES[0] not in text_of(section(root, "cycle"))


def test_empty_store(invoke, tmp_path) -> None:
    _, root = _pack(invoke, tmp_path)
    assert "No centre registered" in text_of(section(root, "cover"))
    assert "No collaborative arrangement is stored" in text_of(section(root, "consortium"))
    assert "Hash chain intact: 0 entries" in text_of(section(root, "cover"))
    assert "no entries yet" in text_of(section(root, "cover"))


def test_report_help_loads_no_heavy_library() -> None:
    import subprocess

    code = (
        "import sys; from wblqa_cli.cli import app; "
        "print(sorted(m for m in ('jinja2', 'markupsafe', 'sqlalchemy') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        env={**os.environ},
    )  # fmt: skip
    assert done.stdout.strip() == "[]"


def test_aqd_chart_shows_the_table_figures(invoke, full_store, tmp_path) -> None:
    _, root = _pack(invoke, tmp_path)
    part = section(root, "aqd")
    table = rows(part.findall(".//table")[0])
    expected = [f"{r[2]}/{r[3]}" + (f", {r[5]} flagged" if r[5] != "0" else "") for r in table]
    figure = part.find(".//figure")
    assert figure is not None
    texts = [text_of(t) for t in figure.iter(f"{SVG}text")]
    assert [t for t in texts if re.fullmatch(r"\d+/\d+(, \d+ flagged)?", t)] == expected


def test_a_submitted_declaration_says_when_and_by_whom(invoke, tmp_path) -> None:
    ok(invoke, "centre", "add", "12345", "--name", "North Vale College")
    ok(invoke, "programme", "add", CODES[0], "--title", "Pearson BTEC Level 2 Diploma in Retail")
    answers = write_json(tmp_path / "a.json", complete_document((CODES[0],)))
    ok(invoke, "aqd", "start", "--year", "2025-26", "--answers", str(answers))
    ok(invoke, "aqd", "submit", "--year", "2025-26")
    doc = json_of(invoke, "aqd", "status", "--year", "2025-26", "--json")
    _, root = _pack(invoke, tmp_path)
    aqd = text_of(section(root, "aqd"))
    assert "Submitted on " in aqd and "by tester" in aqd
    assert doc["status"] == "submitted" and doc["submitted_at"][:10] in _iso_days(aqd)
    assert "not submitted" not in aqd


def _iso_days(text: str) -> str:
    """Every '2 December 2026'-style date in ``text`` also written as ISO, for comparison."""
    from datetime import datetime

    found = re.findall(r"\b(\d{1,2} [A-Z][a-z]+ \d{4})\b", text)
    return " ".join(datetime.strptime(d, "%d %B %Y").date().isoformat() for d in found)


# -- a document people can act on (issue 27) -------------------------------------------------


def test_everything_is_inside_main_and_the_commands_break_only_between_words(
    invoke, full_store, tmp_path
) -> None:
    _, root = _pack(invoke, tmp_path)
    main = root.find(".//body/main")
    assert main is not None
    assert [s.get("id") for s in main.findall("section")] == [
        s.get("id") for s in root.iter("section")
    ]
    commands = [c for c in section(root, "actions").iter("code") if "cmd" in c.get("class", "")]
    assert commands
    for c in commands:  # one span a word; a word with no space never wraps (CSS: .w nowrap)
        words = [w for w in c if w.tag == "span"]
        assert " ".join(text_of(w) for w in words) == text_of(c)
        assert all(w.get("class") == ("q" if " " in text_of(w) else "w") for w in words)


def test_the_timeline_caption_is_true_for_what_is_drawn(invoke, full_store, tmp_path) -> None:
    _, inside = _pack(invoke, tmp_path)
    figure = section(inside, "cycle").find(".//figure")
    assert figure is not None and "the dashed line is 6 October 2025" in text_of(figure)
    assert [line for line in figure.iter(f"{SVG}line") if line.get("stroke-dasharray")]
    _, outside = _pack(invoke, tmp_path, "--force", "--as-of", "2026-10-01")
    figure = section(outside, "cycle").find(".//figure")
    assert figure is not None and "dashed" not in text_of(figure)
    assert "outside the year, so no line marks it" in text_of(figure)
    assert not [line for line in figure.iter(f"{SVG}line") if line.get("stroke-dasharray")]


def test_a_right_to_left_override_is_shown_not_obeyed(invoke, full_store, tmp_path) -> None:
    reason = "Appeal \u202eLTR override\u202c lodged"
    ok(invoke, "retention", "add", "LW9", "--programme", CODES[0], "--kind", "learner_work",
       "--cohort", "2025-26", "--hold", reason)  # fmt: skip
    text, root = _pack(invoke, tmp_path)
    assert "\u202e" not in text and "\u202c" not in text
    assert "Appeal \\u202eLTR override\\u202c lodged" in text_of(section(root, "retention"))
