"""The visit pack as one self-contained HTML document (Jinja2, autoescape on).

Every value printed goes through Jinja2's escaping and through
``safetext.for_page`` (control characters removed: HTML5 forbids them; a
right-to-left override or another invisible format character shown as
``\u202e``, so no text reads reversed). The charts are the only markup passed
through unescaped; ``charts.py`` escapes their labels itself.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from wblqa_cli import __version__
from wblqa_cli.report import charts
from wblqa_cli.report.pack import Pack, flagged_rows

if TYPE_CHECKING:
    from jinja2 import Environment

LEVELS = {"overdue": "Overdue", "now": "Act now", "soon": "Soon", "info": "For information"}


def _finalize(value: Any) -> Any:
    from wblqa_cli.safetext import for_page

    if value is None:
        return "—"
    if hasattr(value, "__html__"):  # a chart: markup this package built and escaped
        return value
    if isinstance(value, str):
        return for_page(value)
    return value


def _shell_words(line: str) -> list[str]:
    """A printed command's words as the shell reads them, each still quoted as printed:
    the pack keeps each on one line (``--year`` is never broken after its dashes)."""
    import shlex

    return [shlex.quote(w) for w in shlex.split(line)]


def _day(value: date | None) -> str:
    from wblqa_cli.dates import long_date

    return "—" if value is None else long_date(value)


def _short(value: date | None) -> str:
    return "—" if value is None else f"{value.day} {value:%b %Y}"


def _moment(value: datetime | None) -> str:
    return "—" if value is None else f"{value:%d %B %Y %H:%M} UTC".lstrip("0")


def environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("wblqa_cli.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["day"] = _day
    env.filters["moment"] = _moment
    env.filters["short"] = _short
    env.filters["shell_words"] = _shell_words
    return env


def _charts(pack: Pack) -> dict[str, Any]:
    from markupsafe import Markup

    plan = pack.status.plan
    year = plan.academic_year
    spans = [charts.Span(k.what, k.date, k.end_date) for k in plan.key_dates]
    aqd = {}
    for d in pack.aqd:
        bars = [
            charts.Progress(
                "Centre" if sc.programme is None else f"{sc.programme} {d.titles[sc.programme]}",
                sc.answered,
                sc.applicable,
                len(sc.flagged),
            )
            for sc in d.scopes
        ]
        aqd[d.centre] = Markup(charts.progress_bars(f"AQD progress of centre {d.centre}", bars))
    return {
        "timeline": Markup(
            charts.timeline(
                f"Key dates {pack.academic_year}", spans, year.start, year.end, pack.as_of
            )
        ),
        "disposals": Markup(
            charts.columns("Records that may be disposed of, per month", pack.disposals)
        ),
        "aqd": aqd,
    }


def header(pack: Pack) -> str:
    """The running head of each printed page: the centres' numbers and the year."""
    numbers = ", ".join(number for number, _ in pack.centres)
    return f"Visit pack {pack.academic_year}" + (f" · centre {numbers}" if numbers else "")


def css_text(text: str) -> str:
    """``text`` safe inside a CSS string in a ``<style>`` element: letters, digits, a few marks."""
    import re

    return re.sub(r"[^\w .,/·-]", "", text)


def why_notes(pack: Pack) -> tuple[list[str], dict[str, int]]:
    """The cycle table's reasons, each said once: the distinct texts in order, and the
    number (from 1) of each programme's."""
    notes: list[str] = []
    of: dict[str, int] = {}
    for p in pack.status.plan.programmes:
        rule = p.scope.rule
        text = p.scope.reason + (f" ({rule.activity})" if rule.activity else "")
        text += f" [{rule.source}]"
        if text not in notes:
            notes.append(text)
        of[p.code] = notes.index(text) + 1
    return notes, of


def commands(pack: Pack) -> dict[str, str]:
    """The commands the pack prints beside its cut lists, each naming what it lists."""
    from wblqa_cli.suggest import command

    year = pack.academic_year
    out = {"holds": command("retention", "list", "--status", "on-hold")}
    for d in pack.aqd:
        out[f"aqd {d.centre}"] = command(
            "aqd", "status", "--json", "--year", year, "--centre", d.centre
        )
    return out


def render(pack: Pack) -> str:
    """The whole document as text."""
    from wblqa_cli.report.pack import sources_in_words, supports
    from wblqa_cli.rules import WBLQA_DEFAULT

    template = environment().get_template("pack.html.j2")
    flagged = {d.centre: flagged_rows(d, pack.settings.flags_listed) for d in pack.aqd}
    notes, why = why_notes(pack)
    own = [p for c in pack.sources if c.document == WBLQA_DEFAULT for p in c.used_by]
    year = pack.status.plan.academic_year
    return template.render(
        pack=pack,
        plan=pack.status.plan,
        charts=_charts(pack),
        flagged=flagged,
        levels=LEVELS,
        version=__version__,
        header=css_text(header(pack)),
        why_notes=notes,
        why=why,
        commands=commands(pack),
        documents=sources_in_words(pack.sources),
        own_defaults=(len(own), supports(own)),
        today_drawn=year.start <= pack.as_of <= year.end,
    )
