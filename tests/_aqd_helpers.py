"""Shared helpers for the AQD tests: a complete, compliant set of answers built from the bank."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from wblqa_cli.aqd.bank import Bank, Question, load_bank
from wblqa_cli.aqd.walk import applies

CODES = ("603/1234/5", "601/0001/1")
TITLES = {
    "603/1234/5": "Pearson BTEC Level 3 Diploma in Business Administration",
    "601/0001/1": "Pearson BTEC Level 2 Certificate in Warehousing and Storage",
}


def answer_for(q: Question) -> Any:
    """A valid answer a compliant centre would give."""
    if q.type == "yes-no":
        return q.expect if q.expect is not None else False
    if q.type == "choice":
        return q.choices[0]
    if q.type == "date":
        return "2025-10-01"
    if q.type == "dates":
        return ["2025-10-01"]
    return "Nothing to add."


def scope_answers(bank: Bank, scope: str, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every question of a scope that applies, answered, in bank order."""
    out: dict[str, Any] = {}
    for q in bank.of_scope(scope):
        if q.id in skip:
            continue
        if applies(q, out) and (q.when is None or q.when.question in out):
            out[q.id] = answer_for(q)
    return out


def complete_document(codes: tuple[str, ...] = CODES, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    bank = load_bank()
    return {
        "centre": scope_answers(bank, "centre", skip),
        "programmes": {code: scope_answers(bank, "programme", skip) for code in codes},
    }


def write_json(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def register(invoke: Any, codes: tuple[str, ...] = CODES) -> None:
    """Centre 12345 with the given programmes."""
    result = invoke("centre", "add", "12345", "--name", "North Vale College")
    assert result.exit_code == 0, result.output
    for code in codes:
        result = invoke("programme", "add", code, "--title", TITLES.get(code, f"Programme {code}"))
        assert result.exit_code == 0, result.output
