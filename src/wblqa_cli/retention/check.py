"""``retention check``: the status of every row of a CSV, in two passes.

A batch is validated whole before anything is printed, without holding the
file in memory: the first pass checks every row (and counts what the second
will produce) and the second computes and prints. Two rows with one id are an
error naming both lines; the ids are remembered as 8-byte hashes
(:class:`_SeenIds`), and only repeated hashes are checked exactly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from wblqa_cli.errors import InputError
from wblqa_cli.retention.deadline import (
    DateCells,
    Triggers,
    Undetermined,
    deadline,
    received_too_early,
    top_up_cell,
)
from wblqa_cli.retention.records import DISPOSABLE, ON_HOLD, RETAIN, STATUSES, UNKNOWN
from wblqa_cli.retention.rules import LEARNER_WORK, QA_DOCUMENTS, Rules, load_rules
from wblqa_cli.retention.source import Source, cell_where, lazy_where
from wblqa_cli.safetext import quoted

CHECK_REQUIRED = ("id", "certified", "received")
CHECK_OPTIONAL = ("hold", "top_up_received")
#: The columns of each result, in order (CSV header and JSON keys). A ``…_reason``
#: says why a status is ``unknown`` (the missing date) or ``on-hold`` (the hold).
CHECK_OUT = (
    "id",
    "learner_work_status",
    "learner_work_dispose_from",
    "learner_work_reason",
    "qa_documents_status",
    "qa_documents_dispose_from",
    "qa_documents_reason",
)

#: A kind's deadline as the check needs it: the dispose-from date, or why there is none.
Found = tuple[date | None, str | None]


def _require_id(value: str, name: str, line: int) -> str:
    if not value:
        raise InputError(f"{cell_where(name, line, 'id')}: empty; every row needs an id.")
    return value


def _compute(
    kind: str, triggers: Triggers, rules: Rules, name: str, line: int, column: str
) -> Found:
    try:
        found = deadline(kind, triggers, rules)
    except InputError as exc:
        raise InputError(f"{cell_where(name, line, column)}: {exc.message}") from None
    if isinstance(found, Undetermined):
        return None, found.reason
    return found.dispose_from, None


class _Memo:
    """Deadlines for repeated trigger dates, computed once."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self._lw: dict[tuple[date | None, date | None, bool], Found] = {}
        self._qa: dict[date | None, Found] = {}

    def learner_work(self, t: Triggers, name: str, line: int) -> Found:
        key = (t.received, t.top_up_received, t.top_up_pending)
        if key in self._lw:
            return self._lw[key]
        column = "top_up_received" if t.top_up_received else "received"
        value = _compute(LEARNER_WORK, t, self.rules, name, line, column)
        self._lw[key] = value
        return value

    def qa_documents(self, t: Triggers, name: str, line: int) -> Found:
        if t.certified in self._qa:
            return self._qa[t.certified]
        value = _compute(QA_DOCUMENTS, t, self.rules, name, line, "certified")
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
    ) -> tuple[Found, Found]:
        """(learner work, QA documents) deadlines; the triggers built only if new."""
        lw_key = (received, top_up, pending)
        if lw_key in self._lw and certified in self._qa:
            return self._lw[lw_key], self._qa[certified]
        t = Triggers(
            certified=certified, received=received, top_up_received=top_up, top_up_pending=pending
        )
        return self.learner_work(t, name, line), self.qa_documents(t, name, line)


#: One row's result, in the order of :data:`CHECK_OUT`.
CheckResult = tuple[str, str, date | None, str | None, str, date | None, str | None]


@dataclass
class CheckSummary:
    rows: int
    counts: dict[str, Counter[str]]

    def as_json(self) -> dict[str, object]:
        return {
            "rows": self.rows,
            **{k: {st: c[st] for st in STATUSES} for k, c in self.counts.items()},
        }


def _status(dispose_from: date | None, today: date) -> str:
    if dispose_from is None:
        return UNKNOWN
    return DISPOSABLE if today >= dispose_from else RETAIN


def _check_rows(source: Source, today: date, rules: Rules) -> Iterator[CheckResult]:
    cells = DateCells()
    memo = _Memo(rules)
    name = source.name
    reader = source.reader(CHECK_REQUIRED, CHECK_OPTIONAL)
    has_top_up = "top_up_received" in reader.header
    has_hold = "hold" in reader.header
    known = cells.known
    hold_reason = rules.hold.reason
    status = _status
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
        if certified is not None and received is not None and received < certified:
            problem = received_too_early(Triggers(certified=certified, received=received))
            raise InputError(
                f"{cell_where(name, line, 'received')}: id {quoted(ident)}: {problem}."
            )
        hold = hold_reason(row.get("hold")) if has_hold else None
        (lwd, lwr), (qad, qar) = memo.both(certified, received, top_up, pending, name, line)
        if hold is not None:
            yield ident, ON_HOLD, lwd, hold, ON_HOLD, qad, hold
        else:
            yield ident, status(lwd, today), lwd, lwr, status(qad, today), qad, qar


class _SeenIds:
    """The ids of a file, as 8-byte hashes: a repeated hash is a candidate duplicate.

    An array of hashes keeps memory to 8 bytes a row (not a set of every id);
    :meth:`repeated` sorts it once at the end, and :func:`_confirm_duplicates`
    reads the file again for the few candidates alone, comparing the ids
    themselves, and names both lines of a real duplicate.
    """

    def __init__(self) -> None:
        from array import array

        self.hashes = array("q")

    def repeated(self) -> set[int]:
        from itertools import pairwise

        return {a for a, b in pairwise(sorted(self.hashes)) if a == b}


def _confirm_duplicates(source: Source, candidates: set[int]) -> None:
    """The first id that really is on two lines, as an error naming both."""
    first: dict[str, int] = {}
    for line, row in source.reader(CHECK_REQUIRED, CHECK_OPTIONAL):
        ident = row["id"]
        if hash(ident) in candidates:
            if ident in first:
                raise InputError(
                    f"{cell_where(source.name, line, 'id')}: {quoted(ident)} is already on line "
                    f"{first[ident]}; every row needs its own id."
                )
            first[ident] = line


def validate_check(
    source: Source, today: date, progress: Callable[[int], None] | None = None
) -> CheckSummary:
    """First pass: every row checked, the statuses counted, nothing kept."""
    rules = load_rules()
    counts = {LEARNER_WORK: Counter[str](), QA_DOCUMENTS: Counter[str]()}
    rows = 0
    seen = _SeenIds()
    remember = seen.hashes.append
    for ident, lw, _, _, qa, _, _ in _check_rows(source, today, rules):
        remember(hash(ident))
        counts[LEARNER_WORK][lw] += 1
        counts[QA_DOCUMENTS][qa] += 1
        rows += 1
        if progress is not None and rows % 5000 == 0:
            progress(5000)
    if rows == 0:
        raise InputError(f"{source.name}: no rows after the header.")
    candidates = seen.repeated()
    if candidates:
        _confirm_duplicates(source, candidates)
    return CheckSummary(rows, counts)


def check_results(source: Source, today: date) -> Iterator[CheckResult]:
    """Second pass: one result per row (the file was validated by :func:`validate_check`)."""
    return _check_rows(source, today, load_rules())
