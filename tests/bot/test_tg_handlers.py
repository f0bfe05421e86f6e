"""Handler level: real Updates through the real Dispatcher, real SQLite storage in tmp_path."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.methods import SendChatAction, SendMessage
from play_helpers import BAD_REPLY, good_reply, state_of_line
from tg_harness import ADMIN_ID, Chat, RecordingSession, Sent

from bot.__main__ import App
from bot.telegram.play import TYPING_AFTER
from bot.telegram.split import TELEGRAM_LIMIT

SCENARIO = "hold_request"
ChatFactory = Callable[..., Chat]


async def register(chat: Chat, name: str = "Мария Иванова", team: str = "Отделение 101") -> None:
    await chat.command("start")
    await chat.send(name)
    await chat.send(team)


async def open_briefing(chat: Chat, app: App, scenario_id: str = SCENARIO,
                        mode_button: str = "Тренировка") -> Sent:
    menu = chat.find("Главное меню")
    await chat.press(menu, mode_button)
    scenario = app.library[scenario_id]
    kinds = chat.last()
    from bot.telegram.render import kind_label

    await chat.press(kinds, kind_label(app.texts, scenario.kind))
    await chat.press(chat.last(), scenario.title)
    return chat.last()


def client_text(sent: Sent) -> str:
    """The client's line inside a bot message (after «Клиент:»)."""
    match = re.search(r"Клиент:</b> (.*)", sent.text, re.S)
    assert match, sent.text
    return match.group(1).split("\n")[0].strip()


def final_score(sent: Sent) -> int:
    match = re.search(r"Результат: (\d+)/100", sent.text)
    assert match, sent.text
    return int(match.group(1))


async def play(chat: Chat, app: App, good: bool, max_turns: int = 15) -> Sent:
    """Answer every client line (well or badly) until the score card comes; return the card."""
    scenario = app.library[SCENARIO]
    briefing = await open_briefing(chat, app)
    sent = await chat.press(briefing, "Начать")
    for _ in range(max_turns):
        card = [s for s in sent if "Результат:" in s.text]
        if card:
            return card[-1]
        line = [s for s in sent if "Клиент:" in s.text][-1]
        state = state_of_line(scenario, client_text(line))
        sent = await chat.send(good_reply(scenario, state) if good else BAD_REPLY)
    raise AssertionError("the scenario did not end")


async def test_registration_stores_name_and_team(chat: ChatFactory, app: App) -> None:
    user = chat(101)
    welcome = await user.command("start")
    assert "Как вас подписывать" in welcome[0].text
    ask_team = await user.send("Мария Иванова")
    assert "команде" in ask_team[0].text
    done = await user.send("Отделение 101")
    assert any("Главное меню" in s.text for s in done)
    person = app.storage.person_by_telegram(101)
    assert person is not None and person.display_name == "Мария Иванова"
    assert person.team_id is not None
    assert app.storage.get_team(person.team_id).name == "Отделение 101"


async def test_invite_deep_link_joins_the_team_without_asking(chat: ChatFactory, app: App) -> None:
    team = app.storage.create_team("Казань-1", invite_code="kzn1")
    user = chat(102)
    await user.command("start", "team_kzn1")
    done = await user.send("Пётр Петров")
    assert any("Главное меню" in s.text for s in done)
    person = app.storage.person_by_telegram(102)
    assert person is not None and person.team_id == team.id


async def test_a_scenario_played_well_scores_higher_than_played_badly(
    chat: ChatFactory, app: App
) -> None:
    good, bad = chat(201), chat(202)
    await register(good)
    await register(bad)
    good_card, bad_card = await play(good, app, good=True), await play(bad, app, good=False)
    assert "✅" in good_card.text and "Время:" in good_card.text
    assert "❌" in bad_card.text
    assert final_score(good_card) > final_score(bad_card)
    assert final_score(good_card) >= 70
    assert "Ещё раз" in str(good_card.buttons()) and "Другой сценарий" in str(good_card.buttons())
    for uid, card in ((201, good_card), (202, bad_card)):
        person = app.storage.person_by_telegram(uid)
        assert person is not None
        [attempt] = app.storage.list_attempts(person.id)
        assert attempt.status == "finished" and attempt.score == final_score(card)


async def test_sticker_instead_of_an_answer_is_refused_and_not_stored(
    chat: ChatFactory, app: App
) -> None:
    user = chat(301)
    await register(user)
    await user.press(await open_briefing(user, app), "Начать")
    answer = await user.sticker()
    assert "ответьте текстом" in answer[0].text
    person = app.storage.person_by_telegram(301)
    assert person is not None
    [attempt] = app.storage.list_attempts(person.id)
    assert app.storage.turns(attempt.id) == [] and attempt.status == "active"


