"""Options the programme commands share: a programme's facts and the year they are for."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from wblqa_cli.dates import AcademicYear

DCS_OPTION = typer.Option(
    None, "--dcs-expiry", help="When the programme's Direct Claims Status expires."
)
EXPECTED_OPTION = typer.Option(
    [],
    "--expected-certification",
    help="An expected certification date (repeatable; replaces the year's dates).",
)
FACT_YEAR_OPTION = typer.Option(
    None,
    "--year",
    help="The academic year the facts are for, e.g. 2025-26 (default: this one); "
    "they are that year's AQD answers.",
)


def fact_year(value: str | None) -> AcademicYear:
    from wblqa_cli.dates import academic_year_option, today

    return academic_year_option(value, today())
