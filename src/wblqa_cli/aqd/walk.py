"""The Annual Quality Declaration walk, as pure functions over the question bank.

Answers are keyed by ``(programme code or None, question id)``: ``None`` is
the centre's scope. From the bank and the answers so far these functions say
which questions apply (``when`` conditions), which is next, how far along a
declaration is, what is missing, which answers are flagged (an ``expect``
mismatch), and turn what a person typed or a file held into a checked value.
Nothing here touches the store or the terminal.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from wblqa_cli.aqd.bank import Bank, Question, Value
from wblqa_cli.errors import InputError

Key = tuple[str | None, str]

YES = ("yes", "y", "true")
NO = ("no", "n", "false")


@dataclass(frozen=True)
class Answer:
    """A saved answer; ``value`` None means an optional question left blank."""

    value: Value | None
    comment: str | None = None
    answered_at: datetime | None = None
    answered_by: str | None = None


@dataclass(frozen=True)
class Slot:
    """One question to ask, with where it stands in the walk."""

    programme: str | None
    question: Question
    index: int  # question i of m within its scope (1-based)
    total: int
    programme_index: int  # programme k of n (0 for the centre)
    programme_total: int

    @property
    def key(self) -> Key:
        return (self.programme, self.question.id)


@dataclass(frozen=True)
class Flag:
    """An answer that differs from what a compliant centre would say."""

    programme: str | None
    question: Question
    answer: Value | None

    def as_json(self) -> dict[str, object]:
        return {
            "programme": self.programme,
            "question_id": self.question.id,
            "question": self.question.question,
            "answer": to_json_value(self.answer),
            "expected": self.question.expect,
        }


@dataclass(frozen=True)
class ScopeStatus:
    programme: str | None
    applicable: int
    answered: int
    missing: tuple[str, ...]
    flagged: tuple[Flag, ...]

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class Given:
    """An answer from a file or a prompt, checked, not yet saved."""

    programme: str | None
    question_id: str
    value: Value | None
    comment: str | None = None

    @property
    def key(self) -> Key:
        return (self.programme, self.question_id)


# ------------------------------------------------------------------ values


def shown(value: object) -> str:
    """A value from an answers file as an error message quotes it: ``repr``, bounded.

    A YAML file can make a few lines expand to millions of items with anchors
    (``*a``); a plain ``repr`` of that would never finish.
    """
    import reprlib

    limits = reprlib.Repr()
    limits.maxlevel, limits.maxlist, limits.maxdict = 2, 4, 4
    limits.maxstring = limits.maxother = limits.maxlong = 80
    return limits.repr(value)


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def coerce(question: Question, raw: object, context: str) -> Value:
    """A checked value for ``question`` from what was typed or read; InputError if invalid."""
    from wblqa_cli.dates import parse_date

    kind = question.type
    if kind == "yes-no":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().casefold() in YES + NO:
            return raw.strip().casefold() in YES
        raise InputError(f"{context}: {shown(raw)} is not a yes-no answer; write true or false.")
    if kind == "date":
        if isinstance(raw, datetime):
            raise InputError(
                f"{context}: {shown(raw)} has a time; give a date only, e.g. 2025-10-14."
            )
        if isinstance(raw, date):
            return raw
        if isinstance(raw, str):
            try:
                return parse_date(raw)
            except InputError as exc:
                raise InputError(f"{context}: {exc.message}", hint=exc.hint) from None
        raise InputError(f"{context}: {shown(raw)} is not a date; write it as 2025-10-14.")
    if kind == "choice":
        if isinstance(raw, str):
            wanted = " ".join(raw.split()).casefold()
            for choice in question.choices:
                if choice.casefold() == wanted:
                    return choice
        raise InputError(
            f"{context}: {shown(raw)} is not one of the choices: "
            + ", ".join(repr(c) for c in question.choices)
            + "."
        )
    if isinstance(raw, str) and raw.strip():
        return raw.strip()
    raise InputError(f"{context}: {shown(raw)} is not text; write the answer in quotes.")


def to_json_value(value: Value | None) -> bool | str | None:
    if isinstance(value, date):
        return value.isoformat()
    return value


def encode(value: Value | None) -> str:
    """The JSON text the store keeps for a value."""
    return json.dumps(to_json_value(value), ensure_ascii=False)


def decode(question: Question | None, text: str) -> Value | None:
    """A stored value back as the domain holds it (dates as :class:`date`)."""
    value = json.loads(text)
    if question is not None and question.type == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, bool | str) or value is None:
        return value
    return str(value)


def display(value: Value | None) -> str:
    """An answer as a person reads it: yes/no, an ISO date, the choice or text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    return value


