"""Retention rules: the data, the arithmetic at every boundary, and its properties.

Sources:
- learner work: btec-collab-guide-1.1 "Frequently asked questions" (also "Home centres",
  "Other providers"): at least 12 weeks after the certificates were received.
- QA and assessment documents: btec-collab-guide-1.1 "Frequently asked questions":
  3 years following certification.
- top-up: pearson-support:BTEC-Retention-Of-Learner-Work-Evidence.
"""

from __future__ import annotations

import contextlib
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from wblqa_cli.dates import parse_date
from wblqa_cli.errors import InputError
from wblqa_cli.retention.deadline import (
    DateCells,
    Deadline,
    Triggers,
    Undetermined,
    calc,
    deadline,
    fast_date,
)
from wblqa_cli.retention.records import (
    DISPOSABLE,
    DISPOSED,
    ON_HOLD,
    RETAIN,
    UNKNOWN,
    StoredRecord,
    disposal_refusal,
    status_name,
)
from wblqa_cli.retention.rules import LEARNER_WORK, QA_DOCUMENTS, Period, load_rules

FAQ = "btec-collab-guide-1.1: Frequently asked questions"
TOP_UP = "pearson-support:BTEC-Retention-Of-Learner-Work-Evidence"
D = date.fromisoformat

# --- the data -----------------------------------------------------------------


def test_rules_cite_the_guide_and_cover_the_documents_it_lists() -> None:
    rules = load_rules()
    lw, qa = rules[LEARNER_WORK], rules[QA_DOCUMENTS]
    assert (lw.trigger, lw.period, lw.source) == ("received", Period(weeks=12), FAQ)
    assert (qa.trigger, qa.period, qa.source) == ("certified", Period(years=3), FAQ)
    # The guide's "Home centres" and "Other providers" state the same rules.
    for rule in (lw, qa):
        assert "btec-collab-guide-1.1: Home centres" in rule.also
        assert "btec-collab-guide-1.1: Other providers" in rule.also
    covered = " ".join(qa.covers)
    for document in (
        "assessment plans",
        "assignment briefs",
        "assessment records",
        "tracking sheets",
        "internal verification",
        "learner achievement tracking",
    ):
        assert document in covered
    assert any("learner assessment evidence" in c for c in lw.covers)
    assert (rules.top_up.applies_to, rules.top_up.source) == (LEARNER_WORK, TOP_UP)
    assert set(rules.hold.cases) == {"appeal", "complaint", "malpractice"}


# --- the arithmetic, case by case ---------------------------------------------

# (trigger, retain_until, dispose_from), worked out by hand from the calendar.
LEARNER_WORK_CASES = [
    ("2025-02-28", "2025-05-23", "2025-05-24"),  # plain 84 days
    ("2024-01-05", "2024-03-29", "2024-03-30"),  # across 29 February 2024
    ("2023-01-05", "2023-03-30", "2023-03-31"),  # across 28 February 2023
    ("2024-12-20", "2025-03-14", "2025-03-15"),  # across a year end
    ("2025-10-10", "2026-01-02", "2026-01-03"),  # retain_until in the new year
    ("2025-10-09", "2026-01-01", "2026-01-02"),  # retain_until on 1 January
    ("2024-02-29", "2024-05-23", "2024-05-24"),  # from a leap day
    ("2025-08-31", "2025-11-23", "2025-11-24"),  # from a month end
]

QA_CASES = [
    ("2022-07-15", "2025-07-15", "2025-07-16"),  # same calendar date
    ("2024-02-29", "2027-03-01", "2027-03-02"),  # no 29 Feb 2027: the later date
    ("2020-02-29", "2023-03-01", "2023-03-02"),  # no 29 Feb 2023
    ("2025-02-28", "2028-02-28", "2028-02-29"),  # dispose_from on a leap day
    ("2021-02-28", "2024-02-28", "2024-02-29"),
    ("2021-03-01", "2024-03-01", "2024-03-02"),
    ("2022-12-31", "2025-12-31", "2026-01-01"),  # year end
    ("2023-01-01", "2026-01-01", "2026-01-02"),
    ("2025-01-31", "2028-01-31", "2028-02-01"),  # month end
]


