"""The grader's quick builder of result models builds what pydantic's `model_construct` does."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from scoring import Evidence, Grader, GradeResult, Verdict
from scoring.grader import _construct

EVIDENCE: dict[str, Any] = {"quote": "Добрый день", "start": 0, "end": 11, "rule": "добрый день"}


def _state(model: BaseModel) -> tuple[object, ...]:
    return (
        type(model),
        model.__dict__,
        list(model.__dict__),
        model.__pydantic_fields_set__,
        model.__pydantic_extra__,
        model.__pydantic_private__,
    )


@pytest.mark.parametrize(
    ("cls", "values"),
    [
        (Evidence, EVIDENCE),
        (
            Verdict,
            {
                "check": "greeting",
                "kind": "step",
                "value": True,
                "evidence": Evidence.model_construct(**EVIDENCE),
                "also": (),
            },
        ),
        (GradeResult, {"text": "Добрый день", "verdicts": {}, "too_long": False}),
    ],
)
def test_construct_is_model_construct(cls: type[BaseModel], values: dict[str, Any]) -> None:
    quick, slow = _construct(cls, dict(values)), cls.model_construct(**values)
    assert _state(quick) == _state(slow)
    assert quick == slow and quick.model_dump() == slow.model_dump()
    assert quick.model_dump(exclude_unset=True) == slow.model_dump(exclude_unset=True)


def test_construct_covers_every_field() -> None:
    """Every field of the models it builds is given (no defaults to fill, no aliases)."""
    for cls in (Evidence, Verdict, GradeResult):
        assert cls.__pydantic_post_init__ is None
        assert all(f.alias is None for f in cls.model_fields.values())
    result = Grader().grade("Добрый день! Меня зовут Мария.", ["greeting", "self_intro"])
    for verdict in result.verdicts.values():
        assert set(verdict.__dict__) == set(Verdict.model_fields)
        if verdict.evidence is not None:
            assert set(verdict.evidence.__dict__) == set(Evidence.model_fields)
    assert set(result.__dict__) == set(GradeResult.model_fields)


@pytest.mark.parametrize(
    ("text", "extra", "quotes"),
    [
        ("Посылки пришли вчера.", ["*:plur"], ["Посылки"]),  # a grammeme no standard phrase names
        ("Посылки пришли вчера.", ["*:plur *:VERB"], ["Посылки пришли"]),
        ("Посылка пришла.", ["*:plur"], []),
        ("Вы ошиблись адресом", ["вы *:past"], ["Вы ошиблись"]),
    ],
)
def test_extra_phrases_see_every_grammeme(text: str, extra: list[str], quotes: list[str]) -> None:
    """The index leaves out grammeme keys the standard never names, except for a reply graded
    with extra forbidden phrases, which may name any."""
    grader = Grader()
    verdict = grader.grade(text, ["forbidden_phrase"], extra_forbidden=extra).verdicts[
        "forbidden_phrase"
    ]
    assert verdict.quotes == quotes
    assert not grader.grade(text, ["forbidden_phrase"]).value("forbidden_phrase")
