"""Rules as data: find the ``data/`` directory and read its TOML files strictly.

Every rule the tool applies lives in a TOML file under ``data/`` with a
``source`` naming the guidance it comes from (a document short name from the
reference README, a colon, and the section heading). This module finds the
files (inside the installed wheel, or the source tree in an editable
install), parses them, and offers :class:`Table`, a small reader that
validates a table's keys and types and names the file and key in every
error. Domain modules build their typed rules on top of it.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from wblqa_cli.datafiles import data_dir
from wblqa_cli.errors import DataError, InputError, WblqaError
from wblqa_cli.safetext import quoted

#: Document short names a ``source`` may cite (see shared/reference/README.md);
#: ``ofqual-ssa`` is Ofqual's Sector Subject Area classification (data/README.md).
SOURCE_PREFIXES = (
    "wbl-qa-model-2024-25:",
    "btec-collab-guide-1.1:",
    "pearson-support:",
    "ofqual-ssa:",
)
#: The ``source`` of a number or default that no guidance gives: the tool's own (with a reason).
WBLQA_DEFAULT = "wblqa default"
#: A rule's strength: ``must`` fails when broken, ``should`` warns.
STRENGTHS = ("must", "should")
#: A secondary source: it may only ask (``should``); the two guides stand over it.
SECONDARY_PREFIX = "pearson-support:"

T = TypeVar("T")


@dataclass(frozen=True)
class Cited:
    """Where a rule comes from and how strong it is, as read by :meth:`Table.cited`.

    ``source`` is a citation or :data:`WBLQA_DEFAULT` (then ``reason`` says why);
    ``strength`` is ``must`` or ``should``; ``strength_basis`` says which words of
    the source decide it.
    """

    source: str
    strength: str
    strength_basis: str
    reason: str | None = None

    @property
    def own_default(self) -> bool:
        return self.source == WBLQA_DEFAULT

    def shown(self) -> str:
        """The source as a person reads it: the citation, or the tool's own default and why."""
        if self.own_default:
            return f"wblqa's own default ({self.reason})"
        return self.source


__all__ = ["Cited", "data_dir", "load", "table"]


@functools.cache
def load(name: str) -> dict[str, Any]:
    """Parse ``data/<name>`` (cached). A malformed file is a :class:`DataError`."""
    path = data_dir() / name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"Rules file data/{name} is missing from this installation.") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"Rules file data/{name} is not valid TOML: {exc}.") from None
    fmt = doc.get("format")
    if not isinstance(fmt, int) or isinstance(fmt, bool):
        raise DataError(f"Rules file data/{name}: key 'format' must be an integer.")
    return doc


def table(name: str) -> Table:
    """The whole of ``data/<name>`` as a :class:`Table` whose errors are :class:`DataError`."""
    return Table(load(name), f"data/{name}", error=DataError)