@pytest.mark.parametrize(
    ("received", "retain_until", "dispose_from"),
    LEARNER_WORK_CASES,
    ids=[f"{FAQ}:learner-work:{c[0]}" for c in LEARNER_WORK_CASES],
)
def test_learner_work_12_weeks_after_certificates_received(
    received: str, retain_until: str, dispose_from: str
) -> None:
    found = deadline(LEARNER_WORK, Triggers(received=D(received)))
    assert isinstance(found, Deadline)
    assert (found.retain_until, found.dispose_from) == (D(retain_until), D(dispose_from))
    assert (found.trigger, found.source) == ("received", FAQ)


@pytest.mark.parametrize(
    ("certified", "retain_until", "dispose_from"),
    QA_CASES,
    ids=[f"{FAQ}:qa-documents:{c[0]}" for c in QA_CASES],
)
def test_qa_documents_3_years_after_certification(
    certified: str, retain_until: str, dispose_from: str
) -> None:
    found = deadline(QA_DOCUMENTS, Triggers(certified=D(certified)))
    assert isinstance(found, Deadline)
    assert (found.retain_until, found.dispose_from) == (D(retain_until), D(dispose_from))
    assert (found.trigger, found.source) == ("certified", FAQ)


# Status on the day before, the day of and the day after dispose_from.
BOUNDARIES = [
    (LEARNER_WORK, Triggers(received=D("2025-02-28")), "2025-05-23", RETAIN),
    (LEARNER_WORK, Triggers(received=D("2025-02-28")), "2025-05-24", DISPOSABLE),
    (LEARNER_WORK, Triggers(received=D("2025-02-28")), "2025-05-25", DISPOSABLE),
    (QA_DOCUMENTS, Triggers(certified=D("2024-02-29")), "2027-02-28", RETAIN),
    (QA_DOCUMENTS, Triggers(certified=D("2024-02-29")), "2027-03-01", RETAIN),
    (QA_DOCUMENTS, Triggers(certified=D("2024-02-29")), "2027-03-02", DISPOSABLE),
    (QA_DOCUMENTS, Triggers(certified=D("2024-02-29")), "2027-03-03", DISPOSABLE),
    (QA_DOCUMENTS, Triggers(certified=D("2022-12-31")), "2025-12-31", RETAIN),
    (QA_DOCUMENTS, Triggers(certified=D("2022-12-31")), "2026-01-01", DISPOSABLE),
]


@pytest.mark.parametrize(
    ("kind", "triggers", "today", "expected"),
    BOUNDARIES,
    ids=[f"{FAQ}:{b[0]}:on-{b[2]}" for b in BOUNDARIES],
)
def test_status_around_dispose_from(
    kind: str, triggers: Triggers, today: str, expected: str
) -> None:
    assert status_name(_dispose_from(deadline(kind, triggers)), D(today), on_hold=False) == expected


def _dispose_from(found: Deadline | Undetermined) -> date | None:
    return found.dispose_from if isinstance(found, Deadline) else None


@pytest.mark.parametrize("kind", [LEARNER_WORK, QA_DOCUMENTS])
def test_a_hold_beats_every_date(kind: str) -> None:
    triggers = Triggers(certified=D("2010-01-01"), received=D("2010-02-01"))
    found = deadline(kind, triggers)
    assert _dispose_from(found) is not None
    assert status_name(_dispose_from(found), D("2030-01-01"), on_hold=True) == ON_HOLD
    # An unknown date held is still on hold, not unknown.
    unknown = _dispose_from(deadline(kind, Triggers()))
    assert status_name(unknown, D("2030-01-01"), on_hold=True) == ON_HOLD


@pytest.mark.parametrize(
    ("kind", "triggers", "reason"),
    [
        (LEARNER_WORK, Triggers(certified=D("2025-07-15")), "certificates were received"),
        (QA_DOCUMENTS, Triggers(received=D("2025-07-15")), "certification"),
        (
            LEARNER_WORK,
            Triggers(received=D("2024-08-01"), top_up_pending=True),
            "largest qualification",
        ),
    ],
    ids=[f"{FAQ}:unknown-lw", f"{FAQ}:unknown-qa", f"{TOP_UP}:top-up-pending"],
)
def test_a_missing_trigger_is_unknown_with_its_reason(
    kind: str, triggers: Triggers, reason: str
) -> None:
    found = deadline(kind, triggers)
    assert isinstance(found, Undetermined)
    assert reason in found.reason
    assert status_name(_dispose_from(found), D("2040-01-01"), on_hold=False) == UNKNOWN


