"""The trainer's workbench through the real Dispatcher: publish by document, the library's
buttons, previews, disputes ruled in chat — and a trainee refused every trainer action."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator

import pytest
from play_helpers import good_reply, state_of_line
from test_tg_handlers import client_text, open_briefing, register
from tg_harness import Chat, Sent

from bot.__main__ import App
from bot.telegram.callbacks import LibCb, PublishCb, RuleCb
from scenarios import LIBRARY_PATH

ChatFactory = Callable[..., Chat]
HOLD = (LIBRARY_PATH / "hold_request.yaml").read_text(encoding="utf-8")
NEW_LINE = "Алло! Это почта? Добрый день, я по поводу посылки."
HOLD_V2 = HOLD.replace('"(Входящий звонок.) Алло! Это почта? Здравствуйте."', f'"{NEW_LINE}"')
HOLD_BROKEN = HOLD.replace("expect: [hold_reason, hold_duration, hold_consent]",
                           "expect: [hold_reason, hold_durration, hold_consent]")


async def trainer_chat(chat: ChatFactory, app: App, user_id: int = 701,
                       team: str = "Отделение 101") -> Chat:
    user = chat(user_id, "Ирина")
    await register(user, "Ирина Тренер", team)
    person = app.storage.person_by_telegram(user_id)
    assert person is not None
    app.storage.grant_role(person.id, "trainer")
    return user


@pytest.fixture(autouse=True)
def _no_unexpected_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """A handler that raised (and was answered «что-то пошло не так») fails the test."""
    yield
    errors = [r for r in caplog.get_records("call")
              if r.name == "bot.telegram.errors" and r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


def library_state(app: App) -> list[tuple[str, int, bool]]:
    return [(e.scenario_id, e.current.number, e.enabled) for e in app.storage.library_entries()]


def card_of(app: App, user: Chat, scenario_id: str) -> Sent:
    """Open a scenario's card from /scenarios."""
    return next(s for s in user.log[::-1] if scenario_id in s.text and "Версии" in s.text)


async def open_card(user: Chat, app: App, scenario_id: str) -> Sent:
    listing = (await user.command("scenarios"))[-1]
    title = app.library[scenario_id].title if scenario_id in app.library else scenario_id
    await user.press(listing, title)
    return user.last()


async def test_a_broken_upload_names_the_line_and_changes_nothing(chat: ChatFactory,
                                                                  app: App) -> None:
    trainer = await trainer_chat(chat, app)
    before = library_state(app)
    answer = await trainer.document("hold_request.yaml", HOLD_BROKEN.encode())
    line = next(i for i, text in enumerate(HOLD_BROKEN.splitlines(), 1) if "hold_durration" in text)
    assert "не опубликован" in answer[-1].text and "ничего не изменилось" in answer[-1].text
    assert f"hold_request.yaml:{line}:" in answer[-1].text
    assert "неизвестная проверка «hold_durration»" in answer[-1].text
    assert "states.request.expect[2]" in answer[-1].text
    assert library_state(app) == before


async def test_a_valid_upload_is_a_new_version_trainees_see_while_old_attempts_keep_theirs(
    chat: ChatFactory, app: App
) -> None:
    trainee = chat(702)
    await register(trainee)
    running = await trainee.press(await open_briefing(trainee, app), "Начать")
    old_line = client_text([s for s in running if "Клиент:" in s.text][-1])
    person = app.storage.person_by_telegram(702)
    assert person is not None
    [old_attempt] = app.storage.list_attempts(person.id)

    trainer = await trainer_chat(chat, app)
    answer = await trainer.document("hold_request.yaml", HOLD_V2.encode())
    assert "Опубликовано" in answer[-1].text and "версия 2" in answer[-1].text
    assert ("hold_request", 2, True) in library_state(app)
    assert app.service.scenario("hold_request").states["opening"].texts()[0] == NEW_LINE

    # the trainee's run goes on on version 1 …
    scenario_v1 = app.storage.get_scenario_version(old_attempt.scenario_version_id)
    assert app.storage.get_attempt(old_attempt.id).scenario_version_id == scenario_v1.id
    assert NEW_LINE not in scenario_v1.content and old_line
    await trainee.command("cancel")
    # … and the next run is played on version 2
    started = await trainee.press(await open_briefing(trainee, app), "Начать")
    newest = app.storage.list_attempts(person.id)[0]
    assert newest.scenario_version_id != old_attempt.scenario_version_id
    stored = app.storage.get_scenario_version(newest.scenario_version_id)
    assert NEW_LINE in stored.content and started


