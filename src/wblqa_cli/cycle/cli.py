"""``wblqa cycle``: the year's verification plan for the stored programmes."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from wblqa_cli.cli_common import AS_OF_OPTION, JSON_OPTION, YEAR_OPTION, store, year_and_day
from wblqa_cli.output import console, print_json, safe, say, styled, table
from wblqa_cli.tables import FORCE_OPTION, OUTPUT_OPTION, Format, Formats
from wblqa_cli.words import fmt_date

if TYPE_CHECKING:
    from rich.text import Text

    from wblqa_cli.cycle.key_dates import KeyDate
    from wblqa_cli.cycle.plan import Plan

app = typer.Typer(
    no_args_is_help=True,
    help="The verification cycle: LSV scope, minimum standards verification, key dates.",
)


def _when(k: KeyDate, today: date) -> str:
    last = k.end_date or k.date
    if last < today:
        return "passed"
    if k.date <= today:
        return "now" if k.end_date else "today"
    days = (k.date - today).days
    return f"in {days} day{'s' if days != 1 else ''}"


def _short(day: date | None) -> str:
    return "—" if day is None else f"{day.day} {day:%b %Y}"


def _span(k: KeyDate) -> str:
    if k.end_date is None:
        return _short(k.date)
    return f"{_short(k.date)} – {_short(k.end_date)}"


PLAN_FORMATS = Formats((Format.TABLE, Format.JSON, Format.XLSX), to_file=(Format.XLSX,))


@app.command("plan")
def plan_(
    ctx: typer.Context,
    year: str | None = YEAR_OPTION,
    as_of_text: str | None = AS_OF_OPTION,
    json: bool = JSON_OPTION,
    format_: str = PLAN_FORMATS.option(),
    output: Path | None = OUTPUT_OPTION,
    force: bool = FORCE_OPTION,
) -> None:
    """For each programme: LSV scope, least verification, DCS expiry; then the key dates."""

    from wblqa_cli.gather import verification_plan

    fmt = PLAN_FORMATS.choose(format_, json=json, output=output)
    p = verification_plan(store(ctx), *year_and_day(year, as_of_text))
    if fmt == Format.XLSX:
        _write_xlsx(p, output, force)
        return
    if fmt == Format.JSON:
        print_json(p.as_json())
        return
    say(f"[bold]Verification plan {p.academic_year}[/bold] (as of {fmt_date(p.as_of)})")
    if p.programmes:
        _say_programmes(p)
    for n in p.notes:
        say(safe(n))
    _say_key_dates(p)


def _write_xlsx(p: Plan, output: Path | None, force: bool) -> None:
    from wblqa_cli.cycle.plan_table import plan_sheets
    from wblqa_cli.tables import write_table

    write_table(Format.XLSX, plan_sheets(p), output, force=force)
    if output is not None:
        say(f"Wrote the verification plan {p.academic_year} to {safe(output)}.")


def _say_programmes(p: Plan) -> None:

    t = table(
        "Code",
        "Programme (sector)",
        "LSV",
        "Min SV",
        "DCS expiry",
        "Certification",
        whole=("Code", "LSV", "Min SV"),
    )
    for pp in p.programmes:
        s = pp.scope
        sector = (
            f"group {s.group.code}"
            if s.group
            else s.sector.key
            if s.sector
            else s.area.name
            if s.area
            else None
        )
        title = re.sub(r"^(pearson\s+)?(btec\s+)?", "", pp.title, flags=re.I)
        dcs: str | Text = _short(pp.dcs_expiry)
        if pp.dcs_status in ("expired", "expiring"):
            dcs = styled(f"[bold]{safe(dcs)} ![/bold]")
        t.add_row(
            pp.code,
            styled(safe(title) + (f" [dim]({safe(sector)})[/dim]" if sector else "")),
            "in" if s.rule.in_lsv_scope else "out",
            str(s.rule.min_standards_verification),
            dcs,
            ", ".join(_short(d) for d in pp.expected_certification) or "—",
        )
    console().print(t)
    say(
        "Min SV: the least standards-verification activities a year (remote visits "
        "when in LSV scope); see `wblqa cycle plan --json` for each reason."
    )
    for pp in p.programmes:
        for w in pp.warnings:
            say(f"[bold]! {safe(pp.code)}[/bold]: {safe(w)}")
    from wblqa_cli.words import folded

    for line in folded((pp.code, n) for pp in p.programmes for n in pp.notes):
        say(f"  {safe(line)}")


def _say_key_dates(p: Plan) -> None:

    say("")
    t = table("When", "Date", "What", title=f"Key dates {p.academic_year}")
    for k in p.key_dates:
        what = k.what + (f" — {k.note}" if k.note else "")
        t.add_row(_when(k, p.as_of), _span(k), what)
    console().print(t)
    say("Sources: wblqa cycle plan --json lists each date's citation.")
