"""Random and hostile input to every command that reads a file, a date or a title.

Whatever arrives, the result is exit 0, 1 or 2 with a message, never a
traceback, and never a partial write.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from wblqa_cli.cli import app
from wblqa_cli.consortium.template import TEMPLATE

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
CELL = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)


def run(*args: str, input: str | bytes | None = None):
    return CliRunner().invoke(app, list(args), input=input, catch_exceptions=True)


def assert_clean(result) -> None:
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output, result.exception)
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert result.stderr.startswith("Error: "), result.stderr


def programme_count(db: Path) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM programme").fetchone()[0])


@SETTINGS
@given(
    rows=st.lists(st.lists(CELL, min_size=1, max_size=7), max_size=6),
    header=st.sampled_from(
        [
            "code,title",
            "code,title,centre,sector,dcs_expiry,expected_certification",
            "code,title,dcs_expiry",
            "title",
            "",
        ]
    ),
)
def test_programme_import_of_anything(db_path: Path, tmp_path: Path, header: str, rows) -> None:
    run("centre", "add", "12345", "--name", "N")
    before = programme_count(db_path)
    path = tmp_path / "in.csv"
    body = "\n".join([header, *(",".join(r) for r in rows)])
    path.write_text(body, encoding="utf-8")
    result = run("programme", "import", str(path))
    assert_clean(result)
    if result.exit_code != 0:
        assert programme_count(db_path) == before


@SETTINGS
@given(raw=st.binary(max_size=200))
def test_programme_import_of_arbitrary_bytes(db_path: Path, tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(b"code,title\n" + raw)
    before = programme_count(db_path)
    result = run("programme", "import", str(path))
    assert_clean(result)
    if result.exit_code != 0:
        assert programme_count(db_path) == before


@SETTINGS
@given(text=st.text(max_size=30), title=st.text(max_size=60))
def test_programme_add_with_any_date_and_title(db_path: Path, text: str, title: str) -> None:
    before = programme_count(db_path)
    result = run("programme", "add", "P1", "--title", title or "x", "--dcs-expiry", text or "x")
    assert_clean(result)
    if result.exit_code != 0:
        assert programme_count(db_path) == before
    else:
        run("--db", str(db_path), "db", "check")


# ----------------------------------------------------------------------------------------------
# Every other command that reads a file, a date, a year or a title.


QUICK = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
TABLES = ("centre", "programme", "retention_record", "audit_log", "aqd_declaration", "aqd_answer")
VALID_DATE = st.dates(date(1990, 1, 1), date(2040, 12, 31))
DATE_TEXT = st.one_of(
    VALID_DATE.map(date.isoformat),
    st.text(max_size=24),
    st.dates().map(date.isoformat),
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    st.dates().map(lambda d: d.strftime("%d %B %Y")),
    st.from_regex(r"\d{1,5}[-/ .]\d{1,3}[-/ .]\d{1,5}", fullmatch=True),
    st.sampled_from(["31/02/2025", "29/02/2024", "0001-01-01", "9999-12-31", "31 Dec 9999"]),
)
YEAR_TEXT = st.one_of(
    st.integers(1990, 2040).map(lambda y: f"{y}-{(y + 1) % 100:02d}"),
    st.text(max_size=12),
    st.integers(0, 10_000).map(lambda y: f"{y}-{(y + 1) % 100:02d}"),
    st.integers(0, 10_000).map(lambda y: f"{y}/{(y + 1) % 100:02d}"),
    st.from_regex(r"\d{1,5}[-/]\d{1,4}", fullmatch=True),
)
ANY_VALUE = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.text(max_size=20),
        st.dates(),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def counts(db: Path) -> dict[str, int]:
    """Rows per table: what a failed command must leave exactly as it was."""
    if not db.exists():
        return {}
    conn = sqlite3.connect(db)
    try:
        return {t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in TABLES}
    finally:
        conn.close()


def assert_clean_exit(result) -> None:  # type: ignore[no-untyped-def]
    """Exit 0, 1 or 2; no exception but SystemExit; exit 2 says why on stderr."""
    event(f"exit {result.exit_code}")  # --hypothesis-show-statistics: every code is reached
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output, result.exception)
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        usage = "Usage:" in result.stderr or "No such option" in result.stderr
        assert result.stderr.startswith("Error: ") or usage, result.stderr


@pytest.fixture
def registered(db_path: Path) -> Path:
    """Centre 12345 with programme P1, and one stored retention record."""
    for args in (
        ("centre", "add", "12345", "--name", "North Vale College"),
        ("programme", "add", "P1", "--title", "Engineering"),
        (
            "retention",
            "add",
            "SEED",
            "--programme",
            "P1",
            "--kind",
            "qa_documents",
            "--cohort",
            "c",
        ),
    ):
        result = run(*args)
        assert result.exit_code == 0, result.output
    return db_path


def _dates(*options: str) -> st.SearchStrategy[list[str]]:
    """Each option with a hostile date, or left out."""
    pairs = [st.one_of(st.none(), DATE_TEXT).map(lambda v, o=o: [] if v is None else [o, v])
             for o in options]  # fmt: skip
    return st.tuples(*pairs).map(lambda parts: [x for part in parts for x in part])


# --- retention check ----------------------------------------------------------------------------

CHECK_HEADERS = [
    "id,certified,received",
    "id,certified,received,hold",
    "id,certified,received,hold,top_up_received",
    "received,id,certified",
    "id,certified",
    "id,id,certified,received",
    "",
]
CHECK_CELL = st.one_of(CELL, DATE_TEXT, st.sampled_from(["pending", "", "2022-07-15", '"a,b"']))
SOUND_DATE = st.one_of(
    VALID_DATE.map(date.isoformat), VALID_DATE.map(lambda d: d.strftime("%d/%m/%Y")), st.just("")
)
SOUND_CHECK_ROW = st.tuples(
    st.uuids().map(str),
    SOUND_DATE,
    SOUND_DATE,
    st.sampled_from(["", "", "appeal"]),
    st.one_of(st.sampled_from(["", "pending"]), VALID_DATE.map(date.isoformat)),
).map(list)
CHECK_ROW = st.one_of(
    SOUND_CHECK_ROW,
    SOUND_CHECK_ROW,
    st.lists(CHECK_CELL, min_size=1, max_size=6),  # any shape, any value
    st.tuples(st.one_of(st.integers(0, 9).map(lambda n: f"R{n}"), CELL), CHECK_CELL, CHECK_CELL,
              CHECK_CELL, CHECK_CELL).map(list),  # the right shape, hostile values
)  # fmt: skip


@QUICK
@given(
    header=st.sampled_from(CHECK_HEADERS),
    rows=st.lists(CHECK_ROW, max_size=4),
    sound_rows=st.one_of(st.none(), st.lists(SOUND_CHECK_ROW, max_size=4)),
    via=st.sampled_from(["file", "stdin"]),
    fmt=st.sampled_from([[], ["--json"], ["--csv"]]),
    as_of=st.one_of(VALID_DATE.map(date.isoformat), DATE_TEXT),
)
def test_retention_check_of_any_csv(
    registered: Path,
    tmp_path: Path,
    header: str,
    rows: Any,
    sound_rows: Any,
    via: str,
    fmt: list[str],
    as_of: str,
) -> None:
    before = counts(registered)
    if sound_rows is not None:  # a sound file half the time: the full header, rows that fit
        header, rows = CHECK_HEADERS[2], sound_rows
    body = "\n".join([header, *(",".join(r) for r in rows)]) + "\n"
    if via == "file":
        path = tmp_path / "check.csv"
        path.write_text(body, encoding="utf-8")
        result = run("retention", "check", str(path), "--as-of", as_of, *fmt)
    else:
        result = run("retention", "check", "-", "--as-of", as_of, *fmt, input=body)
    assert_clean_exit(result)
    if result.exit_code == 2:
        assert result.stdout == ""  # validated whole before anything is printed
    elif fmt == ["--json"]:
        assert len(json.loads(result.stdout)["results"]) == len(rows)
    assert counts(registered) == before


@QUICK
@given(raw=st.binary(max_size=300), via=st.sampled_from(["file", "stdin"]))
def test_retention_check_of_arbitrary_bytes(tmp_path: Path, raw: bytes, via: str) -> None:
    data = b"id,certified,received\n" + raw
    if via == "file":
        path = tmp_path / "check.csv"
        path.write_bytes(data)
        result = run("retention", "check", str(path), "--csv")
    else:
        result = run("retention", "check", "--csv", input=data)
    assert_clean_exit(result)
    if result.exit_code == 2:
        assert result.stdout == ""


# --- retention import ---------------------------------------------------------------------------

IMPORT_HEADERS = [
    "id,programme,kind,certified,received,cohort",
    "id,programme,kind,certified,received,cohort,learner,top_up_received,hold",
    "id,programme,kind,certified,received",
    "programme,kind,certified,received,cohort",
    "",
]
HOSTILE_IMPORT_ROW = st.tuples(
    st.one_of(CELL, st.integers(0, 50).map(lambda n: f"R{n}"), st.just("SEED")),
    st.one_of(st.sampled_from(["P1", "P2", ""]), CELL),
    st.one_of(st.sampled_from(["learner_work", "qa_documents"]), CELL),
    DATE_TEXT,
    DATE_TEXT,
    st.one_of(st.sampled_from(["2023-25", ""]), CELL),
    st.one_of(st.just(""), CELL),
    st.one_of(st.sampled_from(["", "pending"]), DATE_TEXT),
    st.one_of(st.just(""), CELL),
)
FRESH = itertools.count()
SOUND_IMPORT_ROW = st.tuples(
    st.uuids().map(str),
    st.just("P1"),
    st.sampled_from(["learner_work", "qa_documents"]),
    SOUND_DATE,
    SOUND_DATE,
    st.sampled_from(["2023-25", "2024-26 evening"]),
    st.sampled_from(["", "Sam Smith"]),
    st.one_of(st.sampled_from(["", "", "pending"]), VALID_DATE.map(date.isoformat)),
    st.sampled_from(["", "", "open appeal"]),
).map(lambda r: r if r[2] == "learner_work" else (*r[:7], "", r[8]))  # top-up: learner work only
IMPORT_ROW = st.one_of(SOUND_IMPORT_ROW, SOUND_IMPORT_ROW, SOUND_IMPORT_ROW, HOSTILE_IMPORT_ROW)


@QUICK
@given(
    header=st.sampled_from(IMPORT_HEADERS),
    rows=st.lists(IMPORT_ROW, max_size=5),
    width=st.integers(1, 9),
    sound_rows=st.one_of(st.none(), st.lists(SOUND_IMPORT_ROW, min_size=1, max_size=4)),
    via=st.sampled_from(["file", "stdin"]),
)
def test_retention_import_is_all_or_nothing_whatever_the_csv(
    registered: Path,
    tmp_path: Path,
    header: str,
    rows: Any,
    width: int,
    sound_rows: Any,
    via: str,
) -> None:
    if sound_rows is not None:  # a sound file half the time: ids not stored yet
        header, width = IMPORT_HEADERS[1], 9
        rows = [(f"N{next(FRESH)}", *r[1:]) for r in sound_rows]
    before = counts(registered)
    body = "\n".join([header, *(",".join(r[:width]) for r in rows)]) + "\n"
    if via == "file":
        path = tmp_path / "import.csv"
        path.write_text(body, encoding="utf-8")
        result = run("retention", "import", str(path))
    else:
        result = run("retention", "import", "-", input=body)
    assert_clean_exit(result)
    after = counts(registered)
    if result.exit_code == 0:
        assert after["retention_record"] == before["retention_record"] + len(rows)
        assert after["audit_log"] == before["audit_log"] + 1
    else:
        assert after == before


@QUICK
@given(raw=st.binary(max_size=300))
def test_retention_import_of_arbitrary_bytes(registered: Path, tmp_path: Path, raw: bytes) -> None:
    before = counts(registered)
    path = tmp_path / "import.csv"
    path.write_bytes(b"id,programme,kind,certified,received,cohort\n" + raw)
    result = run("retention", "import", str(path))
    assert_clean_exit(result)
    if result.exit_code != 0:
        assert counts(registered) == before


# --- retention calc and add: dates --------------------------------------------------------------


@QUICK
@given(dates=_dates("--certified", "--received", "--top-up-received"), fmt=st.booleans())
def test_retention_calc_with_any_dates(dates: list[str], fmt: bool) -> None:
    result = run("retention", "calc", *dates, *(["--json"] if fmt else []))
    assert_clean_exit(result)
    if result.exit_code == 0 and fmt:
        json.loads(result.stdout)


@QUICK
@given(
    ref=st.one_of(CELL, st.integers(0, 30).map(lambda n: f"A{n}")),
    dates=_dates("--certified", "--received", "--top-up-received"),
    kind=st.sampled_from(["learner_work", "qa_documents", "x"]),
)
def test_retention_add_with_any_dates(
    registered: Path, ref: str, dates: list[str], kind: str
) -> None:
    before = counts(registered)
    result = run("retention", "add", ref or "x", "--programme", "P1", "--kind", kind,
                 "--cohort", "2023-25", *dates)  # fmt: skip
    assert_clean_exit(result)
    after = counts(registered)
    if result.exit_code == 0:
        assert after["retention_record"] == before["retention_record"] + 1
    else:
        assert after == before


# --- consortium check ---------------------------------------------------------------------------


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, date)):
        return value.isoformat() if isinstance(value, date) else repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # JSON string escapes are valid TOML basic-string escapes
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value if v is not None) + "]"
    pairs = (f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items() if v is not None)
    return "{ " + ", ".join(pairs) + " }"


def _tables(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def to_toml(doc: dict[str, Any]) -> str:
    """A small TOML writer for test documents: scalars first, then arrays of tables."""
    lines = [
        f"{json.dumps(k)} = {_toml_value(v)}"
        for k, v in doc.items()
        if v is not None and not _tables(v)
    ]
    for key, value in doc.items():
        if _tables(value):
            for entry in value:
                lines.append(f"[[{json.dumps(key)}]]")
                lines.extend(
                    f"{json.dumps(k)} = {_toml_value(v)}" for k, v in entry.items() if v is not None
                )
    return "\n".join(lines) + "\n"


ARRANGEMENT = tomllib.loads(TEMPLATE)
MODEL_WORDS = ["informal", "formal", "exceptional", "2025-26", "consortium", "own", "btec", ""]
PLACES = [
    *((None, k) for k in ARRANGEMENT),
    *(("organisations", k) for k in ARRANGEMENT["organisations"][1]),
    *(("qualifications", k) for k in ARRANGEMENT["qualifications"][0]),
    (None, "mixed_groups"),
    ("organisations", "registers_on"),
    ("organisations", "sub_site"),
]


@QUICK
@given(
    changes=st.lists(
        st.tuples(
            st.sampled_from(PLACES),
            st.one_of(ANY_VALUE, st.booleans(), VALID_DATE, st.sampled_from(MODEL_WORDS)),
        ),
        max_size=3,
    ),
    as_of=DATE_TEXT,
    fmt=st.sampled_from(["table", "json", "junit"]),
)
def test_consortium_check_of_a_valid_file_with_random_values(
    tmp_path: Path, changes: Any, as_of: str, fmt: str
) -> None:
    doc = json.loads(json.dumps(ARRANGEMENT, default=str))  # a deep copy (dates as text)
    doc = tomllib.loads(to_toml(doc))  # dates back as dates
    for (section, key), value in changes:
        if section is None:
            doc[key] = value
        else:
            entries = doc.get(section)
            if isinstance(entries, list) and entries and isinstance(entries[-1], dict):
                entries[-1][key] = value
    path = tmp_path / "arrangement.toml"
    path.write_text(to_toml(doc), encoding="utf-8")
    result = run("consortium", "check", str(path), "--as-of", as_of, "--format", fmt)
    assert_clean_exit(result)
    if result.exit_code in (0, 1) and fmt == "json":
        json.loads(result.stdout)


@QUICK
@given(text=st.text(max_size=200), raw=st.binary(max_size=200), use_bytes=st.booleans())
def test_consortium_check_of_any_text_or_bytes(
    tmp_path: Path, text: str, raw: bytes, use_bytes: bool
) -> None:
    path = tmp_path / "arrangement.toml"
    if use_bytes:
        path.write_bytes(raw)
    else:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
    result = run("consortium", "check", str(path), "--as-of", "2025-11-03")
    assert_clean_exit(result)


def test_consortium_check_of_arrays_nested_too_deeply(tmp_path: Path) -> None:
    path = tmp_path / "deep.toml"
    path.write_text("format = " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    result = run("consortium", "check", str(path))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: ") and "nested too deeply" in result.stderr


# --- aqd start --answers ------------------------------------------------------------------------

QUESTION_IDS = st.sampled_from(
    [
        "centre.wbl-group.selected",
        "centre.policies.assessment",
        "centre.collaboration.any",
        "terms.comments",
        "terms.accept",
        "programme.delivery.status",
        "programme.standardisation.date",
        "programme.assessment.first-date",
        "no.such.question",
    ]
)
ANSWER = st.one_of(
    ANY_VALUE,
    st.dictionaries(st.sampled_from(["answer", "comment", "other"]), ANY_VALUE, max_size=3),
)


def _dump(document: Any, suffix: str) -> str:
    import yaml

    if suffix == ".json":
        return json.dumps(document, default=str)
    if suffix == ".yaml":
        return yaml.safe_dump(document, allow_unicode=True)
    if not isinstance(document, dict):
        return _toml_value(document)
    lines = []
    for scope, answers in document.items():
        if isinstance(answers, dict) and scope == "programmes":
            for code, table in answers.items():
                lines.append(f"[programmes.{json.dumps(code)}]")
                if isinstance(table, dict):
                    lines.extend(f"{json.dumps(q)} = {_toml_value(v)}"
                                 for q, v in table.items() if v is not None)  # fmt: skip
        elif isinstance(answers, dict):
            lines.append(f"[{json.dumps(scope)}]")
            lines.extend(f"{json.dumps(q)} = {_toml_value(v)}"
                         for q, v in answers.items() if v is not None)  # fmt: skip
        elif answers is not None:
            lines.insert(0, f"{json.dumps(scope)} = {_toml_value(answers)}")
    return "\n".join(lines) + "\n"


@QUICK
@given(
    centre_answers=st.dictionaries(QUESTION_IDS, ANSWER, max_size=4),
    programme_answers=st.dictionaries(QUESTION_IDS, ANSWER, max_size=4),
    code=st.sampled_from(["P1", "P2", ""]),
    extra=st.one_of(st.none(), st.tuples(st.text(max_size=8), ANY_VALUE)),
    suffix=st.sampled_from([".json", ".yaml", ".toml"]),
)
def test_aqd_answers_file_with_random_values_in_known_keys(
    registered: Path,
    tmp_path: Path,
    centre_answers: Any,
    programme_answers: Any,
    code: str,
    extra: Any,
    suffix: str,
) -> None:
    document: dict[str, Any] = {
        "centre": centre_answers,
        "programmes": {code: programme_answers},
    }
    if extra is not None:
        document[extra[0]] = extra[1]
    path = tmp_path / f"answers{suffix}"
    path.write_text(_dump(document, suffix), encoding="utf-8")
    before = counts(registered)
    result = run("aqd", "start", "--year", "2025-26", "--answers", str(path))
    assert_clean_exit(result)
    if result.exit_code != 0:
        assert counts(registered) == before


@QUICK
@given(
    text=st.text(max_size=200),
    raw=st.binary(max_size=200),
    use_bytes=st.booleans(),
    suffix=st.sampled_from([".json", ".yaml", ".yml", ".toml", ".txt"]),
)
def test_aqd_answers_file_of_any_text_or_bytes(
    registered: Path, tmp_path: Path, text: str, raw: bytes, use_bytes: bool, suffix: str
) -> None:
    path = tmp_path / f"answers{suffix}"
    if use_bytes:
        path.write_bytes(raw)
    else:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
    before = counts(registered)
    result = run("aqd", "start", "--answers", str(path))
    assert_clean_exit(result)
    if result.exit_code != 0:
        assert counts(registered) == before


def _alias_bomb(depth: int = 9) -> str:
    """YAML whose few lines expand to 9**depth items through anchors."""
    parts = ['&a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    parts += [f"&a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, depth)]
    return "[" + ", ".join(parts) + "]"


@pytest.mark.parametrize(
    ("suffix", "text", "fragment"),
    [
        (".json", "[" * 50_000 + "]" * 50_000, "nested too deeply"),
        (".toml", "centre = " + "[" * 50_000 + "]" * 50_000, "nested too deeply"),
        (".yaml", "centre: " + "[" * 50_000 + "]" * 50_000, "nested too deeply"),
        (".yaml", f"programmes: {_alias_bomb()}\n", "must be a table"),
        (".yaml", f"centre:\n  terms.comments: {_alias_bomb()}\n", "is a list"),
        (".yaml", f"centre:\n  terms.comments: {{answer: x, comment: {_alias_bomb()}}}\n", "text"),
    ],
    ids=["json-deep", "toml-deep", "yaml-deep", "yaml-bomb-programmes", "yaml-bomb-answer",
         "yaml-bomb-comment"],
)  # fmt: skip
def test_aqd_answers_file_nested_deeply_or_exploding(
    registered: Path, tmp_path: Path, suffix: str, text: str, fragment: str
) -> None:
    path = tmp_path / f"answers{suffix}"
    path.write_text(text, encoding="utf-8")
    result = run("aqd", "start", "--year", "2025-26", "--answers", str(path))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: ") and fragment in result.stderr
    assert len(result.stderr) < 2000  # the value is quoted, bounded


# --- dates, years and titles elsewhere ----------------------------------------------------------


@QUICK
@given(as_of=DATE_TEXT, year=st.one_of(st.none(), YEAR_TEXT), fmt=st.booleans())
def test_aqd_status_with_any_as_of_and_year(
    registered: Path, as_of: str, year: str | None, fmt: bool
) -> None:
    before = counts(registered)
    args = ["aqd", "status", "--as-of", as_of, *(["--year", year] if year is not None else [])]
    result = run(*args, *(["--json"] if fmt else []))
    assert_clean_exit(result)
    if result.exit_code == 0 and fmt:
        json.loads(result.stdout)
    assert counts(registered) == before


@QUICK
@given(
    as_of=st.one_of(st.none(), DATE_TEXT), year=st.one_of(st.none(), YEAR_TEXT), fmt=st.booleans()
)
def test_cycle_plan_with_any_year_and_as_of(
    registered: Path, as_of: str | None, year: str | None, fmt: bool
) -> None:
    args = ["cycle", "plan"]
    args += ["--as-of", as_of] if as_of is not None else []
    args += ["--year", year] if year is not None else []
    result = run(*args, *(["--json"] if fmt else []))
    assert_clean_exit(result)
    if result.exit_code == 0 and fmt:
        json.loads(result.stdout)


@QUICK
@given(title=st.text(max_size=80), fmt=st.booleans())
def test_sector_lookup_of_any_unicode_title(title: str, fmt: bool) -> None:
    result = run("sector", "lookup", *(["--json"] if fmt else []), "--", title)
    assert_clean_exit(result)
    if result.exit_code == 0 and fmt:
        json.loads(result.stdout)
