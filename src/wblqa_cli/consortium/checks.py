"""The consortium checks: run the catalogue of ``data/consortium.toml`` on an arrangement.

Pure: plain functions over frozen dataclasses. ``as_of`` is always an argument.
Each check is a small function registered under its stable id in
:mod:`.checks_application` or :mod:`.checks_members`; ``data/consortium.toml``
holds its title, the models it applies to, its source, its strength and the
action to take. A function says only whether its rule is met, broken or still
open; the strength in the data makes a broken rule fail (must) or warn (should).
A waiver, wblqa's own mechanism, excuses a broken rule until it expires.
"""

from __future__ import annotations

from datetime import date

from wblqa_cli.consortium import checks_application, checks_members
from wblqa_cli.consortium.checks_base import BROKEN, MET, NA, OPEN, CheckFn, Context
from wblqa_cli.consortium.model import Arrangement
from wblqa_cli.consortium.report import Report, Result
from wblqa_cli.consortium.rules import CheckRule, Rules, rules
from wblqa_cli.errors import DataError

#: Every check function by its id, from the themed modules that register them.
CHECKS: dict[str, CheckFn] = {**checks_application.CHECKS, **checks_members.CHECKS}


def _catalogue() -> Rules:
    """The rules, once their ``[[checks]]`` are known to match the rule functions."""
    r = rules()
    missing = sorted(set(CHECKS) - set(r.check_ids))
    extra = sorted(set(r.check_ids) - set(CHECKS))
    if missing or extra:
        raise DataError(
            "data/consortium.toml: [[checks]] and the rule functions disagree: "
            f"no entry for {missing or 'none'}, no function for {extra or 'none'}."
        )
    return r


def _status(finding: str, rule: CheckRule) -> str:
    """The reported status: the finding, with a broken rule's strength deciding fail or warn."""
    if finding == BROKEN:
        return rule.broken_status()
    try:
        return {MET: "pass", OPEN: "warn", NA: "n/a"}[finding]
    except KeyError:
        raise DataError(f"Check {rule.id}: unknown finding {finding!r}.") from None


def check(arrangement: Arrangement, as_of: date) -> Report:
    """Run every check of the catalogue on ``arrangement`` as of ``as_of``."""
    r = _catalogue()
    ctx = Context(as_of, r)
    waivers = {w.check: w for w in arrangement.waivers if w.in_force(as_of)}
    results = []
    for rule in r.checks:
        if arrangement.model not in rule.models:
            models = " and ".join(rule.models)
            finding, found = NA, f"Applies to {models} arrangements only."
        else:
            finding, found = CHECKS[rule.id](arrangement, ctx)
        status = _status(finding, rule)
        message = found if status in ("pass", "n/a") else f"{found} {rule.action}"
        waiver = waivers.get(rule.id) if finding == BROKEN else None
        if waiver is not None:
            status = "waived"
            message = (
                f"Waived until {waiver.expires} (approved by {waiver.approved_by}: "
                f"{waiver.reason}). Without the waiver: {message}"
            )
        results.append(Result(rule.id, rule.title, status, message, rule.cited, waiver))
    return Report(
        arrangement=arrangement.name,
        model=arrangement.model,
        as_of=as_of,
        apply_by=arrangement.apply_by(),
        delivery_start=arrangement.delivery_start,
        results=tuple(results),
    )