# -------------------------------------------------------------------- walk


def applies(question: Question, scope_answers: Mapping[str, Value | None]) -> bool:
    """Whether ``question`` is asked, given the answers of its own scope."""
    if question.when is None:
        return True
    return scope_answers.get(question.when.question) == question.when.equals


def _scope_values(answers: Mapping[Key, Answer], programme: str | None) -> dict[str, Value | None]:
    return {qid: a.value for (p, qid), a in answers.items() if p == programme}


def applicable(
    questions: Iterable[Question], scope_answers: Mapping[str, Value | None]
) -> list[Question]:
    """The questions of one scope that apply, in bank order (conditions chain)."""
    out: list[Question] = []
    asked: set[str] = set()
    for q in questions:
        if q.when is not None and q.when.question not in asked:
            continue
        if applies(q, scope_answers):
            out.append(q)
            asked.add(q.id)
    return out


def walk(bank: Bank, programmes: Sequence[str], answers: Mapping[Key, Answer]) -> list[Slot]:
    """Every question that applies, in the order ``aqd start`` asks them."""
    slots: list[Slot] = []
    centre_qs = bank.of_scope("centre")
    programme_qs = bank.of_scope("programme")
    centre_apply = applicable(centre_qs, _scope_values(answers, None))
    per_programme = {
        code: applicable(programme_qs, _scope_values(answers, code)) for code in programmes
    }
    centre_index = {q.id: i for i, q in enumerate(centre_apply, start=1)}
    for scope, block in bank.blocks():
        if scope == "centre":
            for q in block:
                if q.id in centre_index:
                    slots.append(Slot(None, q, centre_index[q.id], len(centre_apply), 0, 0))
            continue
        for k, code in enumerate(programmes, start=1):
            mine = per_programme[code]
            index = {q.id: i for i, q in enumerate(mine, start=1)}
            for q in block:
                if q.id in index:
                    slots.append(Slot(code, q, index[q.id], len(mine), k, len(programmes)))
    return slots


def next_unanswered(
    bank: Bank,
    programmes: Sequence[str],
    answers: Mapping[Key, Answer],
    skipped: Iterable[Key] = (),
) -> Slot | None:
    """The first question that applies and has no saved answer (and was not skipped now)."""
    passed = set(skipped)
    for slot in walk(bank, programmes, answers):
        if slot.key not in answers and slot.key not in passed:
            return slot
    return None


def scope_status(bank: Bank, programme: str | None, answers: Mapping[Key, Answer]) -> ScopeStatus:
    values = _scope_values(answers, programme)
    scope = "centre" if programme is None else "programme"
    qs = applicable(bank.of_scope(scope), values)
    answered = [q for q in qs if (programme, q.id) in answers]
    missing = tuple(
        q.id
        for q in qs
        if q.required and ((programme, q.id) not in answers or values.get(q.id) is None)
    )
    flagged = tuple(
        Flag(programme, q, values.get(q.id))
        for q in answered
        if q.expect is not None and values.get(q.id) is not None and values[q.id] != q.expect
    )
    return ScopeStatus(programme, len(qs), len(answered), missing, flagged)


def statuses(
    bank: Bank, programmes: Sequence[str], answers: Mapping[Key, Answer]
) -> list[ScopeStatus]:
    """The centre's scope first, then each programme's."""
    return [scope_status(bank, p, answers) for p in (None, *programmes)]


def missing(bank: Bank, programmes: Sequence[str], answers: Mapping[Key, Answer]) -> list[Key]:
    """Every required question that applies and has no answer yet."""
    return [(s.programme, qid) for s in statuses(bank, programmes, answers) for qid in s.missing]


def flags(bank: Bank, programmes: Sequence[str], answers: Mapping[Key, Answer]) -> list[Flag]:
    return [f for s in statuses(bank, programmes, answers) for f in s.flagged]


# ------------------------------------------------------------ answers file


def _answer_and_comment(raw: object, at: str) -> tuple[object, str | None]:
    if isinstance(raw, dict):
        unknown = sorted(set(raw) - {"answer", "comment"})
        if unknown:
            raise InputError(f"{at}: unknown key {unknown[0]!r}; use 'answer' and 'comment'.")
        if "answer" not in raw:
            raise InputError(f"{at}: the table has no 'answer'.")
        comment = raw.get("comment")
        if comment is not None and not isinstance(comment, str):
            raise InputError(f"{at}, key 'comment': {shown(comment)} is not text.")
        return raw["answer"], (comment.strip() or None) if comment else None
    if isinstance(raw, list):
        raise InputError(f"{at}: {shown(raw)} is a list; give one answer.")
    return raw, None


