"""The consortium checks on the file and its dates: template, application, approval, LIV,
standardisation, AQD, waivers.

A date recorded after ``as_of`` counts as not yet happened, so ``--as-of``
answers "what will the check say on that day".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from wblqa_cli.consortium.checks_base import (
    BROKEN,
    MET,
    NA,
    OPEN,
    Context,
    Outcome,
    Registry,
    cap,
    names,
)
from wblqa_cli.consortium.model import Arrangement, Qualification
from wblqa_cli.dates import days_text

CHECKS = Registry()
_check = CHECKS.add


@_check("template.filled-in")
def _filled_in(a: Arrangement, c: Context) -> Outcome:
    if a.unedited_template:
        return BROKEN, "The file is still marked as the unedited template: its values are samples."
    return MET, "The file is not marked as the template's example."


@_check("application.submitted")
def _submitted(a: Arrangement, c: Context) -> Outcome:
    apply_by = a.apply_by()
    assert apply_by is not None
    sub = a.application_submitted
    if c.happened(sub):
        return MET, f"Submitted on {sub}."
    if c.as_of <= apply_by:
        left = (apply_by - c.as_of).days
        return OPEN, f"Not submitted yet: apply by {apply_by} ({days_text(left)} left)."
    gone = (c.as_of - apply_by).days
    return (
        BROKEN,
        f"Not submitted, and the latest date to apply, {apply_by}, passed {days_text(gone)} ago.",
    )


@_check("application.submitted-in-time")
def _submitted_in_time(a: Arrangement, c: Context) -> Outcome:
    apply_by = a.apply_by()
    assert apply_by is not None
    sub = a.application_submitted
    if not c.happened(sub):
        return NA, "No application is recorded yet (see application.submitted)."
    assert sub is not None
    if sub <= apply_by:
        return MET, f"Submitted on {sub}, by the latest date to apply ({apply_by})."
    late = (sub - apply_by).days
    return (
        BROKEN,
        f"Submitted on {sub}, {days_text(late)} after the latest date to apply, {apply_by}.",
    )


def _approval_before(a: Arrangement, c: Context, start: date | None, what: str) -> Outcome:
    approved = a.approved if c.happened(a.approved) else None
    if start is None:
        if approved is not None:
            return MET, f"Approved on {approved}; no {what} date is recorded."
        return OPEN, f"Not approved yet, and no {what} date is recorded."
    if approved is not None:
        if approved <= start:
            return MET, f"Approved on {approved}, on or before {what} on {start}."
        return BROKEN, f"Approved on {approved}, after {what} on {start}."
    if c.as_of < start:
        return OPEN, f"Not approved yet; {what} is due on {start}."
    return BROKEN, f"{cap(what)} on {start} without approval."


@_check("application.approved-before-recruitment")
def _before_recruitment(a: Arrangement, c: Context) -> Outcome:
    return _approval_before(a, c, a.recruitment_start, "recruitment starting")


@_check("application.approved-before-delivery")
def _before_delivery(a: Arrangement, c: Context) -> Outcome:
    firsts = [q.first_assessment for q in a.vocational if q.first_assessment is not None]
    start = min([a.delivery_start, *firsts])
    what = "delivery starting" if start == a.delivery_start else "the first assessment"
    return _approval_before(a, c, start, what)


def _this_year(
    a: Arrangement,
    c: Context,
    get: Callable[[Qualification], date | None],
    due: Callable[[Qualification], date],
    verb: str,
) -> Outcome:
    """Done for this academic year: inside it, or in the window just before it starts."""
    quals = a.vocational
    if not quals:
        return NA, "No vocational qualification is listed."
    year = a.academic_year
    opens = c.rules.year_opens(year)
    problems: list[str] = []
    overdue = False
    for q in quals:
        day = get(q)
        if c.happened(day):
            assert day is not None
            if opens <= day <= year.end:
                continue
            if day < opens:
                problems.append(
                    f"{q.code} {verb} on {day}, before {opens}, the earliest day that counts "
                    f"for {year}"
                )
            else:
                problems.append(f"{q.code} {verb} on {day}, after {year} ended")
        else:
            problems.append(f"{q.code} not {verb} for {year} yet")
        overdue = overdue or c.as_of >= due(q)
    if not problems:
        return MET, f"Every programme {verb} for {year}."
    return (BROKEN if overdue else OPEN), "; ".join(problems) + "."


@_check("liv.appointed-this-year")
@_check("exceptional.liv-appointed")
def _liv(a: Arrangement, c: Context) -> Outcome:
    return _this_year(a, c, lambda q: q.liv_appointed, lambda q: a.delivery_start, "LIV appointed")


@_check("standardisation.this-year")
def _standardised_year(a: Arrangement, c: Context) -> Outcome:
    return _this_year(
        a,
        c,
        lambda q: q.standardised,
        lambda q: q.first_assessment or a.delivery_start,
        "standardised",
    )


@_check("standardisation.before-assessment")
def _standardised_first(a: Arrangement, c: Context) -> Outcome:
    quals = a.vocational
    if not quals:
        return NA, "No vocational qualification is listed."
    bad: list[str] = []
    pending: list[str] = []
    for q in quals:
        s, first = q.standardised, q.first_assessment
        if first is None:
            pending.append(f"{q.code} has no first_assessment date to check against")
        elif c.happened(s):
            assert s is not None
            if s > first:
                bad.append(f"{q.code} standardised on {s}, after its first assessment on {first}")
        elif c.happened(first):
            bad.append(f"{q.code} first assessed on {first} without standardisation")
        else:
            pending.append(f"{q.code}: standardise before the first assessment on {first}")
    if bad:
        return BROKEN, "; ".join(bad) + "."
    if pending:
        return OPEN, "; ".join(pending) + "."
    return MET, "Every programme was standardised before its first assessment."


@_check("aqd.every-centre")
def _aqd(a: Arrangement, c: Context) -> Outcome:
    from wblqa_cli.aqd.deadlines import deadline_for

    centres = [o for o in a.organisations if o.approved_centre]
    if not centres:
        return NA, "No approved centre is listed."
    pending = [o for o in centres if not o.aqd_completed]
    if not pending:
        return MET, f"AQD completed by {names(centres)}."
    due = deadline_for(a.academic_year).deadline
    found = f"AQD {a.academic_year} not completed by {names(pending)}"
    if c.as_of <= due:
        return OPEN, f"{found}; it is due by {due}."
    return BROKEN, f"{found}; it was due by {due}."


@_check("waivers.in-date")
def _waivers(a: Arrangement, c: Context) -> Outcome:
    if not a.waivers:
        return NA, "No waivers are recorded."
    expired = [w for w in a.waivers if not w.in_force(c.as_of)]
    if expired:
        listed = ", ".join(f"{w.check} (expired {w.expires})" for w in expired)
        return BROKEN, f"Expired, so no longer applied: {listed}."
    return MET, f"{len(a.waivers)} waiver(s) in date."
