"""Retention CSV files: ``retention check`` (two passes) and ``retention import`` (one).

A batch is validated whole before anything is printed or written, without
holding the file in memory. ``retention check`` prints, so its first pass
checks every row (and counts what the second will produce) and its second
computes and prints. ``retention import`` writes, so one pass is enough: each
row is checked and inserted in batches inside one transaction, which the first
bad row rolls back (see :func:`checked_import`). Standard input is spooled to a
temporary file so that it can be read twice too.

Lines are decoded one at a time, so a byte that is not UTF-8 is reported on
its own line; every other error names the file, the line, the column and the
value.
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from hashlib import _Hash as Hash

from wblqa_cli.csvio import CsvReader
from wblqa_cli.errors import InputError, where
from wblqa_cli.retention import (
    KINDS,
    LEARNER_WORK,
    QA_DOCUMENTS,
    STATUSES,
    DateCells,
    Deadline,
    Rules,
    Triggers,
    Undetermined,
    deadline,
    load_rules,
    status_name,
    top_up_cell,
)

CHECK_REQUIRED = ("id", "certified", "received")
CHECK_OPTIONAL = ("hold", "top_up_received")
CHECK_OUT = (
    "id",
    "learner_work_status",
    "learner_work_dispose_from",
    "qa_documents_status",
    "qa_documents_dispose_from",
)

IMPORT_REQUIRED = ("id", "programme", "kind", "certified", "received")
IMPORT_OPTIONAL = ("cohort", "learner", "top_up_received", "hold")

_SPOOL_BYTES = 16 * 1024 * 1024


class Source:
    """A CSV file or standard input that can be read more than once."""

    def __init__(self, raw: IO[bytes], name: str) -> None:
        self.raw = raw
        self.name = name

    def lines(self, digest: Hash | None = None) -> Iterator[str]:
        """Decoded lines from the start; a non-UTF-8 line is an error naming its number.

        ``digest``, if given, is fed every byte read, so that a file read to its
        end has been hashed whole on the way.
        """
        self.raw.seek(0)
        for number, data in enumerate(self.raw, start=1):
            if digest is not None:
                digest.update(data)
            if number == 1 and data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]
            try:
                yield data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{self.name}, line {number}: not UTF-8 text "
                    f"(byte 0x{data[exc.start]:02x} at character {exc.start + 1}).",
                    hint="Save the file as 'CSV UTF-8' from your spreadsheet.",
                ) from None

    def reader(
        self, required: tuple[str, ...], optional: tuple[str, ...], digest: Hash | None = None
    ) -> CsvReader:
        return CsvReader(self.lines(digest), self.name, required, optional)  # type: ignore[arg-type]


@contextmanager
def open_source(name: str) -> Iterator[Source]:
    """``name`` as a :class:`Source`; ``-`` spools standard input to a temporary file."""
    if name == "-":
        stdin = getattr(sys.stdin, "buffer", None)
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as spool:
            if stdin is not None:
                while chunk := stdin.read(1 << 20):
                    spool.write(chunk)
            else:  # a text stream without a buffer (some test harnesses)
                spool.write(sys.stdin.read().encode("utf-8"))
            yield Source(spool, "<stdin>")  # type: ignore[arg-type]
        return
    path = Path(name)
    if path.is_dir():
        raise InputError(f"{name}: is a directory, not a CSV file.")
    if not path.is_file():
        raise InputError(f"{name}: no such file.")
    with path.open("rb") as raw:
        yield Source(raw, name)


def _at(name: str, line: int, column: str) -> str:
    return where(name, f"line {line}", f"column {column!r}")


def _lazy(name: str, line: int, column: str) -> Callable[[], str]:
    """Where a cell is, worked out only if an error needs it."""
    return lambda: _at(name, line, column)


def _require_id(value: str, name: str, line: int) -> str:
    if not value:
        raise InputError(f"{_at(name, line, 'id')}: empty; every row needs an id.")
    return value


def _compute(
    kind: str, triggers: Triggers, rules: Rules, name: str, line: int, column: str
) -> Deadline | Undetermined:
    try:
        return deadline(kind, triggers, rules)
    except InputError as exc:
        raise InputError(f"{_at(name, line, column)}: {exc.message}") from None


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
            top_up_cell(cells, row["top_up_received"], _lazy(name, line, "top_up_received"))
            if has_top_up
            else (None, False)
        )
        c, r = row["certified"], row["received"]  # a date seen before needs no context
        certified = known(c) or cells.parse(c, _lazy(name, line, "certified"))
        received = known(r) or cells.parse(r, _lazy(name, line, "received"))
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


# --- import -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewRecord:
    """One validated row of an import file."""

    line: int
    ref: str
    programme: str
    kind: str
    cohort: str | None
    learner: str | None
    certified: date | None
    received: date | None
    top_up_received: date | None
    top_up_pending: bool
    retain_until: date | None
    dispose_from: date | None
    hold: str | None


def check_kind(value: str, context: str) -> str:
    kind = value.strip().casefold().replace("-", "_").replace(" ", "_")
    if kind not in KINDS:
        raise InputError(f"{context}: {value!r} is not a kind of record; use {' or '.join(KINDS)}.")
    return kind


def _usable_ref(ref: str) -> bool:
    return bool(ref) and len(ref) <= 100 and ref.isprintable() and ref == ref.strip()


def check_ref(value: str, context: str) -> str:
    ref = value.strip()
    if not ref:
        raise InputError(f"{context}: empty; every record needs an id.")
    if not _usable_ref(ref):
        raise InputError(
            f"{context}: {value!r} is not a usable id (printable text, at most 100 characters)."
        )
    return ref


#: Deadlines already worked out, by kind and the triggers its rule reads.
DeadlineMemo = dict[tuple[object, ...], "Deadline | Undetermined"]


def _memo_key(kind: str, triggers: Triggers, rules: Rules) -> tuple[object, ...]:
    """Only the dates the kind's rule reads: an archive repeats them over and over."""
    key: tuple[object, ...] = (kind, triggers.get(rules[kind].trigger))
    if rules.top_up.applies_to == kind:
        key += (triggers.top_up_received, triggers.top_up_pending)
    return key


