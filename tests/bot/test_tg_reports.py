"""HR's report in Telegram through the real Dispatcher: the summary agrees with the service's
JSON and a hand count; period buttons, drill-down, photos and documents; HR of team A reaches
nothing of team B by any command or crafted callback; admins assign teams and delete a person's
data; the logs hold no reply text and no token."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime

import openpyxl
import pytest
from aiogram.methods import AnswerCallbackQuery, SendDocument, SendPhoto
from aiogram.types import BufferedInputFile, CallbackQuery, Message, Update
from matplotlib.image import imread
from report_helpers import (
    FORGET_MARK,
    FORGET_NAME,
    HR_TELEGRAM,
    TEAM_A,
    World,
    build_world,
    hand_count,
)
from tg_harness import ADMIN_ID, BOT_USER, Chat, Sent

from bot.__main__ import App
from bot.reports.jsonout import report_json
from bot.telegram.callbacks import ForgetCb, ReportCb

ChatFactory = Callable[..., Chat]


@pytest.fixture
async def world(app: App) -> World:
    return await build_world(app.service, ADMIN_ID)


def crafted(chat: Chat, shown: Sent, data: str) -> Update:
    """A callback with data of the sender's choosing, on a message the bot sent them."""
    message = Message(message_id=shown.message_id, date=datetime.now(UTC),
                      chat=chat._chat(), from_user=BOT_USER, text=shown.text)
    call = CallbackQuery(id=f"crafted-{data}", from_user=chat._user(),
                         chat_instance=str(chat.user_id), message=message, data=data)
    return Update(update_id=abs(hash(data)) % 1_000_000 + 500_000, callback_query=call)


def figure(text: str, label: str) -> str:
    match = re.search(rf"{label}: ([^\s(]+(?: из \d+)?)", text)
    assert match, (label, text)
    return match.group(1)


async def test_report_agrees_with_the_json_and_a_hand_count(
    chat: ChatFactory, app: App, world: World
) -> None:
    hr = chat(HR_TELEGRAM)
    [summary] = await hr.command("report")
    admin = app.service.people.identify(ADMIN_ID)
    data = report_json(app.texts, app.service.reports.report(
        admin, app.service.reports.period(30), world.team_a))
    team_a = [p for p in world.played if p.person_id != world.people["Глеб Орлов"]]
    expected = hand_count(team_a, total_people=4)
    assert data["figures"] | expected == data["figures"]
    text = summary.text
    assert TEAM_A in text and "Отделение 2" not in text and "Глеб" not in text
    assert figure(text, "Тренировались") == f"{expected['people_active']} из 4"
    assert figure(text, "Попыток") == str(expected["attempts"])
    assert f"завершено {expected['completed']} · прервано {expected['abandoned']}" in text
    assert figure(text, "Зачёт") == f"{round(100 * float(expected['pass_rate']))}%"
    avg = str(expected["avg_score"]).replace(".", ",").removesuffix(",0")
    assert figure(text, "Средний балл") == avg
    assert figure(text, "Подсказок взято") == str(expected["hints"])
    top = data["checks"][0]
    assert f"1. {top['title']} — " in text and f"{top['missed']} из {top['graded']}" in text
    assert "Не тренировались (1)" in text and "Вера Кузнецова" in text
    labels = [label for label, _ in summary.buttons()]
    assert labels[:4] == ["7 дн.", "• 30 дн.", "90 дн.", "Всё время"]
    assert {"👥 Сотрудники", "📈 Графики", "📎 Excel и HTML"} <= set(labels)
    alias = await hr.command("team_report")
    assert alias[0].text == text


async def test_period_buttons_edit_the_summary(chat: ChatFactory, world: World) -> None:
    hr = chat(HR_TELEGRAM)
    [summary] = await hr.command("report")
    [week] = await hr.press(summary, "7 дн.")
    assert week.edited and week.message_id == summary.message_id and "7 дн." in week.text
    assert "• 7 дн." in str(week.buttons())
    [ever] = await hr.press(week, "Всё время")
    assert "всё время" in ever.text and "Попыток: 7" in ever.text
    assert "(▲" not in ever.text  # all time has no period before it
    again = await hr.press(ever, "Всё время")  # the same period again: nothing breaks
    assert all("Что-то пошло не так" not in s.text for s in again)
    assert not [a for a in hr.session.answers() if a.show_alert]


