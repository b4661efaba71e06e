"""The Monday screen: what needs action now, across everything the store holds.

Pure: every input is a plain object gathered by the command (AQD progress per
centre, the verification plan, arrangement check summaries, retention counts),
and ``today`` is passed in. The output is a list of actions, most urgent
first, and the sections the screen shows.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from wblqa_cli.aqd.deadlines import Deadline
from wblqa_cli.cycle.key_dates import KeyDate
from wblqa_cli.cycle.plan import Plan
from wblqa_cli.dates import days_text, long_date
from wblqa_cli.rules import table
from wblqa_cli.suggest import centre_option, command
from wblqa_cli.words import plural

Level = Literal["overdue", "now", "soon", "info"]
LEVELS: tuple[Level, ...] = ("overdue", "now", "soon", "info")


@dataclass(frozen=True)
class Settings:
    soon_days: int
    upcoming_key_dates: int


@functools.cache
def settings() -> Settings:
    t = table("status.toml")
    t.integer("format")
    out = Settings(t.setting("soon_days", minimum=0), t.setting("upcoming_key_dates", minimum=0))
    t.done()
    return out


@dataclass(frozen=True)
class AqdProgress:
    """One centre's declaration for the year."""

    centre: str
    centre_name: str
    state: str  # "not started", "open" or "submitted"
    answered: int
    applicable: int
    missing: int
    flagged: int
    programmes: int
    deadline: Deadline

    def as_json(self, today: date) -> dict[str, object]:
        return {
            "centre": self.centre,
            "centre_name": self.centre_name,
            "status": self.state,
            "answered": self.answered,
            "applicable": self.applicable,
            "missing": self.missing,
            "flagged": self.flagged,
            "programmes": self.programmes,
            "deadline": self.deadline.deadline,
            "days_left": self.deadline.days_left(today),
        }


@dataclass(frozen=True)
class ArrangementHealth:
    """A stored arrangement's check, summarised."""

    name: str
    model: str
    failed: tuple[str, ...]  # "id: message" of each failing check
    warnings: tuple[str, ...]
    apply_by: date | None
    application_submitted: date | None

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "model": self.model,
            "fail": len(self.failed),
            "warn": len(self.warnings),
            "failed": list(self.failed),
            "warnings": list(self.warnings),
            "apply_by": self.apply_by,
            "application_submitted": self.application_submitted,
        }


@dataclass(frozen=True)
class RetentionSummary:
    """Stored retention records as of today."""

    disposable: int
    on_hold: int
    unknown: int
    retained: int
    next_dispose_from: date | None = None
    next_count: int = 0

    def as_json(self) -> dict[str, object]:
        return {
            "disposable": self.disposable,
            "on_hold": self.on_hold,
            "unknown": self.unknown,
            "retain": self.retained,
            "next_dispose_from": self.next_dispose_from,
            "next_count": self.next_count,
        }


@dataclass(frozen=True)
class Action:
    level: Level
    area: str
    message: str
    command: str | None = None
    due: date | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "level": self.level,
            "area": self.area,
            "message": self.message,
            "command": self.command,
            "due": self.due,
        }


@dataclass(frozen=True)
class Status:
    as_of: date
    academic_year: str
    actions: tuple[Action, ...]
    aqd: tuple[AqdProgress, ...]
    plan: Plan
    arrangements: tuple[ArrangementHealth, ...]
    retention: RetentionSummary | None
    upcoming: tuple[KeyDate, ...] = field(default=())

    def counts(self) -> dict[str, int]:
        return {level: sum(a.level == level for a in self.actions) for level in LEVELS}

    def as_json(self) -> dict[str, object]:
        return {
            "as_of": self.as_of,
            "academic_year": self.academic_year,
            "summary": self.counts(),
            "actions": [a.as_json() for a in self.actions],
            "aqd": [a.as_json(self.as_of) for a in self.aqd],
            "dcs": [
                {
                    "code": p.code,
                    "title": p.title,
                    "dcs_expiry": p.dcs_expiry,
                    "dcs_status": p.dcs_status,
                }
                for p in self.plan.programmes
                if p.dcs_status in ("expired", "expiring")
            ],
            "consortium": [a.as_json() for a in self.arrangements],
            "retention": self.retention.as_json() if self.retention else None,
            "key_dates": [k.as_json() for k in self.upcoming],
        }


def _aqd_actions(p: AqdProgress, today: date, soon: int, several: bool) -> list[Action]:
    action = _aqd_action(p, today, soon, several)
    return [] if action is None else [action]


def _aqd_action(p: AqdProgress, today: date, soon: int, several: bool) -> Action | None:
    d = p.deadline
    year = d.academic_year.label
    left = d.days_left(today)
    about = f"AQD {year} of centre {p.centre}"
    centre = centre_option(p.centre, several)

    def aqd(verb: str) -> str:
        return command("aqd", verb, "--year", year, *centre)

    if p.state == "submitted":
        flagged = f"{about} is submitted; {plural(p.flagged, 'answer')} flagged for action."
        return Action("info", "aqd", flagged, aqd("status")) if p.flagged else None
    if p.programmes == 0:
        add = command("programme", "add", "CODE", "--title", "TITLE", *centre)
        return Action("now", "aqd",
                      f"{about}: no programmes registered; the self-assessment is per programme.",
                      add)  # fmt: skip
    progress = f"{p.answered}/{p.applicable} answered, {p.missing} required still missing"
    if today < d.opens:
        return Action("info", "aqd", f"{about} opens on {long_date(d.opens)}.", aqd("start"),
                      d.opens)  # fmt: skip
    if left < 0:
        return Action("overdue", "aqd",
                      f"{about} was due {long_date(d.deadline)} ({days_text(-left)} ago): "
                      f"{progress}.", aqd("start"), d.deadline)  # fmt: skip
    level: Level = "now" if left <= soon else "soon"
    note = f" {d.note}" if d.note else ""
    if p.missing == 0:
        return Action(level, "aqd",
                      f"{about} is complete: submit it by {long_date(d.deadline)} "
                      f"({days_text(left)} left).{note}", aqd("submit"), d.deadline)  # fmt: skip
    return Action(level, "aqd",
                  f"{about} is due {long_date(d.deadline)} ({days_text(left)} left): "
                  f"{progress}.{note}", aqd("start"), d.deadline)  # fmt: skip


