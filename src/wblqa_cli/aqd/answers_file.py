"""The AQD answers file: every answer of a filled-in file checked, and blank templates.

Shape: ``{"centre": {ID: ANSWER}, "programmes": {CODE: {ID: ANSWER}}}`` in
TOML, JSON or YAML. Nothing here touches the store or the terminal.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wblqa_cli.aqd.answers import Answer, Given, Key, coerce, display, is_blank, shown
from wblqa_cli.aqd.bank import Bank, Question
from wblqa_cli.aqd.walk import applies, scope_values
from wblqa_cli.errors import InputError
from wblqa_cli.safetext import quoted


def _answer_and_comment(raw: object, at: str, many: bool = False) -> tuple[object, str | None]:
    if isinstance(raw, dict):
        unknown = sorted(set(raw) - {"answer", "comment"}, key=str)  # YAML keys may be numbers
        if unknown:
            raise InputError(f"{at}: unknown key {quoted(unknown[0])}; use 'answer' and 'comment'.")
        if "answer" not in raw:
            raise InputError(f"{at}: the table has no 'answer'.")
        comment = raw.get("comment")
        if comment is not None and (not isinstance(comment, str) or "\x00" in comment):
            raise InputError(f"{at}, key 'comment': {shown(comment)} is not text.")
        return raw["answer"], (comment.strip() or None) if comment else None
    if isinstance(raw, list) and not many:
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
                f"{here}: {quoted(qid)} is not a question id.",
                hint="See `wblqa aqd questions` for the ids.",
            )
        if q.scope != scope:
            raise InputError(
                f"{here}: {quoted(qid)} is a {q.scope}-level question; "
                + ("put it under [centre]." if q.scope == "centre" else "put it under a programme.")
            )
        value, comment = _answer_and_comment(raw, here, many=q.type == "dates")
        if is_blank(value):
            if comment:
                raise InputError(f"{here}: a comment needs an answer too.")
            continue
        out.append(Given(programme, q.id, coerce(q, value, here), comment))
    return out


def _group_answers(bank: Bank, table_: object, file: str, groups: Sequence[str]) -> list[Given]:
    """A group's answers: programme questions given once for its members (facts excepted)."""
    from wblqa_cli.aqd.groups import scope_of
    from wblqa_cli.registry.facts import FACT_QUESTIONS

    if not isinstance(table_, dict):
        raise InputError(f"{file}: 'groups' must be a table of group names, not {shown(table_)}.")
    out: list[Given] = []
    for name, answers in table_.items():
        at = f"{file}: groups.{name}"
        if name not in groups:
            raise InputError(
                f"{at}: {quoted(name)} is not a group of this declaration"
                + (f" ({', '.join(groups)})." if groups else " (it has none)."),
                hint="Make one with `wblqa aqd group add NAME CODE...`.",
            )
        for g in _scope_answers(bank, "programme", answers, at, scope_of(str(name))):
            if g.question_id in FACT_QUESTIONS:
                raise InputError(
                    f"{at}.{g.question_id}: a programme fact, each programme's own; "
                    "give it under programmes.CODE."
                )
            out.append(g)
    return out


@dataclass(frozen=True)
class Read:
    """The answers of a file to save, and the keys of those ignored (their conditions fail)."""

    given: list[Given]
    ignored: list[Key]


def read_answers(
    document: object,
    file: str,
    bank: Bank,
    programmes: Sequence[str],
    stored: Mapping[Key, Answer],
    groups: Sequence[str] = (),
) -> Read:
    """Every answer of an answers file, checked whole; the first problem raises.

    Shape: ``{"centre": {ID: ANSWER}, "programmes": {CODE: {ID: ANSWER}},
    "groups": {NAME: {ID: ANSWER}}}`` (a group's answers hold for each member); an
    answer may be ``{"answer": X, "comment": "..."}``. Blank answers are skipped.
    An answer to a question whose condition is not met (given the file and the
    answers already saved) is ignored, and said so, as copier ignores answers
    to questions it does not ask; an unknown id stays an error.
    """
    if not isinstance(document, dict):
        raise InputError(
            f"{file}: expected a table with 'centre' and 'programmes', "
            f"not {type(document).__name__}."
        )
    unknown = sorted(set(document) - {"centre", "programmes", "groups"}, key=str)
    if unknown:
        raise InputError(
            f"{file}: unknown key {quoted(unknown[0])}; "
            "expected 'centre', 'programmes' and 'groups'."
        )
    given = _scope_answers(bank, "centre", document.get("centre", {}), f"{file}: centre", None)
    progs = document.get("programmes", {})
    if not isinstance(progs, dict):
        raise InputError(
            f"{file}: 'programmes' must be a table of programme codes, not {shown(progs)}."
        )
    for code, answers in progs.items():
        if code not in programmes:
            raise InputError(
                f"{file}: programmes.{code}: {quoted(code)} is not one of this centre's programmes"
                + (f" ({', '.join(programmes)})." if programmes else " (it has none yet)."),
                hint="Register it first with `wblqa programme add CODE --title TITLE`.",
            )
        given += _scope_answers(bank, "programme", answers, f"{file}: programmes.{code}", code)
    given += _group_answers(bank, document.get("groups", {}), file, groups)
    return _drop_inapplicable(bank, given, stored)


