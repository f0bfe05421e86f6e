"""End to end: the real bot (`python -m bot`, polling) against the Telegram API emulator.

A test user registers, presses inline buttons, plays a scenario well and (another user) badly,
sends a sticker, the bot is killed with -9 mid-run and restarted, and a 429 is injected. The
play and the kill are run with one process and with two workers (`WORKERS=2`, bot.workers),
where a worker's death stops the bot and the restart answers what it had not.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from play_helpers import BAD_REPLY, good_reply, state_of_line
from tg_user import BotMessage, BotProcess, Emulator, TgUser, bot_env, children

from bot.storage import Storage
from scenarios import Scenario, load_library

SCENARIO = "hold_request"


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_library()[SCENARIO]


@pytest.fixture
def workers() -> int:
    """The bot's WORKERS (a test parametrises it to run with several processes)."""
    return 1


@pytest.fixture
async def bot_process(
    emulator: Emulator, token: str, tmp_path: Path, http: httpx.AsyncClient, workers: int
) -> AsyncIterator[BotProcess]:
    env = bot_env(emulator, token, tmp_path / "bot.db", TELEGRAM_TIMEOUT="2",
                  WORKERS=str(workers))
    proc = BotProcess(env, tmp_path / "bot.log")
    proc.start()
    await proc.wait_ready(emulator, http)
    try:
        yield proc
    finally:
        proc.stop()


def is_client(m: BotMessage) -> bool:
    return "Клиент:" in m.text


def has_card(m: BotMessage) -> bool:
    return "Результат:" in m.text


def client_text(m: BotMessage) -> str:
    # the emulator stores the text as sent (HTML)
    match = re.search(r"Клиент:</b> (.*)", m.text, re.S)
    assert match, m.text
    return match.group(1).split("\n")[0].strip()


def score_of(card: BotMessage) -> int:
    match = re.search(r"Результат: (\d+)/100", card.text)
    assert match, card.text
    return int(match.group(1))


async def register(user: TgUser, name: str) -> BotMessage:
    await user.send_command("start")
    await user.wait_text("Как вас подписывать")
    await user.send_text(name)
    team_question = await user.wait_text("команде")
    await user.press(team_question, "Пропустить")
    return await user.wait_text("Главное меню")


async def open_and_start(user: TgUser, menu: BotMessage, scenario: Scenario) -> BotMessage:
    from bot.telegram.render import kind_label
    from bot.texts import Texts

    await user.press(menu, "Тренировка")
    kinds = await user.wait_text("Выберите тип")
    await user.press(kinds, kind_label(Texts(), scenario.kind))
    choice = await user.wait_text("Выберите сценарий")
    await user.press(choice, scenario.title)
    briefing = await user.wait_text("Что ждёт стандарт")
    await user.press(briefing, "Начать")
    return await user.wait_for(is_client)


async def answer_until_card(
    user: TgUser, scenario: Scenario, line: BotMessage, reply: Callable[[str], str],
    max_turns: int = 12,
) -> BotMessage:
    for _ in range(max_turns):
        await user.send_text(reply(state_of_line(scenario, client_text(line))))
        got = await user.wait_for(lambda m: is_client(m) or has_card(m), timeout=15)
        if has_card(got):
            return got
        if not is_client(got):
            continue
        line = got
        # the final state's closing line comes right before the card
        if scenario.states[state_of_line(scenario, client_text(line))].final:
            return await user.wait_for(has_card, timeout=15)
    raise AssertionError("the scenario did not end")


@pytest.mark.parametrize("workers", [1, 2], ids=["one process", "two workers"])
async def test_register_play_well_and_badly_buttons_and_sticker(
    emulator: Emulator, token: str, http: httpx.AsyncClient, bot_process: BotProcess,
    scenario: Scenario, tmp_path: Path,
) -> None:
    started = time.monotonic()
    good, bad = (TgUser(http, emulator, token, 7001, "Мария"),
                 TgUser(http, emulator, token, 7002, "Олег"))

    async def play(user: TgUser, name: str, well: bool) -> BotMessage:
        menu = await register(user, name)
        line = await open_and_start(user, menu, scenario)
        if well:  # a sticker where an answer is expected: a polite request, nothing stored
            await user.send_sticker()
            await user.wait_text("ответьте текстом")
        return await answer_until_card(
            user, scenario, line,
            (lambda state: good_reply(scenario, state)) if well else (lambda _: BAD_REPLY),
        )

    good_card, bad_card = await asyncio.gather(play(good, "Мария Иванова", True),
                                               play(bad, "Олег Петров", False))
    assert score_of(good_card) > score_of(bad_card)
    assert "✅" in good_card.text and "❌" in bad_card.text
    assert good_card.button("Ещё раз") and good_card.button("Другой сценарий")

    # «Ещё раз» starts a new run of the same scenario
    await good.press(good_card, "Ещё раз")
    assert is_client(await good.wait_for(is_client))

    with Storage(tmp_path / "bot.db") as storage:
        person = storage.person_by_telegram(7001)
        assert person is not None
        attempts = storage.list_attempts(person.id)
        assert [a.status for a in attempts] == ["active", "finished"]
        replies = [t.reply_text for t in storage.turns(attempts[1].id)]
        assert all(r.strip() for r in replies)  # the sticker was not stored as a reply
    assert time.monotonic() - started < 30


