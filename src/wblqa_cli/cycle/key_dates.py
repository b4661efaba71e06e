"""The year's key dates: the AQD window and deadline, then the data's dates (pure)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wblqa_cli.aqd.deadlines import Deadline
from wblqa_cli.cycle.rules import CycleRules, date_in_year
from wblqa_cli.dates import AcademicYear


@dataclass(frozen=True)
class KeyDate:
    key: str
    date: dt.date
    end_date: dt.date | None
    what: str
    source: str
    detail: str | None = None
    lsv_only: bool = False
    reminder_days: int | None = None
    note: str | None = None
    strength: str | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "date": self.date,
            "what": self.what,
            "source": self.source,
            "key": self.key,
            "end_date": self.end_date,
            "detail": self.detail,
            "lsv_only": self.lsv_only,
            "note": self.note,
            "strength": self.strength,
        }


def key_dates(
    year: AcademicYear, aqd: Deadline, *, rules: CycleRules, include_lsv: bool = True
) -> tuple[KeyDate, ...]:
    """The year's key dates: the AQD window and deadline, then the data's dates, by date."""
    from wblqa_cli.aqd.deadlines import rules as aqd_rules

    window, _ = aqd_rules()
    out = [
        KeyDate(
            "aqd-opens",
            aqd.opens,
            None,
            "Annual Quality Declaration opens",
            window.source,
            detail="The window for this year's declaration opens.",
        ),
        KeyDate(
            "aqd-deadline",
            aqd.deadline,
            None,
            "Annual Quality Declaration due",
            aqd.source
            if aqd.source == rules.aqd_detail_source
            else f"{aqd.source}; {rules.aqd_detail_source}",
            detail=rules.aqd_detail,
            reminder_days=rules.aqd_reminder_days,
            note=aqd.note,
            strength=rules.aqd_cited.strength,
        ),
    ]
    for rule in rules.key_dates:
        if rule.lsv_only and not include_lsv:
            continue
        out.append(
            KeyDate(
                rule.key,
                date_in_year(year, rule.starts),
                date_in_year(year, rule.ends) if rule.ends else None,
                rule.what,
                rule.source,
                detail=rule.detail,
                lsv_only=rule.lsv_only,
                reminder_days=rule.reminder_days,
                strength=rule.cited.strength,
            )
        )
    return tuple(sorted(out, key=lambda k: (k.date, k.end_date or k.date, k.key)))