def _dcs_actions(plan: Plan, today: date) -> list[Action]:
    out: list[Action] = []
    see = command("cycle", "plan", "--year", plan.academic_year.label)
    for p in plan.programmes:
        if p.dcs_expiry is None or p.dcs_status not in ("expired", "expiring"):
            continue
        if p.dcs_status == "expired":
            out.append(
                Action(
                    "overdue",
                    "dcs",
                    f"{p.code} {p.title}: Direct Claims Status expired on "
                    f"{long_date(p.dcs_expiry)}; raise it with {p.dcs_raise_with}.",
                    see,
                    p.dcs_expiry,
                )
            )
        else:
            left = (p.dcs_expiry - today).days
            out.append(
                Action(
                    "now",
                    "dcs",
                    f"{p.code} {p.title}: Direct Claims Status expires on "
                    f"{long_date(p.dcs_expiry)} (in {days_text(left)}); alert "
                    f"{p.dcs_raise_with} before it does.",
                    see,
                    p.dcs_expiry,
                )
            )
    return out


def _arrangement_actions(a: ArrangementHealth, today: date, soon: int) -> list[Action]:
    out: list[Action] = []
    check = command("consortium", "show", arguments=[a.name])
    if a.failed:
        out.append(
            Action(
                "now",
                "consortium",
                f"{a.name}: {plural(len(a.failed), 'prerequisite')} failing "
                f"(first: {a.failed[0]}).",
                check,
            )
        )
    if a.warnings:
        out.append(
            Action(
                "soon",
                "consortium",
                f"{a.name}: {plural(len(a.warnings), 'warning')} (first: {a.warnings[0]}).",
                check,
            )
        )
    if a.apply_by is not None and a.application_submitted is None and today <= a.apply_by:
        left = (a.apply_by - today).days
        level: Level = "now" if left <= soon else "soon"
        out.append(
            Action(
                level,
                "consortium",
                f"{a.name}: apply for approval by {long_date(a.apply_by)} "
                f"({days_text(left)} left).",
                check,
                a.apply_by,
            )
        )
    return out


def _retention_actions(r: RetentionSummary, today: date, soon: int) -> list[Action]:
    out: list[Action] = []
    if r.disposable:
        out.append(
            Action(
                "now",
                "retention",
                f"{plural(r.disposable, 'retention record')} may be disposed of now.",
                command("retention", "due", "--as-of", today.isoformat()),
            )
        )
    if r.unknown:
        out.append(
            Action(
                "soon",
                "retention",
                f"{plural(r.unknown, 'retention record')} "
                f"{'lacks' if r.unknown == 1 else 'lack'} the date their "
                "period runs from; add it so their deadline can be worked out.",
                "wblqa retention list --status unknown",
            )
        )
    if r.on_hold:
        out.append(
            Action(
                "info",
                "retention",
                f"{plural(r.on_hold, 'retention record')} on hold (appeal, "
                "complaint or malpractice): keep them until released.",
                "wblqa retention list --status on-hold",
            )
        )
    if r.next_dispose_from and (r.next_dispose_from - today).days <= soon:
        out.append(
            Action(
                "info",
                "retention",
                f"{plural(r.next_count, 'more record')} may be disposed of from "
                f"{long_date(r.next_dispose_from)}.",
                None,
                r.next_dispose_from,
            )
        )
    return out


def build(
    today: date,
    plan: Plan,
    aqd: Sequence[AqdProgress],
    arrangements: Sequence[ArrangementHealth] = (),
    retention: RetentionSummary | None = None,
    config: Settings | None = None,
    *,
    several_centres: bool = False,
) -> Status:
    """Everything that needs action, most urgent (then soonest) first.

    ``several_centres``: more than one centre is registered, so every suggested
    command that acts on one centre names it."""
    config = config or settings()
    soon = config.soon_days
    actions: list[Action] = []
    for progress in aqd:
        actions += _aqd_actions(progress, today, soon, several_centres)
    actions += _dcs_actions(plan, today)
    for a in arrangements:
        actions += _arrangement_actions(a, today, soon)
    if retention is not None:
        actions += _retention_actions(retention, today, soon)
    order = {level: i for i, level in enumerate(LEVELS)}
    actions.sort(key=lambda a: (order[a.level], a.due or date.max, a.area))
    upcoming = tuple(k for k in plan.key_dates if (k.end_date or k.date) >= today)[
        : config.upcoming_key_dates
    ]
    return Status(
        as_of=today,
        academic_year=plan.academic_year.label,
        actions=tuple(actions),
        aqd=tuple(aqd),
        plan=plan,
        arrangements=tuple(arrangements),
        retention=retention,
        upcoming=upcoming,
    )