async def test_drill_down_to_a_persons_attempts_and_a_transcript(
    chat: ChatFactory, world: World
) -> None:
    hr = chat(HR_TELEGRAM)
    [summary] = await hr.command("report")
    [people] = await hr.press(summary, "Сотрудники")
    assert "Выберите сотрудника" in people.text
    assert {"Анна Смирнова", "Борис Петров", "Вера Кузнецова"} <= {
        label.split(" · ")[0] for label, _ in people.buttons()}
    [person] = await hr.press(people, "Анна Смирнова")
    anna = world.of("Анна Смирнова")
    rows = [line for line in person.text.splitlines() if re.match(r"\d+\. \d\d\.", line)]
    assert len(rows) == len(anna) == 3
    assert all(" · v1 · тренировка · " in row for row in rows)
    assert f"· {anna[0].score} ✅" in person.text or f"· {anna[0].score} ❌" in person.text
    sent = await hr.press(person, f"№{anna[0].attempt_id}")
    transcript = "\n".join(s.text for s in sent)
    assert f"Попытка №{anna[0].attempt_id}" in transcript
    assert "Клиент:" in transcript and "Ответ:" in transcript and "✅" in transcript
    assert anna[0].replies[0].split(".")[0] in transcript
    assert "Итог по шагам" in transcript and "Споров нет" in transcript  # none for this attempt
    back = await hr.press(sent[-1], "Назад")
    assert "Анна Смирнова" in back[0].text
    assert not [a for a in hr.session.answers() if a.show_alert]


async def test_charts_come_as_photos_readable_on_a_phone(chat: ChatFactory,
                                                         world: World) -> None:
    hr = chat(HR_TELEGRAM)
    [summary] = await hr.command("report")
    await hr.press(summary, "Графики")
    photos = [c for c in hr.session.calls if isinstance(c, SendPhoto)]
    assert len(photos) == 3
    for photo in photos:
        assert isinstance(photo.photo, BufferedInputFile) and photo.caption
        image = imread(io.BytesIO(photo.photo.data), format="png")
        assert image.shape[1] >= 1000 and image.shape[0] >= 400
    assert "Кто что пропускает" in str(photos[1].caption)


async def test_files_come_as_documents(chat: ChatFactory, world: World) -> None:
    hr = chat(HR_TELEGRAM)
    [summary] = await hr.command("report")
    await hr.press(summary, "Excel")
    documents = [c for c in hr.session.calls if isinstance(c, SendDocument)]
    assert len(documents) == 2
    book_file, page_file = (d.document for d in documents)
    assert isinstance(book_file, BufferedInputFile) and isinstance(page_file, BufferedInputFile)
    assert book_file.filename.startswith(f"report-team{world.team_a}-")
    assert book_file.filename.endswith(".xlsx") and page_file.filename.endswith(".html")
    book = openpyxl.load_workbook(io.BytesIO(book_file.data))
    attempts = list(book["Попытки"].iter_rows(min_row=2, values_only=True))
    assert len(attempts) == 7 and all(row[3] == TEAM_A for row in attempts)
    page = page_file.data.decode()
    assert TEAM_A in page and "Глеб" not in page and "data:image/png;base64," in page


async def test_hr_of_team_a_reaches_nothing_of_team_b(
    chat: ChatFactory, app: App, world: World
) -> None:
    hr = chat(HR_TELEGRAM)
    [summary] = await hr.command("report")
    gleb = world.people["Глеб Орлов"]
    [gleb_attempt] = [p.attempt_id for p in world.played if p.person_id == gleb]
    b = world.team_b
    attempts = [
        ReportCb(action=action, team=b) for action in
        ("team", "period", "people", "charts", "files")
    ] + [
        ReportCb(action="person", team=world.team_a, person=gleb),
        ReportCb(action="person", team=b, person=gleb),
        ReportCb(action="attempt", team=world.team_a, attempt=gleb_attempt),
        ReportCb(action="attempt", team=b, person=gleb, attempt=gleb_attempt),
        ReportCb(action="people", team=999_999),
    ]
    before = len(hr.session.sent)
    for data in attempts:
        await hr.feed(crafted(hr, summary, data.pack()))
    for data in (ForgetCb(person=gleb, ok=1), ForgetCb(person=world.people[FORGET_NAME], ok=1)):
        await hr.feed(crafted(hr, summary, data.pack()))
    assert len(hr.session.sent) == before  # nothing sent, nothing edited
    assert not [c for c in hr.session.calls if isinstance(c, SendPhoto | SendDocument)]
    alerts = [a.text or "" for a in hr.session.answers() if a.show_alert]
    assert alerts[:len(attempts)] == ["Не нашёл: этого нет среди ваших команд."] * len(attempts)
    assert len(alerts) == len(attempts) + 2  # the admins' buttons are refused too
    assert all("Глеб" not in a for a in alerts)
    assert app.storage.get_person(world.people[FORGET_NAME]).display_name == FORGET_NAME
    for command, args in (("forget", "2001"), ("hr_team", f"{HR_TELEGRAM} Отделение 2"),
                          ("hr_untie", f"{HR_TELEGRAM} {TEAM_A}")):
        answer = await hr.command(command, args)
        assert "доступна только" in answer[0].text, command
    assert [t.id for t in app.service.reports.teams(app.service.people.identify(HR_TELEGRAM))] \
        == [world.team_a]


