"""Which programmes a year's declaration covers, and why the others are left out (pure).

An open declaration covers the programmes delivered in its year: not before
their first year, not from the year they are retired. A submitted one covers
what it covered when it was submitted, whatever was added or retired since,
so it stays complete.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from wblqa_cli.registry.model import Programme
from wblqa_cli.words import plural


@dataclass(frozen=True)
class Coverage:
    year: str
    covered: tuple[Programme, ...]
    left_out: tuple[tuple[Programme, str], ...]  # each with why
    fixed: bool  # submitted: the programmes were fixed when it was submitted

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.covered]

    @property
    def reason(self) -> str:
        n = plural(len(self.covered), "programme")
        if self.fixed:
            return f"{n}, as when it was submitted"
        return f"{n} delivered in {self.year}"

    def as_json(self) -> dict[str, object]:
        return {
            "programmes": self.codes,
            "fixed_at_submission": self.fixed,
            "left_out": [{"programme": p.code, "why": why} for p, why in self.left_out],
        }


def cover(programmes: Sequence[Programme], year: str, fixed: Sequence[str] | None) -> Coverage:
    """The coverage of ``year``'s declaration; ``fixed``: the codes kept at submission."""
    covered: list[Programme] = []
    left: list[tuple[Programme, str]] = []
    kept = None if fixed is None else set(fixed)
    for p in programmes:
        if kept is not None:
            if p.code in kept:
                covered.append(p)
            else:
                left.append((p, "not part of it when it was submitted"))
        elif p.active_in(year):
            covered.append(p)
        elif p.retired_from is not None and p.retired_from <= year:
            left.append((p, f"retired from {p.retired_from}"))
        else:
            left.append((p, f"delivered from {p.first_year}"))
    return Coverage(year, tuple(covered), tuple(left), kept is not None)