def build_record(
    *,
    line: int,
    ref: str,
    programme: str,
    kind: str,
    cohort: str | None,
    learner: str | None,
    triggers: Triggers,
    hold: str | None,
    at: Callable[[str], str],
    rules: Rules | None = None,
    memo: DeadlineMemo | None = None,
) -> NewRecord:
    """A checked record; ``at(column)`` says where each value came from (asked on error)."""
    kind = kind if kind in KINDS else check_kind(kind, at("kind"))
    cohort = " ".join((cohort or "").split()) or None
    learner = " ".join((learner or "").split()) or None
    if cohort is None and learner is None:
        raise InputError(f"{at('cohort')}: give a cohort or a learner (or both) for each record.")
    if kind == QA_DOCUMENTS and (triggers.top_up_received or triggers.top_up_pending):
        raise InputError(
            f"{at('top_up_received')}: a top-up date applies to learner work only, "
            "not to QA documents."
        )
    column = (
        "certified"
        if kind == QA_DOCUMENTS
        else ("top_up_received" if triggers.top_up_received else "received")
    )
    rules = rules or load_rules()
    key = _memo_key(kind, triggers, rules)
    found = memo.get(key) if memo is not None else None
    if found is None:
        try:
            found = deadline(kind, triggers, rules)
        except InputError as exc:
            raise InputError(f"{at(column)}: {exc.message}") from None
        if memo is not None:
            if len(memo) > 100_000:
                memo.clear()
            memo[key] = found
    retain_until, dispose_from = (
        (found.retain_until, found.dispose_from) if isinstance(found, Deadline) else (None, None)
    )
    return NewRecord(
        line=line,
        ref=ref if _usable_ref(ref) else check_ref(ref, at("id")),
        programme=programme,
        kind=kind,
        cohort=cohort,
        learner=learner,
        certified=triggers.certified,
        received=triggers.received,
        top_up_received=triggers.top_up_received,
        top_up_pending=triggers.top_up_pending,
        retain_until=retain_until,
        dispose_from=dispose_from,
        hold=" ".join((hold or "").split()) or None,
    )


def import_records(
    source: Source,
    known_programmes: set[str],
    rules: Rules | None = None,
    digest: Hash | None = None,
) -> Iterator[NewRecord]:
    """Every row of an import file as a checked :class:`NewRecord`, in file order."""
    rules = rules or load_rules()
    cells = DateCells()
    memo: DeadlineMemo = {}
    name = source.name
    reader = source.reader(IMPORT_REQUIRED, IMPORT_OPTIONAL, digest)
    has_top_up = "top_up_received" in reader.header
    known = cells.known  # a date seen before needs no context
    for line, row in reader:

        def at(column: str, line: int = line) -> str:
            return _at(name, line, column)

        programme = row["programme"]
        if programme not in known_programmes:
            raise InputError(
                f"{at('programme')}: programme {programme!r} is not registered."
                if programme
                else f"{at('programme')}: empty; every record belongs to a programme.",
                hint="Register it first with `wblqa programme add CODE --title TITLE`.",
            )
        top_up, pending = (
            top_up_cell(cells, row["top_up_received"], _lazy(name, line, "top_up_received"))
            if has_top_up
            else (None, False)
        )
        yield build_record(
            line=line,
            ref=row["id"],
            programme=programme,
            kind=row["kind"],
            cohort=row.get("cohort"),
            learner=row.get("learner"),
            triggers=Triggers(
                certified=known(row["certified"])
                or cells.parse(row["certified"], _lazy(name, line, "certified")),
                received=known(row["received"])
                or cells.parse(row["received"], _lazy(name, line, "received")),
                top_up_received=top_up,
                top_up_pending=pending,
            ),
            hold=row.get("hold"),
            at=at,
            rules=rules,
            memo=memo,
        )


def checked_import(
    source: Source,
    known_programmes: set[str],
    digest: Hash | None = None,
) -> Iterator[NewRecord]:
    """Every row of an import file checked, ids unique within the file, in one pass.

    Raises :class:`InputError` on the first bad row (after yielding the rows
    before it: the caller writes them in a transaction it rolls back), and at
    the end if there were no rows. ``digest`` is fed the file's bytes.
    """
    seen: dict[str, int] = {}
    name = source.name
    for record in import_records(source, known_programmes, digest=digest):
        first = seen.get(record.ref)
        if first is not None:
            raise InputError(
                f"{_at(name, record.line, 'id')}: {record.ref!r} is already on line {first}."
            )
        seen[record.ref] = record.line
        yield record
    if not seen:
        raise InputError(f"{name}: no records after the header.")
