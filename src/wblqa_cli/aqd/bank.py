"""The Annual Quality Declaration question bank, read strictly from ``data/aqd_questions.toml``.

Every key is checked (:class:`wblqa_cli.rules.Table`): a typo, a wrong type, a
question in an unknown section, a condition on a later question or a choice
that is not offered is a :class:`DataError` naming the file and the key.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date

from wblqa_cli.errors import DataError
from wblqa_cli.rules import WBLQA_DEFAULT, Table, table

BANK_FILE = "aqd_questions.toml"
SCOPES = ("centre", "programme")
TYPES = ("choice", "yes-no", "date", "dates", "text")

#: An answer as the domain holds it: yes-no → bool, date → date, dates → a sorted
#: tuple of dates (one or more), choice/text → str.
Value = bool | date | tuple[date, ...] | str


@dataclass(frozen=True)
class Condition:
    """Ask a question only when an earlier question of the same scope was answered so."""

    question: str
    equals: bool | str


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    scope: str
    order: int


@dataclass(frozen=True)
class Question:
    id: str
    section: str
    scope: str
    type: str
    question: str
    help: str
    required: bool
    source: str
    choices: tuple[str, ...] = ()
    when: Condition | None = None
    expect: bool | None = None
    source_reason: str | None = None  # why wblqa asks it, when ``source`` is "wblqa default"

    @property
    def shown_source(self) -> str:
        """The citation, or the tool's own good-practice question said as such."""
        if self.source == WBLQA_DEFAULT:
            return f"wblqa's own question, not from the guidance ({self.source_reason})"
        return self.source

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "section": self.section,
            "scope": self.scope,
            "type": self.type,
            "question": self.question,
            "help": self.help,
            "choices": list(self.choices) if self.type == "choice" else None,
            "required": self.required,
            "when": (
                {"question": self.when.question, "equals": self.when.equals} if self.when else None
            ),
            "expect": self.expect,
            "source": self.source,
            "source_reason": self.source_reason,
        }


@dataclass(frozen=True)
class Bank:
    version: str
    sections: tuple[Section, ...]
    questions: tuple[Question, ...]
    _by_id: dict[str, Question] = field(default_factory=dict, compare=False, repr=False)
    _sections: dict[str, Section] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({q.id: q for q in self.questions})
        self._sections.update({s.id: s for s in self.sections})

    def get(self, question_id: str) -> Question | None:
        return self._by_id.get(question_id)

    def section(self, section_id: str) -> Section:
        return self._sections[section_id]

    def of_scope(self, scope: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.scope == scope)

    def blocks(self) -> list[tuple[str, tuple[Question, ...]]]:
        """Runs of consecutive sections of one scope, in order, with their questions.

        The walk asks a centre block once and a programme block once per programme.
        """
        out: list[tuple[str, list[Question]]] = []
        for s in sorted(self.sections, key=lambda s: s.order):
            qs = [q for q in self.questions if q.section == s.id]
            if out and out[-1][0] == s.scope:
                out[-1][1].extend(qs)
            else:
                out.append((s.scope, qs))
        return [(scope, tuple(qs)) for scope, qs in out]


def _when(q: Table, earlier: dict[str, Question], scope: str) -> Condition | None:
    w = q.table("when", required=False)
    if w is None:
        return None
    target_id = w.text("question")
    target = earlier.get(target_id)
    if target is None:
        raise w.fail("question", f"{target_id!r} is not an earlier question")
    if target.scope != scope:
        raise w.fail("question", f"{target_id!r} is asked at {target.scope} level, not {scope}")
    if target.type == "yes-no":
        equals: bool | str = w.flag("equals")
    elif target.type == "choice":
        equals = w.text("equals", choices=target.choices)
    else:
        raise w.fail(
            "question", f"a condition needs a yes-no or choice question, not {target.type}"
        )
    w.done()
    return Condition(target_id, equals)


def _question(q: Table, sections: dict[str, Section], earlier: dict[str, Question]) -> Question:
    qid = q.text("id")
    if qid in earlier:
        raise q.fail("id", f"{qid!r} is used twice")
    section_id = q.text("section")
    if section_id not in sections:
        raise q.fail("section", f"{section_id!r} is not a section of the bank")
    scope = q.text("scope", choices=SCOPES)
    if scope != sections[section_id].scope:
        raise q.fail(
            "scope", f"{scope!r} differs from its section's {sections[section_id].scope!r}"
        )
    kind = q.text("type", choices=TYPES)
    choices: tuple[str, ...] = ()
    if kind == "choice":
        listed = q.text_list("choices")
        if len(listed) < 2 or len(set(c.casefold() for c in listed)) != len(listed):
            raise q.fail("choices", "must list two or more different choices")
        choices = tuple(listed)
    elif q.has("choices"):
        raise q.fail("choices", f"is only for choice questions, not {kind}")
    expect = q.flag("expect", required=False)
    if expect is not None and kind != "yes-no":
        raise q.fail("expect", f"is only for yes-no questions, not {kind}")
    source, reason = q.citation()
    question = Question(
        id=qid,
        section=section_id,
        scope=scope,
        type=kind,
        question=q.text("question"),
        help=q.text("help"),
        required=q.flag("required"),
        source=source,
        choices=choices,
        when=_when(q, earlier, scope),
        expect=expect,
        source_reason=reason,
    )
    q.done()
    return question


def parse_bank(t: Table) -> Bank:
    """A :class:`Bank` from a table; every error names the file and the key."""
    t.integer("format")
    version = t.text("version")
    sections: dict[str, Section] = {}
    for s in t.tables("sections", required=True):
        sid = s.text("id")
        if sid in sections:
            raise s.fail("id", f"{sid!r} is used twice")
        sections[sid] = Section(
            sid, s.text("title"), s.text("scope", choices=SCOPES), s.integer("order")
        )
        s.done()
    questions: dict[str, Question] = {}
    for q in t.tables("questions", required=True):
        question = _question(q, sections, questions)
        questions[question.id] = question
    t.done()
    empty = [sid for sid in sections if not any(q.section == sid for q in questions.values())]
    if empty:
        raise t.fail("sections", f"section {empty[0]!r} has no questions")
    return Bank(version, tuple(sections.values()), tuple(questions.values()))


@functools.cache
def load_bank() -> Bank:
    """The shipped question bank (cached)."""
    bank = parse_bank(table(BANK_FILE))
    if not bank.questions:
        raise DataError(f"data/{BANK_FILE}: the bank has no questions.")
    return bank
