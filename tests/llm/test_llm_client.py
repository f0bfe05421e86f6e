"""The resilient client against a real local OpenAI-compatible server: timeout, retries with
back-off honouring Retry-After, the circuit breaker, the turn budget, call records."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from fake_llm import FakeLLM

from bot.errors import BotError, LLMUnavailable
from bot.llm import Breaker, LLMClient, build_llm, llm_turn


def _client(http: httpx.AsyncClient, base_url: str, **kw: float) -> LLMClient:
    return LLMClient(
        http, base_url=base_url, model="test-model", api_key="sk-test",
        timeout=kw.get("timeout", 1.0), cooldown=kw.get("cooldown", 0.0),
        threshold=int(kw.get("threshold", 3)), backoff=kw.get("backoff", 0.01),
        max_backoff=kw.get("max_backoff", 0.05),
    )


MESSAGE = [{"role": "user", "content": "привет"}]


async def test_a_healthy_answer_is_returned_and_recorded(
    fake_llm: FakeLLM, http: httpx.AsyncClient
) -> None:
    fake_llm.voice_reply = "  Добрый день!  "
    llm = _client(http, fake_llm.base_url)
    with llm_turn(5.0) as ledger:
        completion = await llm.chat(MESSAGE, purpose="voice", prompt_version="voice/v1+abc")
    assert completion.text == "Добрый день!" and completion.finish_reason == "stop"
    (body,) = fake_llm.requests
    assert body["model"] == "test-model" and body["messages"] == MESSAGE
    (record,) = ledger.calls
    assert (record.purpose, record.model, record.prompt_version) == (
        "voice", "test-model", "voice/v1+abc")
    assert record.outcome == "ok" and record.attempts == 1 and record.completion_tokens == 20
    assert record.prompt_tokens and record.latency_ms >= 0


@pytest.mark.parametrize("fault", ["500", "429", "truncated"])
async def test_a_passing_fault_is_retried(
    fake_llm: FakeLLM, http: httpx.AsyncClient, fault: str
) -> None:
    fake_llm.fault, fake_llm.fault_times = fault, 1
    llm = _client(http, fake_llm.base_url)
    with llm_turn(5.0) as ledger:
        completion = await llm.chat(MESSAGE)
    assert completion.text and len(fake_llm.requests) == 2
    assert ledger.calls[0].attempts == 2 and ledger.calls[0].outcome == "ok"


async def test_retry_after_is_honoured(fake_llm: FakeLLM, http: httpx.AsyncClient) -> None:
    fake_llm.fault, fake_llm.fault_times, fake_llm.retry_after = "429", 1, "0.3"
    llm = _client(http, fake_llm.base_url, timeout=2.0)
    started = time.monotonic()
    assert (await llm.chat(MESSAGE)).text
    assert time.monotonic() - started >= 0.3


async def test_a_retry_after_past_the_time_left_is_not_waited(
    fake_llm: FakeLLM, http: httpx.AsyncClient
) -> None:
    fake_llm.fault, fake_llm.retry_after = "429", "30"
    llm = _client(http, fake_llm.base_url, timeout=1.0)
    started = time.monotonic()
    with pytest.raises(LLMUnavailable, match="Retry-After"):
        await llm.chat(MESSAGE)
    assert time.monotonic() - started < 0.5 and len(fake_llm.requests) == 1


@pytest.mark.parametrize("fault", ["500", "slow", "garbage", "truncated"])
async def test_a_lasting_fault_becomes_llm_unavailable_within_the_timeout(
    fake_llm: FakeLLM, http: httpx.AsyncClient, fault: str
) -> None:
    fake_llm.fault = fault
    llm = _client(http, fake_llm.base_url, timeout=0.4)
    started = time.monotonic()
    with llm_turn(None) as ledger, pytest.raises(LLMUnavailable) as info:
        await llm.chat(MESSAGE)
    assert time.monotonic() - started < 0.4 + 0.2
    assert isinstance(info.value, BotError) and info.value.__cause__ is not None
    expected = {"500": "error", "slow": "timeout", "garbage": "invalid", "truncated": "error"}
    assert ledger.calls[0].outcome == expected[fault]


async def test_connection_refused_is_retried_then_unavailable(http: httpx.AsyncClient) -> None:
    llm = _client(http, FakeLLM.refused_url())
    with llm_turn(None) as ledger, pytest.raises(LLMUnavailable) as info:
        await llm.chat(MESSAGE)
    assert isinstance(info.value.__cause__.__cause__, httpx.ConnectError)  # type: ignore[union-attr]
    assert ledger.calls[0].attempts == 3 and ledger.calls[0].outcome == "error"


async def test_the_breaker_opens_then_lets_one_probe_through(
    fake_llm: FakeLLM, http: httpx.AsyncClient
) -> None:
    fake_llm.fault = "slow"
    llm = _client(http, fake_llm.base_url, timeout=0.2, cooldown=0.3)
    with pytest.raises(LLMUnavailable, match="timed out"):
        await llm.chat(MESSAGE)
    assert llm.breaker.state == "open" and not llm.available
    with llm_turn(None) as ledger, pytest.raises(LLMUnavailable, match="circuit open"):
        await llm.chat(MESSAGE)
    assert ledger.calls[0].outcome == "circuit_open" and len(fake_llm.requests) == 1
    await asyncio.sleep(0.35)
    fake_llm.fault, fake_llm.delay = None, 0.1
    results = await asyncio.gather(*(llm.chat(MESSAGE) for _ in range(5)),
                                   return_exceptions=True)
    assert sum(not isinstance(r, BaseException) for r in results) == 1  # the one probe
    assert len(fake_llm.requests) == 2 and llm.breaker.state == "closed"
    assert (await llm.chat(MESSAGE)).text


async def test_one_turn_never_waits_more_than_its_budget(
    fake_llm: FakeLLM, http: httpx.AsyncClient
) -> None:
    fake_llm.delay = 0.25
    llm = _client(http, fake_llm.base_url, timeout=5.0)
    started = time.monotonic()
    with llm_turn(0.4) as ledger:
        await llm.chat(MESSAGE)
        with pytest.raises(LLMUnavailable):
            await llm.chat(MESSAGE)
        with pytest.raises(LLMUnavailable, match="spent"):
            await llm.chat(MESSAGE)
    assert time.monotonic() - started < 0.4 + 0.1
    assert [c.outcome for c in ledger.calls] == ["ok", "timeout", "budget"]


def test_breaker_states_on_a_fake_clock() -> None:
    now = [0.0]
    breaker = Breaker(threshold=2, cooldown=10.0, clock=lambda: now[0])
    breaker.failure()
    assert breaker.state == "closed" and breaker.allow()
    breaker.failure()
    assert breaker.state == "open" and not breaker.allow()
    now[0] = 10.0
    assert breaker.allow() and not breaker.allow()  # one probe only
    breaker.failure()
    assert breaker.state == "open"
    now[0] = 20.0
    assert breaker.allow()
    breaker.success()
    assert breaker.state == "closed" and breaker.allow() and breaker.allow()


async def test_transcription_posts_the_audio_and_the_model(
    fake_llm: FakeLLM, http: httpx.AsyncClient
) -> None:
    fake_llm.transcript = " Добрый день! "
    llm = LLMClient(http, base_url=fake_llm.base_url, model="whisper-1", timeout=1.0)
    assert await llm.transcribe(b"OggS-voice", filename="v.ogg") == "Добрый день!"
    ((fields, audio),) = fake_llm.stt_requests
    assert fields["model"] == "whisper-1" and fields["language"] == "ru" and audio == b"OggS-voice"


async def test_build_llm_follows_the_urls(fake_llm: FakeLLM, http: httpx.AsyncClient) -> None:
    nothing = build_llm(http, base_url=None, model="m")
    assert (nothing.voice, nothing.judge, nothing.coach, nothing.stt) == (None, None, None, None)
    speech_only = build_llm(http, base_url=None, model="m", stt_base_url=fake_llm.base_url)
    assert speech_only.voice is None and speech_only.stt is not None
    parts = build_llm(http, base_url=fake_llm.base_url, model="m", timeout=1.0)
    assert parts.voice is not None and parts.judge is not None and parts.coach is not None
    assert parts.voice.llm is parts.judge.llm is parts.coach.llm
    assert parts.stt is not None and parts.stt.client is not parts.voice.llm
    assert parts.voice.llm.url == fake_llm.base_url + "/chat/completions"
