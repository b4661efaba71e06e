"""The consortium checks: each prerequisite of a model, as a small registered function.

Pure: plain functions over frozen dataclasses. ``as_of`` is always an argument.
Each check is a small function registered under its stable id;
``data/consortium.toml`` holds its title, the models it applies to, its source
and the action to take. A date recorded after ``as_of`` counts as not yet
happened, so ``--as-of`` answers "what will the check say on that day".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from wblqa_cli.consortium.model import (
    FUNCTIONAL_SKILLS,
    TECH_AWARD,
    Arrangement,
    Organisation,
    Qualification,
)
from wblqa_cli.consortium.report import Report, Result
from wblqa_cli.consortium.rules import Rules, rules
from wblqa_cli.dates import days_text
from wblqa_cli.errors import DataError


@dataclass(frozen=True)
class _Ctx:
    as_of: date
    rules: Rules

    def happened(self, day: date | None) -> bool:
        return day is not None and day <= self.as_of


Outcome = tuple[str, str]  # (status, what we found)
CheckFn = Callable[[Arrangement, _Ctx], Outcome]
CHECKS: dict[str, CheckFn] = {}


def _check(check_id: str) -> Callable[[CheckFn], CheckFn]:
    def register(fn: CheckFn) -> CheckFn:
        CHECKS[check_id] = fn
        return fn

    return register


def _names(items: Iterable[Organisation]) -> str:
    return ", ".join(o.name for o in items)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _no_lead() -> Outcome:
    return ("n/a", "Needs exactly one Lead Centre first (see lead-centre.exactly-one).")


@_check("scope.tech-award-2022")
def _tech_award(a: Arrangement, c: _Ctx) -> Outcome:
    bad = [q for q in a.qualifications if q.kind == TECH_AWARD]
    if bad:
        listed = ", ".join(f"{q.code} ({q.title})" for q in bad)
        return "fail", f"{listed}: a BTEC Tech Award (2022) is not covered."
    return "pass", "No BTEC Tech Award (2022) is listed."


@_check("members.at-least-two")
def _at_least_two(a: Arrangement, c: _Ctx) -> Outcome:
    n = len(a.organisations)
    if n < 2:
        return "fail", f"The file lists {n} organisation{'' if n == 1 else 's'}."
    return "pass", f"{n} organisations: {_names(a.organisations)}."


@_check("members.approved-centres")
def _approved_centres(a: Arrangement, c: _Ctx) -> Outcome:
    bad = [o for o in a.organisations if not (o.approved_centre and o.centre_number)]
    if bad:
        return "fail", f"Not an approved centre with a centre number: {_names(bad)}."
    return "pass", "Every organisation is an approved centre with its own centre number."


@_check("lead-centre.exactly-one")
def _one_lead(a: Arrangement, c: _Ctx) -> Outcome:
    leads = [o for o in a.organisations if o.lead]
    if not leads:
        return "fail", "No organisation is marked lead = true."
    if len(leads) > 1:
        return "fail", f"{len(leads)} organisations are marked lead = true: {_names(leads)}."
    return "pass", f"The Lead Centre is {leads[0].name}."


@_check("lead-centre.approved")
def _lead_approved(a: Arrangement, c: _Ctx) -> Outcome:
    lead = a.lead
    if lead is None:
        return _no_lead()
    if lead.approved_centre and lead.centre_number:
        return "pass", f"{lead.name} is approved centre {lead.centre_number}."
    return "fail", f"{lead.name} is not recorded as an approved centre with a centre number."


@_check("approval.per-qualification")
def _per_qualification(a: Arrangement, c: _Ctx) -> Outcome:
    quals = a.vocational
    if not quals:
        return "n/a", "No vocational qualification is listed."
    if a.model == "exceptional":
        members = [a.lead] if a.lead else [o for o in a.organisations if o.approved_centre]
        who = "the Lead Centre"
    else:
        members = list(a.organisations)
        who = "every organisation"
    gaps = []
    for org in members:
        missing = [q.code for q in quals if q.code not in org.approved_qualifications]
        if missing:
            gaps.append(f"{org.name} lacks {', '.join(missing)}")
    if gaps:
        return "fail", f"Approval missing: {'; '.join(gaps)}."
    codes = ", ".join(q.code for q in quals)
    return "pass", f"{_cap(who)} holds approval for {codes}."


@_check("application.submitted-in-time")
def _submitted(a: Arrangement, c: _Ctx) -> Outcome:
    apply_by = a.apply_by()
    assert apply_by is not None
    sub = a.application_submitted
    if c.happened(sub):
        assert sub is not None
        if sub <= apply_by:
            return "pass", f"Submitted on {sub}, by the latest date to apply ({apply_by})."
        late = (sub - apply_by).days
        return (
            "fail",
            f"Submitted on {sub}, {days_text(late)} after the latest date to apply, {apply_by}.",
        )
    if c.as_of <= apply_by:
        left = (apply_by - c.as_of).days
        return "warn", f"Not submitted yet: apply by {apply_by} ({days_text(left)} left)."
    gone = (c.as_of - apply_by).days
    return (
        "fail",
        f"Not submitted, and the latest date to apply, {apply_by}, passed {days_text(gone)} ago.",
    )


def _approval_before(a: Arrangement, c: _Ctx, start: date | None, what: str) -> Outcome:
    approved = a.approved if c.happened(a.approved) else None
    if start is None:
        if approved is not None:
            return "pass", f"Approved on {approved}; no {what} date is recorded."
        return "warn", f"Not approved yet, and no {what} date is recorded."
    if approved is not None:
        if approved <= start:
            return "pass", f"Approved on {approved}, on or before {what} on {start}."
        return "fail", f"Approved on {approved}, after {what} on {start}."
    if c.as_of < start:
        return "warn", f"Not approved yet; {what} is due on {start}."
    return "fail", f"{_cap(what)} on {start} without approval."


@_check("application.approved-before-recruitment")
def _before_recruitment(a: Arrangement, c: _Ctx) -> Outcome:
    return _approval_before(a, c, a.recruitment_start, "recruitment starting")


@_check("application.approved-before-delivery")
def _before_delivery(a: Arrangement, c: _Ctx) -> Outcome:
    firsts = [q.first_assessment for q in a.vocational if q.first_assessment is not None]
    start = min([a.delivery_start, *firsts])
    what = "delivery starting" if start == a.delivery_start else "the first assessment"
    return _approval_before(a, c, start, what)


def _this_year(
    a: Arrangement,
    c: _Ctx,
    get: Callable[[Qualification], date | None],
    due: Callable[[Qualification], date],
    verb: str,
) -> Outcome:
    quals = a.vocational
    if not quals:
        return "n/a", "No vocational qualification is listed."
    year = a.academic_year
    problems: list[str] = []
    overdue = False
    for q in quals:
        day = get(q)
        if c.happened(day) and day in year:
            continue
        if day is not None and c.happened(day):
            problems.append(f"{q.code} {verb} on {day}, outside {year}")
        else:
            problems.append(f"{q.code} not {verb} in {year} yet")
        overdue = overdue or c.as_of >= due(q)
    if not problems:
        return "pass", f"Every programme {verb} in {year}."
    return ("fail" if overdue else "warn"), "; ".join(problems) + "."


@_check("liv.appointed-this-year")
def _liv(a: Arrangement, c: _Ctx) -> Outcome:
    return _this_year(a, c, lambda q: q.liv_appointed, lambda q: a.delivery_start, "LIV appointed")


@_check("standardisation.this-year")
def _standardised_year(a: Arrangement, c: _Ctx) -> Outcome:
    return _this_year(
        a,
        c,
        lambda q: q.standardised,
        lambda q: q.first_assessment or a.delivery_start,
        "standardised",
    )


@_check("standardisation.before-assessment")
def _standardised_first(a: Arrangement, c: _Ctx) -> Outcome:
    quals = a.vocational
    if not quals:
        return "n/a", "No vocational qualification is listed."
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
        return "fail", "; ".join(bad) + "."
    if pending:
        return "warn", "; ".join(pending) + "."
    return "pass", "Every programme was standardised before its first assessment."


def _missing_policies(orgs: Iterable[Organisation], needed: Sequence[str]) -> list[str]:
    out = []
    for o in orgs:
        missing = [p for p in needed if p not in o.policies]
        if missing:
            out.append(f"{o.name} lacks {', '.join(missing)}")
    return out


@_check("policies.minimum")
def _policies_minimum(a: Arrangement, c: _Ctx) -> Outcome:
    registering = [o for o in a.organisations if o.registers_learners]
    if not registering:
        return "n/a", "No organisation registers learners."
    gaps = _missing_policies(registering, c.rules.minimum_policies)
    if gaps:
        return "fail", "; ".join(gaps) + "."
    return "pass", f"{_names(registering)}: {', '.join(c.rules.minimum_policies)} in place."


@_check("policies.collaborative-arrangements")
def _policies_collab(a: Arrangement, c: _Ctx) -> Outcome:
    centres = [o for o in a.organisations if o.approved_centre]
    if not centres:
        return "n/a", "No approved centre is listed."
    gaps = _missing_policies(centres, [c.rules.collaborative_policy])
    if gaps:
        return "fail", "; ".join(gaps) + "."
    return "pass", f"{_names(centres)}: a collaborative arrangements policy in place."


@_check("aqd.every-centre")
def _aqd(a: Arrangement, c: _Ctx) -> Outcome:
    from wblqa_cli.deadlines import deadline_for

    centres = [o for o in a.organisations if o.approved_centre]
    if not centres:
        return "n/a", "No approved centre is listed."
    pending = [o for o in centres if not o.aqd_completed]
    if not pending:
        return "pass", f"AQD completed by {_names(centres)}."
    due = deadline_for(a.academic_year).deadline
    found = f"AQD {a.academic_year} not completed by {_names(pending)}"
    if c.as_of <= due:
        return "warn", f"{found}; it is due by {due}."
    return "fail", f"{found}; it was due by {due}."


@_check("registration.funded-centre-registers")
def _funded(a: Arrangement, c: _Ctx) -> Outcome:
    funded = [o for o in a.organisations if o.uk and o.receives_funding]
    if not funded:
        return "n/a", "No UK organisation is recorded as receiving public funding."
    if a.model == "exceptional":
        bad = [o for o in funded if not (o.lead and o.registers_learners)]
        if bad:
            return "fail", f"Funded but not the registering Lead Centre: {_names(bad)}."
    else:
        bad = [o for o in funded if not o.registers_learners]
        if bad:
            return "fail", f"Funded but not registering its learners: {_names(bad)}."
    return "pass", f"The funded organisation registers the learners: {_names(funded)}."


@_check("informal.no-shared-assessment")
def _no_shared(a: Arrangement, c: _Ctx) -> Outcome:
    if a.shared_assessment:
        return "fail", "The file records shared_assessment = true."
    return "pass", "No shared assessment is recorded."


@_check("informal.own-registrations")
def _own_registrations(a: Arrangement, c: _Ctx) -> Outcome:
    if a.joint_registration:
        return "fail", "The file records joint_registration = true."
    return "pass", "Each centre registers and claims for its own learners."


@_check("informal.no-mixed-groups")
def _informal_mixed(a: Arrangement, c: _Ctx) -> Outcome:
    if a.mixed_groups:
        return "fail", "The file records mixed_groups = true."
    return "pass", "Each centre teaches its own learners in its own groups."


@_check("registration.consortium-code")
def _consortium_code(a: Arrangement, c: _Ctx) -> Outcome:
    if not a.mixed_groups:
        return "n/a", (
            "Groups are kept separate (mixed_groups is not true): the delivering centre may "
            "register its own learners on its own programme code, the others on the "
            "consortium programme code."
        )
    registering = [o for o in a.organisations if o.registers_learners]
    own = [o for o in registering if o.registers_on == "own"]
    unknown = [o for o in registering if o.registers_on is None]
    if own:
        return "fail", f"Mixed groups, but registering on its own programme code: {_names(own)}."
    if unknown:
        return "warn", f"Mixed groups; registers_on is not recorded for {_names(unknown)}."
    return "pass", f"Mixed groups, all registered on the consortium code: {_names(registering)}."


def _others_flag(a: Arrangement, get: Callable[[Organisation], bool | None], what: str) -> Outcome:
    lead = a.lead
    if lead is None:
        return _no_lead()
    others = [o for o in a.organisations if o is not lead]
    if not others:
        return "n/a", "No organisation other than the Lead Centre is listed."
    no = [o for o in others if get(o) is False]
    unknown = [o for o in others if get(o) is None]
    if no:
        return "fail", f"No {what}: {_names(no)}."
    if unknown:
        return "warn", f"Not recorded ({what}): {_names(unknown)}."
    return "pass", f"{_cap(what)}: {_names(others)}."


@_check("exceptional.written-contracts")
def _contracts(a: Arrangement, c: _Ctx) -> Outcome:
    return _others_flag(a, lambda o: bool(o.written_contract), "written contract")


@_check("exceptional.due-diligence")
def _due_diligence(a: Arrangement, c: _Ctx) -> Outcome:
    return _others_flag(a, lambda o: bool(o.due_diligence), "due diligence done")


@_check("exceptional.lead-registers")
def _lead_registers(a: Arrangement, c: _Ctx) -> Outcome:
    lead = a.lead
    if lead is None:
        return _no_lead()
    others = [o for o in a.organisations if o is not lead and o.registers_learners]
    if not lead.registers_learners:
        return "fail", f"{lead.name} (the lead) is not recorded as registering learners."
    if others:
        return "fail", f"Registering learners besides the lead: {_names(others)}."
    return "pass", f"{lead.name} registers every learner on centre {lead.centre_number or '—'}."


@_check("exceptional.sub-site")
def _sub_site(a: Arrangement, c: _Ctx) -> Outcome:
    lead = a.lead
    if lead is None:
        return _no_lead()
    if lead.sub_site:
        return "pass", f"Learners are registered under sub-site {lead.sub_site}."
    if c.happened(a.approved):
        return "fail", f"Approved on {a.approved}, but no sub_site is recorded on {lead.name}."
    return "n/a", "Applies once Pearson approves the arrangement and sets up the sub-site."


@_check("exceptional.lead-policies")
def _lead_policies(a: Arrangement, c: _Ctx) -> Outcome:
    lead = a.lead
    if lead is None:
        return _no_lead()
    gaps = _missing_policies([lead], c.rules.exceptional_lead_policies)
    if gaps:
        return "fail", "; ".join(gaps) + "."
    return "pass", f"{lead.name}: {', '.join(c.rules.exceptional_lead_policies)} in place."


@_check("members.qa-access")
def _qa_access(a: Arrangement, c: _Ctx) -> Outcome:
    return _others_flag(a, lambda o: o.qa_access, "access to QA documents and learner records")


@_check("members.progress-meetings")
def _meetings(a: Arrangement, c: _Ctx) -> Outcome:
    return _others_flag(a, lambda o: o.regular_meetings, "regular progress meetings and review")


@_check("sv.delivery-sites-declared")
def _sites(a: Arrangement, c: _Ctx) -> Outcome:
    if a.delivery_sites_declared is None:
        return "warn", "delivery_sites_declared is not recorded."
    if not a.delivery_sites_declared:
        return "fail", "The file records delivery_sites_declared = false."
    return "pass", "Every delivery site has been declared to the Standards Verifier."


def _fs_flag(a: Arrangement, get: Callable[[Qualification], bool | None], what: str) -> Outcome:
    fs = [q for q in a.qualifications if q.kind == FUNCTIONAL_SKILLS]
    if not fs:
        return "n/a", "No Functional Skills qualification is listed."
    no = [q.code for q in fs if get(q) is False]
    unknown = [q.code for q in fs if get(q) is None]
    if no:
        return "fail", f"Not {what}: {', '.join(no)}."
    if unknown:
        return "warn", f"Not recorded whether {what}: {', '.join(unknown)}."
    return "pass", f"{_cap(what)}: {', '.join(q.code for q in fs)}."


@_check("functional-skills.jcq-site")
def _jcq(a: Arrangement, c: _Ctx) -> Outcome:
    return _fs_flag(a, lambda q: q.assessment_site_jcq_compliant, "assessment site meets JCQ")


@_check("functional-skills.registered-at-assessment-site")
def _fs_site(a: Arrangement, c: _Ctx) -> Outcome:
    return _fs_flag(a, lambda q: q.registered_at_assessment_site, "registered at assessment site")


@_check("waivers.in-date")
def _waivers(a: Arrangement, c: _Ctx) -> Outcome:
    if not a.waivers:
        return "n/a", "No waivers are recorded."
    expired = [w for w in a.waivers if not w.in_force(c.as_of)]
    if expired:
        listed = ", ".join(f"{w.check} (expired {w.expires})" for w in expired)
        return "warn", f"Expired, so no longer applied: {listed}."
    return "pass", f"{len(a.waivers)} waiver(s) in date."


def _catalogue() -> Rules:
    """The rules, once their ``[[checks]]`` are known to match the rule functions."""
    r = rules()
    missing = sorted(set(CHECKS) - set(r.check_ids))
    extra = sorted(set(r.check_ids) - set(CHECKS))
    if missing or extra:
        raise DataError(
            "data/consortium.toml: [[checks]] and the rule functions disagree: "
            f"no entry for {missing or 'none'}, no function for {extra or 'none'}."
        )
    return r


def check(arrangement: Arrangement, as_of: date) -> Report:
    """Run every check of the catalogue on ``arrangement`` as of ``as_of``."""
    r = _catalogue()
    ctx = _Ctx(as_of, r)
    waivers = {w.check: w for w in arrangement.waivers if w.in_force(as_of)}
    results = []
    for rule in r.checks:
        if arrangement.model not in rule.models:
            models = " and ".join(rule.models)
            status, found = "n/a", f"Applies to {models} arrangements only."
        else:
            status, found = CHECKS[rule.id](arrangement, ctx)
        message = found if status in ("pass", "n/a") else f"{found} {rule.action}"
        waiver = waivers.get(rule.id)
        if status == "fail" and waiver is not None:
            status = "waived"
            message = (
                f"Waived until {waiver.expires} (approved by {waiver.approved_by}: "
                f"{waiver.reason}). Without the waiver: {message}"
            )
        results.append(Result(rule.id, rule.title, status, message, rule.source))
    return Report(
        arrangement=arrangement.name,
        model=arrangement.model,
        as_of=as_of,
        apply_by=arrangement.apply_by(),
        delivery_start=arrangement.delivery_start,
        results=tuple(results),
    )
