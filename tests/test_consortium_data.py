"""data/consortium.toml: the checks catalogue and its rule functions stay in step.

Every check carries a strength (must/should) with its basis beside its source;
the loader refuses a file where they do not hold together.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from wblqa_cli import rules as shared_rules
from wblqa_cli.consortium import rules as consortium_rules
from wblqa_cli.consortium.advise import advise
from wblqa_cli.consortium.checks import CHECKS
from wblqa_cli.consortium.rules import MODELS, CheckRule, rules
from wblqa_cli.errors import DataError
from wblqa_cli.rules import SOURCE_PREFIXES, STRENGTHS, WBLQA_DEFAULT


def test_every_catalogue_entry_has_a_function_and_back() -> None:
    assert set(rules().check_ids) == set(CHECKS)


@pytest.mark.parametrize("rule", rules().checks, ids=lambda r: r.id)
def test_check_entry_is_well_formed(rule: CheckRule) -> None:
    assert re.fullmatch(r"[a-z0-9-]+\.[a-z0-9-]+", rule.id)
    assert rule.models and set(rule.models) <= set(MODELS)
    assert rule.action.endswith(".")
    assert rule.strength in STRENGTHS
    assert rule.cited.strength_basis.endswith(".")
    if rule.source == WBLQA_DEFAULT:
        assert rule.cited.reason, "the tool's own check says why"
        assert rule.cited.shown().startswith("wblqa's own default (")
    else:
        assert rule.source.startswith(SOURCE_PREFIXES)
        assert rule.cited.reason is None
        assert rule.cited.shown() == rule.source
    if rule.source.startswith("pearson-support:"):
        assert rule.strength == "should", "a secondary source only warns"


def test_every_number_carries_a_source_or_the_default_mark() -> None:
    r = rules()
    assert r.lead_time_cited.strength == "should"  # "should submit … at least six weeks"
    assert r.lead_time_source == "btec-collab-guide-1.1: Application"
    assert dict(r.year_window) == {"months": 3}
    assert r.year_window_reason  # the guide names no window: wblqa's own default


# ------------------------------------------------ the loader refuses bad strength data


Patch = Callable[[Callable[[Any], None]], None]


@pytest.fixture
def patched_doc(monkeypatch: pytest.MonkeyPatch) -> Iterator[Patch]:
    """Load data/consortium.toml with one change, through the real loader."""
    original = shared_rules.load("consortium.toml")

    def apply(mutate: Callable[[Any], None]) -> None:
        doc = copy.deepcopy(original)
        mutate(doc)
        real_load = shared_rules.load

        def fake(name: str) -> Any:
            return doc if name == "consortium.toml" else real_load(name)

        monkeypatch.setattr(shared_rules, "load", fake)
        consortium_rules.rules.cache_clear()

    yield apply
    consortium_rules.rules.cache_clear()


def _check_entry(doc: Any, check_id: str) -> Any:
    return next(c for c in doc["checks"] if c["id"] == check_id)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        pytest.param(
            lambda d: _check_entry(d, "members.at-least-two").update(strength="shall"),
            r"data/consortium\.toml, \[\[checks\]\] 3, key 'strength': is 'shall'; "
            "expected one of must, should",
            id="unknown-strength",
        ),
        pytest.param(
            lambda d: _check_entry(d, "policies.collaborative-arrangements").update(
                strength="must"
            ),
            r"\[\[checks\]\] \d+, key 'strength': is 'must', but "
            "'pearson-support:BTEC-Centre-Policies' is a secondary source",
            id="pearson-support-must",
        ),
        pytest.param(
            lambda d: _check_entry(d, "waivers.in-date").pop("reason"),
            r"\[\[checks\]\] \d+, key 'reason': is missing",
            id="wblqa-default-without-reason",
        ),
        pytest.param(
            lambda d: _check_entry(d, "aqd.every-centre").pop("strength_basis"),
            r"key 'strength_basis': is missing",
            id="no-basis",
        ),
        pytest.param(
            lambda d: d["year_window"].update(source="btec-collab-guide-1.1: Application"),
            r"\[year_window\], key 'source': the guide names no window",
            id="window-cited-to-a-source-that-has-none",
        ),
        pytest.param(
            lambda d: d["application"].pop("strength"),
            r"\[application\], key 'strength': is missing",
            id="lead-time-without-strength",
        ),
        pytest.param(
            lambda d: d["diff"]["centre-added"].update(needs="maybe"),
            r"\[diff\], \[centre-added\], key 'needs': is 'maybe'; expected one of",
            id="diff-unknown-needs",
        ),
        pytest.param(
            lambda d: d["diff"].pop("lead-handed-over"),
            r"\[diff\], key 'lead-handed-over': is missing",
            id="diff-situation-missing",
        ),
        pytest.param(
            lambda d: d["diff"].update({"lead-renamed": d["diff"]["centre-added"]}),
            r"\[diff\], key 'lead-renamed': is not a known key",
            id="diff-unknown-situation",
        ),
    ],
)
def test_loader_refuses_bad_strength_data(
    patched_doc: Callable[[Callable[[Any], None]], None],
    mutate: Callable[[Any], None],
    message: str,
) -> None:
    patched_doc(mutate)
    with pytest.raises(DataError, match=message):
        rules()


def test_the_verdict_follows_the_data_not_the_code(
    patched_doc: Callable[[Callable[[Any], None]], None],
) -> None:
    """Flip one strength in the data and the same broken rule fails instead of warning."""
    from consortium_helpers import AS_OF, build, deleter
    from wblqa_cli.consortium.checks import check

    broken = build("exceptional", deleter("organisations", 0, "sub_site"))
    assert check(broken, AS_OF).status_of("exceptional.sub-site") == "warn"
    patched_doc(lambda d: _check_entry(d, "exceptional.sub-site").update(strength="must"))
    assert check(broken, AS_OF).status_of("exceptional.sub-site") == "fail"


def test_lead_time_is_six_weeks_from_the_application_section() -> None:
    r = rules()
    assert dict(r.lead_time) == {"weeks": 6}
    assert r.lead_time_source == "btec-collab-guide-1.1: Application"


def test_minimum_policies_from_the_faq() -> None:
    r = rules()
    assert set(r.minimum_policies) == {"registration-certification", "malpractice", "appeals"}
    assert set(r.minimum_policies) <= set(r.known_policies)


def test_advise_questions_point_at_known_models() -> None:
    r = rules()
    for q in r.questions:
        assert q.points_to in ("none", "gq", *MODELS)
    assert set(r.advice) == {"gq", *MODELS}


def test_unknown_advise_answer_is_an_input_error() -> None:
    from wblqa_cli.errors import InputError

    with pytest.raises(InputError, match="Unknown advise question"):
        advise({"mixed-group": True})


def test_what_a_diff_needs_follows_the_data(patched_doc: Patch) -> None:
    from consortium_helpers import build, fixture_path
    from wblqa_cli.consortium.diff import diff
    from wblqa_cli.consortium.loader import read_arrangement_file

    old = read_arrangement_file(fixture_path("formal"))
    new = build("formal", lambda d: d["organisations"].pop(1))
    assert diff(old, new).needs == "amendment"
    patched_doc(lambda d: d["diff"]["centre-withdrawn"].update(needs="ask-pearson"))
    assert diff(old, new).needs == "ask-pearson"


def test_arrangement_model_matches_migrated_schema(db_path) -> None:  # type: ignore[no-untyped-def]
    from wblqa_cli.store import models as m
    from wblqa_cli.store import open_store

    store = open_store(str(db_path))
    try:
        columns = {col["name"] for col in sa.inspect(store.engine).get_columns("arrangement")}
    finally:
        store.close()
    assert columns == {col.name for col in m.ArrangementRow.__table__.columns}  # type: ignore[attr-defined]
