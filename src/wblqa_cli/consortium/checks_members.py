"""The consortium checks on who takes part: centres, lead, approval, policies, registration.

Also the model-specific duties (informal, exceptional), the partners' access
and meetings, the delivery sites and the Functional Skills assessment sites.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

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
    no_lead,
)
from wblqa_cli.consortium.model import (
    FUNCTIONAL_SKILLS,
    TECH_AWARD,
    Arrangement,
    Organisation,
    Qualification,
)

CHECKS = Registry()
_check = CHECKS.add


@_check("scope.tech-award-2022")
def _tech_award(a: Arrangement, c: Context) -> Outcome:
    bad = [q for q in a.qualifications if q.kind == TECH_AWARD]
    if bad:
        listed = ", ".join(f"{q.code} ({q.title})" for q in bad)
        return BROKEN, f"{listed}: a BTEC Tech Award (2022) is not covered."
    return MET, "No BTEC Tech Award (2022) is listed."


@_check("members.at-least-two")
def _at_least_two(a: Arrangement, c: Context) -> Outcome:
    n = len(a.organisations)
    if n < 2:
        return BROKEN, f"The file lists {n} organisation{'' if n == 1 else 's'}."
    return MET, f"{n} organisations: {names(a.organisations)}."


@_check("members.approved-centres")
def _approved_centres(a: Arrangement, c: Context) -> Outcome:
    bad = [o for o in a.organisations if not (o.approved_centre and o.centre_number)]
    if bad:
        return BROKEN, f"Not an approved centre with a centre number: {names(bad)}."
    return MET, "Every organisation is an approved centre with its own centre number."


@_check("lead-centre.exactly-one")
def _one_lead(a: Arrangement, c: Context) -> Outcome:
    leads = [o for o in a.organisations if o.lead]
    if not leads:
        return BROKEN, "No organisation is marked lead = true."
    if len(leads) > 1:
        return BROKEN, f"{len(leads)} organisations are marked lead = true: {names(leads)}."
    return MET, f"The Lead Centre is {leads[0].name}."


@_check("lead-centre.approved")
def _lead_approved(a: Arrangement, c: Context) -> Outcome:
    lead = a.lead
    if lead is None:
        return no_lead()
    if lead.approved_centre and lead.centre_number:
        return MET, f"{lead.name} is approved centre {lead.centre_number}."
    return BROKEN, f"{lead.name} is not recorded as an approved centre with a centre number."


@_check("approval.per-qualification")
def _per_qualification(a: Arrangement, c: Context) -> Outcome:
    quals = a.vocational
    if not quals:
        return NA, "No vocational qualification is listed."
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
        return BROKEN, f"Approval missing: {'; '.join(gaps)}."
    codes = ", ".join(q.code for q in quals)
    return MET, f"{cap(who)} holds approval for {codes}."


def _missing_policies(orgs: Iterable[Organisation], needed: Sequence[str]) -> list[str]:
    out = []
    for o in orgs:
        missing = [p for p in needed if p not in o.policies]
        if missing:
            out.append(f"{o.name} lacks {', '.join(missing)}")
    return out


@_check("policies.minimum")
def _policies_minimum(a: Arrangement, c: Context) -> Outcome:
    registering = [o for o in a.organisations if o.registers_learners]
    if not registering:
        return NA, "No organisation registers learners."
    gaps = _missing_policies(registering, c.rules.minimum_policies)
    if gaps:
        return BROKEN, "; ".join(gaps) + "."
    return MET, f"{names(registering)}: {', '.join(c.rules.minimum_policies)} in place."


@_check("policies.collaborative-arrangements")
def _policies_collab(a: Arrangement, c: Context) -> Outcome:
    centres = [o for o in a.organisations if o.approved_centre]
    if not centres:
        return NA, "No approved centre is listed."
    gaps = _missing_policies(centres, [c.rules.collaborative_policy])
    if gaps:
        return BROKEN, "; ".join(gaps) + "."
    return MET, f"{names(centres)}: a collaborative arrangements policy in place."


@_check("registration.funded-centre-registers")
def _funded(a: Arrangement, c: Context) -> Outcome:
    funded = [o for o in a.organisations if o.uk and o.receives_funding]
    if not funded:
        return NA, "No UK organisation is recorded as receiving public funding."
    if a.model == "exceptional":
        bad = [o for o in funded if not (o.lead and o.registers_learners)]
        if bad:
            return BROKEN, f"Funded but not the registering Lead Centre: {names(bad)}."
    else:
        bad = [o for o in funded if not o.registers_learners]
        if bad:
            return BROKEN, f"Funded but not registering its learners: {names(bad)}."
    return MET, f"The funded organisation registers the learners: {names(funded)}."


@_check("informal.no-shared-assessment")
def _no_shared(a: Arrangement, c: Context) -> Outcome:
    if a.shared_assessment:
        return BROKEN, "The file records shared_assessment = true."
    return MET, "No shared assessment is recorded."


@_check("informal.own-registrations")
def _own_registrations(a: Arrangement, c: Context) -> Outcome:
    if a.joint_registration:
        return BROKEN, "The file records joint_registration = true."
    return MET, "Each centre registers and claims for its own learners."


@_check("informal.no-mixed-groups")
def _informal_mixed(a: Arrangement, c: Context) -> Outcome:
    if a.mixed_groups:
        return BROKEN, "The file records mixed_groups = true."
    return MET, "Each centre teaches its own learners in its own groups."


@_check("registration.consortium-code")
def _consortium_code(a: Arrangement, c: Context) -> Outcome:
    if not a.mixed_groups:
        return NA, (
            "Groups are kept separate (mixed_groups is not true): the delivering centre may "
            "register its own learners on its own programme code, the others on the "
            "consortium programme code."
        )
    registering = [o for o in a.organisations if o.registers_learners]
    own = [o for o in registering if o.registers_on == "own"]
    unknown = [o for o in registering if o.registers_on is None]
    if own:
        return BROKEN, f"Mixed groups, but registering on its own programme code: {names(own)}."
    if unknown:
        return OPEN, f"Mixed groups; registers_on is not recorded for {names(unknown)}."
    return MET, f"Mixed groups, all registered on the consortium code: {names(registering)}."


def _others_flag(a: Arrangement, get: Callable[[Organisation], bool | None], what: str) -> Outcome:
    lead = a.lead
    if lead is None:
        return no_lead()
    others = [o for o in a.organisations if o is not lead]
    if not others:
        return NA, "No organisation other than the Lead Centre is listed."
    no = [o for o in others if get(o) is False]
    unknown = [o for o in others if get(o) is None]
    if no:
        return BROKEN, f"No {what}: {names(no)}."
    if unknown:
        return OPEN, f"Not recorded ({what}): {names(unknown)}."
    return MET, f"{cap(what)}: {names(others)}."


@_check("exceptional.written-contracts")
def _contracts(a: Arrangement, c: Context) -> Outcome:
    return _others_flag(a, lambda o: bool(o.written_contract), "written contract")


@_check("exceptional.due-diligence")
def _due_diligence(a: Arrangement, c: Context) -> Outcome:
    return _others_flag(a, lambda o: bool(o.due_diligence), "due diligence done")


@_check("exceptional.lead-registers")
def _lead_registers(a: Arrangement, c: Context) -> Outcome:
    lead = a.lead
    if lead is None:
        return no_lead()
    others = [o for o in a.organisations if o is not lead and o.registers_learners]
    if not lead.registers_learners:
        return BROKEN, f"{lead.name} (the lead) is not recorded as registering learners."
    if others:
        return BROKEN, f"Registering learners besides the lead: {names(others)}."
    return MET, f"{lead.name} registers every learner on centre {lead.centre_number or '—'}."


@_check("exceptional.sub-site")
def _sub_site(a: Arrangement, c: Context) -> Outcome:
    lead = a.lead
    if lead is None:
        return no_lead()
    if lead.sub_site:
        return MET, f"Learners are registered under sub-site {lead.sub_site}."
    if c.happened(a.approved):
        return BROKEN, f"Approved on {a.approved}, but no sub_site is recorded on {lead.name}."
    return NA, "Applies once Pearson approves the arrangement and sets up the sub-site."


@_check("exceptional.lead-policies")
def _lead_policies(a: Arrangement, c: Context) -> Outcome:
    lead = a.lead
    if lead is None:
        return no_lead()
    gaps = _missing_policies([lead], c.rules.exceptional_lead_policies)
    if gaps:
        return BROKEN, "; ".join(gaps) + "."
    return MET, f"{lead.name}: {', '.join(c.rules.exceptional_lead_policies)} in place."


@_check("members.qa-access")
def _qa_access(a: Arrangement, c: Context) -> Outcome:
    return _others_flag(a, lambda o: o.qa_access, "access to QA documents and learner records")


@_check("members.progress-meetings")
@_check("exceptional.regular-meetings")
def _meetings(a: Arrangement, c: Context) -> Outcome:
    return _others_flag(a, lambda o: o.regular_meetings, "regular progress meetings and review")


@_check("sv.delivery-sites-declared")
def _sites(a: Arrangement, c: Context) -> Outcome:
    if a.delivery_sites_declared is None:
        return OPEN, "delivery_sites_declared is not recorded."
    if not a.delivery_sites_declared:
        return BROKEN, "The file records delivery_sites_declared = false."
    return MET, "Every delivery site has been declared to the Standards Verifier."


def _fs_flag(a: Arrangement, get: Callable[[Qualification], bool | None], what: str) -> Outcome:
    fs = [q for q in a.qualifications if q.kind == FUNCTIONAL_SKILLS]
    if not fs:
        return NA, "No Functional Skills qualification is listed."
    no = [q.code for q in fs if get(q) is False]
    unknown = [q.code for q in fs if get(q) is None]
    if no:
        return BROKEN, f"Not {what}: {', '.join(no)}."
    if unknown:
        return OPEN, f"Not recorded whether {what}: {', '.join(unknown)}."
    return MET, f"{cap(what)}: {', '.join(q.code for q in fs)}."


@_check("functional-skills.jcq-site")
def _jcq(a: Arrangement, c: Context) -> Outcome:
    return _fs_flag(a, lambda q: q.assessment_site_jcq_compliant, "assessment site meets JCQ")


@_check("functional-skills.registered-at-assessment-site")
def _fs_site(a: Arrangement, c: Context) -> Outcome:
    return _fs_flag(a, lambda q: q.registered_at_assessment_site, "registered at assessment site")