async def test_double_tap_on_start_begins_one_run(chat: ChatFactory, app: App, dp, bot) -> None:
    user = chat(401)
    await register(user)
    briefing = await open_briefing(user, app)
    first, second = user.press_update(briefing, "Начать"), user.press_update(briefing, "Начать")
    await asyncio.gather(dp.feed_update(bot, first), dp.feed_update(bot, second))
    person = app.storage.person_by_telegram(401)
    assert person is not None
    assert len(app.storage.list_attempts(person.id)) == 1
    assert len([s for s in user.new() if "Клиент:" in s.text]) == 1
    assert any(a.show_alert for a in user.session.answers())


async def test_two_messages_together_are_graded_in_order_once_each(
    chat: ChatFactory, app: App, dp, bot
) -> None:
    user = chat(402)
    await register(user)
    await user.press(await open_briefing(user, app), "Начать")
    one, two = user.update(text="первый ответ"), user.update(text="второй ответ")
    await asyncio.gather(dp.feed_update(bot, one), dp.feed_update(bot, two),
                         dp.feed_update(bot, one))  # the same update delivered twice
    person = app.storage.person_by_telegram(402)
    assert person is not None
    [attempt] = app.storage.list_attempts(person.id)
    turns = app.storage.turns(attempt.id)
    assert [t.reply_text for t in turns] == ["первый ответ", "второй ответ"]
    assert all(t.elapsed_seconds is not None and t.elapsed_seconds >= 0 for t in turns)


async def test_reply_after_the_end_is_not_graded(chat: ChatFactory, app: App) -> None:
    user = chat(501)
    await register(user)
    await play(user, app, good=False)
    person = app.storage.person_by_telegram(501)
    assert person is not None
    [attempt] = app.storage.list_attempts(person.id)
    turns = len(app.storage.turns(attempt.id))
    late = await user.send("а вот и я")
    assert "нет начатого сценария" in late[0].text
    assert len(app.storage.turns(attempt.id)) == turns
    assert app.storage.get_attempt(attempt.id).status == "finished"


async def test_cancel_records_the_run_as_abandoned(chat: ChatFactory, app: App) -> None:
    user = chat(601)
    await register(user)
    await user.press(await open_briefing(user, app), "Начать")
    sent = await user.command("cancel")
    assert "прерван" in sent[0].text
    person = app.storage.person_by_telegram(601)
    assert person is not None
    [attempt] = app.storage.list_attempts(person.id)
    assert attempt.status == "abandoned"
    assert "Отменять нечего" in (await user.command("cancel"))[0].text


async def test_exam_mode_gives_feedback_only_at_the_end_and_no_hint(
    chat: ChatFactory, app: App
) -> None:
    user = chat(602)
    await register(user)
    sent = await user.press(await open_briefing(user, app, mode_button="Экзамен"), "Начать")
    assert "Подсказка" not in str(sent[-1].buttons())
    sent = await user.send(BAD_REPLY)
    assert not any("/100" in s.text for s in sent if "Результат" not in s.text)


async def test_training_hint_is_shown_and_costs_points(chat: ChatFactory, app: App) -> None:
    user = chat(603)
    await register(user)
    line = (await user.press(await open_briefing(user, app), "Начать"))[-1]
    assert "−5" in str(line.buttons())
    hint = await user.press(line, "Подсказка")
    assert "Подсказка:" in hint[0].text
    person = app.storage.person_by_telegram(603)
    assert person is not None
    assert app.storage.list_attempts(person.id)[0].hints_used == 1


async def test_a_trainee_is_refused_on_trainer_hr_and_admin_commands(
    chat: ChatFactory, app: App
) -> None:
    user = chat(701)
    await register(user)
    expected = {"grant": "доступна только администраторам.",
                "scenarios": "доступна только тренерам и администраторам.",
                "team_report": "доступна только HR и администраторам.",
                "invite": "доступна только HR и администраторам."}
    for command, args in (("grant", f"{701} admin"), ("scenarios", ""), ("team_report", ""),
                          ("invite", "")):
        answer = await user.command(command, args)
        assert expected[command] in answer[0].text, command
        assert "admin" not in answer[0].text and "trainer" not in answer[0].text
    person = app.storage.person_by_telegram(701)
    assert person is not None and person.roles == ()


