"""The OpenAI-compatible client against a real local HTTP server, healthy and with faults."""

from __future__ import annotations

import json

import httpx
import pytest
from fake_llm import FakeLLM

from bot.errors import BotError, LLMUnavailable
from bot.llm import LLMClient, LLMJudge, LLMVoice, build_llm
from scoring.model import Context, Evidence, GradeResult, Verdict


def _client(http: httpx.AsyncClient, base_url: str, **kw: float) -> LLMClient:
    return LLMClient(
        http,
        base_url=base_url,
        model="test-model",
        api_key="sk-test",
        timeout=kw.get("timeout", 1.0),
        cooldown=kw.get("cooldown", 0.0),
    )


def _grade() -> GradeResult:
    return GradeResult(
        text="Здравствуйте, Почта России, Анна.",
        verdicts={
            "greeting": Verdict(
                check="greeting",
                kind="step",
                value=True,
                evidence=Evidence(quote="Здравствуйте", start=0, end=12, rule="здравствуйте"),
            ),
            "self_intro": Verdict(check="self_intro", kind="step", value=False),
        },
    )


async def test_healthy_llm_answer_is_returned(fake_llm: FakeLLM, http: httpx.AsyncClient) -> None:
    fake_llm.voice_reply = "  Добрый день!  "
    llm = _client(http, fake_llm.base_url)
    text = await llm.chat([{"role": "user", "content": "привет"}])
    assert text == "Добрый день!"
    (body,) = fake_llm.requests
    assert body["model"] == "test-model"
    assert body["messages"] == [{"role": "user", "content": "привет"}]


@pytest.mark.parametrize("fault", ["500", "slow", "garbage"])
async def test_server_faults_become_llm_unavailable(
    fake_llm: FakeLLM, http: httpx.AsyncClient, fault: str
) -> None:
    fake_llm.fault = fault
    llm = _client(http, fake_llm.base_url, timeout=0.3)
    with pytest.raises(LLMUnavailable) as info:
        await llm.chat([{"role": "user", "content": "x"}])
    assert isinstance(info.value, BotError)
    assert info.value.__cause__ is not None


async def test_connection_refused_becomes_llm_unavailable(http: httpx.AsyncClient) -> None:
    llm = _client(http, FakeLLM.refused_url())
    with pytest.raises(LLMUnavailable) as info:
        await llm.chat([{"role": "user", "content": "x"}])
    assert isinstance(info.value.__cause__, httpx.ConnectError)


async def test_after_failure_client_fails_fast_during_cooldown(
    fake_llm: FakeLLM, http: httpx.AsyncClient
) -> None:
    fake_llm.fault = "500"
    llm = _client(http, fake_llm.base_url, cooldown=60.0)
    with pytest.raises(LLMUnavailable):
        await llm.chat([{"role": "user", "content": "x"}])
    fake_llm.fault = None
    with pytest.raises(LLMUnavailable, match="cooling down"):
        await llm.chat([{"role": "user", "content": "x"}])
    assert len(fake_llm.requests) == 1
    assert llm.available is False


async def test_without_cooldown_the_next_call_reaches_the_server(
    fake_llm: FakeLLM, http: httpx.AsyncClient
) -> None:
    fake_llm.fault = "500"
    llm = _client(http, fake_llm.base_url, cooldown=0.0)
    with pytest.raises(LLMUnavailable):
        await llm.chat([{"role": "user", "content": "x"}])
    fake_llm.fault = None
    assert await llm.chat([{"role": "user", "content": "x"}])
    assert len(fake_llm.requests) == 2


async def test_voice_strips_quotes_and_keeps_the_scripted_meaning(
    fake_llm: FakeLLM, http: httpx.AsyncClient
) -> None:
    from scenarios import load_library

    scenario = load_library()["hold_request"]
    fake_llm.voice_reply = "«Где моя посылка?!»"
    voice = LLMVoice(_client(http, fake_llm.base_url))
    text = await voice.line(scenario, "opening", "Я жду посылку уже месяц.", [])
    assert text == "Где моя посылка?!"
    messages = fake_llm.requests[0]["messages"]
    assert messages[0]["role"] == "system" and scenario.context.company in messages[0]["content"]
    assert "Я жду посылку уже месяц." in messages[-1]["content"]
    assert "response_format" not in fake_llm.requests[0]


async def test_judge_returns_only_known_checks(fake_llm: FakeLLM, http: httpx.AsyncClient) -> None:
    fake_llm.judge_reply = {"self_intro": True, "made_up": True}
    judge = LLMJudge(_client(http, fake_llm.base_url))
    opinion = await judge.review(_grade().text, _grade(), Context(company="Почта России"))
    assert opinion == {"self_intro": True}
    body = fake_llm.requests[0]
    assert body["response_format"] == {"type": "json_object"}
    prompt = body["messages"][-1]["content"]
    assert "Почта России" in prompt and "self_intro" in prompt


async def test_judge_without_opinion_returns_none(
    fake_llm: FakeLLM, http: httpx.AsyncClient
) -> None:
    fake_llm.judge_reply = {}
    judge = LLMJudge(_client(http, fake_llm.base_url))
    assert await judge.review("x", _grade(), Context()) is None


@pytest.mark.parametrize("fault", ["not_json_content", "garbage", "500"])
async def test_judge_bad_answer_is_llm_unavailable(
    fake_llm: FakeLLM, http: httpx.AsyncClient, fault: str
) -> None:
    fake_llm.fault = fault
    judge = LLMJudge(_client(http, fake_llm.base_url))
    with pytest.raises(LLMUnavailable):
        await judge.review("x", _grade(), Context())


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('```json\n{"verdicts": {"greeting": false}}\n```', {"greeting": False}),
        (json.dumps({"greeting": False, "self_intro": "yes"}), {"greeting": False}),
    ],
)
async def test_judge_tolerates_fences_and_flat_objects(
    fake_llm: FakeLLM, http: httpx.AsyncClient, raw: str, expected: dict[str, bool]
) -> None:
    fake_llm.judge_raw = raw
    judge = LLMJudge(_client(http, fake_llm.base_url))
    assert await judge.review("x", _grade(), Context()) == expected


async def test_build_llm_follows_base_url(fake_llm: FakeLLM, http: httpx.AsyncClient) -> None:
    assert build_llm(http, base_url=None, model="m") == (None, None)
    voice, judge = build_llm(http, base_url=fake_llm.base_url, model="m", timeout=1.0)
    assert voice is not None and judge is not None
    assert voice.llm is judge.llm and voice.llm.url == fake_llm.base_url + "/chat/completions"
