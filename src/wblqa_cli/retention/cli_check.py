"""``wblqa retention calc`` and ``check``: deadlines from dates and from a CSV, no store."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from wblqa_cli.cli_common import JSON_OPTION, QUIET_OPTION, as_of, date_option
from wblqa_cli.errors import InputError
from wblqa_cli.output import console, print_json, safe, say, show_progress, table
from wblqa_cli.retention.cli_options import (
    AS_OF,
    kind_label,
)
from wblqa_cli.tables import EXCEL_OPTION, FORCE_OPTION, OUTPUT_OPTION, Format, Formats
from wblqa_cli.words import fmt_date

if TYPE_CHECKING:
    from wblqa_cli.retention.deadline import Deadline
    from wblqa_cli.retention.rules import Rule


# --- calc ---------------------------------------------------------------------


def _say_deadline(rule: Rule, found: Deadline | None, missing: str) -> None:
    if found is None:
        say(f"[bold]{rule.label}[/bold]: no date given ({missing}); nothing to work out.")
        return
    say(
        f"[bold]{rule.label}[/bold]: keep until [bold]{fmt_date(found.retain_until)}[/bold]; "
        f"may be disposed of from [bold]{fmt_date(found.dispose_from)}[/bold]."
    )
    say(f"  Rule:   {found.because} ({fmt_date(found.trigger_date)}).")
    say(f"  Source: {found.source} ({found.strength})")
    say(f"  Covers: {'; '.join(rule.covers)}.")


def calc(
    certified: str | None = typer.Option(
        None, "--certified", metavar="DATE", help="The day the learners were certificated."
    ),
    received: str | None = typer.Option(
        None, "--received", metavar="DATE", help="The day the centre received the certificates."
    ),
    top_up: str | None = typer.Option(
        None,
        "--top-up-received",
        metavar="DATE",
        help="Top-up route: the day the certificates for the largest qualification the "
        "learner will take were received (replaces --received for learner work).",
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Until when to keep learner work and QA documents, from one or two dates."""
    from wblqa_cli.retention.deadline import Triggers, received_too_early
    from wblqa_cli.retention.deadline import calc as compute
    from wblqa_cli.retention.rules import LEARNER_WORK, QA_DOCUMENTS, load_rules

    if certified is None and received is None and top_up is None:
        raise InputError(
            "Give at least one date: --certified DATE, --received DATE or both.",
            hint="e.g. wblqa retention calc --certified 2025-07-15 --received 2025-08-01",
        )
    triggers = Triggers(
        certified=date_option(certified, "--certified"),
        received=date_option(received, "--received"),
        top_up_received=date_option(top_up, "--top-up-received"),
    )
    too_early = received_too_early(triggers)
    if too_early is not None:
        raise InputError(f"--received: {too_early}.")
    found = compute(triggers)
    if json:
        print_json(
            {
                "certified": triggers.certified,
                "received": triggers.received,
                **{k: (v.as_json() if v else None) for k, v in found.items()},
            }
        )
        return
    rules = load_rules()
    _say_deadline(rules[LEARNER_WORK], found[LEARNER_WORK], "--received")
    _say_deadline(rules[QA_DOCUMENTS], found[QA_DOCUMENTS], "--certified")


# --- check --------------------------------------------------------------------


def _write_csv(results: Any, excel: bool = False) -> None:
    from wblqa_cli.csvio import neutralise, writer
    from wblqa_cli.output import data_stdout
    from wblqa_cli.retention.check import CHECK_OUT

    out = writer(data_stdout(), excel=excel)
    out.writerow(CHECK_OUT)
    iso = date.isoformat
    out.writerows(
        (
            neutralise(i),
            lw,
            iso(lwd) if lwd else "",
            lwr and neutralise(lwr),
            qa,
            iso(qad) if qad else "",
            qar and neutralise(qar),
        )
        for i, lw, lwd, lwr, qa, qad, qar in results
    )


def _write_json(results: Any, today: date, summary: dict[str, Any]) -> None:
    import json as jsonlib

    from wblqa_cli.output import data_stdout, escaped_json
    from wblqa_cli.retention.check import CHECK_OUT

    write = data_stdout().write
    write(f'{{"as_of": "{today.isoformat()}", "summary": {jsonlib.dumps(summary)}, "results": [')
    first = True
    for i, lw, lwd, lwr, qa, qad, qar in results:
        values = (i, lw, lwd and lwd.isoformat(), lwr, qa, qad and qad.isoformat(), qar)
        row = dict(zip(CHECK_OUT, values, strict=True))
        write(("\n  " if first else ",\n  ") + escaped_json(jsonlib.dumps(row, ensure_ascii=False)))
        first = False
    write("\n]}\n")


