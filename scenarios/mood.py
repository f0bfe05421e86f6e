"""The client's emotional state: a tension of 0–10 that the engine moves after every graded reply.

Empathy and an apology calm the client; rudeness, blame, a forbidden phrase and being put on
hold without being asked raise the tension. The scenario's difficulty sets how much the client
resists: an easy client calms quickly and forgives, a hard one calms slowly and flares up fast.
The state reaches an LLM voice (how the client sounds); transitions stay the scenario's rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from scenarios.model import MAX_TENSION

MoodCause = Literal["empathy", "apology", "rudeness", "blame", "forbidden_phrase", "no_consent"]
CALMING: tuple[MoodCause, ...] = ("empathy", "apology")
RAISING: tuple[MoodCause, ...] = ("rudeness", "blame", "forbidden_phrase")


class ClientMood(BaseModel):
    """Where the client is emotionally after the last reply, and what moved them."""

    model_config = ConfigDict(frozen=True)

    tension: int = Field(ge=0, le=MAX_TENSION)
    change: int = 0
    causes: list[MoodCause] = Field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Resistance:
    """How far one calming or raising cause moves the tension, for one difficulty."""

    calm: int
    rise: int


RESISTANCE: dict[int, Resistance] = {
    1: Resistance(calm=2, rise=1),
    2: Resistance(calm=2, rise=2),
    3: Resistance(calm=1, rise=3),
}


def causes(felt: Mapping[str, bool], expected: Sequence[str]) -> list[MoodCause]:
    """What in a graded reply moves the client (`felt`: check id → verdict): calming steps
    performed, violations committed, and a hold without consent (the state asks for consent;
    neither it nor a callback offer was given)."""
    found: list[MoodCause] = [c for c in (*CALMING, *RAISING) if felt.get(c, False)]
    if (
        "hold_consent" in expected
        and not felt.get("hold_consent", False)
        and not felt.get("callback_offer", False)
    ):
        found.append("no_consent")
    return found


def react(
    mood: ClientMood, felt: Mapping[str, bool], expected: Sequence[str], difficulty: int
) -> ClientMood:
    """The client's mood after a graded reply (pure; clamps to 0..MAX_TENSION)."""
    found = causes(felt, expected)
    resist = RESISTANCE.get(difficulty, RESISTANCE[2])
    delta = sum(-resist.calm if c in CALMING else resist.rise for c in found)
    tension = max(0, min(MAX_TENSION, mood.tension + delta))
    return ClientMood(tension=tension, change=tension - mood.tension, causes=found)