def _drop_inapplicable(bank: Bank, given: list[Given], stored: Mapping[Key, Answer]) -> Read:
    """Keep the answers whose conditions hold, given the file and the saved answers.

    A condition looks only at earlier questions, so dropping in bank order is
    settled: an ignored answer can never be the one a later condition needed.
    """
    merged = dict(stored)
    for g in given:
        merged[g.key] = Answer(g.value, g.comment)
    order = {q.id: i for i, q in enumerate(bank.questions)}
    kept: list[Given] = []
    ignored: list[Key] = []
    for g in sorted(given, key=lambda g: order[g.question_id]):
        q = bank.get(g.question_id)
        assert q is not None
        values = scope_values(merged, g.programme)
        if q.when is None or (applies(q, values) and _asked(bank, q.when.question, values)):
            kept.append(g)
            continue
        del merged[g.key]
        ignored.append(g.key)
    kept_keys = {g.key for g in kept}
    return Read([g for g in given if g.key in kept_keys], ignored)


def _asked(bank: Bank, qid: str, values: Mapping[str, object]) -> bool:
    """Whether ``qid`` is itself asked, given its scope's answers (conditions chain)."""
    q = bank.get(qid)
    while q is not None and q.when is not None:
        if values.get(q.when.question) != q.when.equals:
            return False
        q = bank.get(q.when.question)
    return True


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
    elif q.type == "dates":
        kind = "one or more dates, e.g. [2025-10-14, 2026-03-02]"
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


def read_document(path: Path) -> object:
    """An answers file as data; TOML, JSON or YAML by its suffix. Errors name line and column."""
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".json", ".yaml", ".yml"):
        raise InputError(f"{path}: use a .toml, .json or .yaml file for answers.")
    from wblqa_cli.inputs import read_text

    text = read_text(str(path), "answers")
    if not text.strip():
        raise InputError(
            f"{path}: the file is empty; it holds no answers.",
            hint="`wblqa aqd template -o answers.toml` writes one to fill in.",
        )
    try:
        return _parse_document(text, suffix, path)
    except RecursionError:
        # Lists or tables nested thousands deep: no answers file looks like that.
        raise InputError(f"{path}: nested too deeply to be an answers file.") from None
    except ValueError as exc:  # Python refuses to read an integer of thousands of digits
        if "digits" not in str(exc):
            raise
        raise InputError(
            f"{path}: holds a number thousands of digits long; no answer is."
        ) from None


def _unique_keys(path: Path, pairs: list[tuple[str, object]]) -> dict[str, object]:
    """A JSON object, refused if a key appears twice in it (TOML refuses this too)."""
    found: dict[str, object] = {}
    for key, value in pairs:
        if key in found:
            raise InputError(
                f"{path}: the key {quoted(key)} appears twice in one object; "
                "keep one (which one wblqa should read cannot be guessed)."
            )
        found[key] = value
    return found


def _unique_keys_loader(path: Path) -> Any:
    """YAML's safe loader, refusing a key that appears twice in one mapping."""
    import yaml

    class Loader(yaml.SafeLoader):
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen: set[object] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                try:
                    repeated = key in seen
                    seen.add(key)
                except TypeError:  # an unhashable key: the mapping itself refuses it
                    break
                if repeated:
                    mark = key_node.start_mark
                    raise InputError(
                        f"{path}, line {mark.line + 1}, column {mark.column + 1}: the key "
                        f"{quoted(key)} appears twice in one mapping; keep one (which one "
                        "wblqa should read cannot be guessed)."
                    )
            return super().construct_mapping(node, deep=deep)

    return Loader


def _parse_document(text: str, suffix: str, path: Path) -> object:
    import functools
    import json
    import tomllib

    if suffix == ".toml":
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"{path}: not valid TOML: {exc}.") from None
    if suffix == ".json":
        try:
            return json.loads(text, object_pairs_hook=functools.partial(_unique_keys, path))
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{path}, line {exc.lineno}, column {exc.colno}: not valid JSON: {exc.msg}."
            ) from None
    import yaml

    try:
        return yaml.load(text, Loader=_unique_keys_loader(path))  # a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "malformed"
        raise InputError(f"{path}{at}: not valid YAML: {problem}.") from None
