"""Attempts played through the real engine for the report tests: a person answers every client
line well (the phrases of the state's hint, as `play_helpers.good_reply`) or badly, optionally
leaves the run early, and the result is what the engine's own views said (for hand counts)."""

from __future__ import annotations

from dataclasses import dataclass, field

from play_helpers import good_reply

from bot.service import TrainingService

MAX_TURNS = 25


@dataclass
class Played:
    """One attempt as the engine reported it while it was played."""

    attempt_id: int
    person_id: int
    scenario_id: str
    status: str  # finished | abandoned
    score: int | None
    passed: bool
    steps: dict[str, bool] = field(default_factory=dict)
    violations: list[tuple[str, str]] = field(default_factory=list)
    hints: int = 0
    replies: list[str] = field(default_factory=list)
    client_lines: list[str] = field(default_factory=list)


async def play_run(
    service: TrainingService,
    person_id: int,
    scenario_id: str,
    *,
    quality: str = "good",
    mode: str | None = "training",
    suffix: str = "",
    stop_after: int | None = None,
    hints: int = 0,
    seed: int = 1,
) -> Played:
    """Play one attempt. `quality`: "good" (hint phrases), "bad" (a useless reply) or "mixed"
    (good on even turns). `suffix` is added to every reply (a marker a test can look for);
    `stop_after` abandons the run after that many replies; `hints` are taken on the first line.
    """
    scenario = service.scenario(scenario_id)
    view = await service.start(person_id, scenario_id, mode, "telegram", seed,
                               agent_name="Сотрудник")
    line = view.line
    taken = 0
    for _ in range(hints):
        await service.hint(view.attempt_id, person_id=person_id)
        taken += 1
    played = Played(view.attempt_id, person_id, scenario_id, "active", None, False, hints=taken)
    for turn in range(MAX_TURNS):
        if stop_after is not None and turn >= stop_after:
            closed = await service.abandon(view.attempt_id, person_id=person_id)
            played.status, played.score = "abandoned", closed.card.score if turn else None
            return played
        good = quality == "good" or (quality == "mixed" and turn % 2 == 0)
        reply = (good_reply(scenario, line.state) if good else "ну да, посмотрим") + suffix
        played.replies.append(reply)
        played.client_lines.append(line.text)
        result = await service.answer(view.attempt_id, reply, person_id=person_id)
        if result.final is not None:
            card = result.final.card
            played.status, played.score, played.passed = "finished", card.score, card.passed
            played.steps = dict(card.steps)
            played.violations = [tuple(v) for v in card.violations]  # type: ignore[misc]
            return played
        assert result.line is not None
        line = result.line
    raise AssertionError(f"{scenario_id} did not end in {MAX_TURNS} turns")