async def test_a_disabled_scenario_disappears_for_trainees(chat: ChatFactory, app: App) -> None:
    trainer = await trainer_chat(chat, app)
    card = await open_card(trainer, app, "transfer")
    assert "Стажёры видят сценарий: да" in card.text
    await trainer.press(card, "Скрыть от стажёров")
    assert ("transfer", 1, False) in library_state(app)
    assert "нет — скрыт" in trainer.last().text  # the card is redrawn
    trainee = chat(703)
    await register(trainee)
    await trainee.press(trainee.find("Главное меню"), "Тренировка")
    kinds = [label for label, _ in trainee.last().buttons()]
    assert not any("Перевод" in label for label in kinds), kinds
    listing = (await trainer.command("scenarios"))[-1]
    assert "🚫 <code>transfer</code>" in listing.text  # the trainer still sees it, marked
    await trainer.press(trainer.last(), app.storage.library_entry("transfer").current.title)
    await trainer.press(trainer.last(), "Показать стажёрам")
    assert ("transfer", 1, True) in library_state(app)


async def test_download_gives_back_the_published_file_and_the_diagram_is_a_png(
    chat: ChatFactory, app: App
) -> None:
    trainer = await trainer_chat(chat, app)
    await trainer.document("hold_request.yaml", HOLD_V2.encode())
    card = await open_card(trainer, app, "hold_request")
    [document] = await trainer.press(card, "Скачать YAML")
    assert document.file_name == "hold_request.yaml" and document.data == HOLD_V2.encode()
    assert "версия 2" in document.text
    [photo] = await trainer.press(card, "Схема")
    assert photo.data is not None and photo.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert photo.file_name == "hold_request.png"


async def test_a_preview_plays_like_a_trainee_and_counts_in_no_report(
    chat: ChatFactory, app: App
) -> None:
    trainer = await trainer_chat(chat, app)
    scenario = app.service.scenario("hold_request")
    sent = await trainer.press(await open_card(trainer, app, "hold_request"), "Пройти как стажёр")
    assert any("Предпросмотр" in s.text for s in sent)
    for _ in range(15):
        if any("Результат:" in s.text for s in sent):
            break
        line = [s for s in sent if "Клиент:" in s.text][-1]
        sent = await trainer.send(good_reply(scenario, state_of_line(scenario, client_text(line))))
    card = next(s for s in sent if "Результат:" in s.text)
    assert "не попала в отчёты" in card.text and "Ещё раз" not in str(card.buttons())
    person = app.storage.person_by_telegram(701)
    assert person is not None
    [attempt] = app.storage.list_attempts(person.id, include_preview=True)
    assert attempt.preview and attempt.status == "finished"
    assert app.storage.list_attempts(person.id) == []
    progress = await trainer.command("progress")
    assert "ещё не проходили" in progress[-1].text


async def test_stats_and_self_test_from_the_card(chat: ChatFactory, app: App) -> None:
    trainer = await trainer_chat(chat, app)
    trainee = chat(704)
    await register(trainee)
    await trainee.press(await open_briefing(trainee, app), "Начать")
    await trainee.send("да")  # a poor reply: counted in the funnel
    card = await open_card(trainer, app, "hold_request")
    sent = await trainer.press(card, "Где ошибаются")
    photo = next(s for s in sent if s.data)
    assert photo.data is not None and photo.data[:4] == b"\x89PNG"
    numbers = next(s for s in sent if "где ошибаются стажёры" in s.text)
    assert "1 попытка —" in numbers.text and "• opening: дошли 1 (100 %)" in numbers.text
    tested = await trainer.press(card, "Самопроверка")
    assert "Самопроверка пройдена" in tested[-1].text


async def test_a_trainee_is_refused_every_trainer_action_even_with_crafted_buttons(
    chat: ChatFactory, app: App
) -> None:
    trainer = await trainer_chat(chat, app)
    card = await open_card(trainer, app, "hold_request")
    trainee = chat(705)
    await register(trainee)
    before = library_state(app)
    denied = await trainee.command("scenarios")
    assert "только тренерам и администраторам" in denied[-1].text
    uploaded = await trainee.document("hold_request.yaml", HOLD_V2.encode())
    assert "можно только тренерам" in uploaded[-1].text
    version = app.storage.library_entry("hold_request").current.id
    crafted = [LibCb(action=a, v=version).pack() for a in
               ("open", "off", "yaml", "png", "play", "stats", "test", "list")]
    crafted += [PublishCb(ok=1).pack(), RuleCb(d=1, ok=1).pack()]
    for data in crafted:
        fake = Sent(card.chat_id, card.message_id, card.text, card.markup)
        update = trainee.press_update(fake, "Скрыть")
        assert update.callback_query is not None
        call = update.callback_query.model_copy(update={"data": data})
        answer = await trainee.feed(update.model_copy(update={"callback_query": call}))
        assert not [s for s in answer if s.data], data  # no file, no picture
        alerts = [a for a in trainee.session.answers() if a.show_alert]
        assert alerts and "доступно только тренерам" in (alerts[-1].text or ""), data
    assert library_state(app) == before
    person = app.storage.person_by_telegram(705)
    assert person is not None and app.storage.list_attempts(person.id, include_preview=True) == []


