"""Webhook mode: the aiohttp server accepts updates only with the right secret-token header."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable

import httpx
from aiogram import Bot, Dispatcher
from tg_harness import Chat

from bot.__main__ import App, webhook_server

SECRET = "s3cret-token-0123456789-abcdefghijkl"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_webhook_checks_the_secret_token_header(
    dp: Dispatcher, bot: Bot, app: App, chat: Callable[..., Chat]
) -> None:
    user = chat(1501)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/tg/webhook"
    async with webhook_server(dp, bot, "127.0.0.1", port, "/tg/webhook", SECRET), \
            httpx.AsyncClient() as http:
        body = user.command_update("help").model_dump(mode="json", by_alias=True,
                                                       exclude_none=True)
        refused = await http.post(url, json=body,
                                  headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
        missing = await http.post(url, json=body)
        assert refused.status_code == 401 and missing.status_code == 401
        assert user.new() == []
        accepted = await http.post(url, json=body,
                                   headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
        assert accepted.status_code == 200
        # handled in the background: wait for the answer
        for _ in range(100):
            if user.new():
                break
            await asyncio.sleep(0.02)
        assert any("Как это работает" in s.text for s in user.log)


def test_webhook_mode_refuses_a_short_or_malformed_secret_and_generates_one_if_empty() -> None:
    import pytest

    from bot.__main__ import MIN_SECRET_LENGTH, webhook_secret

    for bad in ("short", "x" * (MIN_SECRET_LENGTH - 1), "a" * 40 + " space"):
        with pytest.raises(SystemExit, match="WEBHOOK_SECRET"):
            webhook_secret(bad)
    one, two = webhook_secret(None), webhook_secret("")
    assert len(one) >= MIN_SECRET_LENGTH and one != two
    assert webhook_secret(SECRET) == SECRET
