"""End to end: the trainer's workbench through the real bot (`python -m bot`) and the emulator —
documents uploaded and downloaded, a diagram sent as a photo, a preview, a dispute ruled in
chat."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from test_bot_e2e import (
    answer_until_card,
    client_text,
    has_card,
    is_client,
    open_and_start,
    register,
    score_of,
)
from tg_user import BotMessage, BotProcess, Emulator, TgUser, running_bot

from bot.storage import Storage
from scenarios import LIBRARY_PATH, load_library

TRAINER_ID = 7301
HOLD = (LIBRARY_PATH / "hold_request.yaml").read_text(encoding="utf-8")
NEW_LINE = "Алло! Добрый день, это почта? Я по поводу посылки."
OPENING_VARIANTS = (
    '      - "(Входящий звонок.) Алло! Это почта? Здравствуйте."\n'
    '      - "(Входящий звонок.) Алло, здравствуйте, я на почту попала?"\n'
)
assert OPENING_VARIANTS in HOLD
HOLD_V2 = HOLD.replace(OPENING_VARIANTS, f'      - "{NEW_LINE}"\n')
HOLD_BROKEN = HOLD.replace("expect: [hold_reason, hold_duration, hold_consent]",
                           "expect: [hold_reason, hold_durration, hold_consent]")


@pytest.fixture
async def bot_process(
    emulator: Emulator, token: str, tmp_path: Path, http: httpx.AsyncClient
) -> AsyncIterator[BotProcess]:
    async with running_bot(emulator, token, tmp_path, http, ADMIN_IDS=str(TRAINER_ID)) as proc:
        yield proc


def has_menu(message: BotMessage) -> bool:
    """/cancel answers with the main menu's buttons."""
    return any("Тренировка" in b["text"] for row in message.buttons for b in row)


def library(db: Path) -> dict[str, tuple[int, bool]]:
    with Storage(db) as storage:
        return {e.scenario_id: (e.current.number, e.enabled) for e in storage.library_entries()}


async def open_card(user: TgUser, title: str) -> BotMessage:
    await user.send_command("scenarios")
    listing = await user.wait_text("Библиотека сценариев")
    await user.press(listing, title)
    return await user.wait_text("Версии:")


