"""Sector groups taken out of Lead Standards Verification, and title matching.

Pure functions: the only I/O is :func:`load_groups`, which reads one TOML file.
Matching never guesses across qualifications: a fuzzy match is accepted only
when level, size words and connective ("in"/"for") agree exactly and the best
candidate clearly beats the next one.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import os
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_CUTOFF",
    "DEFAULT_MARGIN",
    "SUBJECT_CHARS_PER_EDIT",
    "SUBJECT_MIN_EDITS",
    "SectorGroup",
    "TitleMatch",
    "data_version",
    "find_group",
    "groups_from_data",
    "load_groups",
    "match_title",
    "normalise_title",
]

#: Minimum SequenceMatcher ratio between normalised query and title.
DEFAULT_CUTOFF = 0.88
#: Typos allowed in the subject (the words after "in"/"for"): at least this many
#: edits (insert, delete, substitute, swap adjacent letters) ...
SUBJECT_MIN_EDITS = 2
#: ... or one per this many characters of the listed subject, if more.
SUBJECT_CHARS_PER_EDIT = 6
#: The best compatible candidate must beat the runner-up by at least this much.
DEFAULT_MARGIN = 0.04
#: Most suggestions returned when no title is accepted.
MAX_SUGGESTIONS = 5
#: Floor for suggestions (lower scores are not worth showing).
SUGGESTION_FLOOR = 0.45
#: Bumped whenever the matching itself changes, so that stored matches are found again.
MATCHER_VERSION = 1

_BRAND = frozenset({"pearson", "btec"})
_SIZE_WORDS = (
    "foundation",
    "introductory",
    "subsidiary",
    "extended",
    "national",
    "award",
    "certificate",
    "diploma",
)
_HEAD_VOCAB = ("level", "entry", *_SIZE_WORDS)
_CONNECTIVES = frozenset({"in", "for"})
_PUNCT = re.compile(r"[^\w\s]+")
_SPACE = re.compile(r"\s+")
_CODE = re.compile(r"^\s*(\d{3})\b")
_PARENS = re.compile(r"\([^)]*\)")


@dataclass(frozen=True)
class SectorGroup:
    """One sector group removed from the LSV model."""

    code: str
    name: str
    source_name: str
    source: str
    titles: tuple[str, ...]


@dataclass(frozen=True)
class TitleMatch:
    """Result of :func:`match_title`; ``title`` is None when nothing is accepted."""

    query: str
    title: str | None
    group: SectorGroup | None
    score: float
    exact: bool
    suggestions: tuple[str, ...]


def normalise_title(text: str, *, drop_brand: bool = True) -> str:
    """Casefold, ``&`` to "and", drop punctuation, collapse spaces.

    With ``drop_brand`` a leading "pearson" and/or "btec" is removed.
    """
    s = text.casefold().replace("&", " and ")
    s = _PUNCT.sub(" ", s)
    words = _SPACE.sub(" ", s).strip().split(" ")
    if drop_brand:
        while words and words[0] in _BRAND:
            words.pop(0)
    return " ".join(w for w in words if w)


# --- loading -----------------------------------------------------------------


def _text(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: key {key!r} must be a non-empty string")
    return value


def groups_from_data(data: Mapping[str, Any]) -> tuple[SectorGroup, ...]:
    """Build groups from parsed TOML, raising ``ValueError`` on a bad shape."""
    if not isinstance(data, Mapping):
        raise ValueError("sector data: expected a table at top level")
    fmt = data.get("format")
    if fmt != 1:
        raise ValueError(f"sector data: key 'format' must be 1, got {fmt!r}")
    raw_groups = data.get("groups")
    if not isinstance(raw_groups, list) or not raw_groups:
        raise ValueError("sector data: key 'groups' must be a non-empty array")
    groups: list[SectorGroup] = []
    seen_codes: set[str] = set()
    seen_titles: dict[str, str] = {}
    for index, raw in enumerate(raw_groups, start=1):
        where = f"group #{index}"
        if not isinstance(raw, Mapping):
            raise ValueError(f"{where}: expected a table")
        code = _text(raw, "code", where)
        where = f"group {code}"
        if not re.fullmatch(r"\d{3}", code):
            raise ValueError(f"{where}: key 'code' must be three digits")
        if code in seen_codes:
            raise ValueError(f"{where}: key 'code' is duplicated")
        seen_codes.add(code)
        titles = raw.get("titles")
        if (
            not isinstance(titles, list)
            or not titles
            or not all(isinstance(t, str) and t.strip() for t in titles)
        ):
            raise ValueError(f"{where}: key 'titles' must be a non-empty array of strings")
        for title in titles:
            key = normalise_title(title)
            if key in seen_titles:
                raise ValueError(
                    f"{where}: key 'titles' repeats {title!r} (already in group {seen_titles[key]})"
                )
            seen_titles[key] = code
        groups.append(
            SectorGroup(
                code=code,
                name=_text(raw, "name", where),
                source_name=_text(raw, "source_name", where),
                source=_text(raw, "source", where),
                titles=tuple(titles),
            )
        )
    return tuple(groups)


def load_groups(path: str | os.PathLike[str]) -> tuple[SectorGroup, ...]:
    """Read a sectors TOML file and return its groups."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    return groups_from_data(data)


