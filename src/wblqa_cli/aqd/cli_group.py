"""``wblqa aqd group``: programmes that answer a year's declaration together."""

from __future__ import annotations

import typer

from wblqa_cli.aqd.cli_common import CENTRE_OPTION, YEAR_OPTION, resolve_centre, resolve_year
from wblqa_cli.cli_common import JSON_OPTION, store
from wblqa_cli.output import console, print_json, safe, say, table
from wblqa_cli.words import plural

app = typer.Typer(
    no_args_is_help=True,
    help="Group programmes so that a year's answers are given once for all of them "
    "(a member can still answer a question itself).",
)
NAME = typer.Argument(..., help="The group's name, e.g. business.")


@app.command("add")
def add(
    ctx: typer.Context,
    name: str = NAME,
    codes: list[str] = typer.Argument(..., help="Programme codes to put in the group."),
    year: str | None = YEAR_OPTION,
    centre: str | None = CENTRE_OPTION,
) -> None:
    """Put programmes in a group (made if new) for the year's declaration."""
    from wblqa_cli.aqd.cli_common import centre_programmes
    from wblqa_cli.aqd.groups import check_name
    from wblqa_cli.store.aqd_groups import add_members

    s = store(ctx)
    academic_year = resolve_year(year)
    number = resolve_centre(s, centre)
    group = check_name(name)
    members = [p.code for p in centre_programmes(s, number, codes, academic_year)]
    joined = add_members(s, number, academic_year.label, group, members)
    say(
        f"Group {safe(group)} ({academic_year}): {plural(joined, 'programme')} joined. "
        f"Answer for the group once under \\[groups.{safe(group)}] in an answers file "
        "(`wblqa aqd start --answers`); a member's own answer overrides the group's."
    )


@app.command("remove")
def remove(
    ctx: typer.Context,
    name: str = NAME,
    codes: list[str] = typer.Argument(
        None, help="Programmes to take out (none: the whole group and its answers)."
    ),
    year: str | None = YEAR_OPTION,
    centre: str | None = CENTRE_OPTION,
) -> None:
    """Take programmes out of a group, or remove the group and its answers."""
    from wblqa_cli.aqd.groups import check_name
    from wblqa_cli.store.aqd_groups import remove as remove_group

    s = store(ctx)
    academic_year = resolve_year(year)
    number = resolve_centre(s, centre)
    group = check_name(name)
    gone = remove_group(s, number, academic_year.label, group, [c.strip() for c in codes or []])
    if codes:
        say(f"Group {safe(group)} ({academic_year}): {plural(gone, 'programme')} left it.")
    else:
        members = plural(gone, "programme")
        say(f"Group {safe(group)} ({academic_year}) removed with its answers; its {members} "
            "answer for themselves again.")  # fmt: skip


@app.command("list")
def list_(
    ctx: typer.Context,
    year: str | None = YEAR_OPTION,
    centre: str | None = CENTRE_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """List the year's groups, their programmes and how many answers each group has."""
    from wblqa_cli.store.aqd_groups import answered, list_groups

    s = store(ctx)
    academic_year = resolve_year(year)
    number = resolve_centre(s, centre)
    groups = list_groups(s, number, academic_year.label)
    counts = answered(s, number, academic_year.label)
    if json:
        print_json(
            [
                {"group": g, "programmes": list(ms), "answers": counts.get(g, 0)}
                for g, ms in groups.items()
            ]
        )
        return
    if not groups:
        say(f"No groups for {academic_year}. Make one with: wblqa aqd group add NAME CODE...")
        return
    t = table("Group", "Programmes", "Answers", whole=("Group",))
    for g, ms in groups.items():
        t.add_row(g, ", ".join(ms) or "—", str(counts.get(g, 0)))
    console().print(t)
