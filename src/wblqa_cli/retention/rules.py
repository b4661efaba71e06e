"""Retention rules: the kinds of record, their triggers and periods, from ``data/retention.toml``.

For each kind of record a rule names its trigger (the certification date, or
the day the certificates were received) and a period; the top-up route and the
hold cases are read from the same file.

Nothing here touches the clock, the store or the terminal.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta

from wblqa_cli.errors import InputError
from wblqa_cli.rules import Cited, Table

LEARNER_WORK = "learner_work"
QA_DOCUMENTS = "qa_documents"
KINDS = (LEARNER_WORK, QA_DOCUMENTS)
TRIGGERS = ("certified", "received")


@dataclass(frozen=True)
class Period:
    """A retention period; calendar units first, then weeks and days."""

    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0

    def words(self) -> str:
        parts = []
        for n, unit in (
            (self.years, "year"),
            (self.months, "month"),
            (self.weeks, "week"),
            (self.days, "day"),
        ):
            if n:
                parts.append(f"{n} {unit}{'' if n == 1 else 's'}")
        return ", ".join(parts) or "no time"

    def as_json(self) -> dict[str, int]:
        return {k: v for k, v in vars(self).items() if v}

    def after(self, start: date) -> date:
        """``start`` plus this period, never early.

        Years and months move to the same calendar date; where that date does
        not exist (29 February, or the 31st of a shorter month) the day after
        the month's last day stands. Weeks and days are then added exactly.
        """
        try:
            end = start
            if self.years or self.months:
                from dateutil.relativedelta import relativedelta

                end = start + relativedelta(years=self.years, months=self.months)
                if end.day != start.day:  # relativedelta clipped to the month's end
                    end += timedelta(days=1)
            return end + timedelta(weeks=self.weeks, days=self.days)
        except (OverflowError, ValueError):
            raise InputError(
                f"{start.isoformat()} is too far in the future to add {self.words()} to."
            ) from None


@dataclass(frozen=True)
class Rule:
    kind: str
    label: str
    short_label: str
    trigger: str
    trigger_words: str
    period: Period
    covers: tuple[str, ...]
    cited: Cited
    also: tuple[str, ...]

    @property
    def source(self) -> str:
        return self.cited.shown()

    def explain(self) -> str:
        """``12 weeks after the certificates were received``."""
        return f"{self.period.words()} after {self.trigger_words}"


@dataclass(frozen=True)
class TopUp:
    applies_to: str
    trigger: str
    trigger_words: str
    cited: Cited

    @property
    def source(self) -> str:
        return self.cited.shown()


@dataclass(frozen=True)
class Hold:
    cases: tuple[str, ...]
    cited: Cited
    not_held: frozenset[str]  # casefolded cell values that mean "not on hold" (and "")
    not_held_source: str  # where the words for "no" come from: the tool's own default
    not_held_reason: str | None

    @property
    def source(self) -> str:
        return self.cited.shown()

    def reason(self, cell: str | None) -> str | None:
        """A ``hold`` cell's reason: ``None`` when empty or a word for "no"."""
        if not cell:
            return None
        text = " ".join(cell.split())
        return None if text.casefold() in self.not_held else text


@dataclass(frozen=True)
class Rules:
    by_kind: dict[str, Rule]
    top_up: TopUp
    hold: Hold

    def __getitem__(self, kind: str) -> Rule:
        return self.by_kind[kind]


@functools.cache
def load_rules() -> Rules:
    """The retention rules from ``data/retention.toml``, checked strictly."""
    from wblqa_cli.rules import table

    return rules_from(table("retention.toml"))


def rules_from(doc: Table) -> Rules:
    """Typed rules from the parsed file; every error names the file and key."""
    from wblqa_cli.rules import period_from

    doc.integer("format")
    by_kind: dict[str, Rule] = {}
    for t in doc.tables("rules", required=True):
        kind = t.text("kind", choices=KINDS)
        if kind in by_kind:
            raise t.fail("kind", f"{kind!r} has a rule already")
        by_kind[kind] = Rule(
            kind=kind,
            label=t.text("label"),
            short_label=t.text("short_label"),
            trigger=t.text("trigger", choices=TRIGGERS),
            trigger_words=t.text("trigger_words"),
            period=Period(**period_from(t)),
            covers=tuple(t.text_list("covers")),
            cited=t.cited(),
            also=tuple(t.text_list("also", required=False) or ()),
        )
        t.done()
    missing = [k for k in KINDS if k not in by_kind]
    if missing:
        raise doc.fail("rules", f"no rule for {', '.join(missing)}")
    tu = doc.table("top_up")
    assert tu is not None
    top_up = TopUp(
        applies_to=tu.text("applies_to", choices=KINDS),
        trigger=tu.text("trigger"),
        trigger_words=tu.text("trigger_words"),
        cited=tu.cited(),
    )
    tu.done()
    h = doc.table("hold")
    assert h is not None
    nh = h.table("not_held")
    assert nh is not None
    words = frozenset(w.strip().casefold() for w in nh.text_list("words")) | {""}
    not_held_source, not_held_reason = nh.citation()
    hold = Hold(
        cases=tuple(h.text_list("cases")),
        cited=h.cited(),
        not_held=words,
        not_held_source=not_held_source,
        not_held_reason=not_held_reason,
    )
    nh.done()
    h.done()
    doc.done()
    return Rules(by_kind=by_kind, top_up=top_up, hold=hold)
