"""Centres and programmes as plain objects, and the rules for registering them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from wblqa_cli.errors import InputError
from wblqa_cli.safetext import quoted

_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9/._\- ]{0,39}")


@dataclass(frozen=True)
class Centre:
    number: str
    name: str


@dataclass(frozen=True)
class SectorMatch:
    """A programme title's sector-group match, as found and stored when the title was saved.

    ``version`` is the fingerprint of the sector data it was found with; a match
    with another fingerprint than today's data is found again.
    """

    group: str | None
    how: str  # "exact" (its title is listed), "close" (a close spelling of one) or "none"
    title: str | None  # the listed title it matched
    version: str

    def as_json(self) -> dict[str, object]:
        return {"group": self.group, "how": self.how, "listed_title": self.title}


@dataclass(frozen=True)
class Programme:
    code: str
    title: str
    centre_number: str | None = None
    sector: str | None = None
    dcs_expiry: date | None = None
    expected_certification: tuple[date, ...] = field(default_factory=tuple)
    first_year: str | None = None  # the first academic year it is delivered in
    retired_from: str | None = None  # delivered no more from this academic year
    #: The title's sector-group match (stored); ``sector`` is only what a user tagged.
    sector_match: SectorMatch | None = None

    @property
    def sector_shown(self) -> str | None:
        """The sector a user sees: the tag given, else the group the title was found in."""
        if self.sector:
            return self.sector
        return self.sector_match.group if self.sector_match is not None else None

    def as_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "title": self.title,
            "centre": self.centre_number,
            "sector": self.sector_shown,
            "sector_match": None if self.sector_match is None else self.sector_match.as_json(),
            "dcs_expiry": self.dcs_expiry,
            "expected_certification": list(self.expected_certification),
            "first_year": self.first_year,
            "retired_from": self.retired_from,
        }

    def active_in(self, year: str) -> bool:
        from wblqa_cli.registry.facts import active_in

        return active_in(self.first_year, self.retired_from, year)


def check_centre_number(value: str, context: str = "centre number") -> str:
    """A centre number as Pearson issues it: digits only (e.g. 12345), no spaces.

    Up to 12 digits is wblqa's own bound (no source gives a length), wide
    enough for any number Pearson issues and short enough to catch a paste error.
    """
    number = value.strip()
    if not re.fullmatch(r"[0-9]{1,12}", number):
        raise InputError(
            f"{quoted(value)} ({context}) is not a centre number: Pearson centre numbers are "
            "digits only, e.g. 12345."
        )
    return number


def check_programme_code(value: str, context: str = "programme code") -> str:
    """A programme or qualification code: 1-40 letters, digits, '/', '.', '-', '_'."""
    code = value.strip()
    if not _CODE.fullmatch(code):
        raise InputError(
            f"{quoted(value)} ({context}) is not a programme code: use letters, digits and "
            "/ . - _ (e.g. 603/1234/5 or BA1234), up to 40 characters."
        )
    return code


def check_text(value: str, context: str) -> str:
    text = " ".join(value.split())
    if not text:
        raise InputError(f"{context} must not be empty.")
    return text
