"""``wblqa consortium``: collaborative arrangements — advise, check, store, compare."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from wblqa_cli.cli_common import FORCE_OPTION, JSON_OPTION, as_of, require_tty, store
from wblqa_cli.errors import EXIT_ACTION_NEEDED, InputError
from wblqa_cli.files import dash_is_stdout
from wblqa_cli.output import console, print_json, safe, say, styled, table
from wblqa_cli.safetext import quoted
from wblqa_cli.tables import Format, Formats
from wblqa_cli.words import fmt_date

if TYPE_CHECKING:
    from wblqa_cli.consortium.report import Report

app = typer.Typer(
    no_args_is_help=True,
    help="Collaborative arrangements (consortia): which model you need, whether your plan "
    "meets every prerequisite, and by when to apply.",
)

FORMATS = Formats((Format.TABLE, Format.JSON, Format.JUNIT), to_file=())
_STYLE = {"fail": "bold red", "warn": "yellow", "waived": "magenta", "pass": "green", "n/a": "dim"}
_LABEL = {"fail": "FAIL", "warn": "WARN", "waived": "WAIVED", "pass": "pass", "n/a": "n/a"}


def _render(report: Report, fmt: Format) -> None:
    from wblqa_cli.consortium.report import STATUSES, junit_xml

    if fmt == Format.JSON:
        print_json(report.as_json())
    elif fmt == Format.JUNIT:
        from wblqa_cli.output import data_stdout

        data_stdout().write(junit_xml(report))
    else:
        # The check's id on a line of its own (never broken: it is one word), then what
        # was found and the source: readable at 80 columns, the id whole to grep for.
        t = table("Status", "Check: what we found, what to do; source", whole=("Status",))
        for status in STATUSES:
            for r in report.results:
                if r.status == status:
                    label = styled(f"[{_STYLE[status]}]{_LABEL[status]}[/]")
                    found = styled(
                        f"[bold]{safe(r.id)}[/bold] ({safe(r.title)})\n{safe(r.message)}\n"
                        f"[dim]Source: {safe(r.source_text())}[/dim]"
                    )
                    t.add_row(label, found)
        console().print(t)
        say(report.summary_line())
        say(report.apply_by_text())
    if report.failed:
        raise typer.Exit(EXIT_ACTION_NEEDED)


@app.command("init")
def init(
    output: str | None = typer.Option(
        None,
        "-o",
        "--output",
        callback=dash_is_stdout,
        help="Write the template to this file (default, or -: stdout).",
    ),
    force: bool = FORCE_OPTION,
) -> None:
    """Write a commented arrangement file to fill in (--force to replace an existing one)."""
    from wblqa_cli.consortium.template import TEMPLATE

    if output is None:
        sys.stdout.write(TEMPLATE)
        return
    from wblqa_cli.files import write_private

    write_private(Path(output), TEMPLATE, overwrite=force)
    # Plain echo, not rich: a long path must not be wrapped mid-command.
    typer.echo(f"Wrote {output}. Edit it, then run: wblqa consortium check {output}", err=True)


@app.command("check")
def check(
    file: str = typer.Argument(..., help="The arrangement file (TOML, format 1)."),
    as_of_: str | None = typer.Option(
        None, "--as-of", metavar="DATE", help="Check as on this day (default: today)."
    ),
    format_: str = FORMATS.option("-f"),
    json: bool = typer.Option(False, "--json", help="Same as --format json."),
) -> None:
    """Check every prerequisite of the arrangement's model; exit 1 if any fails."""
    from wblqa_cli.consortium.checks import check as run_check
    from wblqa_cli.consortium.loader import read_arrangement_file

    fmt = FORMATS.choose(format_, json=json)
    day = as_of(as_of_)
    arrangement = read_arrangement_file(file)
    _render(run_check(arrangement, day), fmt)


