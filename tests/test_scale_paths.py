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
