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


#: What a check function finds. It never decides fail or warn: the check's
#: strength in data/consortium.toml does (see :func:`.checks.check`).
MET = "met"  # the rule is met: pass
BROKEN = "broken"  # the rule is broken: fail for a must, warn for a should
OPEN = "open"  # not yet due, or not recorded: warn whatever the strength
NA = "n/a"  # the rule does not apply to this arrangement

Outcome = tuple[str, str]  # (finding, what we found)
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
    return (NA, "Needs exactly one Lead Centre first (see lead-centre.exactly-one).")