@app.command("advise")
def advise(
    tech_award_2022: bool = typer.Option(
        False, "--tech-award-2022", help="A qualification is a BTEC Tech Award (2022)."
    ),
    partner_not_pearson_centre: bool = typer.Option(
        False,
        "--partner-not-pearson-centre",
        help="A partner organisation is not a Pearson-approved centre.",
    ),
    shared_assessment: bool = typer.Option(
        False, "--shared-assessment", help="One centre assesses or verifies another's learners."
    ),
    delivery_for_partners: bool = typer.Option(
        False,
        "--delivery-for-partners",
        help="Learners one centre registers are taught or assessed at another.",
    ),
    mixed_groups: bool = typer.Option(
        False, "--mixed-groups", help="Your learners and other centres' learners share a group."
    ),
    uk_funded: bool = typer.Option(
        False, "--uk-funded", help="In the UK, with publicly funded learners."
    ),
    functional_skills: bool = typer.Option(
        False, "--functional-skills", help="Functional Skills are part of the plan."
    ),
    sharing_only: bool = typer.Option(
        False,
        "--sharing-only",
        help="None of the above: centres only share information, assignments, staff, resources.",
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Recommend informal, formal or exceptional, with reasons and next steps.

    Asks on a terminal; otherwise give the flags that apply (or --sharing-only).
    """
    from wblqa_cli.consortium.advise import advise as run_advise

    answers = {
        "tech-award-2022": tech_award_2022,
        "partner-not-pearson-centre": partner_not_pearson_centre,
        "shared-assessment": shared_assessment,
        "delivery-for-partners": delivery_for_partners,
        "mixed-groups": mixed_groups,
        "uk-funded": uk_funded,
        "functional-skills": functional_skills,
    }
    if sharing_only and any(answers.values()):
        raise InputError("--sharing-only means none of the other flags apply; give one or other.")
    if not sharing_only and not any(answers.values()):
        answers = _ask()
    advice = run_advise(answers)
    if json:
        print_json(advice.as_json())
        return
    label = {"gq": "general-qualification centre consortium"}.get(advice.model, advice.model)
    say(f"[bold]Recommended:[/] {safe(label)} — {safe(advice.summary)}")
    say("\n[bold]Why[/]")
    for reason, source in advice.reasons:
        say(f"  • {safe(reason)} ({safe(source)})")
    if advice.registration:
        say(f"\n[bold]Registration[/]\n  {safe(advice.registration)}")
    say("\n[bold]Next steps[/]")
    for number, step in enumerate(advice.next_steps, start=1):
        say(f"  {safe(number)}. {safe(step)}")


def _ask() -> dict[str, bool]:
    """The advise questions on a terminal (questionary); the answers by question id."""
    from wblqa_cli.consortium.rules import rules

    require_tty(
        "`wblqa consortium advise`",
        "Give the flags that apply, e.g. `wblqa consortium advise --mixed-groups --uk-funded`, "
        "or --sharing-only; see --help.",
    )
    import questionary

    answers: dict[str, bool] = {}
    for q in rules().questions:
        try:
            answer = questionary.confirm(q.question, default=False).unsafe_ask()
        except EOFError:
            raise InputError(
                "The questions were cut short (end of input).",
                hint="Give the flags instead; see `wblqa consortium advise --help`.",
            ) from None
        answers[q.id] = bool(answer)
    return answers


@app.command("import")
def import_(
    ctx: typer.Context,
    file: str = typer.Argument(..., help="The arrangement file to store (validated first)."),
) -> None:
    """Store an arrangement (same name: update it) so the AQD and calendar know of it."""
    from wblqa_cli.consortium.loader import read_arrangement_file
    from wblqa_cli.store.consortium import save_arrangement

    arrangement = read_arrangement_file(file)
    if arrangement.unedited_template:
        raise InputError(
            f"{file}: is the unedited template (unedited_template = true): fill it in with "
            "your arrangement and delete that line before storing it."
        )
    created = save_arrangement(store(ctx), arrangement)
    verb = "Stored" if created else "Updated"
    say(
        f"{verb} arrangement {quoted(arrangement.name)} ({arrangement.model}, "
        f"{safe(arrangement.academic_year)}) from {safe(file)}."
    )


@app.command("list")
def list_(ctx: typer.Context, json: bool = JSON_OPTION) -> None:
    """List stored arrangements with their key dates."""
    from wblqa_cli.store.consortium import list_arrangements

    arrangements = list_arrangements(store(ctx))
    if json:
        print_json(
            [
                {
                    "name": a.name,
                    "model": a.model,
                    "academic_year": a.academic_year.label,
                    "delivery_start": a.delivery_start,
                    "apply_by": a.apply_by(),
                    "application_submitted": a.application_submitted,
                    "approved": a.approved,
                    "organisations": [o.name for o in a.organisations],
                    "qualifications": [q.code for q in a.qualifications],
                }
                for a in arrangements
            ]
        )
        return
    if not arrangements:
        say("No arrangements stored. Store one with: wblqa consortium import FILE")
        return
    t = table(
        "Name",
        "Model",
        "Year",
        "Delivery start",
        "Apply by",
        "Submitted",
        "Approved",
        whole=("Model", "Year"),
    )
    for a in arrangements:
        t.add_row(
            a.name,
            a.model,
            a.academic_year.label,
            fmt_date(a.delivery_start),
            fmt_date(a.apply_by()) if a.model != "informal" else "not needed",
            fmt_date(a.application_submitted),
            fmt_date(a.approved),
        )
    console().print(t)


@app.command("show")
def show(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The stored arrangement's name."),
    as_of_: str | None = typer.Option(
        None, "--as-of", metavar="DATE", help="Check as on this day (default: today)."
    ),
    format_: str = FORMATS.option("-f"),
    json: bool = typer.Option(False, "--json", help="Same as --format json."),
) -> None:
    """Re-run the check on a stored arrangement; exit 1 if any prerequisite fails."""
    from wblqa_cli.consortium.checks import check as run_check
    from wblqa_cli.store.consortium import get_arrangement

    fmt = FORMATS.choose(format_, json=json)
    day = as_of(as_of_)
    _render(run_check(get_arrangement(store(ctx), name), day), fmt)


@app.command("diff")
def diff(
    old: str = typer.Argument(..., help="The arrangement file as Pearson approved it."),
    new: str = typer.Argument(..., help="The arrangement file as you now plan it."),
    json: bool = JSON_OPTION,
) -> None:
    """Name the changes that need an amendment application or a new arrangement."""
    from wblqa_cli.consortium.diff import diff as run_diff
    from wblqa_cli.consortium.loader import read_arrangement_file
    from wblqa_cli.consortium.rules import NEEDS

    result = run_diff(read_arrangement_file(old), read_arrangement_file(new))
    if json:
        print_json(result.as_json())
        return
    if not result.changes:
        say("No changes.")
        return
    t = table("Needs", "Change", "Subject", "Detail", "Source", whole=("Needs",))
    for c in sorted(result.changes, key=lambda c: NEEDS.index(c.needs)):
        t.add_row(c.needs, c.change, c.subject, c.detail, c.source)
    console().print(t)
    verdict = {
        "new-arrangement": "A new arrangement must be set up with Pearson.",
        "withdrawal": "The Lead Centre withdraws the arrangement: it is no longer needed.",
        "ask-pearson": "The guide leaves open what a change here needs: ask Pearson Support.",
        "amendment": "The Lead Centre must apply to Pearson to amend the arrangement.",
        "none": "No application to Pearson is needed for these changes.",
    }[result.needs]
    say(verdict)