async def test_progress_shows_only_the_trainees_own_data(chat: ChatFactory, app: App) -> None:
    alice, bob = chat(801, "Алиса"), chat(802, "Боб")
    await register(alice, "Алиса Смирнова")
    await register(bob, "Боб Кузнецов")
    await play(alice, app, good=True)
    mine = await bob.command("progress")
    assert "ещё не проходили" in mine[0].text
    theirs = await alice.command("progress")
    assert app.library[SCENARIO].title in theirs[0].text and "1 попытка," in theirs[0].text
    assert all("Алиса" not in s.text for s in bob.log)


async def test_admin_grants_roles_and_hr_sees_only_their_team(
    chat: ChatFactory, app: App
) -> None:
    admin, hr, mate, other = chat(ADMIN_ID), chat(902), chat(903), chat(904)
    await register(admin, "Админ Админов", "Штаб")
    await register(hr, "Ирина Кадрова", "Отделение 5")
    await register(mate, "Коллега Один", "Отделение 5")
    await register(other, "Чужой Человек", "Отделение 9")
    granted = await admin.command("grant", "902 hr")
    assert "теперь HR" in granted[0].text
    report = await hr.command("team_report")
    assert "Коллега Один" in report[0].text and "Чужой Человек" not in report[0].text
    scenarios = await admin.command("scenarios")
    assert SCENARIO in scenarios[0].text
    denied = await mate.command("team_report")
    assert "доступна только HR и администраторам" in denied[0].text


async def test_no_message_is_over_the_telegram_limit(chat: ChatFactory, app: App) -> None:
    """A long team with long names: the report stays within 4096 characters (the not-trained
    list is cut with «…и ещё N») and everyone is reached page by page in the drill-down."""
    admin = chat(ADMIN_ID)
    await register(admin, "Админ Админов", "Большая команда")
    team_id = app.storage.person_by_telegram(ADMIN_ID).team_id  # type: ignore[union-attr]
    for i in range(120):
        app.storage.create_person(f"Сотрудник с очень длинным именем номер {i:03d} " + "я" * 20,
                                  telegram_id=10_000 + i, team_id=team_id)
    report = await admin.command("report")
    assert "и ещё 91" in report[-1].text
    labels: list[str] = []
    page = (await admin.press(report[-1], "Сотрудники"))[-1]
    for _ in range(20):
        labels += [text for text, _ in page.buttons()]
        if "▶️" not in str(page.buttons()):
            break
        await admin.press(page, "▶️")
        page = admin.last()
    assert any("номер 119" in label for label in labels)
    assert all(len(s.text) <= TELEGRAM_LIMIT for s in admin.session.sent)


async def test_unexpected_errors_are_told_to_the_user_not_swallowed_silently(
    chat: ChatFactory, app: App, monkeypatch, caplog
) -> None:
    user = chat(1601)
    await register(user)

    def broken(person_id: int) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(app.service, "progress", broken)
    answer = await user.command("progress")
    assert "Что-то пошло не так" in answer[0].text
    assert "database on fire" in caplog.text


async def test_unregistered_user_is_sent_to_start(chat: ChatFactory) -> None:
    stranger = chat(1602)
    answer = await stranger.send("привет")
    assert "/start" in answer[0].text


class _StorageCalls:
    """Counts the calls made into `Storage`'s public methods from outside it (a real database;
    a storage method calling another is one round trip, not two)."""

    def __init__(self, storage: object, monkeypatch) -> None:  # type: ignore[no-untyped-def]
        import sys

        self.calls: list[str] = []
        for name in dir(type(storage)):
            if name.startswith("_") or not callable(getattr(type(storage), name)):
                continue
            method = getattr(storage, name)

            def counted(*args, __name=name, __method=method, **kwargs):  # type: ignore[no-untyped-def]
                caller = sys._getframe(1).f_globals.get("__name__", "")
                if not caller.startswith("bot.storage"):
                    self.calls.append(__name)
                return __method(*args, **kwargs)

            monkeypatch.setattr(storage, name, counted)


