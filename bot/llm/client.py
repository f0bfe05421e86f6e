"""A minimal OpenAI-compatible `/chat/completions` client over an `httpx.AsyncClient` it receives.

Every failure to get a usable answer (transport error, timeout, HTTP error status, a body that is
not the expected JSON) becomes `LLMUnavailable` (`raise ... from exc`), raised where the fact is
known. After a failure the client stays "down" for `cooldown` seconds and fails fast, so an
outage costs one timeout, not one per turn.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

import httpx

from bot.errors import LLMUnavailable

Message = dict[str, str]


class LLMClient:
    """A minimal OpenAI-compatible `/chat/completions` client.

    `base_url` is the API root including `/v1` (e.g. `http://127.0.0.1:8000/v1`). Raises nothing
    on construction.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        base_url: str,
        model: str,
        api_key: str | None = None,
        timeout: float = 8.0,
        cooldown: float = 30.0,
    ) -> None:
        self.http = http
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.api_key = api_key
        self.timeout = timeout
        self.cooldown = cooldown
        self._down_until = 0.0

    @property
    def available(self) -> bool:
        """False while cooling down after a failure."""
        return time.monotonic() >= self._down_until

    async def chat(
        self,
        messages: Sequence[Message],
        *,
        temperature: float = 0.7,
        max_tokens: int = 300,
        json_mode: bool = False,
    ) -> str:
        """Send one chat completion; return the assistant's text (stripped, non-empty).

        Writes: nothing local. Raises `LLMUnavailable` on a transport error, a timeout (the whole
        call is capped at `timeout` seconds), an HTTP status >= 400, a body that is not the
        OpenAI JSON shape, an empty answer, or while cooling down after such a failure.
        """
        if not self.available:
            raise LLMUnavailable("LLM is cooling down after a failure")
        payload: dict[str, Any] = {
            "model": self.model,
            "messages": list(messages),
            "temperature": temperature,
            "max_tokens": max_tokens,
        }
        if json_mode:
            payload["response_format"] = {"type": "json_object"}
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        try:
            async with asyncio.timeout(self.timeout):
                response = await self.http.post(
                    self.url, json=payload, headers=headers, timeout=self.timeout
                )
            response.raise_for_status()
            body = response.json()
            content = body["choices"][0]["message"]["content"]
            if not isinstance(content, str) or not content.strip():
                raise ValueError("empty completion")
        except TimeoutError as exc:
            self._fail()
            raise LLMUnavailable(f"LLM timed out after {self.timeout}s") from exc
        except httpx.HTTPStatusError as exc:
            self._fail()
            raise LLMUnavailable(f"LLM answered HTTP {exc.response.status_code}") from exc
        except httpx.HTTPError as exc:
            self._fail()
            raise LLMUnavailable(f"LLM transport error: {exc!r}") from exc
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            self._fail()
            raise LLMUnavailable(f"LLM answered something unusable: {exc!r}") from exc
        return content.strip()

    def _fail(self) -> None:
        self._down_until = time.monotonic() + self.cooldown
