"""iCalendar files read by independent parsers (the strict ``ical``, ``icalendar``, vobject).

And the identity of each event: UIDs from the store's random id and what the
event is about, never its date; SEQUENCE and LAST-MODIFIED from a stored change.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

from wblqa_cli.cycle.calendar import DisposalDate, Obligation, build_calendar, obligations_for
from wblqa_cli.cycle.plan import plan
from wblqa_cli.dates import AcademicYear
from wblqa_cli.registry.model import Programme

FORMAL = Path(__file__).resolve().parent / "data" / "consortium" / "formal.toml"
Y = AcademicYear(2025)
TODAY = date(2025, 9, 1)
STAMP = datetime(2025, 9, 1, 9, 0, tzinfo=UTC)
HOSTILE = "Gŵyr\x07 title\x1b[2J\x01\x7f\x85\r end"


def parse_both(data: bytes) -> dict[str, Any]:
    """Both parsers accept the file; the events by UID (icalendar's view)."""
    strict = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    cal = Calendar.from_ical(data)
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert {e.uid for e in strict.events} == set(events)
    return events


def by_summary(events: dict[str, Any], words: str) -> Any:
    (found,) = [e for e in events.values() if words in str(e["summary"])]
    return found


def programme(
    *,
    cert: tuple[date, ...] = (date(2026, 6, 30),),
    title: str = "Pearson BTEC Level 3 Diploma in Business",
) -> Programme:
    return Programme(
        "603/1234/5", title, "12345", dcs_expiry=date(2026, 3, 1), expected_certification=cert
    )


def calendar(
    programmes: tuple[Programme, ...], namespace: str = "store-a", **extra: Any
) -> dict[str, Any]:
    obligations = obligations_for(
        plan(programmes, Y, TODAY), centres={p.code: p.centre_number for p in programmes}, **extra
    )
    return parse_both(build_calendar(obligations, namespace=namespace, stamp=STAMP))


# --------------------------------------------------------------- the file itself


def test_control_characters_never_reach_a_text_value() -> None:
    data = build_calendar(
        [Obligation(date(2025, 10, 1), None, HOSTILE, HOSTILE, "src", "k", 3)],
        namespace="n",
        name=f"wblqa {HOSTILE}",
    )
    events = parse_both(data)
    (event,) = events.values()
    assert str(event["summary"]) == "Gŵyr title[2J end"
    assert str(event["description"]).startswith("Gŵyr title[2J end")
    raw = data.replace(b"\r\n", b"")
    assert not any(b < 0x20 and b != 0x09 for b in raw), "a control byte is in the file"
    assert "\x85" not in data.decode("utf-8")


@settings(max_examples=80, deadline=None)
@given(text=st.text(max_size=60))
def test_any_stored_text_gives_a_file_both_parsers_accept(text: str) -> None:
    ob = Obligation(date(2025, 10, 1), None, text or "x", text, text, "k", 1)
    parse_both(build_calendar([ob], namespace="n", name=text))


def test_method_publish_and_a_calendar_name() -> None:
    data = build_calendar(
        obligations_for(plan((programme(),), Y, TODAY)), name="wblqa 2025-26: 12345 Gŵyr"
    )
    cal = Calendar.from_ical(data)
    assert str(cal["method"]) == "PUBLISH"
    assert str(cal["x-wr-calname"]) == "wblqa 2025-26: 12345 Gŵyr"
    parse_both(data)


def test_the_calendar_name_is_escaped_as_rfc_5545_text() -> None:
    """X-WR-CALNAME is TEXT: a comma, semicolon or backslash in it is escaped (a reader
    that splits on them, as vobject does, otherwise cut the name short)."""
    name = "wblqa 2025-26: 12345, 67890 North; Vale\\Gŵyr"
    data = build_calendar(obligations_for(plan((programme(),), Y, TODAY)), name=name)
    unfolded = data.decode("utf-8").replace("\r\n ", "")
    assert "X-WR-CALNAME:wblqa 2025-26: 12345\\, 67890 North\\; Vale\\\\Gŵyr\r\n" in unfolded
    import vobject  # a third reader, the one that cut the name at its first comma

    assert vobject.readOne(data.decode("utf-8")).contents["x-wr-calname"][0].value == name
    parse_both(data)


# --------------------------------------------------------------- identity


def test_moving_a_date_moves_the_event() -> None:
    before = calendar((programme(),))
    moved = Programme(
        "603/1234/5",
        "Pearson BTEC Level 3 Diploma in Business",
        "12345",
        dcs_expiry=date(2026, 4, 15),
        expected_certification=(date(2026, 7, 14),),
    )
    after = calendar((moved,))
    assert set(before) == set(after)  # same events, by UID
    for words in ("Expected certification", "Direct Claims"):
        old, new = by_summary(before, words), by_summary(after, words)
        assert old["uid"] == new["uid"]
        assert old.decoded("dtstart") != new.decoded("dtstart")


def test_retention_event_follows_its_records_to_a_new_day() -> None:
    source = "wbl-qa-model-2024-25: Retention"

    def uids(day: date) -> dict[str, Any]:
        return calendar((), disposals=[DisposalDate(day, "learner work", source, 3, "R0001")])

    before, after = uids(date(2026, 1, 5)), uids(date(2026, 2, 9))
    old, new = by_summary(before, "learner work"), by_summary(after, "learner work")
    assert old["uid"] == new["uid"] and old.decoded("dtstart") != new.decoded("dtstart")


def test_two_stores_never_share_a_uid() -> None:
    a, b = calendar((programme(),), "store-a"), calendar((programme(),), "store-b")
    assert not set(a) & set(b)
    assert (
        by_summary(a, "Annual Quality Declaration due")["uid"]
        != by_summary(b, "Annual Quality Declaration due")["uid"]
    )


# --------------------------------------------------------------- the command


def _command(invoke: Any, year: str = "2025-26") -> dict[str, Any]:
    result = invoke("calendar", "--year", year, "-o", "-")
    assert result.exit_code == 0, result.output
    return parse_both(result.stdout_bytes)


def _arrangement(tmp_path: Path, delivery: str = "2025-09-08") -> Path:
    text = FORMAL.read_text(encoding="utf-8").replace(
        'name = "North Vale BTEC Consortium"',
        'name = "North Vale\\u0007 BTEC \\u001b[2JConsortium"',
    )
    text = text.replace("delivery_start = 2025-09-08", f"delivery_start = {delivery}")
    path = tmp_path / "a.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_stored_arrangement_events_carry_sequence_and_last_modified(
    invoke: Any, centre: str, tmp_path: Path
) -> None:
    assert invoke("consortium", "import", str(_arrangement(tmp_path))).exit_code == 0
    first = {u: e for u, e in _command(invoke).items() if "First assessment" in str(e["summary"])}
    assert first and all("\x07" not in str(e["summary"]) for e in first.values())
    assert all("North Vale BTEC [2JConsortium" in str(e["summary"]) for e in first.values())
    assert all(e.decoded("last-modified").tzinfo is not None for e in first.values())
    time.sleep(1.1)  # SEQUENCE counts whole seconds between creation and the last change
    again = invoke("consortium", "import", str(_arrangement(tmp_path, "2025-09-15")))
    assert again.exit_code == 0, again.output
    later = {u: e for u, e in _command(invoke).items() if "First assessment" in str(e["summary"])}
    assert set(later) == set(first)
    for uid, event in later.items():
        assert int(event["sequence"]) > int(first[uid]["sequence"])
        assert event.decoded("last-modified") > first[uid].decoded("last-modified")