async def test_one_graded_reply_costs_few_database_calls_and_is_graded_once(
    chat: ChatFactory, app: App, dp, bot, monkeypatch
) -> None:
    """An ordinary graded reply through the real Dispatcher: its update id is written with the
    turn (one owner, one transaction), and a redelivery of the same update changes nothing."""
    user = chat(404)
    await register(user)
    await user.press(await open_briefing(user, app), "Начать")
    counter = _StorageCalls(app.storage, monkeypatch)
    update = user.update(text="Здравствуйте! Почта России, меня зовут Мария.")
    await dp.feed_update(bot, update)
    assert len(counter.calls) < 10, counter.calls
    assert counter.calls.count("record_turn") == 1 and "mark_processed" not in counter.calls
    assert "is_processed" in counter.calls  # the redelivery guard is still there
    await dp.feed_update(bot, update)  # Telegram delivers it again (e.g. after a crash)
    person = app.storage.person_by_telegram(404)
    assert person is not None
    [attempt] = app.storage.list_attempts(person.id)
    assert len(app.storage.turns(attempt.id)) == 1 and attempt.turn_count == 1


async def test_another_trainees_hint_button_is_refused(chat: ChatFactory, app: App) -> None:
    """Crafted callback data naming someone else's attempt: refused, their run untouched."""
    owner, intruder = chat(405), chat(406)
    await register(owner)
    await register(intruder)
    line = (await owner.press(await open_briefing(owner, app), "Начать"))[-1]
    forged = owner.press_update(line, "Подсказка")
    assert forged.callback_query is not None
    call = forged.callback_query.model_copy(update={"from_user": intruder._user()})
    await intruder.feed(forged.model_copy(update={"callback_query": call}))
    person = app.storage.person_by_telegram(405)
    assert person is not None
    [attempt] = app.storage.list_attempts(person.id)
    assert attempt.hints_used == 0
    alerts = [a for a in intruder.session.answers() if a.show_alert]
    assert alerts and "Не нашёл" in (alerts[-1].text or "")


async def test_a_malformed_or_unknown_button_is_answered(chat: ChatFactory, app: App) -> None:
    """Forged or stale callback data never leaves the button spinning."""
    user = chat(407)
    await register(user)
    menu = user.find("Главное меню")
    for data in ("h:not-a-number", "zz:whatever", "go:training"):
        update = user.press_update(menu, "Тренировка")
        assert update.callback_query is not None
        call = update.callback_query.model_copy(update={"data": data})
        before = len(user.session.answers())
        await user.feed(update.model_copy(update={"callback_query": call}))
        assert len(user.session.answers()) == before + 1, data


async def test_a_reply_delivered_again_is_neither_graded_nor_answered_again(
    chat: ChatFactory, app: App, dp, bot
) -> None:
    """After a restart Telegram may deliver a handled reply again: no second turn and no second
    answer (an answer a crash left unsent goes out at start-up, `deliver_pending`; sent again
    here, it would reach a trainee who has answered it already)."""
    user = chat(408)
    await register(user)
    await user.press(await open_briefing(user, app), "Начать")
    update = user.update(text="Здравствуйте! Почта России, меня зовут Мария.")
    await dp.feed_update(bot, update)
    first = user.new()
    await dp.feed_update(bot, update)
    again = user.new()
    person = app.storage.person_by_telegram(408)
    assert person is not None
    [attempt] = app.storage.list_attempts(person.id)
    assert len(app.storage.turns(attempt.id)) == 1
    assert any("Клиент:" in s.text for s in first) and again == []


async def test_an_update_kept_but_never_handled_is_replayed_once(
    chat: ChatFactory, app: App, dp, bot
) -> None:
    """The bot died after Telegram's batch was kept in the inbox (and confirmed), before the
    reply was graded: at start-up it is replayed and graded; a handled one is not."""
    import asyncio

    from bot.telegram.inbox import replay

    user = chat(409)
    await register(user)
    await user.press(await open_briefing(user, app), "Начать")
    lost = user.update(text="Здравствуйте! Почта России, меня зовут Мария.")
    handled = user.update(text="ещё один ответ")
    app.service.keep_received([
        (u.update_id, u.model_dump_json(exclude_none=True, by_alias=True)) for u in (lost, handled)
    ])
    app.storage.mark_processed("update", handled.update_id)  # this one was handled in time
    await asyncio.gather(*replay(dp, bot, app.service))
    person = app.storage.person_by_telegram(409)
    assert person is not None
    [attempt] = app.storage.list_attempts(person.id)
    assert [t.reply_text for t in app.storage.turns(attempt.id)] == [lost.message.text]  # type: ignore[union-attr]
    assert app.service.unhandled() == []
    assert await asyncio.gather(*replay(dp, bot, app.service)) == []


