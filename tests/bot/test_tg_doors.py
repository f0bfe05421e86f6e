"""Handler level (real Updates, real Dispatcher, real SQLite): the briefing gives the context a
check depends on; commands typed during a run are never graded; texts agree with numbers."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from test_tg_handlers import SCENARIO, open_briefing, register
from tg_harness import Chat

from bot.__main__ import COMMANDS, App
from bot.feedback import score_card
from bot.service import CardView
from bot.telegram.render import lines_html
from bot.texts import TEXTS, Texts
from scenarios import FinalCard

ChatFactory = Callable[..., Chat]


def graded_turns(app: App, telegram_id: int) -> int:
    person = app.storage.person_by_telegram(telegram_id)
    assert person is not None
    return sum(a.turn_count for a in app.storage.list_attempts(person.id))


async def test_the_briefing_gives_time_channel_company_and_client(
    chat: ChatFactory, app: App
) -> None:
    user = chat(1101)
    await register(user, "Айгерим Сапарова")
    text = (await open_briefing(user, app)).text  # hold_request: a call at 10:30
    assert "<b>Время:</b> 10:30 — утро" in text
    assert "<b>Канал:</b> звонок" in text
    assert "Айгерим Сапарова, оператор контакт-центра, Почта России" in text
    assert "<b>Клиент:</b> Ольга Николаевна, спокойна, но торопится" in text
    assert "Речь о другом человеке" not in text
    assert "задерживается. Чтобы ответить" in text  # the YAML's line breaks do not show


async def test_the_briefing_names_the_third_party_and_the_counter(
    chat: ChatFactory, app: App
) -> None:
    user = chat(1102)
    await register(user)
    text = (await open_briefing(user, app, "confidentiality")).text
    assert "<b>Канал:</b> визит в отделение" in text and "16:30 — вечер" in text
    assert "<b>Речь о другом человеке:</b> Сериков Бахыт" in text


async def start_run(user: Chat, app: App) -> None:
    sent = await user.press(await open_briefing(user, app), "Начать")
    assert any("Клиент:" in s.text for s in sent)


async def test_hint_typed_as_a_command_is_a_hint_not_a_reply(chat: ChatFactory, app: App) -> None:
    user = chat(1103)
    await register(user)
    await start_run(user, app)
    answer = await user.command("hint")
    assert len(answer) == 1 and answer[0].text.startswith("💡 Подсказка:")
    assert "меня зовут Мария Иванова" in answer[0].text  # the trainee's own name, filled
    assert "(−5 баллов к итогу)" in answer[0].text
    assert "/100" not in answer[0].text  # no feedback: nothing was graded
    person = app.storage.person_by_telegram(1103)
    assert person is not None
    [attempt] = app.storage.list_attempts(person.id)
    assert (attempt.turn_count, attempt.hints_used, attempt.status) == (0, 1, "active")


@pytest.mark.parametrize("typed", ["/foo", "/подсказкаа что", "/Hint2", "/"])
async def test_an_unknown_command_gets_a_notice_and_is_not_graded(
    chat: ChatFactory, app: App, typed: str
) -> None:
    user = chat(1104)
    await register(user)
    await start_run(user, app)
    answer = await user.send(typed)
    assert len(answer) == 1
    assert "не оценивается" in answer[0].text and "/hint" in answer[0].text
    assert "/100" not in answer[0].text
    assert graded_turns(app, 1104) == 0
    # the run goes on: a real reply is still graded afterwards
    after = await user.send("Доброе утро! Почта России, меня зовут Мария. Чем могу помочь?")
    assert any("/100" in s.text for s in after)
    assert graded_turns(app, 1104) == 1


async def test_quit_abandons_the_run(chat: ChatFactory, app: App) -> None:
    user = chat(1105)
    await register(user)
    await start_run(user, app)
    answer = await user.command("quit")
    assert "прерван" in answer[0].text
    person = app.storage.person_by_telegram(1105)
    assert person is not None
    assert app.storage.list_attempts(person.id)[0].status == "abandoned"


async def test_hint_without_a_run_says_so(chat: ChatFactory, app: App) -> None:
    user = chat(1106)
    await register(user)
    answer = await user.command("hint")
    assert "нет начатого сценария" in answer[0].text


async def test_help_lists_the_commands_of_a_run(chat: ChatFactory, app: App) -> None:
    user = chat(1107)
    await register(user)
    text = (await user.command("help"))[0].text
    for command in COMMANDS:
        assert f"/{command}" in text, command
    assert "hint" in COMMANDS


@pytest.mark.parametrize(
    ("channel", "ending"),
    [("phone", "Клиент положил трубку."), ("office", "Клиент ушёл, не дождавшись решения."),
     ("chat", "Клиент вышел из чата."), (None, "Клиент прервал разговор.")],
)
def test_the_ending_fits_the_channel(app: App, channel: str | None, ending: str) -> None:
    card = FinalCard(score=20, passed=False, outcome="hung_up", steps={"greeting": False},
                     violations=[], missed_recommended={}, turns=2)
    view = CardView(card, SCENARIO, "Тест", "2026-01-01T10:00:00+00:00",
                    "2026-01-01T10:01:05+00:00", channel)
    text = lines_html(score_card(app.texts, app.standard, view))
    assert ending in text
    assert "2 ответа" in text


@pytest.mark.parametrize(
    ("number", "words"),
    [(1, ("1 раз", "1 попытка", "1 балл", "1 подсказка", "1 ответ")),
     (2, ("2 раза", "2 попытки", "2 балла", "2 подсказки", "2 ответа")),
     (5, ("5 раз", "5 попыток", "5 баллов", "5 подсказок", "5 ответов")),
     (11, ("11 раз", "11 попыток", "11 баллов", "11 подсказок", "11 ответов")),
     (21, ("21 раз", "21 попытка", "21 балл", "21 подсказка", "21 ответ")),
     (24, ("24 раза", "24 попытки", "24 балла", "24 подсказки", "24 ответа"))],
)
def test_numbers_agree_with_their_nouns(number: int, words: tuple[str, ...]) -> None:
    texts = Texts()
    for word, expected in zip(("раз", "попытка", "балл", "подсказка", "ответ"), words,
                              strict=True):
        assert texts.plural(number, word) == expected
    assert texts("progress.missed_row", title="Приветствие", count=number).endswith(words[0])
    assert f"−{words[2]}" in texts("play.hint_button", cost=number)
    taken = texts("card.hints", hints=number, cost=5)
    assert taken.startswith(f"Вы взяли {words[3].replace('подсказка', 'подсказку')} ")


def test_no_text_puts_a_bare_number_next_to_a_noun() -> None:
    """«попыток: 3», «5 балл.», «{n} раз» are written `{n:noun}` so that the noun agrees."""
    nouns = r"(балл|раз|попыт|ответ|реплик|подсказ|участник|сценари|шаг)"
    bare_after = re.compile(r"\{\w+\}\s*" + nouns)
    counted = r"(баллов|раз|попыток|ответов|реплик|подсказок|участников|сценариев|шагов)"
    bare_before = re.compile(counted + r":?\s*\{\w+\}")  # «попыток 1», «реплик: 3»
    for lang, table in TEXTS.items():
        for key, template in table.items():
            assert not bare_after.search(template), (lang, key, template)
            assert not bare_before.search(template), (lang, key, template)


def test_role_names_are_russian(app: App) -> None:
    texts = app.texts
    assert texts.join([texts.role(r, "datv") for r in ("trainer", "hr")]) == "тренерам и HR"
    assert texts.join(["a", "b", "c"]) == "a, b и c"
    assert texts.role("admin") == "администратор"
