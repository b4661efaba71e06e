"""``retention check``: the status of every row of a CSV, in two passes.

A batch is validated whole before anything is printed, without holding the
file in memory: the first pass checks every row (and counts what the second
will produce) and the second computes and prints.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from wblqa_cli.errors import InputError
from wblqa_cli.retention.deadline import (
    DateCells,
    Deadline,
    Triggers,
    Undetermined,
    deadline,
    top_up_cell,
)
from wblqa_cli.retention.records import STATUSES, status_name
from wblqa_cli.retention.rules import LEARNER_WORK, QA_DOCUMENTS, Rules, load_rules
from wblqa_cli.retention.source import Source, cell_where, lazy_where

CHECK_REQUIRED = ("id", "certified", "received")
CHECK_OPTIONAL = ("hold", "top_up_received")
CHECK_OUT = (
    "id",
    "learner_work_status",
    "learner_work_dispose_from",
    "qa_documents_status",
    "qa_documents_dispose_from",
)


def _require_id(value: str, name: str, line: int) -> str:
    if not value:
        raise InputError(f"{cell_where(name, line, 'id')}: empty; every row needs an id.")
    return value


def _compute(
    kind: str, triggers: Triggers, rules: Rules, name: str, line: int, column: str
) -> Deadline | Undetermined:
    try:
        return deadline(kind, triggers, rules)
    except InputError as exc:
        raise InputError(f"{cell_where(name, line, column)}: {exc.message}") from None


class _Memo:
    """Deadlines for repeated trigger dates, computed once."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self._lw: dict[tuple[date | None, date | None, bool], date | None] = {}
        self._qa: dict[date | None, date | None] = {}

    def learner_work(self, t: Triggers, name: str, line: int) -> date | None:
        key = (t.received, t.top_up_received, t.top_up_pending)
        if key in self._lw:
            return self._lw[key]
        column = "top_up_received" if t.top_up_received else "received"
        found = _compute(LEARNER_WORK, t, self.rules, name, line, column)
        value = found.dispose_from if isinstance(found, Deadline) else None
        self._lw[key] = value
        return value

    def qa_documents(self, t: Triggers, name: str, line: int) -> date | None:
        if t.certified in self._qa:
            return self._qa[t.certified]
        found = _compute(QA_DOCUMENTS, t, self.rules, name, line, "certified")
        value = found.dispose_from if isinstance(found, Deadline) else None
        self._qa[t.certified] = value
        return value

    def both(
        self,
        certified: date | None,
        received: date | None,
        top_up: date | None,
        pending: bool,
        name: str,
        line: int,
    ) -> tuple[date | None, date | None]:
        """(learner work, QA documents) dispose-from dates; the triggers built only if new."""
        lw_key = (received, top_up, pending)
        if lw_key in self._lw and certified in self._qa:
            return self._lw[lw_key], self._qa[certified]
        t = Triggers(
            certified=certified, received=received, top_up_received=top_up, top_up_pending=pending
        )
        return self.learner_work(t, name, line), self.qa_documents(t, name, line)


CheckResult = tuple[str, str, date | None, str, date | None]


@dataclass
class CheckSummary:
    rows: int
    counts: dict[str, Counter[str]]

    def as_json(self) -> dict[str, object]:
        return {
            "rows": self.rows,
            **{k: {st: c[st] for st in STATUSES} for k, c in self.counts.items()},
        }


def _check_rows(source: Source, today: date, rules: Rules) -> Iterator[CheckResult]:
    cells = DateCells()
    memo = _Memo(rules)
    name = source.name
    reader = source.reader(CHECK_REQUIRED, CHECK_OPTIONAL)
    has_top_up = "top_up_received" in reader.header
    known = cells.known
    for line, row in reader:
        ident = _require_id(row["id"], name, line)
        top_up, pending = (
            top_up_cell(cells, row["top_up_received"], lazy_where(name, line, "top_up_received"))
            if has_top_up
            else (None, False)
        )
        c, r = row["certified"], row["received"]  # a date seen before needs no context
        certified = known(c) or cells.parse(c, lazy_where(name, line, "certified"))
        received = known(r) or cells.parse(r, lazy_where(name, line, "received"))
        held = bool(row.get("hold"))
        lw, qa = memo.both(certified, received, top_up, pending, name, line)
        yield (
            ident,
            status_name(lw, today, on_hold=held),
            lw,
            status_name(qa, today, on_hold=held),
            qa,
        )


def validate_check(
    source: Source, today: date, progress: Callable[[int], None] | None = None
) -> CheckSummary:
    """First pass: every row checked, the statuses counted, nothing kept."""
    rules = load_rules()
    counts = {LEARNER_WORK: Counter[str](), QA_DOCUMENTS: Counter[str]()}
    rows = 0
    for _, lw, _, qa, _ in _check_rows(source, today, rules):
        counts[LEARNER_WORK][lw] += 1
        counts[QA_DOCUMENTS][qa] += 1
        rows += 1
        if progress is not None and rows % 5000 == 0:
            progress(5000)
    if rows == 0:
        raise InputError(f"{source.name}: no rows after the header.")
    return CheckSummary(rows, counts)


def check_results(source: Source, today: date) -> Iterator[CheckResult]:
    """Second pass: one result per row (the file was validated by :func:`validate_check`)."""
    return _check_rows(source, today, load_rules())
