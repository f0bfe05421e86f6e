"""Each library scenario walked with good replies (resolved, high score) and bad ones (not)."""

from __future__ import annotations

import pytest

from scenarios import Engine, RunState, Scenario

GOOD: dict[str, dict[str, str]] = {
    "hold_request": {
        "opening": "Доброе утро! Почта России, меня зовут Мария. Чем могу Вам помочь?",
        "request": "Ольга Николаевна, данную информацию мне необходимо уточнить, это займёт "
        "не более двух минут. Вы подождёте?",
        "back_from_hold": "Ольга Николаевна, спасибо за ожидание! Ваша посылка уже прибыла в "
        "Казань, завтра её доставят в отделение получателя.",
        "closing": "Спасибо за звонок, Ольга Николаевна! Всего доброго!",
    },
    "difficult_client": {
        "opening": "Добрый вечер! Я понимаю Ваше недовольство, Вам пришлось долго ждать. "
        "Приношу извинения за ожидание.",
        "request": "Сейчас я выдам Вам посылку. Уточните, пожалуйста, у Вас с собой "
        "удостоверение личности?",
        "closing": "Спасибо, что обратились в Казпочту! Всего доброго!",
    },
    "system_failure": {
        "opening": "Добрый день! К сожалению, в настоящий момент у нас возникли трудности "
        "технического характера. Я понимаю, как Вам это неудобно.",
        "asks_eta": "Точной информации о времени устранения пока нет, мы надеемся, что проблема "
        "будет решена оперативно. Сейчас мы с Вами заполним документы от руки, это займёт "
        "немного больше времени.",
        "closing": "Спасибо, что обратились к нам! Всего доброго!",
    },
    "complaint": {
        "opening": "Здравствуйте! Я понимаю Ваше недовольство. Приношу извинения за "
        "доставленные неудобства.",
        "details": "Спасибо, что обратили наше внимание на эту проблему. Я оформлю заявление "
        "на розыск отправления прямо сейчас.",
        "wants_complaint": "Я зафиксирую Ваше обращение. Также Вы можете оставить жалобу в книге "
        "отзывов и предложений, на сайте или через контакт-центр. Обращение будет рассмотрено "
        "в течение 10 рабочих дней.",
        "closing": "Спасибо, что обратились к нам. Могу я Вам ещё чем-то помочь?",
    },
    "phone_opening": {
        "ring": "Доброе утро! Казпочта, меня зовут Асель. Чем могу Вам помочь?",
        "request": "Конечно, подскажу. Как я могу к Вам обращаться?",
        "named": "Ерлан, уточните, пожалуйста, какое именно отделение на улице Абая Вас "
        "интересует: возле рынка или возле университета?",
        "closing": "Спасибо за звонок, Ерлан! Хорошего дня!",
    },
    "transfer": {
        "ring": "Добрый день! Почта России, меня зовут Ирина. Чем могу Вам помочь?",
        "request": "Виктор Андреевич, этим вопросом занимается специалист отдела продаж, "
        "сейчас я соединю Вас с ним.",
        "specialist_busy": "Виктор Андреевич, извините, специалист сейчас на другой линии. "
        "Разрешите Вам перезвонить, как только он освободится? Подскажите, пожалуйста, Ваш номер "
        "телефона.",
        "closing": "Итак, мы договорились, что специалист отдела продаж перезвонит Вам сегодня "
        "до 16:00. Спасибо за звонок! Всего доброго!",
    },
    "corporate_client": {
        "ring": "Мария Иванова, Почта России, здравствуйте!",
        "request": "Как я могу к Вам обращаться? Правильно ли я Вас поняла, что Вас интересуют "
        "отправления первого класса для всей корреспонденции?",
        "details": "Елена Викторовна, данную информацию мне необходимо уточнить. На поиск "
        "информации потребуется несколько минут. Вы подождёте или мне лучше Вам перезвонить?",
        "callback": "Итак, мы договорились, что я перезвоню Вам сегодня до 14:00 с расчётом "
        "стоимости. Спасибо за звонок, Елена Викторовна! Всего доброго!",
    },
    "confidentiality": {
        "opening": "Добрый вечер! К сожалению, я не могу сообщать данные других клиентов, "
        "извините. Давайте я дам Вам бланк доверенности: Ваш сосед сможет оформить её на Ваше "
        "имя или прийти в отделение сам.",
        "insists": "Я понимаю Ваше желание помочь соседу, но о чужих отправлениях я рассказать "
        "не могу. Давайте я дам Вам бланк доверенности, Бахыт оформит её на Ваше имя, и тогда "
        "Вы получите посылку.",
        "accepts": "Вот, пожалуйста, бланк. Могу я Вам ещё чем-то помочь?",
        "closing": "Спасибо, что обратились в Казпочту! Всего доброго!",
    },
}

# Replies a trainer would mark down: brush-offs, forbidden phrases, rudeness, leaking data.
BAD: dict[str, dict[str, str]] = {
    "hold_request": {"*": "Не знаю, ждите."},
    "difficult_client": {"*": "Не я график составляю, все ждут."},
    "system_failure": {"*": "Система не работает. Не знаю когда починят."},
    "complaint": {"*": "Это курьер виноват, а не я. Не знаю, где ваша посылка."},
    "phone_opening": {"*": "Алло."},
    "transfer": {"*": "Я этим не занимаюсь."},
    "corporate_client": {"*": "Ну, не знаю."},
    "confidentiality": {
        "*": "Да, посылка на его имя пришла, а его новый адрес улица Абая, 10.",
    },
}


async def walk(
    scenario: Scenario, replies: dict[str, str], seed: int = 7
) -> tuple[Engine, RunState]:
    """Play the scenario to its end, answering each state with its reply (or the "*" one)."""
    engine = Engine(scenario)
    run = engine.start(seed=seed, agent_name="Мария")
    for _ in range(20):
        if run.finished:
            break
        line = await engine.client_line(run)
        assert line.text
        reply = replies.get(run.state, replies.get("*"))
        assert reply is not None, f"{scenario.id}: no reply written for state {run.state}"
        await engine.reply(run, reply)
    assert run.finished, f"{scenario.id} did not finish"
    return engine, run


def test_every_library_scenario_has_paths(library: dict[str, Scenario]) -> None:
    assert set(GOOD) == set(library) == set(BAD)


@pytest.mark.parametrize("scenario_id", sorted(GOOD))
@pytest.mark.parametrize("seed", [1, 7])
async def test_good_path_is_resolved_with_high_score(
    library: dict[str, Scenario], scenario_id: str, seed: int
) -> None:
    engine, run = await walk(library[scenario_id], GOOD[scenario_id], seed)
    card = engine.final(run)
    detail = [
        (t.state, t.score.score, t.score.missed_steps, t.score.violations) for t in run.history
    ]
    assert run.outcome == "resolved", detail
    assert card.passed, detail
    assert card.score >= 80, detail
    assert card.violations == []
    assert all(card.steps.values()), card.steps


@pytest.mark.parametrize("scenario_id", sorted(BAD))
async def test_bad_path_loses_the_client_or_scores_low(
    library: dict[str, Scenario], scenario_id: str
) -> None:
    engine, run = await walk(library[scenario_id], BAD[scenario_id])
    card = engine.final(run)
    assert run.outcome in {"hung_up", "escalated"} or card.score < 50, run.outcome
    assert not card.passed
    assert card.score < 50
    assert card.missed_recommended, "missed steps come with the recommended wording"
