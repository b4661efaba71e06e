"""``wblqa report``: the visit pack, one HTML file for the verifier and the head of centre."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from wblqa_cli.cli_common import AS_OF_OPTION, YEAR_OPTION, store, year_and_day
from wblqa_cli.output import note


def report(
    ctx: typer.Context,
    output: str = typer.Option(
        ..., "-o", "--output", metavar="FILE.html", help="The file to write, or - for stdout."
    ),
    year: str | None = YEAR_OPTION,
    as_of_text: str | None = AS_OF_OPTION,
    centre: str | None = typer.Option(
        None, "--centre", metavar="NUMBER", help="Only this centre's AQD and programmes."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite FILE.html if it exists."),
) -> None:
    """Write the visit pack: one self-contained HTML file to hand to the verifier.

    A cover with the audit chain's state, what needs action, the AQD with
    flagged answers, the verification cycle and key dates, collaborative
    arrangements, retention, and the source of every rule; charts are inline
    SVG with tables beside them. Nothing is fetched from anywhere: it opens
    offline. Print it from a browser for PDF (A4: the cover on its own page,
    then the sections, headings kept with what follows).
    """
    from wblqa_cli.report.cli_collect import collect
    from wblqa_cli.report.render import render

    target = None if output == "-" else Path(output)
    if target is not None and target.exists() and not target.is_dir() and not force:
        raise _exists(target)
    academic_year, today = year_and_day(year, as_of_text)
    pack = collect(store(ctx), academic_year, today, centre)
    html = render(pack)
    if target is None:
        sys.stdout.write(html)
        sys.stdout.flush()
        return
    from wblqa_cli.files import write_private

    write_private(target, html, overwrite=force, exists_hint=HINT)
    note(f"Wrote the {academic_year} visit pack to {target} (open it in a browser).")


HINT = "Give another file name, or add --force to replace it."


def _exists(path: Path) -> Exception:
    from wblqa_cli.errors import InputError

    return InputError(f"{path} already exists; wblqa will not overwrite it.", hint=HINT)