HUMAN_ROWS = 200
CHECK_FORMATS = Formats((Format.TABLE, Format.CSV, Format.JSON, Format.XLSX), csv_flag=True)


def check(
    file: str = typer.Argument(
        "-",
        metavar="[FILE|-]",
        help="CSV with header id,certified,received[,hold][,top_up_received]; "
        "hold: empty, no, false, 0 or n means not on hold, any other text is the hold's "
        "reason; top_up_received is a date or 'pending'. "
        "Default: standard input.",
    ),
    as_of_: str | None = AS_OF,
    json: bool = JSON_OPTION,
    csv: bool = typer.Option(False, "--csv", help="Write the results as CSV on stdout."),
    format_: str = CHECK_FORMATS.option(),
    output: Path | None = OUTPUT_OPTION,
    force: bool = FORCE_OPTION,
    excel: bool = EXCEL_OPTION,
    quiet: bool = QUIET_OPTION,
) -> None:
    """The status of every row of a CSV: retain, disposable, on-hold or unknown.

    The whole file is checked before anything is printed: one bad row (named by
    line, column and value) means exit 2 and no output.
    """
    from wblqa_cli.output import progress
    from wblqa_cli.retention.check import check_results, validate_check
    from wblqa_cli.retention.source import open_source

    fmt = CHECK_FORMATS.choose(format_, json=json, csv=csv, output=output, excel=excel)
    json, csv = fmt == Format.JSON, fmt == Format.CSV
    if file == "-" and sys.stdin.isatty():
        raise InputError(
            "No CSV given: name a file, or pipe one in.",
            hint="e.g. wblqa retention check archive.csv --as-of 2025-07-15",
        )
    today = as_of(as_of_)
    bar = show_progress(quiet)
    with open_source(file) as source:
        with progress("Checking rows", None, enabled=bar) as p:
            summary = validate_check(source, today, p.advance)
        with progress("Writing results", summary.rows, enabled=bar and (json or csv)) as p:
            results = check_results(source, today)
            if fmt == Format.XLSX or (csv and output is not None):
                _write_table(fmt, _counted(results, p.advance), output, force, excel)
            elif csv:
                _write_csv(_counted(results, p.advance), excel)
            elif json:
                _write_json(_counted(results, p.advance), today, summary.as_json())
            else:
                _check_human(results, summary, today)


def _write_table(fmt: Format, results: Any, output: Path | None, force: bool, excel: bool) -> None:
    from wblqa_cli.retention.check import CHECK_OUT
    from wblqa_cli.tables import write_table
    from wblqa_cli.xlsx import Sheet, columns

    dates = {c: "date" for c in CHECK_OUT if c.endswith("_dispose_from")}
    sheet = Sheet("Retention check", columns(*CHECK_OUT, **dates), results)  # type: ignore[arg-type]
    count = write_table(fmt, [sheet], output, force=force, excel=excel)
    if output is not None:
        say(f"Wrote {count} rows to {safe(output)}.")


def _counted(results: Any, advance: Any) -> Any:
    for n, result in enumerate(results, start=1):
        if n % 5000 == 0:
            advance(5000)
        yield result


def _check_human(results: Any, summary: Any, today: date) -> None:
    from wblqa_cli.retention.records import STATUSES
    from wblqa_cli.retention.rules import KINDS

    if summary.rows <= HUMAN_ROWS:
        t = table(
            "Id",
            "Learner work",
            "dispose from",
            "QA documents",
            "dispose from",
            "Why",
            whole=("Id", "Learner work", "QA documents"),
        )
        for i, lw, lwd, lwr, qa, qad, qar in results:
            why = "; ".join(dict.fromkeys(w for w in (lwr, qar) if w))
            t.add_row(i, lw, fmt_date(lwd), qa, fmt_date(qad), why)
        console().print(t)
    s = table("Kind", *STATUSES, title=f"{summary.rows} rows, as on {fmt_date(today)}")
    for kind in KINDS:
        s.add_row(kind_label(kind), *(str(summary.counts[kind][st]) for st in STATUSES))
    console().print(s)
    if summary.rows > HUMAN_ROWS:
        say(f"Every row's result: add --csv or --json (more than {HUMAN_ROWS} rows).")
