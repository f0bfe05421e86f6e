"""End to end: a voice answer through the Telegram emulator. The real bot downloads the
recording (getFile + the file URL), transcribes it on a real local OpenAI-compatible speech
endpoint, shows the transcript back and grades it like a typed reply; the turn is stored as
spoken. Without a speech endpoint, the polite request for text stays."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fake_llm import FakeLLM
from play_helpers import good_reply
from test_bot_e2e import SCENARIO, client_text, is_client, open_and_start, register
from tg_user import BotProcess, Emulator, TgUser, bot_env

from bot.storage import Storage
from scenarios import load_library

AUDIO = b"OggS\x00\x02fake-opus-voice-message" * 20


@pytest.fixture
async def speech() -> AsyncIterator[FakeLLM]:
    async with FakeLLM() as server:
        yield server


async def _bot(
    emulator: Emulator, token: str, tmp_path: Path, http: httpx.AsyncClient, **extra: str
) -> BotProcess:
    proc = BotProcess(bot_env(emulator, token, tmp_path / "bot.db", **extra),
                      tmp_path / "bot.log")
    proc.start()
    await proc.wait_ready(emulator, http)
    return proc


async def test_a_voice_answer_is_transcribed_shown_back_graded_and_stored(
    emulator: Emulator, token: str, http: httpx.AsyncClient, tmp_path: Path, speech: FakeLLM,
) -> None:
    scenario = load_library()[SCENARIO]
    spoken = good_reply(scenario, scenario.initial_state)
    speech.transcript = spoken
    proc = await _bot(emulator, token, tmp_path, http, STT_BASE_URL=speech.base_url,
                      STT_MODEL="whisper-test")
    try:
        user = TgUser(http, emulator, token, 7301, "Дана")
        line = await open_and_start(user, await register(user, "Дана Ахметова"), scenario)
        assert client_text(line)
        await user.send_voice(AUDIO)
        heard = await user.wait_text("Я услышал(а)", timeout=15)
        assert spoken.split()[0] in heard.text
        after = await user.wait_for(is_client, timeout=15)
        assert "Хорошо" in after.text  # training feedback: graded like a typed reply
    finally:
        proc.stop()
    ((fields, audio),) = speech.stt_requests
    assert audio == AUDIO and fields["model"] == "whisper-test"
    with Storage(tmp_path / "bot.db") as storage:
        person = storage.person_by_telegram(7301)
        assert person is not None
        [attempt] = storage.list_attempts(person.id)
        [turn] = storage.turns(attempt.id)
        calls = storage.llm_calls(attempt.id)
    assert turn.spoken and turn.reply_text == spoken and turn.passed
    assert [(c.purpose, c.model, c.outcome, c.turn_idx) for c in calls] == [
        ("stt", "whisper-test", "ok", 0)]


async def test_without_a_speech_endpoint_a_voice_answer_gets_the_request_for_text(
    emulator: Emulator, token: str, http: httpx.AsyncClient, tmp_path: Path,
) -> None:
    scenario = load_library()[SCENARIO]
    proc = await _bot(emulator, token, tmp_path, http)
    try:
        user = TgUser(http, emulator, token, 7302, "Ерик")
        await open_and_start(user, await register(user, "Ерик Омаров"), scenario)
        await user.send_voice(AUDIO)
        await user.wait_text("ответьте текстом", timeout=15)
    finally:
        proc.stop()
    with Storage(tmp_path / "bot.db") as storage:
        person = storage.person_by_telegram(7302)
        assert person is not None
        [attempt] = storage.list_attempts(person.id)
        assert storage.turns(attempt.id) == []
