"""Dated obligations, and an iCalendar file of them that Outlook and Google Calendar import.

Every obligation is a plain :class:`Obligation`; :func:`obligations_for`
collects them from a verification :class:`~wblqa_cli.cycle.Plan` and from
plain lists other parts of the tool hand in (collaborative-arrangement dates,
retention disposal dates, or ready-made obligations), and
:func:`build_calendar` turns any list of them into the bytes of a ``.ics``
file. Both are pure; ``icalendar`` is imported only when a file is built.

Each event is all-day (``DTSTART;VALUE=DATE``, ``DTEND`` the day after its
last day), cites its source in the description, and carries a display
reminder when the obligation asks for one. Its UID comes from what the event
is about, never from its date: the store's random id, then the centre, the
programme, arrangement or records, and the kind of event (its ``uid_key``),
so a moved date moves the event when a newer file is imported, and two
stores' events never merge. ``SEQUENCE`` and ``LAST-MODIFIED`` come from a
stored change time where there is one. The file says ``METHOD:PUBLISH`` and
names itself (``X-WR-CALNAME``); control characters never reach a TEXT value
(strict parsers refuse the whole file over one).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from wblqa_cli.dates import AcademicYear
from wblqa_cli.safetext import for_file

if TYPE_CHECKING:
    from wblqa_cli.consortium.model import Arrangement
    from wblqa_cli.cycle.plan import Plan
    from wblqa_cli.cycle.rules import CycleRules

PRODID = "-//wblqa//Quality assurance obligations//EN"
UID_DOMAIN = "wblqa"


@dataclass(frozen=True)
class Obligation:
    """One dated thing to do or know; ``end_date`` (inclusive) makes it a window."""

    date: dt.date
    end_date: dt.date | None
    summary: str
    description: str
    source: str
    uid_key: str
    reminder_days: int | None = None
    #: When what the event shows last changed, and how many changes (``SEQUENCE``).
    modified: datetime | None = None
    sequence: int | None = None

    def __post_init__(self) -> None:
        if self.end_date is not None and self.end_date < self.date:
            raise ValueError(f"{self.uid_key}: end_date {self.end_date} is before {self.date}")
        if self.reminder_days is not None and self.reminder_days < 1:
            raise ValueError(f"{self.uid_key}: reminder_days must be at least 1")
        if not self.uid_key.strip():
            raise ValueError("uid_key must not be empty")

    def as_json(self) -> dict[str, object]:
        return {
            "date": self.date,
            "end_date": self.end_date,
            "summary": self.summary,
            "description": self.description,
            "source": self.source,
            "uid_key": self.uid_key,
            "reminder_days": self.reminder_days,
        }


def uid_for(uid_key: str, namespace: str = "") -> str:
    """A stable UID: the same store (``namespace``) and key always give the same UID."""
    text = f"{namespace}\n{uid_key}" if namespace else uid_key
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
    return f"{digest}@{UID_DOMAIN}"


def _changed(created: datetime, updated: datetime) -> tuple[datetime, int]:
    """``LAST-MODIFIED`` and ``SEQUENCE`` from a stored creation and change time.

    The sequence is the whole seconds between the two: it grows with every
    later change, as RFC 5545 asks, with no counter to keep.
    """
    return updated, max(0, int((updated - created).total_seconds()))


# --- inputs from other concerns ---------------------------------------------------------


@dataclass(frozen=True)
class ArrangementDate:
    """A collaborative-arrangement date: the latest day to apply, or a first assessment.

    ``kind`` ``apply-by`` is the latest date to apply for approval of the
    arrangement; ``first-assessment`` is a qualification's first assessment, by
    which its Lead Internal Verifier must be appointed and standardisation done.
    """

    arrangement: str
    kind: Literal["apply-by", "first-assessment"]
    date: date
    source: str
    qualification: str | None = None
    qualification_code: str | None = None
    #: The stored arrangement's creation and last change time, when it is stored.
    changed: tuple[datetime, datetime] | None = None


@dataclass(frozen=True)
class DisposalDate:
    """Retention records that may be disposed of from a date (many records → one event).

    ``first_ref`` (the smallest record id of the group) names the event: when
    the records' date moves, the event moves with them.
    """

    dispose_from: date
    kind: str  # what is kept, e.g. "learner work", "QA documents"
    source: str
    count: int = 1
    first_ref: str | None = None


def arrangement_dates(
    arrangements: Iterable[Arrangement],
    changes: Mapping[str, tuple[datetime, datetime]] | None = None,
) -> list[ArrangementDate]:
    """The dated obligations of stored collaborative arrangements.

    The latest day to apply (formal and exceptional: delivery start less the
    lead time in the data), and each qualification's first assessment, before
    which its Lead Internal Verifier is appointed and standardisation done.
    """
    from wblqa_cli.consortium.rules import rules as consortium_rules

    r = consortium_rules()
    standardisation = next(
        c.source for c in r.checks if c.id == "standardisation.before-assessment"
    )
    out: list[ArrangementDate] = []
    changes = changes or {}
    for a in arrangements:
        changed = changes.get(a.name)
        apply_by = a.apply_by()
        if apply_by is not None and a.application_submitted is None:
            out.append(
                ArrangementDate(a.name, "apply-by", apply_by, r.lead_time_source, changed=changed)
            )
        for q in a.vocational:
            if q.first_assessment is not None:
                out.append(
                    ArrangementDate(
                        a.name,
                        "first-assessment",
                        q.first_assessment,
                        standardisation,
                        qualification=f"{q.code} {q.title}",
                        qualification_code=q.code,
                        changed=changed,
                    )
                )
    return out


def _arrangement_obligation(a: ArrangementDate, reminder_days: int) -> Obligation:
    modified, sequence = _changed(*a.changed) if a.changed else (None, None)
    if a.kind == "apply-by":
        return Obligation(
            a.date,
            None,
            f"Latest day to apply: collaborative arrangement {a.arrangement}",
            f"Apply for approval of the collaborative arrangement {a.arrangement} by this "
            "day, and have it approved before recruiting learners.",
            a.source,
            f"consortium/{a.arrangement}/apply-by",
            reminder_days,
            modified,
            sequence,
        )
    what = a.qualification or "a qualification"
    return Obligation(
        a.date,
        None,
        f"First assessment of {what} ({a.arrangement}): LIV and standardisation before it",
        f"Before the first assessment of {what} in {a.arrangement}, the Lead Internal "
        "Verifier must be appointed for the year and standardisation done with the Centre "
        "Standardisation Materials.",
        a.source,
        f"consortium/{a.arrangement}/first-assessment/{a.qualification_code or what}",
        reminder_days,
        modified,
        sequence,
    )


def _disposal_obligations(items: Iterable[DisposalDate]) -> list[Obligation]:
    grouped: dict[tuple[date, str, str], int] = {}
    first: dict[tuple[date, str, str], str] = {}
    for item in items:
        key = (item.dispose_from, item.kind, item.source)
        grouped[key] = grouped.get(key, 0) + item.count
        ref = item.first_ref if item.first_ref is not None else item.dispose_from.isoformat()
        first[key] = min(first.get(key, ref), ref)
    out = []
    for (day, kind, source), count in sorted(grouped.items()):
        records = f"{count} record{'s' if count != 1 else ''}"
        out.append(
            Obligation(
                day,
                None,
                f"Retention: {kind} of {records} may be disposed of from today",
                f"The retention period of {kind} ends: {records} may be disposed of from "
                "this day unless on hold. See `wblqa retention due`.",
                source,
                f"retention/{kind}/from-record/{first[(day, kind, source)]}",
                None,
            )
        )
    return out


# --- the collector -----------------------------------------------------------------------


def _plan_obligations(
    plan: Plan, rules: CycleRules, centres: Mapping[str, str | None]
) -> list[Obligation]:
    year = plan.academic_year.label
    out: list[Obligation] = []
    for k in plan.key_dates:
        description = " ".join(part for part in (k.detail, k.note) if part)
        out.append(
            Obligation(
                k.date,
                k.end_date,
                k.what,
                description,
                k.source,
                f"key-date/{year}/{k.key}",
                k.reminder_days,
            )
        )
    for p in plan.programmes:
        about = f"centre/{centres.get(p.code) or '-'}/programme/{p.code}"
        if p.dcs_expiry is not None:
            out.append(
                Obligation(
                    p.dcs_expiry,
                    None,
                    f"Direct Claims Status expires: {p.code} {p.title}",
                    f"The programme release (Direct Claims Status) of {p.code} {p.title} "
                    f"expires on this day: alert {p.dcs_raise_with} before it does.",
                    p.dcs_source,
                    f"{about}/dcs-expiry",
                    rules.dcs_reminder_days,
                )
            )
        for n, day in enumerate(sorted(p.expected_certification), start=1):
            out.append(
                Obligation(
                    day,
                    None,
                    f"Expected certification: {p.code} {p.title}",
                    f"You expect to certificate {p.code} {p.title} on this day: make sure its "
                    "sector standards verification has released it for certification.",
                    rules.certification_source,
                    f"{about}/expected-certification/{year}/{n}",
                    rules.certification_reminder_days,
                )
            )
    return out


def obligations_for(
    plan: Plan,
    *,
    rules: CycleRules | None = None,
    arrangements: Sequence[ArrangementDate] | None = None,
    disposals: Sequence[DisposalDate] | None = None,
    extra: Sequence[Obligation] | None = None,
    centres: Mapping[str, str | None] | None = None,
) -> list[Obligation]:
    """Every dated obligation of the plan's academic year, sorted by date.

    From the plan: the key dates, each programme's Direct Claims Status expiry
    and expected certification dates (``centres`` maps a programme code to its
    centre number, for their UIDs). Optional plain lists add collaborative-
    arrangement dates, retention disposal dates and any ready-made obligations.
    Only obligations starting within the academic year are kept.
    """
    from wblqa_cli.cycle.rules import load_rules

    rules = rules or load_rules()
    everything = _plan_obligations(plan, rules, centres or {})
    everything += [
        _arrangement_obligation(a, rules.arrangement_reminder_days) for a in arrangements or ()
    ]
    everything += _disposal_obligations(disposals or ())
    everything += list(extra or ())
    return in_year(everything, plan.academic_year)


def in_year(obligations: Iterable[Obligation], year: AcademicYear) -> list[Obligation]:
    """The obligations that start within ``year``, by date then UID key."""
    return sorted((o for o in obligations if o.date in year), key=lambda o: (o.date, o.uid_key))


# --- the file ------------------------------------------------------------------------------


def build_calendar(
    obligations: Iterable[Obligation],
    *,
    namespace: str = "",
    stamp: datetime | None = None,
    name: str = "wblqa obligations",
) -> bytes:
    """An iCalendar (RFC 5545) file of all-day events, one per obligation.

    ``namespace`` (the store's random id) goes into every UID. ``stamp`` is
    the DTSTAMP of every event (default: now, UTC). Two obligations with the
    same ``uid_key`` are a ``ValueError``.
    """
    from icalendar import Alarm, Calendar, Event, vText

    stamp = stamp or datetime.now(UTC)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    # TEXT as RFC 5545 3.3.11 escapes it (a comma, semicolon or backslash in a centre's name).
    cal.add("x-wr-calname", vText(for_file(name, keep="")))
    seen: set[str] = set()
    for ob in sorted(obligations, key=lambda o: (o.date, o.uid_key)):
        if ob.uid_key in seen:
            raise ValueError(f"two obligations share the uid_key {ob.uid_key!r}")
        seen.add(ob.uid_key)
        event = Event()
        summary = for_file(ob.summary, keep="")
        event.add("uid", uid_for(ob.uid_key, namespace))
        event.add("dtstamp", stamp)
        event.add("dtstart", ob.date)
        event.add("dtend", (ob.end_date or ob.date) + timedelta(days=1))
        event.add("summary", summary)
        event.add("description", for_file(f"{ob.description}\n\nSource: {ob.source}"))
        event.add("transp", "TRANSPARENT")
        if ob.modified is not None:
            event.add("last-modified", ob.modified.astimezone(UTC))
        if ob.sequence is not None:
            event.add("sequence", ob.sequence)
        if ob.reminder_days:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"In {ob.reminder_days} days: {summary}")
            alarm.add("trigger", timedelta(days=-ob.reminder_days))
            event.add_component(alarm)
        cal.add_component(event)
    return bytes(cal.to_ical())