# --- lookup ------------------------------------------------------------------


def _group_keys(group: SectorGroup) -> set[str]:
    keys = {group.code}
    for label in (group.name, group.source_name):
        keys.add(normalise_title(label, drop_brand=False))
        keys.add(normalise_title(_PARENS.sub(" ", label), drop_brand=False))
    keys.discard("")
    return keys


def find_group(code_or_name: str, groups: Iterable[SectorGroup]) -> SectorGroup | None:
    """Find a group by code ("214", "214 - ADMINISTRATION") or by name.

    Names compare case-insensitively, with or without the bracketed qualifier
    ("marketing", "Call handling", "ADMINISTRATION (NVQ)"). Ambiguous -> None.
    """
    groups = tuple(groups)
    code = _CODE.match(code_or_name)
    if code:
        return next((g for g in groups if g.code == code.group(1)), None)
    wanted = normalise_title(code_or_name, drop_brand=False)
    if not wanted:
        return None
    hits = [g for g in groups if wanted in _group_keys(g)]
    return hits[0] if len(hits) == 1 else None


# --- matching ----------------------------------------------------------------


@dataclass(frozen=True)
class _Parts:
    """A normalised title split into the pieces the guards compare."""

    key: str  # from the level phrase onwards (brand and junk dropped)
    level: str | None  # "L3", "E1", ...
    size: tuple[str, ...]  # e.g. ("introductory", "award")
    connective: str | None  # "in" / "for"
    subject: str


def _canonical_head_word(word: str) -> str:
    if word in _HEAD_VOCAB or len(word) < 5:
        return word
    close = difflib.get_close_matches(word, _HEAD_VOCAB, n=1, cutoff=0.8)
    return close[0] if close else word


def _parse_level(words: Sequence[str]) -> tuple[str | None, int]:
    """Return the level ("L2", "E3") and the index just after its words."""
    for i, w in enumerate(words):
        nxt = words[i + 1 : i + 3]
        pair = {w, *nxt[:1]} == {"entry", "level"}
        if pair and len(nxt) == 2 and nxt[1].isdigit():
            return f"E{nxt[1]}", i + 3  # "entry level 1" / "level entry 3"
        if w in ("entry", "level") and nxt[:1] and nxt[0].isdigit():
            return f"{w[0].upper()}{nxt[0]}", i + 2
        m = re.fullmatch(r"([el])(\d)", w)
        if m:
            return f"{m.group(1).upper()}{m.group(2)}", i + 1
    return None, 0


def _level_words(level: str | None) -> list[str]:
    if level is None:
        return []
    if level[0] == "E":
        return ["entry", "level", level[1:]]
    return ["level", level[1:]]