@pytest.mark.parametrize(
    ("received", "top_up", "dispose_from", "trigger"),
    [
        ("2024-08-01", "2025-08-07", "2025-10-31", "top_up_received"),  # the later trigger
        (None, "2025-08-07", "2025-10-31", "top_up_received"),
        ("2025-08-07", "2024-08-01", "2025-10-31", "received"),  # never earlier
    ],
    ids=[f"{TOP_UP}:replaces", f"{TOP_UP}:alone", f"{TOP_UP}:earlier-ignored"],
)
def test_top_up_trigger_replaces_learner_work_trigger(
    received: str | None, top_up: str, dispose_from: str, trigger: str
) -> None:
    triggers = Triggers(
        certified=D("2024-07-10"),
        received=D(received) if received else None,
        top_up_received=D(top_up),
    )
    found = deadline(LEARNER_WORK, triggers)
    assert isinstance(found, Deadline)
    assert (found.dispose_from, found.trigger) == (D(dispose_from), trigger)
    # QA documents still run from certification.
    qa = deadline(QA_DOCUMENTS, triggers)
    assert isinstance(qa, Deadline) and qa.dispose_from == D("2027-07-11")


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        (Period(months=1), "2025-01-31", "2025-03-01"),  # no 31 February
        (Period(months=1), "2024-01-30", "2024-03-01"),  # no 30 February in a leap year
        (Period(months=1), "2024-01-29", "2024-02-29"),
        (Period(months=1), "2025-03-31", "2025-05-01"),  # no 31 April
        (Period(years=1), "2024-02-29", "2025-03-01"),
        (Period(years=4), "2024-02-29", "2028-02-29"),
        (Period(years=1, weeks=1), "2024-02-29", "2025-03-08"),
        (Period(days=1), "2025-12-31", "2026-01-01"),
    ],
    ids=lambda v: str(v),
)
def test_period_never_lands_early(period: Period, start: str, end: str) -> None:
    assert period.after(D(start)) == D(end)


def test_a_date_too_late_to_compute_is_an_input_error() -> None:
    with pytest.raises(InputError, match="too far in the future"):
        deadline(QA_DOCUMENTS, Triggers(certified=date(9998, 6, 1)))
    with pytest.raises(InputError, match="too far in the future"):
        deadline(LEARNER_WORK, Triggers(received=date(9999, 12, 1)))


def test_calc_gives_none_for_a_kind_without_its_trigger() -> None:
    found = calc(Triggers(received=D("2025-02-28")))
    assert found[QA_DOCUMENTS] is None
    lw = found[LEARNER_WORK]
    assert lw is not None and lw.dispose_from == D("2025-05-24")


def _stored(**changes: object) -> StoredRecord:
    base: dict[str, object] = {
        "ref": "R1",
        "programme": "603/1234/5",
        "kind": LEARNER_WORK,
        "cohort": "2024-25",
        "learner": None,
        "certified": D("2025-02-01"),
        "received": D("2025-02-28"),
        "top_up_received": None,
        "top_up_pending": False,
        "retain_until": D("2025-05-23"),
        "dispose_from": D("2025-05-24"),
    }
    base.update(changes)
    return StoredRecord(**base)  # type: ignore[arg-type]


def test_disposal_refusals_say_why_and_when() -> None:
    early = disposal_refusal(_stored(), D("2025-05-23"))
    assert early is not None and "2025-05-24" in early and "2025-05-23" in early
    assert disposal_refusal(_stored(), D("2025-05-24")) is None
    held = disposal_refusal(_stored(hold_reason="appeal 7"), D("2030-01-01"))
    assert held is not None and "appeal 7" in held and "2025-05-24" in held
    unknown = disposal_refusal(_stored(received=None, dispose_from=None), D("2030-01-01"))
    assert unknown is not None and "certificates were received" in unknown
    gone = _stored(disposed_at=__import__("datetime").datetime(2025, 6, 1), disposed_by="qn")
    assert gone.status(D("2030-01-01")) == DISPOSED
    refusal = disposal_refusal(gone, D("2030-01-01"))
    assert refusal is not None and "already" in refusal