async def test_an_answer_stored_but_never_sent_goes_out_at_start_up(
    chat: ChatFactory, app: App, dp, bot
) -> None:
    """The bot died between storing a turn and sending its answer: the next start sends the
    line that awaits an answer (or the card), once."""
    from bot.telegram.redelivered import deliver_pending

    user = chat(410)
    await register(user)
    await user.press(await open_briefing(user, app), "Начать")
    person = app.storage.person_by_telegram(410)
    assert person is not None
    [attempt] = app.storage.list_attempts(person.id)
    view = await app.service.answer(attempt.id, "Здравствуйте! Почта России, меня зовут Мария.",
                                    person_id=person.id)  # stored; the bot dies before sending
    assert app.storage.get_attempt(attempt.id).undelivered
    assert await deliver_pending(bot, app.service, app.texts, dp) == 1
    [sent] = user.new()
    assert "перезапускался" in sent.text and view.line is not None
    assert client_text(sent) == view.line.text.split("\n")[0]
    assert not app.storage.get_attempt(attempt.id).undelivered
    assert await deliver_pending(bot, app.service, app.texts, dp) == 0


async def test_a_run_started_but_whose_first_line_never_went_out_gets_it_at_start_up(
    chat: ChatFactory, app: App, dp, bot
) -> None:
    """The bot died between creating the run and sending its first line (a replayed «Начать»
    only finds the run already active): the next start sends that line, saying the run was
    started, and the answer to it is graded; a run whose first line went out is owed nothing."""
    from bot.telegram.redelivered import deliver_pending

    user = chat(411)
    await register(user)
    person = app.storage.person_by_telegram(411)
    assert person is not None
    view = await app.service.start(person.id, "hold_request", "training", "telegram",
                                   agent_name=person.display_name)  # the bot dies here
    assert app.storage.get_attempt(view.attempt_id).undelivered
    assert await deliver_pending(bot, app.service, app.texts, dp) == 1
    [sent] = user.new()
    assert "сценарий уже начат" in sent.text and "засчитан" not in sent.text
    assert client_text(sent) == view.line.text.split("\n")[0]
    assert await deliver_pending(bot, app.service, app.texts, dp) == 0
    await user.send("Здравствуйте! Почта России, меня зовут Мария.")
    assert [t.idx for t in app.storage.turns(view.attempt_id)] == [0]  # graded, not re-shown

    other = chat(412)
    await register(other)
    await other.press(await open_briefing(other, app), "Начать")
    started = app.storage.person_by_telegram(412)
    assert started is not None
    [attempt] = app.storage.list_attempts(started.id)
    assert not attempt.undelivered


async def test_every_handler_and_filter_runs_on_the_event_loop(dp: Dispatcher) -> None:
    """aiogram runs a sync handler or filter (a bare `F.text`, say) in a worker thread per
    update; every one the dispatcher holds is a coroutine or an async `Filter` (`OnLoop`)."""
    on_thread = []
    for router in dp.chain_tail:
        for name, observer in router.observers.items():
            for handler in observer.handlers:
                where = f"{router.name}.{name}.{handler.callback}"
                on_thread += [where] if not handler.awaitable else []
                on_thread += [f"{where} filter {f.callback}" for f in handler.filters or []
                              if not f.awaitable]
            on_thread += [f"{router.name}.{name} filter {f.callback}"
                          for f in observer._handler.filters or [] if not f.awaitable]
    assert on_thread == []


@pytest.mark.parametrize(("delay", "typing"), [(0.05, False), (TYPING_AFTER + 0.3, True)])
async def test_typing_is_shown_only_for_a_slow_turn(
    chat: ChatFactory, app: App, bot: Bot, monkeypatch: pytest.MonkeyPatch, delay: float,
    typing: bool,
) -> None:
    """«печатает…» only for a turn that takes longer than `TYPING_AFTER` (one waiting on the LLM):
    a turn graded by the rules alone costs no `sendChatAction`, one Bot API call fewer."""
    answer = app.service.answer

    async def slow_answer(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(delay)  # the time a turn takes (the LLM's answer, say)
        return await answer(*args, **kwargs)

    trainee = chat(203)
    await register(trainee)
    await trainee.press(await open_briefing(trainee, app), "Начать")
    session = bot.session
    assert isinstance(session, RecordingSession)
    session.calls.clear()
    monkeypatch.setattr(app.service, "answer", slow_answer)
    sent = await trainee.send(BAD_REPLY)
    assert any("Клиент:" in s.text or "Результат:" in s.text for s in sent)
    assert any(isinstance(c, SendChatAction) for c in session.calls) is typing
    assert any(isinstance(c, SendMessage) for c in session.calls)