def _parts(normalised: str) -> _Parts:
    words = normalised.split()
    cut = next((i for i, w in enumerate(words) if w in _CONNECTIVES), len(words))
    head = [_canonical_head_word(w) for w in words[:cut]]
    level, end = _parse_level(head)
    head = head[end:]
    rest = words[cut:]
    size = tuple(w for w in head if w in _SIZE_WORDS)
    connective = rest[0] if rest else None
    subject = " ".join(rest[1:])
    key = " ".join([*_level_words(level), *head, *rest])
    return _Parts(key, level, size, connective, subject)


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _edit_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance (adjacent swaps count as one edit)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[len(b)]


def _subject_close(query: str, listed: str) -> bool:
    allowed = max(SUBJECT_MIN_EDITS, len(listed) // SUBJECT_CHARS_PER_EDIT)
    return _edit_distance(query, listed) <= allowed


def _compatible(q: _Parts, c: _Parts) -> bool:
    return (
        q.level is not None
        and q.level == c.level
        and q.size == c.size
        and q.connective is not None
        and q.connective == c.connective
    )


@functools.lru_cache(maxsize=8)
def _catalogue(
    groups: tuple[SectorGroup, ...],
) -> tuple[dict[str, tuple[str, SectorGroup]], tuple[tuple[str, SectorGroup, _Parts], ...]]:
    """Every listed title, normalised and split once per set of groups (not once per query)."""
    exact: dict[str, tuple[str, SectorGroup]] = {}
    parts = []
    for group in groups:
        for title in group.titles:
            key = normalise_title(title)
            exact.setdefault(key, (title, group))
            parts.append((title, group, _parts(key)))
    return exact, tuple(parts)


def data_version(groups: Iterable[SectorGroup]) -> str:
    """A short fingerprint of what matching depends on: the listed titles and the matcher.

    A stored match found with another fingerprint is found again.
    """
    content = [[g.code, list(g.titles)] for g in groups]
    blob = json.dumps([MATCHER_VERSION, content], ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:16]


def match_title(
    query: str,
    groups: Iterable[SectorGroup],
    cutoff: float = DEFAULT_CUTOFF,
    *,
    margin: float = DEFAULT_MARGIN,
    suggest: bool = True,
) -> TitleMatch:
    """Match a qualification title to one listed title and its group.

    Exact (normalised) equality wins. Otherwise a fuzzy candidate is accepted
    only if level, size words and connective agree exactly, the whole-title
    ratio is at least ``cutoff``, the subject is within a few typing edits of
    the listed subject, and it beats the next compatible candidate by
    ``margin``. If not accepted,
    ``title`` and ``group`` are None and up to five suggestions are given.

    With ``suggest=False`` only the compatible candidates are scored (the
    same match, without suggestions and with ``score`` that of the best
    compatible title): what a stored match needs, at a fraction of the cost.
    """
    exact, catalogue = _catalogue(tuple(groups))
    wanted = normalise_title(query)
    if wanted in exact:
        title, group = exact[wanted]
        return TitleMatch(query, title, group, 1.0, True, ())

    q = _parts(wanted)
    pool = catalogue if suggest else [c for c in catalogue if _compatible(q, c[2])]
    scored = [(_ratio(q.key, c.key), title, group, c) for title, group, c in pool]
    scored.sort(key=lambda item: item[0], reverse=True)
    best_any = scored[0][0] if scored else 0.0

    compatible = [s for s in scored if _compatible(q, s[3])]
    if compatible:
        score, title, group, c = compatible[0]
        runner_up = compatible[1][0] if len(compatible) > 1 else 0.0
        if score >= cutoff and _subject_close(q.subject, c.subject) and score - runner_up >= margin:
            return TitleMatch(query, title, group, score, False, ())

    top = scored[:MAX_SUGGESTIONS] if suggest else []
    suggestions = tuple(t for s, t, _, _ in top if s >= SUGGESTION_FLOOR)
    return TitleMatch(query, None, None, best_any, False, suggestions)