async def test_a_trainer_publishes_disables_downloads_draws_and_previews(
    emulator: Emulator, token: str, http: httpx.AsyncClient, bot_process: BotProcess,
    tmp_path: Path,
) -> None:
    db = tmp_path / "bot.db"
    scenario = load_library()["hold_request"]
    trainer = TgUser(http, emulator, token, TRAINER_ID, "Ирина")
    trainee = TgUser(http, emulator, token, 7302, "Пётр")
    await register(trainer, "Ирина Тренер")
    trainee_menu = await register(trainee, "Пётр Стажёр")
    old_line = await open_and_start(trainee, trainee_menu, scenario)  # a run on version 1

    # a broken file: told the line, nothing changes
    before = library(db)
    await trainer.send_document("hold_request.yaml", HOLD_BROKEN.encode())
    rejected = await trainer.wait_text("не опубликован", timeout=15)
    line = next(i for i, t in enumerate(HOLD_BROKEN.splitlines(), 1) if "hold_durration" in t)
    assert f"hold_request.yaml:{line}:" in rejected.text and "hold_durration" in rejected.text
    assert library(db) == before

    # a valid one: version 2, seen by trainees at once; the run on version 1 keeps it
    await trainer.send_document("hold_request.yaml", HOLD_V2.encode())
    published = await trainer.wait_text("Опубликовано", timeout=15)
    assert "версия 2" in published.text and library(db)["hold_request"] == (2, True)
    await trainee.send_text("Доброе утро! Почта России, меня зовут Пётр. Чем могу помочь?")
    await trainee.wait_for(lambda m: is_client(m) or has_card(m), timeout=15)
    with Storage(db) as storage:
        person = storage.person_by_telegram(7302)
        assert person is not None
        [first] = storage.list_attempts(person.id)
        assert NEW_LINE not in storage.get_scenario_version(first.scenario_version_id).content
        assert client_text(old_line) != NEW_LINE
    await trainee.send_command("cancel")
    menu = await trainee.wait_for(has_menu, timeout=15)
    new_line = await open_and_start(trainee, menu, scenario)
    assert client_text(new_line) == NEW_LINE

    # download: the file exactly as uploaded; the diagram: a PNG photo
    card = await open_card(trainer, scenario.title)
    await trainer.press(card, "Скачать YAML")
    document = await trainer.wait_for(lambda m: m.file is not None and "версия 2" in m.text)
    assert await trainer.file(document) == HOLD_V2.encode()
    await trainer.press(card, "Схема")
    photo = await trainer.wait_for(lambda m: m.file is not None and "Схема" in m.text)
    assert (await trainer.file(photo))[:8] == b"\x89PNG\r\n\x1a\n"

    # disable another scenario: trainees no longer see its kind
    transfer = load_library()["transfer"]
    transfer_card = await open_card(trainer, transfer.title)
    await trainer.press(transfer_card, "Скрыть от стажёров")
    await trainer.wait_for(lambda m: m.edited and "нет — скрыт" in m.text, timeout=15)
    assert library(db)["transfer"] == (1, False)
    await trainee.send_command("cancel")
    menu = await trainee.wait_for(has_menu, timeout=15)
    await trainee.press(menu, "Тренировка")
    kinds = await trainee.wait_text("Выберите тип")
    assert not [b for row in kinds.buttons for b in row if "Перевод" in b["text"]]

    # preview: played as a trainee, counted in no report
    await trainer.press(card, "Пройти как стажёр")
    await trainer.wait_text("Предпросмотр", timeout=15)
    with Storage(db) as storage:
        person = storage.person_by_telegram(TRAINER_ID)
        assert person is not None
        [preview] = storage.list_attempts(person.id, include_preview=True)
        assert preview.preview and storage.list_attempts(person.id) == []


async def test_a_dispute_accepted_in_chat_changes_the_score_once(
    emulator: Emulator, token: str, http: httpx.AsyncClient, bot_process: BotProcess,
    tmp_path: Path,
) -> None:
    scenario = load_library()["hold_request"]
    trainer = TgUser(http, emulator, token, TRAINER_ID, "Ирина")
    trainee = TgUser(http, emulator, token, 7303, "Ольга")
    await register(trainer, "Ирина Тренер")
    menu = await register(trainee, "Ольга Стажёр")
    line = await open_and_start(trainee, menu, scenario)
    card = await answer_until_card(trainee, scenario, line, lambda _: "да")
    before = score_of(card)
    await trainee.press(card, "Оспорить")
    picker = await trainee.wait_text("Какую оценку")
    await trainee.press(picker, "Реплика 1")
    asked = await trainee.wait_text("Оспариваете")
    await trainee.send_text("Я поздоровалась!")
    await trainee.wait_text("Спор отправлен тренеру", timeout=15)
    dispute = await trainer.wait_text("Спор #", timeout=15)  # no team trainer: the admin
    assert "Я поздоровалась!" in dispute.text and asked.text
    await trainer.press(dispute, "Принять")
    ruled = await trainer.wait_for(lambda m: m.edited and "Принято" in m.text, timeout=15)
    told = await trainee.wait_text("Ваш спор", timeout=15)
    assert "принят" in told.text and f"было {before}" in told.text and ruled.buttons == []
    with Storage(tmp_path / "bot.db") as storage:
        person = storage.person_by_telegram(7303)
        assert person is not None
        [attempt] = storage.list_attempts(person.id)
        [accepted] = storage.list_disputes()
        assert accepted.status == "accepted" and attempt.reviewed_at is not None
        assert attempt.original_score == before
        after = attempt.score
    await trainer.press(dispute, "Принять")  # the old buttons again: nothing changes
    with Storage(tmp_path / "bot.db") as storage:
        person = storage.person_by_telegram(7303)
        assert person is not None
        assert storage.list_attempts(person.id)[0].score == after
