"""A run's result for every library scenario: whole-conversation credit and a score that adds up.

The trainees are simulated from the scenario's hints and the standard's recommended phrases
(`tests/helpers/trainee.py`), never from fixed texts.
"""

from __future__ import annotations

import pytest
from trainee import (
    RUDE,
    Phrases,
    all_but_one,
    late_trainee,
    play,
    recompute,
    rude_trainee,
    standard_trainee,
)

from scenarios import ClientLine, Engine, FinalCard, Scenario
from scoring import Standard

LIBRARY = [
    "complaint",
    "confidentiality",
    "corporate_client",
    "difficult_client",
    "hold_request",
    "phone_opening",
    "system_failure",
    "transfer",
]


def card_event(card: FinalCard) -> dict[str, object]:
    """The card's fields as the end event carries them (JSON types)."""
    return {
        "steps": card.steps,
        "weights": card.weights,
        "penalties": [p.model_dump() for p in card.penalties],
        "violations": [v.model_dump() for v in card.violations],
        "pass_mark": card.pass_mark,
        "outcome_passed": card.outcome_passed,
    }


def test_the_list_is_the_library(library: dict[str, Scenario]) -> None:
    assert sorted(library) == LIBRARY


@pytest.mark.parametrize("scenario_id", LIBRARY)
@pytest.mark.parametrize("seed", [1, 7, 12])
async def test_standard_phrases_pass_with_at_least_90(
    library: dict[str, Scenario], scenario_id: str, seed: int
) -> None:
    played = await play(library[scenario_id], standard_trainee, seed=seed)
    card = played.card
    detail = [(t.state, t.score.missed_steps, t.score.violations) for t in played.run.history]
    assert card.outcome == "resolved", detail
    assert card.passed and card.score >= 90, (card.score, detail)
    assert all(card.steps.values()) and card.violations == [] and card.penalties == []
    assert recompute(card_event(card)) == (card.score, card.passed)


@pytest.mark.parametrize("scenario_id", LIBRARY)
async def test_a_step_one_turn_late_is_credited_on_the_card(
    library: dict[str, Scenario], standard: Standard, scenario_id: str
) -> None:
    scenario = library[scenario_id]
    good = await play(scenario, standard_trainee)
    tried = 0
    for line in good.lines[:-1]:  # a line with another reply after it
        for step in line.expect:
            if standard.checks[step].step_window == "first":
                continue  # an opening step counts only in the opening
            try:
                late = await play(scenario, late_trainee(line.state, step))
            except AssertionError:
                continue  # no phrase of this scene keeps this step apart from the others
            tried += 1
            card = late.card
            held = next(i for i, seen in enumerate(late.lines) if seen.state == line.state)
            assert step in late.turns[held].score.missed_steps, (step, line.state)
            assert card.steps[step] is True, (step, line.state)
            assert card.credited_at[step] == held + 2 and card.expected_at[step] == held + 1
            assert step in card.late
            assert card.passed and card.score >= 90, (step, line.state, card.score)
            assert recompute(card_event(card)) == (card.score, card.passed)
    assert tried, f"{scenario_id}: no step can be made up a turn late"


@pytest.mark.parametrize("scenario_id", LIBRARY)
async def test_a_rude_trainee_fails_with_the_violations_quoted(
    library: dict[str, Scenario], scenario_id: str
) -> None:
    played = await play(library[scenario_id], rude_trainee)
    card = played.card
    assert not card.passed and card.outcome != "resolved"
    rude = [v for v in card.violations if v.check == "rudeness"]
    assert rude and all(v.quote and v.quote in RUDE and v.blocking for v in rude)
    assert {"violation"} == {p.reason for p in card.penalties}
    assert recompute(card_event(card)) == (card.score, card.passed)


@pytest.mark.parametrize("scenario_id", LIBRARY)
async def test_small_misses_never_exhaust_the_clients_patience(
    library: dict[str, Scenario], scenario_id: str
) -> None:
    """A trainee who leaves one step out of every reply gets feedback and a lower score, but
    the client neither hangs up nor escalates, and the run ends."""
    played = await play(library[scenario_id], all_but_one)
    assert played.card.outcome == "resolved", [t.state for t in played.run.history]
    assert played.run.strikes == 0
    assert not all(played.card.steps.values())


