"""Outgoing flood control for the bot's session: stay within Telegram's limits, honour 429s.

`FloodControl` is an aiogram request middleware (installed with `bot.session.middleware(...)`):
- a global token bucket (about 30 messages a second for the whole bot) and a per-chat bucket
  (1 a second, with a short burst allowed) delay message-producing calls before they are made;
- a `TelegramRetryAfter` answer is waited out (`retry_after` seconds) and the same request is sent
  again, so no message is lost; after `max_retries` the error is raised to the caller;
- a 5xx answer or a network error (a timeout, a refused connection) on any call but `getUpdates`
  (aiogram's polling loop has its own back-off) is retried after an exponential back-off with
  jitter (0.5 s, 1 s, 2 s … capped at `max_backoff`), up to `max_retries` times.

Retries happen inside the handler's own call, and one user's updates are handled one at a time
(`UserLock`), so each chat's messages keep their order. The trade-off: a send that timed out
after Telegram had already delivered it is sent again (a rare duplicate rather than a lost
message).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType

if TYPE_CHECKING:
    from aiogram import Bot

logger = logging.getLogger(__name__)

# Calls that put something into a chat and so count against Telegram's message limits.
LIMITED_METHODS = frozenset({
    "SendMessage", "SendPhoto", "SendDocument", "SendSticker", "SendVoice", "SendAudio",
    "SendVideo", "SendAnimation", "SendMediaGroup", "SendLocation", "SendContact", "SendPoll",
    "CopyMessage", "ForwardMessage", "EditMessageText", "EditMessageReplyMarkup",
    "EditMessageCaption", "EditMessageMedia",
})


class TokenBucket:
    """`rate` tokens a second, at most `capacity` saved up. `take()` waits for one token."""

    def __init__(self, rate: float, capacity: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.updated = time.monotonic()
        self._lock = asyncio.Lock()

    def _refill(self) -> None:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    async def take(self) -> float:
        """Wait until a token is available and take it; returns the seconds waited."""
        waited = 0.0
        async with self._lock:  # FIFO: waiters are served in the order they came
            self._refill()
            if self.tokens < 1:
                delay = (1 - self.tokens) / self.rate
                await asyncio.sleep(delay)
                waited = delay
                self._refill()
            self.tokens -= 1
        return waited


class FloodControl(BaseRequestMiddleware):
    """Request middleware: global and per-chat rate limits plus waiting out `retry_after`."""

    def __init__(
        self,
        global_rate: float = 30.0,
        chat_rate: float = 1.0,
        chat_burst: float = 5.0,
        max_retries: int = 5,
        max_chats: int = 10_000,
        base_backoff: float = 0.5,
        max_backoff: float = 8.0,
    ) -> None:
        self.global_bucket = TokenBucket(global_rate, global_rate)
        self.chat_rate = chat_rate
        self.chat_burst = chat_burst
        self.max_retries = max_retries
        self.max_chats = max_chats
        self._chats: OrderedDict[Any, TokenBucket] = OrderedDict()
        self.base_backoff = base_backoff
        self.max_backoff = max_backoff
        self.retries = 0  # 429 answers waited out (for logs and tests)
        self.failures_retried = 0  # 5xx answers and network errors retried
        self.delayed = 0.0  # seconds spent waiting for buckets

    def _chat_bucket(self, chat_id: Any) -> TokenBucket:
        bucket = self._chats.pop(chat_id, None)
        if bucket is None:
            bucket = TokenBucket(self.chat_rate, self.chat_burst)
        self._chats[chat_id] = bucket  # most recently used last
        while len(self._chats) > self.max_chats:
            self._chats.popitem(last=False)
        return bucket

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        name = type(method).__name__
        limited = name in LIMITED_METHODS
        retry_failures = name != "GetUpdates"
        chat_id = getattr(method, "chat_id", None)
        attempt = 0
        while True:
            if limited:
                if chat_id is not None:
                    self.delayed += await self._chat_bucket(chat_id).take()
                self.delayed += await self.global_bucket.take()
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                attempt += 1
                if attempt > self.max_retries:
                    raise
                self.retries += 1
                logger.warning(
                    "flood control: %s to chat %s, retry after %s s (attempt %d)",
                    type(method).__name__, chat_id, exc.retry_after, attempt,
                )
                await asyncio.sleep(exc.retry_after)
            except (TelegramServerError, TelegramNetworkError) as exc:
                attempt += 1
                if not retry_failures or attempt > self.max_retries:
                    raise
                self.failures_retried += 1
                delay = min(self.max_backoff, self.base_backoff * 2 ** (attempt - 1))
                delay *= random.uniform(0.8, 1.2)
                logger.warning(
                    "telegram: %s to chat %s failed (%s); retry %d in %.1f s",
                    name, chat_id, type(exc).__name__, attempt, delay,
                )
                await asyncio.sleep(delay)
