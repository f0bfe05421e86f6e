"""The score card a trainee sees (both doors compose it in `bot.feedback`): the same numbers as
the end event, one plain line of arithmetic, the reason for a fail, and the notes on steps
credited in another reply."""

from __future__ import annotations

import re

import pytest
from trainee import late_trainee, play, rude_trainee, standard_trainee

from bot.feedback import arithmetic, score_card, turn_feedback
from bot.service import CardView
from bot.texts import Texts
from scenarios import CardViolation, FinalCard, Penalty, Scenario, load_library
from scoring import default_standard

STANDARD = default_standard()
TEXTS = Texts()
SUM = re.compile(
    r"Шаги: (\d+) из (\d+) \((\d+)\)(?: − нарушения (\d+))?(?: − подсказки (\d+))? = "
    r"(?:(-?\d+), то есть )?(\d+) из 100; зачёт от (\d+)\."
)


def make_card(**changes: object) -> FinalCard:
    fields: dict[str, object] = {
        "formula": 2, "score": 37, "passed": False, "outcome": "resolved", "outcome_passed": True,
        "pass_mark": 70, "step_score": 67,
        "steps": {"greeting": True, "empathy": False, "apology": True},
        "weights": {"greeting": 1.0, "empathy": 1.0, "apology": 1.0},
        "violations": [CardViolation(check="forbidden_phrase", quote="Не знаю", turn=1)],
        "penalties": [
            Penalty(reason="violation", check="forbidden_phrase", points=25, turn=1),
            Penalty(reason="hint", points=5),
        ],
        "expected_at": {"greeting": 1, "empathy": 1, "apology": 1},
        "credited_at": {"greeting": 1, "apology": 1},
        "missed_recommended": {"empathy": ["Понимаю Ваше недовольство."]},
        "turns": 3, "hints": 1, "hint_cost": 5,
    }
    return FinalCard.model_validate(fields | changes)


def lines(card: FinalCard) -> list[str]:
    view = CardView(card, "x", "Сценарий", "2024-01-01T10:00:00+00:00",
                    "2024-01-01T10:03:00+00:00")
    return [line.text for line in score_card(TEXTS, STANDARD, view)]


def test_the_arithmetic_line() -> None:
    assert arithmetic(TEXTS, make_card()) == (
        "Шаги: 2 из 3 (67) − нарушения 25 − подсказки 5 = 37 из 100; зачёт от 70."
    )
    clean = make_card(score=100, passed=True, step_score=100, penalties=[], violations=[])
    assert arithmetic(TEXTS, clean) == "Шаги: 2 из 3 (100) = 100 из 100; зачёт от 70."
    floor = make_card(score=0, penalties=[Penalty(reason="violation", check="rudeness",
                                                  points=80)])
    assert arithmetic(TEXTS, floor) == (
        "Шаги: 2 из 3 (67) − нарушения 80 = -13, то есть 0 из 100; зачёт от 70."
    )


def test_a_resolved_run_that_fails_says_why() -> None:
    text = lines(make_card())
    assert "Результат: 37/100 — незачёт ❌" in text
    assert "Почему незачёт: набрано 37, а нужно не меньше 70." in text
    assert text.index("Почему незачёт: набрано 37, а нужно не меньше 70.") < text.index(
        "Клиент доволен, вопрос решён.")


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"outcome": "hung_up", "outcome_passed": False, "score": 80},
         "клиент прервал разговор, а зачёт — только когда вопрос решён"),
        ({"violations": [CardViolation(check="rudeness", quote="чё", blocking=True, turn=2)],
          "score": 80},
         f"«{STANDARD.checks['rudeness'].title}» — нарушение, при котором зачёт невозможен"),
        ({"abandoned": True, "outcome": None, "outcome_passed": False, "score": 80},
         "сценарий не доведён до конца"),
    ],
)
def test_each_rule_that_fails_is_named(changes: dict[str, object], reason: str) -> None:
    (why,) = [t for t in lines(make_card(**changes)) if t.startswith("Почему незачёт")]
    assert why == f"Почему незачёт: {reason}."


def test_a_passed_card_gives_no_reason() -> None:
    card = make_card(score=90, passed=True, penalties=[], violations=[])
    assert not [t for t in lines(card) if t.startswith("Почему")]


def test_steps_credited_in_another_reply_say_so() -> None:
    card = make_card(credited_at={"greeting": 1, "apology": 3, "empathy": 1},
                     expected_at={"greeting": 1, "apology": 2, "empathy": 2},
                     steps={"greeting": True, "apology": True, "empathy": True})
    text = lines(card)
    title = {c: STANDARD.checks[c].title for c in ("apology", "empathy", "forbidden_phrase")}
    assert f"✅ {title['apology']} — засчитано в реплике 3 (ожидалось в реплике 2)" in text
    assert f"✅ {title['empathy']} — сделано заранее, в реплике 1" in text
    assert f"⛔ {title['forbidden_phrase']} (реплика 1): «Не знаю»" in text


def test_an_old_card_is_shown_as_it_was_stored() -> None:
    """A card of formula 1 (before the run formula; violations as pairs) is never recalculated:
    it shows its own score, without an arithmetic line it never had."""
    old = FinalCard.model_validate({
        "score": 28, "passed": False, "outcome": "resolved",
        "steps": {"greeting": True}, "violations": [["forbidden_phrase", "Не знаю"]],
        "missed_recommended": {}, "turns": 4,
    })
    assert old.formula == 1 and old.violations[0].quote == "Не знаю"
    text = lines(old)
    assert "Результат: 28/100 — незачёт ❌" in text
    assert not [t for t in text if t.startswith(("Шаги:", "Почему"))]


LIBRARY = load_library()


@pytest.mark.parametrize("scenario_id", sorted(LIBRARY))
async def test_the_card_line_adds_up_for_every_library_run(scenario_id: str) -> None:
    scenario: Scenario = LIBRARY[scenario_id]
    state, step = next((sid, s) for sid, st in scenario.states.items() for s in st.expect
                       if STANDARD.checks[s].step_window != "first")
    for trainee in (standard_trainee, rude_trainee, late_trainee(state, step)):
        card = (await play(scenario, trainee)).card
        (line,) = [t for t in lines(card) if t.startswith("Шаги:")]
        match = SUM.fullmatch(line)
        assert match, line
        done, total, share, violations, hints, _raw, score, pass_mark = (
            int(g) if g else 0 for g in match.groups())
        assert (done, total) == (sum(card.steps.values()), len(card.steps))
        assert share == card.step_score and score == card.score and pass_mark == card.pass_mark
        assert max(0, share - violations - hints) == card.score


async def test_reply_feedback_notes_a_step_made_up() -> None:
    played = await play(LIBRARY["complaint"], late_trainee("details", "thank_for_feedback"))
    turn = next(t for t in played.turns if t.made_up)
    text = [line.text for line in turn_feedback(TEXTS, STANDARD, turn)]
    title = STANDARD.checks["thank_for_feedback"].title
    assert f"✅ {title} — засчитано теперь (раньше было пропущено)" in text
