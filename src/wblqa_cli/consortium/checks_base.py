"""What every consortium check shares: its context, outcome, registry and wording."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from wblqa_cli.consortium.model import Arrangement, Organisation
from wblqa_cli.consortium.rules import Rules


@dataclass(frozen=True)
class Context:
    as_of: date
    rules: Rules

    def happened(self, day: date | None) -> bool:
        return day is not None and day <= self.as_of


Outcome = tuple[str, str]  # (status, what we found)
CheckFn = Callable[[Arrangement, Context], Outcome]


class Registry(dict[str, CheckFn]):
    """The check functions of one module by check id; ``@registry.add(id)`` registers one."""

    def add(self, check_id: str) -> Callable[[CheckFn], CheckFn]:
        def register(fn: CheckFn) -> CheckFn:
            self[check_id] = fn
            return fn

        return register


def names(items: Iterable[Organisation]) -> str:
    return ", ".join(o.name for o in items)


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def no_lead() -> Outcome:
    return ("n/a", "Needs exactly one Lead Centre first (see lead-centre.exactly-one).")