class Table:
    """A TOML table read strictly: each getter checks type; :meth:`done` rejects unknown keys.

    ``where`` names the file and position (``arrangement.toml, [[organisations]] 2``)
    and appears in every error, with the key.
    """

    def __init__(
        self,
        values: dict[str, Any],
        where: str,
        *,
        error: type[WblqaError] = InputError,
    ) -> None:
        self.values = values
        self.where = where
        self.error = error
        self._seen: set[str] = set()

    def fail(self, key: str | None, problem: str) -> WblqaError:
        at = f"{self.where}, key {quoted(key)}" if key else self.where
        return self.error(f"{at}: {problem}.")

    def has(self, key: str) -> bool:
        return key in self.values

    def _get(self, key: str, kinds: tuple[type, ...], kind_name: str, required: bool) -> Any:
        self._seen.add(key)
        if key not in self.values:
            if required:
                raise self.fail(key, "is missing")
            return None
        value = self.values[key]
        if isinstance(value, bool) and bool not in kinds:
            raise self.fail(key, f"must be {kind_name}, not {quoted(value)}")
        if not isinstance(value, kinds):
            raise self.fail(key, f"must be {kind_name}, not {quoted(value)}")
        return value

    def text(self, key: str, *, required: bool = True, choices: tuple[str, ...] = ()) -> Any:
        value = self._get(key, (str,), "text", required)
        if value is not None and not value.strip():
            raise self.fail(key, "must not be empty")
        if value is not None and "\x00" in value:  # no store can keep one
            raise self.fail(key, "contains a NUL character (\\u0000)")
        if value is not None and choices and value not in choices:
            raise self.fail(key, f"is {quoted(value)}; expected one of {', '.join(choices)}")
        return value

    def flag(self, key: str, *, required: bool = True) -> Any:
        return self._get(key, (bool,), "true or false", required)

    def integer(self, key: str, *, required: bool = True, minimum: int | None = None) -> Any:
        value = self._get(key, (int,), "a whole number", required)
        if value is not None and minimum is not None and value < minimum:
            raise self.fail(key, f"must be at least {minimum}, not {value}")
        return value

    def day(self, key: str, *, required: bool = True) -> Any:
        """A TOML date (``2025-09-08``); a quoted string is parsed with the UK rules."""
        self._seen.add(key)
        if key not in self.values:
            if required:
                raise self.fail(key, "is missing")
            return None
        value = self.values[key]
        from wblqa_cli.dates import date_range, parse_date

        if isinstance(value, date):  # a TOML date, or a date-time: read as its date
            day = value.date() if isinstance(value, datetime) else value
            first, last = date_range()
            if first <= day <= last:
                return day
            raise self.fail(
                key,
                f"{day.isoformat()} is outside the dates wblqa works with "
                f"({first.isoformat()} to {last.isoformat()})",
            )
        if isinstance(value, str):
            try:
                return parse_date(value)
            except InputError:
                pass
        raise self.fail(key, f"must be a date such as 2025-09-08, not {quoted(value)}")

    def text_list(self, key: str, *, required: bool = True) -> Any:
        value = self._get(key, (list,), "a list of text", required)
        if value is None:
            return None
        for item in value:
            if not isinstance(item, str) or not item.strip():
                raise self.fail(key, f"must be a list of text; {quoted(item)} is not")
        return list(value)

    def table(self, key: str, *, required: bool = True) -> Table | None:
        value = self._get(key, (dict,), "a table", required)
        if value is None:
            return None
        return Table(value, f"{self.where}, [{key}]", error=self.error)

    def tables(self, key: str, *, required: bool = False) -> Iterator[Table]:
        """Each entry of an array of tables ``[[key]]``, numbered from 1 in errors."""
        value = self._get(key, (list,), "an array of tables", required)
        for number, item in enumerate(value or [], start=1):
            if not isinstance(item, dict):
                raise self.fail(key, f"entry {number} must be a table")
            yield Table(item, f"{self.where}, [[{key}]] {number}", error=self.error)

    def source(self, key: str = "source") -> Any:
        """A citation: a known document short name, a colon, a section heading."""
        value = self.text(key)
        if not value.startswith(SOURCE_PREFIXES) or not value.split(":", 1)[1].strip():
            raise self.fail(
                key,
                f"{quoted(value)} must cite a document ({', '.join(SOURCE_PREFIXES)}) and a "
                "section",
            )
        return value

    def citation(self, key: str = "source") -> tuple[str, str | None]:
        """A citation, or ``wblqa default`` with its one-line ``reason``: (source, reason)."""
        value = self.text(key)
        if value == WBLQA_DEFAULT:
            return value, self.text("reason")
        return self.source(key), None

    def cited(self) -> Cited:
        """``source`` (or the tool's own default), ``strength`` and ``strength_basis``.

        A secondary source (``pearson-support:…``) may only be ``should``.
        """
        source, reason = self.citation()
        strength = self.text("strength", choices=STRENGTHS)
        if strength == "must" and source.startswith(SECONDARY_PREFIX):
            raise self.fail(
                "strength",
                f"is 'must', but {quoted(source)} is a secondary source: it may only be 'should'",
            )
        return Cited(source, strength, self.text("strength_basis"), reason)

    def setting(self, key: str, *, minimum: int | None = None) -> Any:
        """A number of the tool's own, as a table ``[key]`` of ``value``, ``source``, ``reason``.

        The source is usually ``wblqa default`` (no guidance gives the number) and then
        its one-line ``reason`` is required; a number a document does give cites it.
        """
        sub = self.table(key)
        assert sub is not None
        value = sub.integer("value", minimum=minimum)
        sub.citation()
        sub.done()
        return value

    def done(self) -> None:
        """Reject keys no getter asked for (a typo in a file is an error, not a default)."""
        unknown = sorted(set(self.values) - self._seen)
        if unknown:
            raise self.fail(unknown[0], "is not a known key")


def period_from(t: Table, key: str = "period") -> dict[str, int]:
    """A period table such as ``{ weeks = 12 }`` or ``{ years = 3 }``."""
    p = t.table(key)
    assert p is not None
    out: dict[str, int] = {}
    for unit in ("years", "months", "weeks", "days"):
        n = p.integer(unit, required=False, minimum=0)
        if n is not None:
            out[unit] = n
    p.done()
    if not out:
        raise t.fail(key, "must give years, months, weeks or days")
    return out


def month_day(t: Table, key: str) -> tuple[int, int]:
    """A day of every year, ``{ month = 10, day = 14 }`` (29 February is refused)."""
    md = t.table(key)
    assert md is not None
    month, day = md.integer("month"), md.integer("day")
    md.done()
    try:
        date(2001, month, day)  # not a leap year: 29 February is not a day of every year
    except ValueError:
        raise t.fail(key, f"month {month} day {day} is not a day of every year") from None
    return month, day
