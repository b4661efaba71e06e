"""Shared helpers for the consortium tests: the sound fixtures, loaded and mutated."""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from wblqa_cli.consortium.loader import arrangement_from_document
from wblqa_cli.consortium.model import Arrangement

FIXTURES = Path(__file__).parent / "data" / "consortium"
#: A day after delivery, the first assessments and the AQD deadline of 2025-26.
AS_OF = date(2025, 11, 3)
MODELS = ("informal", "formal", "exceptional")

Doc = dict[str, Any]


def fixture_path(model: str) -> Path:
    return FIXTURES / f"{model}.toml"


def document(model: str) -> Doc:
    return tomllib.loads(fixture_path(model).read_text(encoding="utf-8"))


def build(model: str, mutate: Callable[[Doc], object] | None = None) -> Arrangement:
    doc = copy.deepcopy(document(model))
    if mutate is not None:
        mutate(doc)
    return arrangement_from_document(doc, f"{model}.toml")


def org(doc: Doc, n: int) -> Doc:
    return doc["organisations"][n]  # type: ignore[no-any-return]


def qual(doc: Doc, n: int) -> Doc:
    return doc["qualifications"][n]  # type: ignore[no-any-return]


def setter(*path: Any, value: Any) -> Callable[[Doc], None]:
    """A mutation that sets doc[path...] = value (a missing leaf is added)."""

    def mutate(doc: Doc) -> None:
        target: Any = doc
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return mutate


def deleter(*path: Any) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        target: Any = doc
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]

    return mutate