@pytest.mark.parametrize("workers", [1, 2], ids=["one process", "two workers"])
async def test_bot_killed_mid_run_continues_from_the_same_state(
    emulator: Emulator, token: str, http: httpx.AsyncClient, bot_process: BotProcess,
    scenario: Scenario, tmp_path: Path,
) -> None:
    user = TgUser(http, emulator, token, 7101, "Анна")
    line = await open_and_start(user, await register(user, "Анна Смирнова"), scenario)
    state = state_of_line(scenario, client_text(line))
    await user.send_text(good_reply(scenario, state))
    line = await user.wait_for(is_client)
    state_before = state_of_line(scenario, client_text(line))

    bot_process.kill()  # no graceful shutdown
    bot_process.start()
    await bot_process.wait_ready(emulator, http)

    await user.send_text(good_reply(scenario, state_before))
    after = await user.wait_for(lambda m: is_client(m) or has_card(m), timeout=15)
    with Storage(tmp_path / "bot.db") as storage:
        person = storage.person_by_telegram(7101)
        assert person is not None
        [attempt] = storage.list_attempts(person.id)
        turns = storage.turns(attempt.id)
    assert [t.state for t in turns] == [state, state_before]
    assert turns[1].client_line == client_text(line)
    assert attempt.status in ("active", "finished")
    assert "Хорошо" in after.text or has_card(after)


def worker_pids(bot: BotProcess) -> list[int]:
    """The bot's worker processes (children of the receiver)."""
    assert bot.proc is not None
    return children(bot.proc.pid)


def alive(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.parametrize("workers", [2])
async def test_a_dead_worker_stops_the_bot_and_the_restart_answers_its_trainee(
    emulator: Emulator, token: str, http: httpx.AsyncClient, bot_process: BotProcess,
    scenario: Scenario, tmp_path: Path,
) -> None:
    user = TgUser(http, emulator, token, 7103, "Пётр")  # 7103 % 2: the second worker's
    line = await open_and_start(user, await register(user, "Пётр Орлов"), scenario)
    pids = worker_pids(bot_process)
    assert len(pids) == 2
    os.kill(pids[1], signal.SIGKILL)
    assert bot_process.proc is not None
    assert await asyncio.to_thread(bot_process.proc.wait, 30) == 1  # the bot stops, says why
    assert "worker 1/2 exited" in bot_process.log()
    assert not alive(pids[0])  # the other worker was stopped with it

    state = state_of_line(scenario, client_text(line))
    await user.send_text(good_reply(scenario, state))  # while the bot is down
    bot_process.start()
    await bot_process.wait_ready(emulator, http)
    after = await user.wait_for(lambda m: is_client(m) or has_card(m), timeout=15)
    assert "Хорошо" in after.text or has_card(after)
    with Storage(tmp_path / "bot.db") as storage:
        person = storage.person_by_telegram(7103)
        assert person is not None
        [attempt] = storage.list_attempts(person.id)
        assert [t.state for t in storage.turns(attempt.id)] == [state]


@pytest.mark.parametrize("workers", [2])
async def test_with_workers_a_graceful_stop_leaves_no_process(
    emulator: Emulator, token: str, http: httpx.AsyncClient, bot_process: BotProcess,
) -> None:
    user = TgUser(http, emulator, token, 7104, "Лена")
    await user.send_command("help")
    await user.wait_text("Как это работает", timeout=15)
    pids = worker_pids(bot_process)
    assert len(pids) == 2 and all(alive(p) for p in pids)
    assert await asyncio.to_thread(bot_process.stop, 30) == 0
    assert not any(alive(p) for p in pids)


async def test_flood_control_429_is_waited_out_and_the_message_arrives(
    emulator: Emulator, token: str, http: httpx.AsyncClient, bot_process: BotProcess,
) -> None:
    user = TgUser(http, emulator, token, 7201, "Ира")
    before = (await emulator.stats(http))["flood_answers"]
    await emulator.flood(http, "sendMessage", count=2, retry_after=1)
    started = time.monotonic()
    await user.send_command("help")
    help_message = await user.wait_text("Как это работает", timeout=15)
    assert help_message.text.count("Как это работает") == 1
    assert time.monotonic() - started >= 2  # two 429s, 1 s each, waited out
    assert (await emulator.stats(http))["flood_answers"] - before == 2
    assert len([m for m in user.received if "Как это работает" in m.text]) == 1


async def test_telegram_errors_delay_messages_but_lose_none_and_keep_the_order(
    emulator: Emulator, token: str, http: httpx.AsyncClient, bot_process: BotProcess,
) -> None:
    """5xx answers and a call that times out are retried with back-off: the chat still gets
    every answer, in the order it asked."""
    user = TgUser(http, emulator, token, 7202, "Оля")
    await emulator.control(http, "fault", method="sendMessage", count=2, status=502)
    await user.send_command("help")
    await user.wait_text("Как это работает", timeout=30)
    await emulator.control(http, "fault", method="sendMessage", count=1, delay_ms=3000)
    await user.send_command("help")  # its answer times out once and is sent again
    await user.send_command("start")
    await user.wait_text("Как вас подписывать", timeout=30)
    texts = [m.text for m in user.received]
    helps = [i for i, t in enumerate(texts) if "Как это работает" in t]
    welcome = next(i for i, t in enumerate(texts) if "Как вас подписывать" in t)
    # none lost, and the answers came in the order asked (a timed-out send may arrive twice:
    # the documented price of never losing one)
    assert len(helps) >= 2 and helps[1] < welcome
    assert (await emulator.stats(http))["fault_answers"] >= 3
    assert "retry" in bot_process.log()


async def test_commands_are_registered_in_russian(
    emulator: Emulator, token: str, http: httpx.AsyncClient, bot_process: BotProcess,
) -> None:
    commands = (await emulator.stats(http))["commands"][token]
    assert {c["command"] for c in commands} >= {"start", "help", "cancel", "progress"}
    assert all(re.search("[а-яА-Я]", c["description"]) for c in commands)