def _scope_answers(
    bank: Bank, scope: str, table_: object, at: str, programme: str | None
) -> list[Given]:
    if not isinstance(table_, dict):
        raise InputError(
            f"{at}: expected a table of question ids and answers, not {shown(table_)}."
        )
    out: list[Given] = []
    for qid, raw in table_.items():
        here = f"{at}.{qid}"
        q = bank.get(str(qid))
        if q is None:
            raise InputError(
                f"{here}: {qid!r} is not a question id.",
                hint="See `wblqa aqd questions` for the ids.",
            )
        if q.scope != scope:
            raise InputError(
                f"{here}: {qid!r} is a {q.scope}-level question; "
                + ("put it under [centre]." if q.scope == "centre" else "put it under a programme.")
            )
        value, comment = _answer_and_comment(raw, here)
        if is_blank(value):
            if comment:
                raise InputError(f"{here}: a comment needs an answer too.")
            continue
        out.append(Given(programme, q.id, coerce(q, value, here), comment))
    return out


def read_answers(
    document: object,
    file: str,
    bank: Bank,
    programmes: Sequence[str],
    stored: Mapping[Key, Answer],
) -> list[Given]:
    """Every answer of an answers file, checked whole; the first problem raises.

    Shape: ``{"centre": {ID: ANSWER}, "programmes": {CODE: {ID: ANSWER}}}``; an
    answer may be ``{"answer": X, "comment": "..."}``. Blank answers are skipped.
    An answer to a question whose condition is not met (given the file and the
    answers already saved) is an error: it would never be used.
    """
    if not isinstance(document, dict):
        raise InputError(
            f"{file}: expected a table with 'centre' and 'programmes', "
            f"not {type(document).__name__}."
        )
    unknown = sorted(set(document) - {"centre", "programmes"})
    if unknown:
        raise InputError(f"{file}: unknown key {unknown[0]!r}; expected 'centre' and 'programmes'.")
    given = _scope_answers(bank, "centre", document.get("centre", {}), f"{file}: centre", None)
    progs = document.get("programmes", {})
    if not isinstance(progs, dict):
        raise InputError(
            f"{file}: 'programmes' must be a table of programme codes, not {shown(progs)}."
        )
    for code, answers in progs.items():
        if code not in programmes:
            raise InputError(
                f"{file}: programmes.{code}: {code!r} is not one of this centre's programmes"
                + (f" ({', '.join(programmes)})." if programmes else " (it has none yet)."),
                hint="Register it first with `wblqa programme add CODE --title TITLE`.",
            )
        given += _scope_answers(bank, "programme", answers, f"{file}: programmes.{code}", code)
    merged = dict(stored)
    for g in given:
        merged[g.key] = Answer(g.value, g.comment)
    for g in given:
        q = bank.get(g.question_id)
        assert q is not None
        values = _scope_values(merged, g.programme)
        if q.when is not None and not applies(q, values):
            place = "centre" if g.programme is None else f"programmes.{g.programme}"
            actual = display(values.get(q.when.question)) or "unanswered"
            raise InputError(
                f"{file}: {place}.{q.id}: asked only when {q.when.question} is "
                f"{display(q.when.equals)}, and it is {actual}."
            )
    return given