async def test_a_trainee_gets_no_report_by_command_or_callback(chat: ChatFactory,
                                                               world: World) -> None:
    trainee = chat(1001)
    for command in ("report", "team_report", "forget", "hr_team"):
        answer = await trainee.command(command, "1003")
        assert "доступна только" in answer[0].text, command
    shown = trainee.last()
    before = len(trainee.session.sent)
    for data in (ReportCb(action="team", team=world.team_a),
                 ReportCb(action="attempt", attempt=world.played[0].attempt_id)):
        await trainee.feed(crafted(trainee, shown, data.pack()))
    assert len(trainee.session.sent) == before


async def test_admins_assign_and_untie_teams_in_chat(chat: ChatFactory, world: World) -> None:
    admin, boris = chat(ADMIN_ID), chat(1002)
    usage = await admin.command("hr_team", "x")
    assert "Использование" in usage[0].text
    done = await admin.command("hr_team", "1002 отделение 2")
    assert "Борис Петров видит отчёты команды «Отделение 2»" in done[0].text
    listed = await admin.command("hr_team", "1002")
    assert "«Отделение 2»" in listed[0].text
    [report] = await boris.command("report")
    assert "Отделение 2" in report.text and "Глеб" not in report.text  # he trained: no name
    untied = await admin.command("hr_untie", "1002 Отделение 2")
    assert "больше не видит" in untied[0].text
    none = await boris.command("report")
    assert "не назначена ни одна команда" in none[0].text
    unknown = await admin.command("hr_team", "1002 Нет такой")
    assert "Такой команды нет" in unknown[0].text


async def test_admin_deletes_a_persons_data_after_confirming(
    chat: ChatFactory, app: App, world: World
) -> None:
    admin = chat(ADMIN_ID)
    [ask] = await admin.command("forget", "1003")
    assert FORGET_NAME in ask.text and "безвозвратно" in ask.text
    [cancelled] = await admin.press(ask, "Отмена")
    assert "отменено" in cancelled.text
    assert app.storage.get_person(world.people[FORGET_NAME]).display_name == FORGET_NAME
    [ask] = await admin.command("forget", "1003")
    [done] = await admin.press(ask, "Удалить")
    assert done.edited and "данные удалены" in done.text and FORGET_NAME not in done.text
    assert app.storage.person_by_telegram(1003) is None
    [summary] = await chat(HR_TELEGRAM).command("report")
    assert FORGET_NAME not in summary.text and "Попыток: 7" in summary.text
    assert not [a for a in admin.session.answers() if a.show_alert]
    nobody = await admin.command("forget", "1003")
    assert "ещё не регистрировался" in nobody[0].text


async def test_logs_hold_no_reply_text_and_no_token(
    chat: ChatFactory, app: App, world: World, bot, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    hr, admin = chat(HR_TELEGRAM), chat(ADMIN_ID)
    [summary] = await hr.command("report")
    [people] = await hr.press(summary, "Сотрудники")
    [person] = await hr.press(people, FORGET_NAME)
    await hr.press(person, "№")
    await hr.press(summary, "Excel")
    [ask] = await admin.command("forget", "1003")
    await admin.press(ask, "Удалить")
    assert caplog.records  # the handlers did log
    logged = "\n".join(r.getMessage() + str(r.args) for r in caplog.records)
    assert FORGET_MARK.strip(" .") not in logged
    assert bot.token not in logged and "handler-test" not in logged
    assert not [a for a in admin.session.answers() if isinstance(a, AnswerCallbackQuery)
                and a.show_alert]
