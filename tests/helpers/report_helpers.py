"""Attempts played through the real engine for the report tests: a person answers every client
line well (the phrases of the state's hint, as `play_helpers.good_reply`) or badly, optionally
leaves the run early, and the result is what the engine's own views said (for hand counts)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from play_helpers import good_reply

from bot.service import TrainingService
from scenarios import ClientLine, Scenario

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


def _good(scenario: Scenario, line: ClientLine) -> str:
    """The state's hint phrases; for a state without one, the phrases of the hint the run
    offers (built from the standard's examples)."""
    return good_reply(scenario, line.state, "Сотрудник") or " ".join(
        re.findall(r"«([^»]+)»", line.hint or ""))


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
        reply = (_good(scenario, line) if good else "ну да, посмотрим") + suffix
        played.replies.append(reply)
        played.client_lines.append(line.text)
        result = await service.answer(view.attempt_id, reply, person_id=person_id)
        if result.final is not None:
            card = result.final.card
            played.status, played.score, played.passed = "finished", card.score, card.passed
            played.steps = dict(card.steps)
            played.violations = [(v.check, v.quote) for v in card.violations]
            return played
        assert result.line is not None
        line = result.line
    raise AssertionError(f"{scenario_id} did not end in {MAX_TURNS} turns")


# --- a small company played through the engine -------------------------------------------------

FORGET_NAME = "Евлампия Кукушкина"
FORGET_MARK = " Ёжикотаврия."
"""A sentence no scenario, hint or standard holds: the forgotten person's replies end with it."""


@dataclass
class World:
    """Two teams, an HR person of team A, and attempts played through the real engine."""

    team_a: int
    team_b: int
    hr_telegram: int
    people: dict[str, int]  # name -> person id
    played: list[Played]
    admin_telegram: int

    def of(self, *names: str) -> list[Played]:
        ids = {self.people[n] for n in names}
        return [p for p in self.played if p.person_id in ids]


TEAM_A, TEAM_B = "Отделение 1", "Отделение 2"
HR_TELEGRAM = 5001


async def build_world(service: TrainingService, admin_telegram: int) -> World:
    """Team A: Анна (hold good, hold bad, complaint mixed), Борис (hold good with a hint,
    transfer left after one reply), Евлампия (hold good and bad, every reply marked), Вера (no
    attempts). Team B: Глеб (hold good). Ирина is HR of team A (registered in «Кадры»)."""
    reg = service.people.register
    people = {
        "Анна Смирнова": reg(1001, "Анна Смирнова", team_name=TEAM_A).id,
        "Борис Петров": reg(1002, "Борис Петров", team_name=TEAM_A).id,
        FORGET_NAME: reg(1003, FORGET_NAME, team_name=TEAM_A).id,
        "Вера Кузнецова": reg(1004, "Вера Кузнецова", team_name=TEAM_A).id,
        "Глеб Орлов": reg(2001, "Глеб Орлов", team_name=TEAM_B).id,
        "Ирина Кадрова": reg(HR_TELEGRAM, "Ирина Кадрова", team_name="Кадры").id,
    }
    admin = service.people.identify(admin_telegram)
    service.reports.assign(admin, HR_TELEGRAM, TEAM_A)
    p = people
    played = [
        await play_run(service, p["Анна Смирнова"], "hold_request", quality="good"),
        await play_run(service, p["Анна Смирнова"], "hold_request", quality="bad"),
        await play_run(service, p["Анна Смирнова"], "complaint", quality="mixed"),
        await play_run(service, p["Борис Петров"], "hold_request", quality="good", hints=1),
        await play_run(service, p["Борис Петров"], "transfer", quality="good", stop_after=1),
        await play_run(service, p[FORGET_NAME], "hold_request", suffix=FORGET_MARK),
        await play_run(service, p[FORGET_NAME], "hold_request", quality="bad",
                       suffix=FORGET_MARK),
        await play_run(service, p["Глеб Орлов"], "hold_request", quality="good"),
    ]
    team = {t.name: t.id for t in service.reports.teams(admin)}
    return World(team[TEAM_A], team[TEAM_B], HR_TELEGRAM, people, played, admin_telegram)


def hand_count(played: list[Played], total_people: int) -> dict[str, object]:
    """The key figures counted by hand from what the engine said while playing."""
    done = [p for p in played if p.status == "finished"]
    scores = [p.score for p in done if p.score is not None]
    return {
        "people_active": len({p.person_id for p in played}),
        "people_total": total_people,
        "attempts": len(played),
        "completed": len(done),
        "abandoned": sum(1 for p in played if p.status == "abandoned"),
        "passed": sum(1 for p in done if p.passed),
        "pass_rate": round(sum(1 for p in done if p.passed) / len(done), 4),
        "avg_score": round(sum(scores) / len(scores), 1),
        "hints": sum(p.hints for p in played),
    }


def hand_checks(played: list[Played]) -> dict[str, tuple[int, int]]:
    """Step check -> (missed, required) over the finished attempts, from their score cards."""
    counts: dict[str, list[int]] = {}
    for p in played:
        if p.status != "finished":
            continue
        for check, ok in p.steps.items():
            missed, required = counts.setdefault(check, [0, 0])
            counts[check] = [missed + (not ok), required + 1]
    return {c: (m, r) for c, (m, r) in counts.items()}
