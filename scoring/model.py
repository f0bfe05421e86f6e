"""Public value types of the scorer: context, verdicts with evidence, grade and score results."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

CheckKind = Literal["step", "violation"]
Channel = Literal["phone", "office", "chat", "email"]
"""Where a conversation happens; a standard's recommended wording may fit only some channels."""


class Context(BaseModel):
    """What a check may read besides the reply. Every field is optional."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    time: str | None = None
    company: str | None = None
    agent_name: str | None = None
    client_name: str | None = None
    #: Names or facts of another person whose data must not be disclosed in this scene
    #: (e.g. ["Сериков Бахыт", "ул. Абая, 15"]); read by `data_disclosure`.
    third_party: list[str] = Field(default_factory=list)

    @classmethod
    def coerce(cls, value: Context | Mapping[str, object] | None) -> Context:
        """Accept a Context, a mapping or None; never raises on the mapping's values.

        Unknown keys are ignored; a value that is not a non-blank string is dropped, except
        `third_party`, which takes a list (non-string and blank items dropped) or one string.
        """
        if value is None:
            return cls()
        if isinstance(value, Context):
            return value
        clean: dict[str, object] = {
            k: v for k, v in value.items() if isinstance(v, str) and v.strip()
        }
        people = value.get("third_party")
        if isinstance(people, str):
            people = [people]
        clean["third_party"] = (
            [p.strip() for p in people if isinstance(p, str) and p.strip()]
            if isinstance(people, list | tuple)
            else []
        )
        return cls.model_validate(clean)


class Evidence(BaseModel):
    """Why a verdict is what it is: the quoted span of the original text and the matching rule."""

    model_config = ConfigDict(frozen=True)

    quote: str
    start: int
    end: int
    rule: str


class Verdict(BaseModel):
    model_config = ConfigDict(frozen=True)

    check: str
    kind: CheckKind
    value: bool
    evidence: Evidence | None = None
    also: tuple[Evidence, ...] = ()  # further places a violation was committed (in text order)

    @property
    def quotes(self) -> list[str]:
        """Every quoted span behind a true verdict, in text order ([] for a false one)."""
        first = [self.evidence.quote] if self.evidence is not None else []
        return first + [e.quote for e in self.also]


class GradeResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str
    verdicts: dict[str, Verdict]
    too_long: bool = False

    def value(self, check: str) -> bool:
        return self.verdicts[check].value

    @property
    def violations(self) -> list[Verdict]:
        return [v for v in self.verdicts.values() if v.kind == "violation" and v.value]


class ScoreResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    score: int
    passed: bool
    passed_steps: list[str]
    missed_steps: list[str]
    violations: list[Verdict]
    blocking: list[str]
