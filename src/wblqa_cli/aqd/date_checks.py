"""Checks across two date answers (``data/aqd_checks.toml``): what should come first.

Standardisation should be finished before the first assessment: when both
dates are answered and disagree, ``aqd status`` flags it. Pure: the checks
and the answers are handed in.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from wblqa_cli.aqd.answers import Answer, Key
from wblqa_cli.aqd.bank import Bank
from wblqa_cli.rules import Table, table

CHECKS_FILE = "aqd_checks.toml"
STRENGTHS = ("warn", "fail")


@dataclass(frozen=True)
class DateOrder:
    """``earlier`` should (or must) not fall after ``later``."""

    id: str
    earlier: str
    later: str
    strength: str
    message: str
    source: str


@dataclass(frozen=True)
class DateFinding:
    """Two answered dates of one scope in the wrong order."""

    check: DateOrder
    programme: str | None
    earlier: date
    later: date

    @property
    def text(self) -> str:
        from wblqa_cli.dates import long_date

        return self.check.message.format(
            earlier=long_date(self.earlier), later=long_date(self.later)
        )

    def as_json(self) -> dict[str, object]:
        return {
            "check": self.check.id,
            "programme": self.programme,
            "strength": self.check.strength,
            "earlier": {"question_id": self.check.earlier, "answer": self.earlier},
            "later": {"question_id": self.check.later, "answer": self.later},
            "message": self.text,
            "source": self.check.source,
        }


def parse_checks(t: Table, bank: Bank) -> tuple[DateOrder, ...]:
    """The checks of a table; a question that is not a date of one scope is a DataError."""
    t.integer("format")
    out: list[DateOrder] = []
    for c in t.tables("date_order"):
        ids = {key: c.text(key) for key in ("earlier", "later")}
        scopes = set()
        for key, qid in ids.items():
            q = bank.get(qid)
            if q is None or q.type != "date":
                raise c.fail(key, f"{qid!r} is not a date question of the bank")
            scopes.add(q.scope)
        if len(scopes) != 1:
            raise c.fail("later", "must be asked in the same scope as earlier")
        message = c.text("message")
        try:
            message.format(earlier="", later="")
        except (KeyError, IndexError, ValueError):
            raise c.fail("message", "may use only {earlier} and {later}") from None
        out.append(
            DateOrder(
                c.text("id"),
                ids["earlier"],
                ids["later"],
                c.text("strength", choices=STRENGTHS),
                message,
                c.source(),
            )
        )
        c.done()
    t.done()
    return tuple(out)


@functools.cache
def load_checks() -> tuple[DateOrder, ...]:
    from wblqa_cli.aqd.bank import load_bank

    return parse_checks(table(CHECKS_FILE), load_bank())


def date_findings(
    checks: Sequence[DateOrder], programmes: Sequence[str], answers: Mapping[Key, Answer]
) -> list[DateFinding]:
    """Every check whose two dates are answered, in a scope, and out of order."""
    found: list[DateFinding] = []
    for scope in (None, *programmes):
        for check in checks:
            first = answers.get((scope, check.earlier))
            second = answers.get((scope, check.later))
            if first is None or second is None:
                continue
            a, b = first.value, second.value
            if isinstance(a, date) and isinstance(b, date) and a > b:
                found.append(DateFinding(check, scope, a, b))
    return found