# --- properties -----------------------------------------------------------------

DATES = st.dates(min_value=date(1990, 1, 1), max_value=date(2200, 12, 31))


@given(DATES)
def test_qa_dispose_from_follows_the_full_period(certified: date) -> None:
    rule = load_rules()[QA_DOCUMENTS]
    found = deadline(QA_DOCUMENTS, Triggers(certified=certified))
    assert isinstance(found, Deadline)
    by_relativedelta = certified + relativedelta(years=rule.period.years, months=rule.period.months)
    assert found.dispose_from > by_relativedelta
    assert found.retain_until >= by_relativedelta
    assert found.dispose_from == found.retain_until + timedelta(days=1)
    try:
        same_day = certified.replace(year=certified.year + rule.period.years)
    except ValueError:  # 29 February to a common year: the later date stands
        assert found.retain_until == date(certified.year + rule.period.years, 3, 1)
    else:
        assert found.retain_until == same_day


@given(DATES)
def test_learner_work_dispose_from_follows_the_full_period(received: date) -> None:
    rule = load_rules()[LEARNER_WORK]
    found = deadline(LEARNER_WORK, Triggers(received=received))
    assert isinstance(found, Deadline)
    weeks = timedelta(weeks=rule.period.weeks)
    assert found.retain_until == received + weeks
    assert found.dispose_from > received + relativedelta(weeks=rule.period.weeks)


@given(st.sampled_from([LEARNER_WORK, QA_DOCUMENTS]), DATES, DATES)
def test_a_later_trigger_never_gives_an_earlier_date(kind: str, a: date, b: date) -> None:
    early, late = sorted((a, b))
    first = deadline(kind, Triggers(certified=early, received=early))
    second = deadline(kind, Triggers(certified=late, received=late))
    assert isinstance(first, Deadline) and isinstance(second, Deadline)
    assert first.dispose_from <= second.dispose_from


@given(DATES, DATES)
def test_a_top_up_trigger_never_makes_disposal_earlier(received: date, top_up: date) -> None:
    plain = deadline(LEARNER_WORK, Triggers(received=received))
    topped = deadline(LEARNER_WORK, Triggers(received=received, top_up_received=top_up))
    assert isinstance(plain, Deadline) and isinstance(topped, Deadline)
    assert topped.dispose_from >= plain.dispose_from


@given(
    st.integers(0, 5),
    st.integers(0, 24),
    st.integers(0, 60),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2200, 12, 31)),
)
def test_any_period_is_never_shorter_than_relativedelta(
    years: int, months: int, weeks: int, start: date
) -> None:
    period = Period(years=years, months=months, weeks=weeks)
    assert period.after(start) >= start + relativedelta(years=years, months=months, weeks=weeks)


@given(st.text(max_size=40))
def test_parse_date_raises_only_input_errors(text: str) -> None:
    with contextlib.suppress(InputError):
        parse_date(text, "somewhere")


ISO_LIKE = st.one_of(
    st.dates().map(date.isoformat),
    st.from_regex(r"\d{4}-\d{2}-\d{2}", fullmatch=True),
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True),
    st.text(alphabet="0123456789-+:T /", min_size=8, max_size=12),
    st.text(max_size=20),
)


def _outcome(parse: object, text: str) -> tuple[str, object]:
    try:
        return ("ok", parse(text, "ctx"))  # type: ignore[operator]
    except InputError as exc:
        return ("error", exc.message)


@given(ISO_LIKE)
def test_fast_iso_path_gives_exactly_the_general_parsers_result(text: str) -> None:
    assert _outcome(fast_date, text) == _outcome(parse_date, text)


@given(ISO_LIKE)
def test_memoised_cells_agree_with_the_general_parser(text: str) -> None:
    cells = DateCells()
    if not text:
        assert cells.parse(text, "ctx") is None
        return
    expected = _outcome(parse_date, text)
    assert _outcome(cells.parse, text) == expected
    assert _outcome(cells.parse, text) == expected  # from the memo