def test_the_calendar_is_named_after_the_centre(invoke: Any, centre: str) -> None:
    result = invoke("calendar", "--year", "2025-26", "-o", "-")
    cal = Calendar.from_ical(result.stdout_bytes)
    assert str(cal["x-wr-calname"]) == "wblqa 2025-26: 12345 North Vale College"


def test_each_store_has_its_own_random_id(tmp_path: Path) -> None:
    from wblqa_cli.store import open_store
    from wblqa_cli.store.calendar import store_id

    one, two = open_store(str(tmp_path / "1.db")), open_store(str(tmp_path / "2.db"))
    try:
        assert len(store_id(one)) == 32 and store_id(one) != store_id(two)
        assert store_id(one) == store_id(one)
    finally:
        one.close()
        two.close()


def test_migration_6_gives_an_existing_store_an_id_and_keeps_its_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wblqa_cli.registry.model import Centre
    from wblqa_cli.store import migrations, open_store
    from wblqa_cli.store.calendar import store_id
    from wblqa_cli.store.centres import add_centre, list_centres

    path = str(tmp_path / "old.db")
    with monkeypatch.context() as m:  # the store as the code before migration 6 made it
        m.setattr(migrations, "MIGRATIONS", [x for x in migrations.MIGRATIONS if x[0] < 6])
        m.setattr(migrations, "SCHEMA_VERSION", 5)
        old = open_store(path)
        add_centre(old, Centre("12345", "Gŵyr College"))
        old.close()
    store = open_store(path)
    try:
        assert migrations.current_version(store) == migrations.SCHEMA_VERSION
        assert [c.name for c in list_centres(store)] == ["Gŵyr College"]
        assert len(store_id(store)) == 32
    finally:
        store.close()


def test_db_copy_keeps_the_store_id(invoke: Any, centre: str, tmp_path: Path) -> None:
    before = _command(invoke)
    target = tmp_path / "copy.db"
    result = invoke("db", "copy", "--to", str(target))
    assert result.exit_code == 0, result.output
    copied = invoke("--db", str(target), "calendar", "--year", "2025-26", "-o", "-")
    assert copied.exit_code == 0, copied.output
    assert set(parse_both(copied.stdout_bytes)) == set(before)


def test_expected_certification_uid_ignores_the_stamp_and_today() -> None:
    a = calendar((programme(),))
    obligations = obligations_for(
        plan((programme(),), Y, TODAY + timedelta(days=40)), centres={"603/1234/5": "12345"}
    )
    b = parse_both(
        build_calendar(obligations, namespace="store-a", stamp=STAMP + timedelta(days=9))
    )
    assert set(a) == set(b)
