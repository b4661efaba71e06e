"""Programme groups of a declaration: answers given once that hold for each member (pure).

Stage 1 of the WBL quality model lets a centre complete the self-assessment
for a programme or a group of programmes. A group's answers are kept under
the scope ``group:NAME`` (a programme code never holds ``:``); each member
takes the group's answer to a question it has not answered itself, so a
member can still override one answer. Programme facts (expected
certification dates, Direct Claims Status) stay each programme's own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from wblqa_cli.aqd.answers import Answer, Key
from wblqa_cli.errors import InputError
from wblqa_cli.registry.facts import FACT_QUESTIONS
from wblqa_cli.safetext import quoted

PREFIX = "group:"
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


def scope_of(name: str) -> str:
    """The answers' scope of a group: ``group:NAME``."""
    return PREFIX + name


def check_name(value: str, context: str = "NAME") -> str:
    name = value.strip().casefold()
    if not _NAME.fullmatch(name):
        raise InputError(
            f"{quoted(value)} ({context}) is not a group name: use lower-case letters, digits, "
            "- and _ (up to 40), e.g. business."
        )
    return name


def expand(
    answers: Mapping[Key, Answer], groups: Mapping[str, tuple[str, ...]]
) -> dict[Key, Answer]:
    """The answers with each group's answers filled in for its members.

    A member's own answer wins; a filled-in answer names its group
    (:attr:`Answer.group`). Fact questions are never filled in.
    """
    out = dict(answers)
    for name, members in groups.items():
        scope = scope_of(name)
        given = [(qid, a) for (p, qid), a in answers.items() if p == scope]
        for qid, answer in given:
            if qid in FACT_QUESTIONS:
                continue
            for code in members:
                if (code, qid) not in out:
                    out[(code, qid)] = replace(answer, group=name)
    return out
