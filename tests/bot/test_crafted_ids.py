"""Buttons carry ids; a crafted button with someone else's ids reaches nothing of theirs. Each
case goes through the real Dispatcher, and the check is on the database, not on a message
(issue 13: every action naming an attempt, person, team or version by id checks ownership or
role in the service). Trainer, HR and hint buttons have their own tests
(test_tg_trainer.py, test_tg_reports.py, test_tg_handlers.py)."""

from __future__ import annotations

from collections.abc import Callable

from test_tg_handlers import open_briefing, register
from tg_harness import Chat, Sent

from bot.__main__ import App
from bot.telegram.callbacks import DisputeCb, DisputePickCb, ForgetCb, ScenarioCb, StartCb

ChatFactory = Callable[..., Chat]


async def press_data(user: Chat, shown: Sent, data: str) -> list[Sent]:
    """Tap a button of `shown` with `data` put in its place (what a crafted client sends)."""
    update = user.press_update(shown, shown.buttons()[0][0])
    assert update.callback_query is not None
    call = update.callback_query.model_copy(update={"data": data})
    return await user.feed(update.model_copy(update={"callback_query": call}))


async def test_a_hidden_scenario_cannot_be_opened_or_started_by_a_crafted_button(
    chat: ChatFactory, app: App
) -> None:
    admin = app.service.people.who(None, admin=True)
    app.service.trainer.set_enabled(admin, "transfer", False)
    trainee = chat(1601)
    await register(trainee)
    menu = trainee.find("Главное меню")
    for data in (ScenarioCb(mode="training", id="transfer").pack(),
                 StartCb(mode="training", id="transfer").pack()):
        await press_data(trainee, menu, data)
    person = app.storage.person_by_telegram(1601)
    assert person is not None
    assert app.storage.list_attempts(person.id) == []
    assert all(a.show_alert for a in trainee.session.answers()[-2:])


async def test_someone_elses_attempt_cannot_be_disputed(chat: ChatFactory, app: App) -> None:
    owner, other = chat(1602), chat(1603)
    await register(owner)
    await register(other)
    await owner.press(await open_briefing(owner, app), "Начать")
    await owner.send("Здравствуйте! Почта России, меня зовут Мария.")
    person = app.storage.person_by_telegram(1602)
    assert person is not None
    [attempt] = app.storage.list_attempts(person.id)
    shown = other.find("Главное меню")
    for data in (DisputeCb(a=attempt.id, t=0).pack(), DisputeCb(a=attempt.id, t=-1).pack(),
                 DisputePickCb(a=attempt.id, t=0, i=0).pack()):
        await press_data(other, shown, data)
    count = app.storage.db.execute("SELECT count(*) FROM disputes").fetchone()[0]
    assert count == 0
    assert len(other.session.answers()) >= 3


async def test_a_non_admin_cannot_forget_anyone(chat: ChatFactory, app: App) -> None:
    victim, intruder = chat(1604, "Жертва"), chat(1605)
    await register(victim, "Вера Жертва")
    await register(intruder)
    person = app.storage.person_by_telegram(1604)
    assert person is not None
    await press_data(intruder, intruder.find("Главное меню"),
                     ForgetCb(person=person.id, ok=1).pack())
    again = app.storage.get_person(person.id)
    assert again.display_name == "Вера Жертва" and again.telegram_id == 1604
