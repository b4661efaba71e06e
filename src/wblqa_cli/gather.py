"""The application layer: what several views need, gathered from the store once.

``status``, ``cycle plan``, ``calendar`` (and the visit pack) read the same
facts; each view calls these functions instead of another command's module.
They take an open store and plain values and return the domain's own objects;
rendering stays in the views, SQL stays in ``store/``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wblqa_cli.cycle.calendar import Obligation
    from wblqa_cli.cycle.plan import Plan
    from wblqa_cli.dates import AcademicYear
    from wblqa_cli.registry.model import Programme
    from wblqa_cli.status.actions import (
        AqdProgress,
        ArrangementHealth,
        RetentionSummary,
        Status,
    )
    from wblqa_cli.store import Store


def programmes_matched(s: Store) -> list[Programme]:
    """The stored programmes, each with a current sector match.

    A match missing (a store from before matches were kept) or found with other
    sector data is found again once and stored for the next run.
    """
    from dataclasses import replace

    from wblqa_cli.registry.programmes import refresh_matches
    from wblqa_cli.store.centres import list_programmes, save_sector_matches

    programmes = list_programmes(s)
    fresh = refresh_matches(programmes)
    if not fresh:
        return programmes
    save_sector_matches(s, fresh)
    return [replace(p, sector_match=fresh[p.code]) if p.code in fresh else p for p in programmes]


def verification_plan(s: Store, year: AcademicYear, today: date) -> Plan:
    """The year's verification plan of the stored programmes, with any deadline a user set."""
    from wblqa_cli.aqd.deadlines import deadline_for
    from wblqa_cli.cycle.plan import plan
    from wblqa_cli.store.aqd import user_deadlines

    aqd = deadline_for(year, user_deadlines(s))
    return plan(programmes_matched(s), year, today, aqd=aqd)


def aqd_progress(s: Store, year: AcademicYear) -> list[AqdProgress]:
    """Each registered centre's declaration for ``year``: how far it is, against its deadline."""
    from wblqa_cli.aqd.bank import load_bank
    from wblqa_cli.aqd.deadlines import deadline_for
    from wblqa_cli.aqd.progress import statuses
    from wblqa_cli.status.actions import AqdProgress
    from wblqa_cli.store.aqd import find_declaration, load_answers, user_deadlines
    from wblqa_cli.store.centres import list_centres, list_programmes

    bank = load_bank()
    deadline = deadline_for(year, user_deadlines(s))
    out = []
    for centre in list_centres(s):
        programmes = [p.code for p in list_programmes(s, centre.number)]
        declaration = find_declaration(s, centre.number, year.label)
        answers = {} if declaration is None else load_answers(s, declaration.id, bank)
        scopes = statuses(bank, programmes, answers)
        out.append(
            AqdProgress(
                centre=centre.number,
                centre_name=centre.name,
                state="not started" if declaration is None else declaration.status,
                answered=sum(sc.answered for sc in scopes),
                applicable=sum(sc.applicable for sc in scopes),
                missing=sum(len(sc.missing) for sc in scopes),
                flagged=sum(len(sc.flagged) for sc in scopes),
                programmes=len(programmes),
                deadline=deadline,
            )
        )
    return out


def arrangement_health(s: Store, today: date) -> list[ArrangementHealth]:
    """Each stored collaborative arrangement's check, reduced to what the status screen shows."""
    from wblqa_cli.consortium.checks import check
    from wblqa_cli.status.actions import ArrangementHealth
    from wblqa_cli.store.consortium import list_arrangements

    out = []
    for arrangement in list_arrangements(s):
        report = check(arrangement, today)
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


def status(s: Store, year: AcademicYear, today: date) -> Status:
    """Everything the status screen ranks: AQD, DCS, consortia, retention, key dates."""
    from wblqa_cli.status.actions import build

    plan = verification_plan(s, year, today)
    return build(
        today,
        plan,
        aqd_progress(s, year),
        arrangement_health(s, today),
        retention_summary(s, today),
    )


def calendar_obligations(s: Store, year: AcademicYear, today: date) -> list[Obligation]:
    """Every dated obligation of ``year``: the plan, stored arrangements, retention disposals."""
    from wblqa_cli.cycle.calendar import DisposalDate, arrangement_dates, obligations_for
    from wblqa_cli.retention.rules import load_rules
    from wblqa_cli.store.consortium import list_arrangements
    from wblqa_cli.store.retention import disposal_dates

    plan = verification_plan(s, year, today)
    arrangements = arrangement_dates(list_arrangements(s))
    rules = load_rules()
    disposals = [
        DisposalDate(day, rules[kind].label.lower(), rules[kind].source, count)
        for day, kind, count in disposal_dates(s, year.start, year.end)
    ]
    return obligations_for(plan, arrangements=arrangements, disposals=disposals)
