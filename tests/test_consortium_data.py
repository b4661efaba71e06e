"""data/consortium.toml: the checks catalogue and its rule functions stay in step."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from wblqa_cli.consortium.advise import advise
from wblqa_cli.consortium.checks import CHECKS
from wblqa_cli.consortium.rules import MODELS, CheckRule, rules
from wblqa_cli.rules import SOURCE_PREFIXES


def test_every_catalogue_entry_has_a_function_and_back() -> None:
    assert set(rules().check_ids) == set(CHECKS)


@pytest.mark.parametrize("rule", rules().checks, ids=lambda r: r.id)
def test_check_entry_is_well_formed(rule: CheckRule) -> None:
    assert re.fullmatch(r"[a-z0-9-]+\.[a-z0-9-]+", rule.id)
    assert rule.source.startswith(SOURCE_PREFIXES)
    assert rule.models and set(rule.models) <= set(MODELS)
    assert rule.action.endswith(".")


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


def test_arrangement_model_matches_migrated_schema(db_path) -> None:  # type: ignore[no-untyped-def]
    from wblqa_cli.store import models as m
    from wblqa_cli.store import open_store

    store = open_store(str(db_path))
    try:
        columns = {col["name"] for col in sa.inspect(store.engine).get_columns("arrangement")}
    finally:
        store.close()
    assert columns == {col.name for col in m.ArrangementRow.__table__.columns}  # type: ignore[attr-defined]
