"""Paths rewritten for a large store give the answers the simple versions gave."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from typing import Any

from wblqa_cli.aqd.answers import Answer
from wblqa_cli.aqd.bank import load_bank
from wblqa_cli.aqd.progress import scope_status, statuses


def test_progress_per_scope_is_what_each_scope_alone_gives() -> None:
    bank = load_bank()
    at = datetime(2025, 10, 1, tzinfo=UTC)
    answers: dict[Any, Answer] = {}
    for programme in (None, "P1", "P2"):
        scope = "centre" if programme is None else "programme"
        for i, q in enumerate(bank.of_scope(scope)):
            if q.type == "yes-no" and i % 3:
                answers[(programme, q.id)] = Answer(i % 2 == 0, None, at, "x")
    got = statuses(bank, ["P1", "P2", "P3"], answers)
    assert got == [scope_status(bank, p, answers) for p in (None, "P1", "P2", "P3")]
    assert got[3].answered == 0 and got[1].answered > 0


def test_retention_summary_of_an_empty_store_is_all_zero(invoke: Any) -> None:
    from wblqa_cli.store import open_store
    from wblqa_cli.store.retention import summary

    store = open_store(os.environ["WBLQA_DB"])
    found = summary(store, date(2025, 10, 1))
    store.close()
    assert (found.disposable, found.on_hold, found.unknown, found.retained) == (0, 0, 0, 0)
    assert (found.next_dispose_from, found.next_count) == (None, 0)


def test_export_keeps_walk_order_and_drops_answers_whose_condition_no_longer_holds() -> None:
    from types import SimpleNamespace

    from wblqa_cli.aqd.export import export_values

    bank = load_bank()
    at = datetime(2025, 10, 1, 9, 30, tzinfo=UTC)

    def row(code: str | None, qid: str, value: str) -> Any:
        return SimpleNamespace(programme_code=code, programme_title=code and f"T {code}",
                               question_id=qid, value=value, comment=None, answered_at=at,
                               answered_by="x")  # fmt: skip

    done, when = "programme.standardisation.completed", "programme.standardisation.date"
    rows = [row(None, "centre.wbl-group.selected", "true")]
    for code, completed in (("P1", "true"), ("P2", "true"), ("P3", "false"), ("P4", "true")):
        # stored out of walk order, the dependent answer first, plus a retired question
        rows += [row(code, when, '"2025-09-01"'), row(code, done, completed),
                 row(code, "programme.retired-long-ago", '"kept"')]  # fmt: skip
    got = [(v[2], v[5]) for v in export_values(bank, "2025-26", "12345", rows)]
    expect = [(None, "centre.wbl-group.selected")]
    for code in ("P1", "P2", "P3", "P4"):
        expect += [(code, done)] + ([] if code == "P3" else [(code, when)])
        expect += [(code, "programme.retired-long-ago")]
    assert got == expect
