"""Read an arrangement file (TOML, format 1) strictly into an :class:`Arrangement`.

Unknown keys, wrong types, bad dates and values outside a list are
:class:`InputError` naming the file, the ``[[organisations]]``/``[[qualifications]]``
entry (with its name or code) and the key.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from wblqa_cli.consortium.model import (
    FORMAT,
    KINDS,
    REGISTERS_ON,
    Arrangement,
    Organisation,
    Qualification,
    Waiver,
)
from wblqa_cli.consortium.rules import MODELS, known_list, rules
from wblqa_cli.dates import AcademicYear
from wblqa_cli.errors import InputError
from wblqa_cli.rules import Table
from wblqa_cli.safetext import quoted


def read_arrangement_file(path: str | Path) -> Arrangement:
    """Read and validate an arrangement file; every problem is an :class:`InputError`."""
    from wblqa_cli.inputs import read_text

    where = str(path)
    return parse_arrangement(read_text(where, "arrangement"), where)


def parse_arrangement(text: str, where: str) -> Arrangement:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{where}: not valid TOML: {exc}.") from None
    except RecursionError:  # arrays nested thousands deep: no arrangement looks like that
        raise InputError(f"{where}: not an arrangement file (nested too deeply).") from None
    return arrangement_from_document(doc, where)


def _entries(t: Table, key: str, label: str) -> Iterable[Table]:
    """Each ``[[key]]`` entry as a Table whose errors say which entry, by number and name."""
    for number, entry in enumerate(t.tables(key), start=1):
        item = entry.values
        name = item.get(label)
        named = f" ({name})" if isinstance(name, str) and name.strip() else ""
        yield Table(item, f"{t.where}, [[{key}]] {number}{named}", error=InputError)


def arrangement_from_document(doc: Mapping[str, Any], where: str) -> Arrangement:
    """Build an :class:`Arrangement` from parsed TOML (or the stored JSON of one)."""
    r = rules()
    t = Table(dict(doc), where, error=InputError)
    fmt = t.integer("format")
    if fmt != FORMAT:
        raise t.fail("format", f"is {fmt}; this wblqa reads arrangement files of format {FORMAT}")
    unedited = t.flag("unedited_template", required=False)
    name = t.text("name")
    model = t.text("model", choices=MODELS)
    year_text = t.text("academic_year")
    try:
        year = AcademicYear.parse(year_text)
    except InputError:
        raise t.fail(
            "academic_year", f"{quoted(year_text)} is not an academic year such as 2025-26"
        ) from None
    delivery_start = t.day("delivery_start")
    recruitment_start = t.day("recruitment_start", required=False)
    submitted = t.day("application_submitted", required=False)
    approved = t.day("approved", required=False)
    if approved is not None and submitted is None:
        raise t.fail("approved", "is given but application_submitted is not; record both")
    if approved is not None and submitted is not None and approved < submitted:
        raise t.fail("approved", f"{approved} is before application_submitted {submitted}")
    shared = t.flag("shared_assessment", required=False)
    joint = t.flag("joint_registration", required=False)
    sites = t.flag("delivery_sites_declared", required=False)
    mixed = t.flag("mixed_groups", required=False)

    organisations: list[Organisation] = []
    for o in _entries(t, "organisations", "name"):
        org = _organisation(o, r.known_policies)
        for other in organisations:
            if other.name == org.name:
                raise o.fail("name", f"{quoted(org.name)} is listed twice")
            if org.centre_number and other.centre_number == org.centre_number:
                raise o.fail(
                    "centre_number", f"{org.centre_number} is also {other.name}'s centre number"
                )
        organisations.append(org)

    qualifications: list[Qualification] = []
    for q in _entries(t, "qualifications", "code"):
        qual = _qualification(q)
        if qual.code in {x.code for x in qualifications}:
            raise q.fail("code", f"{quoted(qual.code)} is listed twice")
        qualifications.append(qual)
    if not qualifications:
        raise InputError(f"{where}: list at least one [[qualifications]] entry.")

    waivers: list[Waiver] = []
    for w in _entries(t, "waivers", "check"):
        waiver = Waiver(
            check=w.text("check"),
            reason=w.text("reason"),
            approved_by=w.text("approved_by"),
            expires=w.day("expires"),
        )
        w.done()
        if waiver.check not in r.check_ids:
            raise w.fail(
                "check", f"{quoted(waiver.check)} is not a check id (see `consortium check`)"
            )
        if waiver.check in {x.check for x in waivers}:
            raise w.fail("check", f"{quoted(waiver.check)} already has a waiver")
        waivers.append(waiver)
    t.done()
    return Arrangement(
        name=name,
        model=model,
        academic_year=year,
        delivery_start=delivery_start,
        recruitment_start=recruitment_start,
        application_submitted=submitted,
        approved=approved,
        shared_assessment=shared,
        joint_registration=joint,
        delivery_sites_declared=sites,
        mixed_groups=mixed,
        organisations=tuple(organisations),
        qualifications=tuple(qualifications),
        waivers=tuple(waivers),
        unedited_template=bool(unedited),
    )


def _organisation(o: Table, known_policies: Sequence[str]) -> Organisation:
    from wblqa_cli.registry.model import check_centre_number

    number = o.text("centre_number", required=False)
    if number is not None:
        try:
            number = check_centre_number(number)
        except InputError:
            raise o.fail(
                "centre_number", f"{quoted(number)} is not a centre number such as 12345"
            ) from None
    lead = bool(o.flag("lead", required=False))
    org = Organisation(
        name=o.text("name"),
        centre_number=number,
        approved_centre=o.flag("approved_centre"),
        lead=lead,
        uk=o.flag("uk"),
        receives_funding=bool(o.flag("receives_funding", required=False)),
        registers_learners=o.flag("registers_learners"),
        aqd_completed=bool(o.flag("aqd_completed", required=False)),
        policies=known_list(o, "policies", known_policies) if o.has("policies") else (),
        approved_qualifications=tuple(
            s.strip() for s in (o.text_list("approved_qualifications", required=False) or [])
        ),
        written_contract=o.flag("written_contract", required=False),
        due_diligence=o.flag("due_diligence", required=False),
        sub_site=o.text("sub_site", required=False),
        qa_access=o.flag("qa_access", required=False),
        regular_meetings=o.flag("regular_meetings", required=False),
        registers_on=o.text("registers_on", required=False, choices=REGISTERS_ON),
    )
    if org.sub_site is not None and not lead:
        raise o.fail("sub_site", "belongs on the Lead Centre (lead = true) only")
    o.done()
    return org


def _qualification(q: Table) -> Qualification:
    from wblqa_cli.registry.model import check_programme_code

    code = q.text("code")
    try:
        code = check_programme_code(code)
    except InputError:
        raise q.fail(
            "code", f"{quoted(code)} is not a qualification code such as 603/1234/5"
        ) from None
    qual = Qualification(
        code=code,
        title=q.text("title"),
        kind=q.text("kind", choices=KINDS),
        liv_appointed=q.day("liv_appointed", required=False),
        standardised=q.day("standardised", required=False),
        first_assessment=q.day("first_assessment", required=False),
        assessment_site_jcq_compliant=q.flag("assessment_site_jcq_compliant", required=False),
        registered_at_assessment_site=q.flag("registered_at_assessment_site", required=False),
    )
    q.done()
    return qual
