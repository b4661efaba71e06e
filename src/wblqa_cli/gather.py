"""The application layer: what several views need, gathered from the store once.

``status``, ``cycle plan``, ``calendar`` (and the visit pack) read the same
facts; each view calls these functions instead of another command's module.
They take an open store and plain values and return the domain's own objects;
rendering stays in the views, SQL stays in ``store/``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wblqa_cli.aqd.answers import Answer, Key
    from wblqa_cli.aqd.deadlines import Deadline
    from wblqa_cli.aqd.progress import ScopeStatus
    from wblqa_cli.consortium.model import Arrangement
    from wblqa_cli.consortium.report import Report
    from wblqa_cli.cycle.calendar import Obligation
    from wblqa_cli.cycle.plan import Plan
    from wblqa_cli.dates import AcademicYear
    from wblqa_cli.registry.model import Programme
    from wblqa_cli.retention.records import StoredRecord
    from wblqa_cli.status.actions import (
        AqdProgress,
        ArrangementHealth,
        RetentionSummary,
        Status,
    )
    from wblqa_cli.store import Store
    from wblqa_cli.store.aqd import Declaration


def programmes_matched(
    s: Store, centre: str | None = None, *, year: str | None = None, active: bool = False
) -> list[Programme]:
    """The stored programmes, each with a current sector match.

    A match missing (a store from before matches were kept) or found with other
    sector data is found again; a writing command (``report``, not the read-only
    screens, which never write) stores it for the next run.
    """
    from dataclasses import replace

    from wblqa_cli.registry.programmes import refresh_matches
    from wblqa_cli.store.centres import list_programmes, save_sector_matches

    programmes = list_programmes(s, centre, year=year, active=active)
    fresh = refresh_matches(programmes)
    if not fresh:
        return programmes
    if not s.read_only:  # a read-only command writes nothing: readers never take the write lock
        save_sector_matches(s, fresh)
    return [replace(p, sector_match=fresh[p.code]) if p.code in fresh else p for p in programmes]


@dataclass(frozen=True)
class AqdDetail:
    """One centre's declaration for a year, scope by scope, with the answers behind it."""

    centre: str
    centre_name: str
    declaration: Declaration | None
    scopes: tuple[ScopeStatus, ...]  # the centre's scope first, then each programme's
    titles: dict[str, str]  # programme code -> title
    answers: dict[Key, Answer]
    deadline: Deadline

    @property
    def state(self) -> str:
        return "not started" if self.declaration is None else self.declaration.status


def verification_plan(s: Store, year: AcademicYear, today: date, centre: str | None = None) -> Plan:
    """The year's verification plan of the stored programmes (of ``centre`` if given),
    with any deadline a user set."""
    from wblqa_cli.aqd.deadlines import deadline_for
    from wblqa_cli.cycle.plan import plan
    from wblqa_cli.store.aqd import user_deadlines

    aqd = deadline_for(year, user_deadlines(s))
    return plan(programmes_matched(s, centre, year=year.label, active=True), year, today, aqd=aqd)


def aqd_details(s: Store, year: AcademicYear, centre: str | None = None) -> list[AqdDetail]:
    """Each registered centre's declaration for ``year`` (only ``centre`` if given), per scope."""
    from wblqa_cli.aqd.bank import load_bank
    from wblqa_cli.aqd.coverage import cover
    from wblqa_cli.aqd.deadlines import deadline_for
    from wblqa_cli.aqd.progress import statuses
    from wblqa_cli.store.aqd import coverage, find_declaration, load_answers, user_deadlines
    from wblqa_cli.store.centres import get_centre, list_centres, list_programmes

    bank = load_bank()
    deadline = deadline_for(year, user_deadlines(s))
    out = []
    for c in list_centres(s) if centre is None else [get_centre(s, centre)]:
        declaration = find_declaration(s, c.number, year.label)
        fixed = None if declaration is None else coverage(s, declaration.id)
        programmes = cover(list_programmes(s, c.number, year=year.label), year.label, fixed).covered
        answers = {} if declaration is None else load_answers(s, declaration.id, bank)
        scopes = statuses(bank, [p.code for p in programmes], answers)
        out.append(
            AqdDetail(
                centre=c.number,
                centre_name=c.name,
                declaration=declaration,
                scopes=tuple(scopes),
                titles={p.code: p.title for p in programmes},
                answers=answers,
                deadline=deadline,
            )
        )
    return out


def aqd_progress(s: Store, year: AcademicYear, centre: str | None = None) -> list[AqdProgress]:
    """Each registered centre's declaration for ``year``: how far it is, against its deadline."""
    return progress_of(aqd_details(s, year, centre))


def progress_of(details: Sequence[AqdDetail]) -> list[AqdProgress]:
    """The status screen's summary of each centre's declaration detail."""
    from wblqa_cli.status.actions import AqdProgress

    return [
        AqdProgress(
            centre=d.centre,
            centre_name=d.centre_name,
            state=d.state,
            answered=sum(sc.answered for sc in d.scopes),
            applicable=sum(sc.applicable for sc in d.scopes),
            missing=sum(len(sc.missing) for sc in d.scopes),
            flagged=sum(len(sc.flagged) for sc in d.scopes),
            programmes=len(d.titles),
            deadline=d.deadline,
        )
        for d in details
    ]