async def test_a_dispute_accepted_in_chat_changes_the_verdict_and_score_once(
    chat: ChatFactory, app: App
) -> None:
    trainer = await trainer_chat(chat, app)
    trainee = chat(706)
    await register(trainee)  # the same team as the trainer
    scenario = app.service.scenario("hold_request")
    sent = await trainee.press(await open_briefing(trainee, app), "Начать")
    first = [s for s in sent if "Клиент:" in s.text][-1]
    # a reply without the company's name: company_name is ❌ in the feedback
    sent = await trainee.send("Доброе утро! Меня зовут Мария. Чем могу Вам помочь?")
    feedback = [s for s in sent if "Оспорить" in str(s.buttons())][-1]
    picker = (await trainee.press(feedback, "Оспорить"))[-1]
    assert "Какую оценку" in picker.text
    asked = (await trainee.press(picker, "Назвать компанию"))[-1]
    assert "Оспариваете" in asked.text
    sent_dispute = await trainee.send("Я же сказала, что это почта!")
    assert "Продолжаем разговор" in sent_dispute[-1].text  # the comment is not an answer
    person = app.storage.person_by_telegram(706)
    assert person is not None
    [attempt] = app.storage.list_attempts(person.id)
    assert len(app.storage.turns(attempt.id)) == 1
    to_trainer = trainer.new()
    dispute_msg = next(s for s in to_trainer if "Спор #" in s.text)
    assert "Я же сказала, что это почта!" in dispute_msg.text and "Меня зовут Мария" in dispute_msg.text
    assert "не засчитано" in dispute_msg.text and first.text

    # the run goes on to the end
    line = [s for s in sent if "Клиент:" in s.text][-1]
    for _ in range(15):
        sent = await trainee.send(good_reply(scenario, state_of_line(scenario, client_text(line))))
        if any("Результат:" in s.text for s in sent):
            break
        line = [s for s in sent if "Клиент:" in s.text][-1]
    before = app.storage.get_attempt(attempt.id)
    assert before.status == "finished" and before.card is not None

    await trainer.press(dispute_msg, "Принять")
    ruled = trainer.last()
    assert ruled.edited and "Принято" in ruled.text and ruled.buttons() == []
    after = app.storage.get_attempt(attempt.id)
    assert after.reviewed_at is not None and after.original_score == before.score
    assert after.card is not None
    assert after.card["steps"]["company_name"] is True or before.card["steps"]["company_name"]
    assert after.score is not None and before.score is not None and after.score >= before.score
    told = [s for s in trainee.new() if "Ваш спор" in s.text]
    assert told and "принят" in told[-1].text
    assert re.search(rf"было {before.score}, стало {after.score}", told[-1].text)
    # a second tap (or another trainer) changes nothing
    await trainer.feed(trainer.press_update(dispute_msg, "Принять"))
    alerts = [a for a in trainer.session.answers() if a.show_alert]
    assert alerts and "уже принято решение" in (alerts[-1].text or "")
    assert app.storage.get_attempt(attempt.id).score == after.score
    [dispute] = app.storage.list_disputes()
    assert dispute.status == "accepted" and dispute.ruled_by_name == "Ирина Тренер"


async def test_a_dispute_from_the_score_card_and_a_rejection(chat: ChatFactory,
                                                            app: App) -> None:
    trainer = await trainer_chat(chat, app)
    trainee = chat(707)
    await register(trainee)
    sent = await trainee.press(await open_briefing(trainee, app, mode_button="Экзамен"), "Начать")
    for _ in range(15):
        if any("Результат:" in s.text for s in sent):
            break
        sent = await trainee.send("да")
    card = next(s for s in sent if "Результат:" in s.text)
    picker = (await trainee.press(card, "Оспорить"))[-1]
    assert "Реплика 1:" in str(picker.buttons())
    asked = (await trainee.press(picker, "Реплика 1"))[-1]
    await trainee.press(asked, "Без комментария")
    assert "Спор отправлен тренеру" in trainee.last().text
    assert any("Спор #" in s.text for s in trainer.new())
    listed = await trainer.command("disputes")  # the open ones again, each with its buttons
    assert "Открытых споров: 1" in listed[0].text
    dispute_msg = listed[1]
    assert "Спор #" in dispute_msg.text and "Отклонить" in str(dispute_msg.buttons())
    person = app.storage.person_by_telegram(707)
    assert person is not None
    score = app.storage.list_attempts(person.id)[0].score
    await trainer.press(dispute_msg, "Отклонить")
    assert "Отклонено" in trainer.last().text
    told = [s for s in trainee.new() if "Ваш спор" in s.text]
    assert told and "отклонён" in told[-1].text
    assert app.storage.list_attempts(person.id)[0].score == score
    assert "Открытых споров нет" in (await trainer.command("disputes"))[0].text


