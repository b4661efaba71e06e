"""The AQD store: schema in step with the models, uniqueness, answers saved with their audit."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from wblqa_cli.aqd import cli_prompting as prompting
from wblqa_cli.aqd.answers import Given
from wblqa_cli.aqd.bank import load_bank
from wblqa_cli.registry.model import Centre
from wblqa_cli.store import Store, audit, open_store
from wblqa_cli.store import models as m
from wblqa_cli.store.aqd import (
    bulk_insert_answers,
    load_answers,
    open_declaration,
    save_answers,
)
from wblqa_cli.store.centres import add_centre

BANK = load_bank()


@pytest.fixture
def store(db_path: Path) -> Any:
    s = open_store(str(db_path))
    add_centre(s, Centre("12345", "North Vale College"))
    yield s
    s.close()


@pytest.mark.parametrize("name", ["aqd_declaration", "aqd_answer"])
def test_models_match_migrated_schema(store: Store, name: str) -> None:
    inspector = sa.inspect(store.engine)
    migrated = {c["name"]: c["nullable"] for c in inspector.get_columns(name)}
    model = m.SQLModel.metadata.tables[name]
    assert migrated == {c.name: c.nullable for c in model.columns}
    indexes = {i["name"] for i in inspector.get_indexes(name)}
    assert {i.name for i in model.indexes} <= indexes


def _row(declaration_id: int, programme: str | None, qid: str) -> dict[str, Any]:
    return {
        "declaration_id": declaration_id,
        "programme_code": programme,
        "question_id": qid,
        "value": "true",
        "comment": None,
        "answered_at": m.utcnow(),
        "answered_by": "t",
        "bank_version": BANK.version,
    }


@pytest.mark.parametrize("programme", [None, "603/1234/5"])
def test_one_answer_per_scope_and_question(store: Store, programme: str | None) -> None:
    d = open_declaration(store, "12345", "2025-26", BANK.version)
    with store.session() as session:
        bulk_insert_answers(session, [_row(d.id, programme, "terms.accept")])
    with pytest.raises(IntegrityError), store.session() as session:
        bulk_insert_answers(session, [_row(d.id, programme, "terms.accept")])


def test_one_declaration_per_centre_and_year(store: Store) -> None:
    a = open_declaration(store, "12345", "2025-26", BANK.version)
    b = open_declaration(store, "12345", "2025-26", BANK.version)
    c = open_declaration(store, "12345", "2026-27", BANK.version)
    assert a.id == b.id != c.id


def test_changed_answer_is_updated_and_audited_with_previous(store: Store) -> None:
    d = open_declaration(store, "12345", "2025-26", BANK.version)
    save_answers(store, d, [Given(None, "terms.accept", False)], BANK.version, how="test")
    changed = save_answers(
        store, d, [Given(None, "terms.accept", True, "agreed")], BANK.version, how="test"
    )
    assert changed == 1
    saved = load_answers(store, d.id, BANK)[(None, "terms.accept")]
    assert (saved.value, saved.comment, saved.answered_by) == (True, "agreed", "tester")
    assert saved.answered_at is not None and saved.answered_at.tzinfo is not None
    entries = [e for e in audit.entries(store) if e.action == "aqd.answer"]
    assert [e.details["previous"] for e in entries] == [None, "false"]
    assert audit.verify(store) == []


def test_interrupt_during_a_save_is_held_until_it_commits() -> None:
    done: list[str] = []
    with pytest.raises(KeyboardInterrupt), prompting.interrupts_deferred():
        os.kill(os.getpid(), signal.SIGINT)
        done.append("saved")
    assert done == ["saved"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