def template(bank: Bank, programmes: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """An answers document with every question blank, for JSON or YAML."""
    return {
        "centre": {q.id: None for q in bank.of_scope("centre")},
        "programmes": {
            code: {q.id: None for q in bank.of_scope("programme")} for code, _ in programmes
        },
    }


def _hint(q: Question) -> str:
    if q.type == "yes-no":
        kind = "true or false"
    elif q.type == "date":
        kind = "a date, e.g. 2025-10-14"
    elif q.type == "choice":
        kind = "one of: " + " | ".join(q.choices)
    else:
        kind = "text"
    extra = "" if q.required else ", optional"
    if q.when:
        extra += f", only if {q.when.question} = {display(q.when.equals)}"
    return f"{kind}{extra}"


def template_toml(bank: Bank, programmes: Sequence[tuple[str, str]], version: str) -> str:
    """An answers file in TOML: every question blank, its wording and accepted answers above it."""

    def block(qs: Sequence[Question]) -> list[str]:
        lines: list[str] = []
        section = None
        for q in qs:
            if q.section != section:
                section = q.section
                lines.append(f"# --- {bank.section(section).title}")
            lines.append(f"# {q.question}")
            lines.append(f"# ({_hint(q)})")
            lines.append(f'"{q.id}" = ""')
        return lines

    out = [
        "# Annual Quality Declaration answers for `wblqa aqd start --answers FILE`.",
        f'# Question bank version {version}. Leave an answer "" to skip it.',
        "# Yes-no answers are true or false (no quotes); dates 2025-10-14; choices as listed.",
        '# Any answer may be a table: { answer = true, comment = "why" }.',
        "",
        "[centre]",
        *block(bank.of_scope("centre")),
    ]
    if not programmes:
        out += [
            "",
            "# No programmes are registered yet: add them with `wblqa programme add`,",
            "# then write this template again. Each programme gets a table such as",
            '# [programmes."603/1234/5"]',
        ]
    for code, title in programmes:
        out += ["", f"# {title}", f"[programmes.{json.dumps(code)}]"]
        out += block(bank.of_scope("programme"))
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------- export

EXPORT_COLUMNS = (
    "academic_year",
    "centre_number",
    "programme_code",
    "programme_title",
    "section",
    "question_id",
    "question",
    "answer",
    "comment",
    "answered_at",
    "answered_by",
    "flagged",
)


def export_records(
    bank: Bank, year: str, centre: str, rows: Iterable[Any]
) -> Iterable[dict[str, Any]]:
    """One record per answer that counts, in walk order within each scope.

    ``rows`` come grouped by programme (centre first), as the store streams
    them; only one scope is held at a time. Answers to questions whose
    condition no longer holds are left out (they are not part of the
    declaration); answers to questions since retired from the bank are kept.
    A naive ``answered_at`` (SQLite hands them back so) is UTC, as stored.
    """
    for values in export_values(bank, year, centre, rows):
        yield dict(zip(EXPORT_COLUMNS, values, strict=True))


def export_values(
    bank: Bank, year: str, centre: str, rows: Iterable[Any]
) -> Iterable[tuple[Any, ...]]:
    """:func:`export_records` as tuples in :data:`EXPORT_COLUMNS` order (the CSV's path).

    Fast path: a declaration repeats the same few answers over many
    programmes, so the decoding of a stored value is remembered (a bounded
    cache of a pure function), as are each question's section and wording.
    """
    order = {q.id: i for i, q in enumerate(bank.questions)}
    last = len(order)
    scopes = {kind: bank.of_scope(kind) for kind in ("centre", "programme")}
    facts: dict[str, tuple[Question | None, str | None, str | None]] = {}

    def about(qid: str) -> tuple[Question | None, str | None, str | None]:
        found = facts.get(qid)
        if found is None:
            q = bank.get(qid)
            found = facts[qid] = (
                q,
                bank.section(q.section).title if q else None,
                q.question if q else None,
            )
        return found

    @lru_cache(maxsize=4096)
    def answer(qid: str, text: str) -> tuple[Any, ...]:
        """(question, value, section, wording, value as JSON, flagged) of a stored answer."""
        q, section, wording = about(qid)
        value = decode(q, text)
        flagged = q is not None and q.expect is not None and value is not None and value != q.expect
        return q, value, section, wording, to_json_value(value), flagged

    stamps: dict[datetime, str] = {}

    def stamp(at: datetime) -> str:
        found = stamps.get(at)
        if found is None:
            if len(stamps) > 4096:
                stamps.clear()
            aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
            found = stamps[at] = aware.isoformat(timespec="seconds")
        return found

    def flush(scope: list[Any]) -> Iterable[tuple[Any, ...]]:
        if not scope:
            return
        facts = [answer(r.question_id, r.value) for r in scope]
        values = {r.question_id: f[1] for r, f in zip(scope, facts, strict=True)}
        pairs = sorted(
            zip(scope, facts, strict=True), key=lambda p: order.get(p[0].question_id, last)
        )
        kind = "centre" if scope[0].programme_code is None else "programme"
        keep = {q.id for q in applicable(scopes[kind], values)}
        for r, (q, _, section, wording, value, flagged) in pairs:
            if q is not None and q.id not in keep:
                continue
            yield (
                year,
                centre,
                r.programme_code,
                r.programme_title,
                section,
                r.question_id,
                wording,
                value,
                r.comment,
                stamp(r.answered_at),
                r.answered_by,
                flagged,
            )

    scope: list[Any] = []
    current: object = object()
    for row in rows:
        if row.programme_code != current:
            yield from flush(scope)
            scope = []
            current = row.programme_code
        scope.append(row)
    yield from flush(scope)