async def test_a_step_done_early_is_not_demanded_again(library: dict[str, Scenario]) -> None:
    """Registering the complaint one turn early: the next line does not expect it, the reply is
    not marked down for it, the client's line acknowledges it, and the card credits it."""
    scenario = library["complaint"]

    def early(phrases: Phrases, line: ClientLine, turn: int) -> str:
        steps = list(line.expect)
        if line.state == "details":
            steps.append("register_complaint")
        return phrases.reply(steps)

    played = await play(scenario, early)
    index = [line.state for line in played.lines].index("wants_complaint")
    asked = played.lines[index]
    assert "register_complaint" not in asked.expect
    assert asked.text.startswith("Хорошо, розыск. И спасибо, что зафиксируете.")
    turn = played.turns[index]
    assert turn.already == ["register_complaint"]
    assert "register_complaint" not in turn.score.missed_steps and turn.score.score == 100
    card = played.card
    assert card.steps["register_complaint"] is True and "register_complaint" in card.early
    assert card.score == 100 and card.passed


async def test_an_opening_step_is_not_credited_later(library: dict[str, Scenario]) -> None:
    """«Здравствуйте» in the second reply does not make up for the greeting the first lacked:
    the opening steps' window is the first reply."""
    scenario = library["complaint"]

    def late_greeting(phrases: Phrases, line: ClientLine, turn: int) -> str:
        if turn == 0:
            return phrases.reply([s for s in line.expect if s != "greeting"], avoid=["greeting"])
        return phrases.reply(["greeting", *line.expect])

    played = await play(scenario, late_greeting)
    assert played.card.steps["greeting"] is False
    assert "greeting" not in played.turns[1].grade.verdicts  # its window was closed
    assert played.card.passed  # one opening step missed: a lower score, still a pass


async def test_steps_of_branches_never_reached_are_not_listed(
    library: dict[str, Scenario],
) -> None:
    played = await play(library["hold_request"], standard_trainee)
    visited = {t.state for t in played.run.history}
    expected = {s for sid in visited for s in library["hold_request"].states[sid].expect}
    assert set(played.card.steps) == expected
    assert "callback_offer" not in played.card.steps  # only the hold_pushback branch asks it


async def test_the_score_is_the_step_share_minus_penalties(
    library: dict[str, Scenario], standard: Standard
) -> None:
    """A hint and a forbidden phrase: each costs its points once, off the steps' share."""
    scenario = library["difficult_client"]
    engine = Engine(scenario, standard=standard)
    run = engine.start(seed=3)
    engine.hint(run)
    first = await engine.client_line(run)
    await engine.reply(run, "Добрый вечер! Приношу извинения за ожидание. Не знаю, почему так.")
    assert first.expect == ["greeting", "empathy", "apology"]
    card = engine.card(run)
    forbidden = standard.checks["forbidden_phrase"].penalty
    assert card.steps == {"greeting": True, "empathy": False, "apology": True}
    assert card.step_score == round(100 * 2 / 3)
    assert [(p.reason, p.check, p.points) for p in card.penalties] == [
        ("violation", "forbidden_phrase", forbidden),
        ("hint", None, standard.hint_penalty),
    ]
    assert card.score == card.step_score - forbidden - standard.hint_penalty
    assert not card.passed  # not finished: the outcome does not count as a pass yet


def test_passed_needs_all_three_rules() -> None:
    base = {
        "steps": {"a": True, "b": True},
        "weights": {"a": 1.0, "b": 1.0},
        "penalties": [],
        "violations": [],
        "pass_mark": 70,
        "outcome_passed": True,
    }
    assert recompute(base) == (100, True)
    assert recompute(base | {"outcome_passed": False}) == (100, False)
    blocked = [{"check": "rudeness", "quote": "чё", "blocking": True}]
    assert recompute(base | {"violations": blocked}) == (100, False)
    assert recompute(base | {"penalties": [{"points": 40}]}) == (60, False)
    assert recompute(base | {"penalties": [{"points": 140}]}) == (0, False)