def arrangement_reports(s: Store, today: date) -> list[tuple[Arrangement, Report]]:
    """Each stored collaborative arrangement with its full check report as of ``today``."""
    from wblqa_cli.consortium.checks import check
    from wblqa_cli.store.consortium import list_arrangements

    return [(a, check(a, today)) for a in list_arrangements(s)]


def arrangement_health(s: Store, today: date) -> list[ArrangementHealth]:
    """Each stored collaborative arrangement's check, reduced to what the status screen shows."""
    from wblqa_cli.status.actions import ArrangementHealth

    out = []
    for arrangement, report in arrangement_reports(s, today):
        out.append(
            ArrangementHealth(
                name=arrangement.name,
                model=arrangement.model,
                failed=tuple(f"{r.id}: {r.message}" for r in report.results if r.status == "fail"),
                warnings=tuple(
                    f"{r.id}: {r.message}" for r in report.results if r.status == "warn"
                ),
                apply_by=arrangement.apply_by(),
                application_submitted=arrangement.application_submitted,
            )
        )
    return out


def retention_summary(s: Store, today: date) -> RetentionSummary | None:
    from wblqa_cli.store.retention import summary

    return summary(s, today)


@dataclass(frozen=True)
class RetentionDetail:
    """Stored retention records on a day: counts, what may go now, holds, what falls due."""

    summary: RetentionSummary
    disposable: tuple[tuple[date, str, int], ...]  # (dispose_from, kind, count), up to today
    holds: tuple[StoredRecord, ...]  # the first ``holds_limit`` records on hold
    upcoming: tuple[tuple[date, str, int], ...]  # after today, up to ``until``


def retention_detail(s: Store, today: date, until: date, holds_limit: int) -> RetentionDetail:
    """What the visit pack shows of retention; the counts are the status screen's own."""
    from datetime import timedelta

    from wblqa_cli.retention.records import ON_HOLD
    from wblqa_cli.store.retention import disposal_dates, list_records, summary

    return RetentionDetail(
        summary=summary(s, today),
        disposable=tuple(disposal_dates(s, date.min, today)),
        holds=tuple(list_records(s, today, status=ON_HOLD, limit=holds_limit)),
        upcoming=tuple(disposal_dates(s, today + timedelta(days=1), until)),
    )


def status(
    s: Store,
    year: AcademicYear,
    today: date,
    centre: str | None = None,
    *,
    details: Sequence[AqdDetail] | None = None,
) -> Status:
    """Everything the status screen ranks: AQD, DCS, consortia, retention, key dates.

    With ``centre``, the AQD and the programmes are that centre's only. A caller
    that already holds the AQD ``details`` (from :func:`aqd_details`) passes them.
    """
    from wblqa_cli.status.actions import build
    from wblqa_cli.store.centres import list_centres

    plan = verification_plan(s, year, today, centre)
    return build(
        today,
        plan,
        progress_of(aqd_details(s, year, centre) if details is None else details),
        arrangement_health(s, today),
        retention_summary(s, today),
        several_centres=len(list_centres(s)) > 1,
    )


def calendar_obligations(s: Store, year: AcademicYear, today: date) -> list[Obligation]:
    """Every dated obligation of ``year``: the plan, stored arrangements, retention disposals."""
    from wblqa_cli.cycle.calendar import DisposalDate, arrangement_dates, obligations_for
    from wblqa_cli.retention.rules import load_rules
    from wblqa_cli.store.calendar import arrangement_changes, disposal_groups
    from wblqa_cli.store.centres import list_programmes
    from wblqa_cli.store.consortium import list_arrangements

    plan = verification_plan(s, year, today)
    changes = {n: (c.created, c.updated) for n, c in arrangement_changes(s).items()}
    arrangements = arrangement_dates(list_arrangements(s), changes)
    rules = load_rules()
    disposals = [
        DisposalDate(day, rules[kind].label.lower(), rules[kind].source, count, first)
        for day, kind, count, first in disposal_groups(s, year.start, year.end)
    ]
    centres = {p.code: p.centre_number for p in list_programmes(s)}
    return obligations_for(plan, arrangements=arrangements, disposals=disposals, centres=centres)


def calendar_identity(s: Store) -> tuple[str, str]:
    """The store's random id (for UIDs) and who the calendar is for: its centres, named."""
    from wblqa_cli.store.calendar import store_id
    from wblqa_cli.store.centres import list_centres

    centres = list_centres(s)
    if len(centres) == 1:
        who = f"{centres[0].number} {centres[0].name}"
    else:
        who = ", ".join(c.number for c in centres[:3]) + (" …" if len(centres) > 3 else "")
    return store_id(s), who
