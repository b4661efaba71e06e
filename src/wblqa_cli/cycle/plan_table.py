"""The verification plan as a workbook (``cycle plan --format xlsx``): two sheets.

"Programmes": one row per programme, its LSV scope, least standards
verification, Direct Claims Status expiry and expected certification dates.
"Key dates": the year's dates, with their citations. The same facts as
``cycle plan --json``, flat.
"""

from __future__ import annotations

from collections.abc import Iterator

from wblqa_cli.cycle.plan import Plan
from wblqa_cli.xlsx import Sheet, columns

PROGRAMME_COLUMNS = columns(
    "code",
    "title",
    "sector_group",
    "sector",
    "in_lsv_scope",
    "min_standards_verification",
    "activity",
    "dcs_expiry",
    "dcs_status",
    "expected_certification",
    "warnings",
    "reason",
    "source",
    in_lsv_scope="bool",
    min_standards_verification="int",
    dcs_expiry="date",
    expected_certification="value",  # one date: a date cell; several: "date; date" text
)
KEY_DATE_COLUMNS = columns(
    "date",
    "end_date",
    "what",
    "key",
    "detail",
    "note",
    "lsv_only",
    "source",
    date="date",
    end_date="date",
    lsv_only="bool",
)


def _programmes(p: Plan) -> Iterator[tuple[object, ...]]:
    for pp in p.programmes:
        s = pp.scope
        yield (
            pp.code,
            pp.title,
            s.group.code if s.group else None,
            s.sector_name or (s.sector.key if s.sector else None),
            s.rule.in_lsv_scope,
            s.rule.min_standards_verification,
            s.rule.activity,
            pp.dcs_expiry,
            pp.dcs_status,
            list(pp.expected_certification),
            "; ".join(pp.warnings),
            s.reason,
            s.rule.source,
        )


def _key_dates(p: Plan) -> Iterator[tuple[object, ...]]:
    for k in p.key_dates:
        yield (k.date, k.end_date, k.what, k.key, k.detail, k.note, k.lsv_only, k.source)


def plan_sheets(p: Plan) -> list[Sheet]:
    return [
        Sheet("Programmes", PROGRAMME_COLUMNS, _programmes(p)),
        Sheet("Key dates", KEY_DATE_COLUMNS, _key_dates(p)),
    ]
