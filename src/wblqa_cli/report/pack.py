"""The visit pack as plain data: what each section shows, from the gathered facts (pure).

Nothing here reads the store or writes HTML: the command gathers (through
``gather.py``), these functions shape, the template renders.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from wblqa_cli.rules import WBLQA_DEFAULT, table

if TYPE_CHECKING:
    from wblqa_cli.consortium.model import Arrangement
    from wblqa_cli.consortium.report import Report
    from wblqa_cli.gather import AqdDetail, RetentionDetail
    from wblqa_cli.status.actions import Status


@dataclass(frozen=True)
class Settings:
    disposal_months: int
    holds_listed: int
    flags_listed: int


@functools.cache
def settings() -> Settings:
    t = table("report.toml")
    t.integer("format")
    out = Settings(
        t.setting("disposal_months", minimum=1),
        t.setting("holds_listed", minimum=0),
        t.setting("flags_listed", minimum=0),
    )
    t.done()
    return out


@dataclass(frozen=True)
class AuditChain:
    """The audit log's state: how many entries, what is wrong with the chain, its head."""

    entries: int
    problems: tuple[str, ...]
    head: str | None

    @property
    def intact(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Count:
    """One bar of a chart or one row of its table: a label and a number."""

    label: str
    count: int


@dataclass(frozen=True)
class Citation:
    """A section of a source document and the rules that cite it."""

    document: str
    section: str
    used_by: tuple[str, ...]


@dataclass(frozen=True)
class Pack:
    centres: tuple[tuple[str, str], ...]  # (number, name)
    academic_year: str
    as_of: date
    generated_at: datetime
    audit: AuditChain
    status: Status
    aqd: tuple[AqdDetail, ...]
    arrangements: tuple[tuple[Arrangement, Report], ...]
    retention: RetentionDetail
    disposals: tuple[Count, ...]  # per month, ``settings().disposal_months`` of them
    disposable_by_kind: tuple[Count, ...]
    sources: tuple[Citation, ...]
    settings: Settings


def add_months(day: date, months: int) -> date:
    """The first of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def by_month(rows: Iterable[tuple[date, str, int]], start: date, months: int) -> list[Count]:
    """Counts per calendar month from ``start``'s month, ``months`` of them, empty ones kept."""
    firsts = [add_months(start, i) for i in range(months)]
    totals = dict.fromkeys(firsts, 0)
    for day, _kind, count in rows:
        first = day.replace(day=1)
        if first in totals:
            totals[first] += count
    return [Count(f"{first:%b %Y}", totals[first]) for first in firsts]


def by_kind(rows: Iterable[tuple[date, str, int]], labels: Mapping[str, str]) -> list[Count]:
    """Counts per kind of record, labelled as the retention rules name them, largest first."""
    totals: dict[str, int] = {}
    for _day, kind, count in rows:
        totals[kind] = totals.get(kind, 0) + count
    return sorted(
        (Count(labels.get(k, k), n) for k, n in totals.items()), key=lambda c: (-c.count, c.label)
    )


def _sources(node: Any, where: str) -> Iterable[tuple[str, str]]:
    if isinstance(node, dict):
        label = next((str(node[k]) for k in ("id", "key", "kind", "code") if k in node), None)
        here = f"{where} {label}" if label and isinstance(node.get("source"), str) else where
        for key, value in node.items():
            if key == "source" and isinstance(value, str):
                yield value, here
            else:
                yield from _sources(value, f"{where} [{key}]" if isinstance(value, dict) else where)
    elif isinstance(node, list):
        for item in node:
            yield from _sources(item, where)


def citations(files: Mapping[str, Any]) -> list[Citation]:
    """Every source the rules files cite, by document and section, with where each is used.

    ``files`` maps a file name (``retention.toml``) to its parsed content.
    """
    used: dict[tuple[str, str], list[str]] = {}
    for name, doc in sorted(files.items()):
        for source, where in _sources(doc, f"data/{name}"):
            for one in source.split(";"):
                document, _, section = one.strip().partition(":")
                places = used.setdefault((document.strip(), section.strip()), [])
                if where not in places:
                    places.append(where)
    return [Citation(d, s, tuple(w)) for (d, s), w in sorted(used.items())]


#: The guidance each short name in ``data/`` stands for, as a verifier would name it.
DOCUMENTS = {
    "wbl-qa-model-2024-25": "Pearson, “How does the Work-Based Learning Quality Assurance "
    "model work?” (2024-25)",
    "btec-collab-guide-1.1": "Pearson, “BTEC Centre Guide to Collaborative Arrangements for "
    "vocational qualifications”, version 1.1 (September 2024)",
    "pearson-support": "Pearson's public support pages (a secondary source: a rule from them "
    "only ever warns)",
    "ofqual-ssa": "Ofqual's Sector Subject Areas (the names programmes' sectors are written in)",
}

#: What each rules file holds, in words: (one, several).
AREAS = {
    "aqd.toml": ("the AQD window and deadline", "the AQD window and deadlines"),
    "aqd_questions.toml": ("AQD question", "AQD questions"),
    "aqd_checks.toml": ("check of AQD dates", "checks of AQD dates"),
    "consortium.toml": ("collaborative-arrangement check", "collaborative-arrangement checks"),
    "retention.toml": ("retention rule", "retention rules"),
    "verification.toml": ("verification-cycle rule", "verification-cycle rules"),
    "sectors.toml": ("sector group out of LSV scope", "sector groups out of LSV scope"),
    "sector_subject_areas.toml": ("the list of sector subject areas", "sector subject areas"),
    "dates.toml": ("the range of dates wblqa accepts", "the range of dates wblqa accepts"),
    "report.toml": ("setting of this pack", "settings of this pack"),
    "status.toml": ("setting of the status screen", "settings of the status screen"),
}


@dataclass(frozen=True)
class SourceRow:
    """A section of a source document and, in words, what wblqa uses it for."""

    section: str
    supports: str


def supports(places: Sequence[str]) -> str:
    """``data/x.toml …`` places as a verifier reads them: ``16 AQD questions; 2 …``."""
    counts: dict[str, int] = {}
    for place in places:
        name = place.removeprefix("data/").split(" ", 1)[0]
        counts[name] = counts.get(name, 0) + 1
    said = []
    for name, n in counts.items():
        one, several = AREAS.get(name, (f"setting of {name}", f"settings of {name}"))
        whole = n == 1 and one.startswith("the ")  # "the AQD window", not "1 the AQD window"
        said.append(one if whole else f"{n} {one if n == 1 else several}")
    return "; ".join(said)


def sources_in_words(found: Sequence[Citation]) -> list[tuple[str, list[SourceRow]]]:
    """Each cited document (by title) with its sections and what each supports; wblqa's
    own defaults are left out (the pack counts them apart)."""
    by_document: dict[str, list[SourceRow]] = {}
    for c in found:
        if c.document != WBLQA_DEFAULT:
            rows = by_document.setdefault(c.document, [])
            rows.append(SourceRow(c.section or "(whole document)", supports(c.used_by)))
    order = list(DOCUMENTS)
    ranked = sorted(by_document, key=lambda d: (order.index(d) if d in order else len(order), d))
    return [(DOCUMENTS.get(d, d), by_document[d]) for d in ranked]


def flagged_rows(detail: AqdDetail, limit: int) -> tuple[list[tuple[str, str, str, str, str]], int]:
    """(scope, question id, question, answer, comment) of each flagged answer, and how many."""
    from wblqa_cli.aqd.answers import display

    rows: list[tuple[str, str, str, str, str]] = []
    total = 0
    for sc in detail.scopes:
        for f in sc.flagged:
            total += 1
            if len(rows) >= limit:
                continue
            saved = detail.answers.get((f.programme, f.question.id))
            comment = saved.comment if saved is not None and saved.comment else ""
            shown = display(f.answer) or "—"
            rows.append((sc.programme or "Centre", f.question.id, f.question.question, shown,
                         comment))  # fmt: skip
    return rows, total


def kind_labels() -> dict[str, str]:
    from wblqa_cli.retention.rules import load_rules

    return {kind: rule.label for kind, rule in load_rules().by_kind.items()}


def assemble(
    *,
    centres: Sequence[tuple[str, str]],
    status: Status,
    aqd: Sequence[AqdDetail],
    arrangements: Sequence[tuple[Arrangement, Report]],
    retention: RetentionDetail,
    audit: AuditChain,
    rules_files: Mapping[str, Any],
    generated_at: datetime,
    config: Settings | None = None,
) -> Pack:
    """The pack from gathered facts; ``status.as_of`` is the day it reasons about."""
    config = config or settings()
    today = status.as_of
    return Pack(
        centres=tuple(centres),
        academic_year=status.academic_year,
        as_of=today,
        generated_at=generated_at,
        audit=audit,
        status=status,
        aqd=tuple(aqd),
        arrangements=tuple(arrangements),
        retention=retention,
        disposals=tuple(by_month(retention.upcoming, today, config.disposal_months)),
        disposable_by_kind=tuple(by_kind(retention.disposable, kind_labels())),
        sources=tuple(citations(rules_files)),
        settings=config,
    )
