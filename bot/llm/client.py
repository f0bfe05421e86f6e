"""An OpenAI-compatible client (`/chat/completions`, `/audio/transcriptions`) that is never a
single point of failure (`../shared/spec/llm.md` «Every call»).

- Every call has a timeout: `timeout`, or less when the turn's budget (`bot.llm.ledger`) has
  less left; retries and back-off all fit inside it.
- Retries with exponential back-off and full jitter (tenacity) on 429 (its `Retry-After` is
  honoured, and a wait longer than the time left is not waited), 5xx and connection errors.
- A circuit breaker: after `threshold` failed attempts in a row, or one timeout, calls fail
  fast for `cooldown` seconds; then one probe call goes through (the others keep failing fast)
  and its result closes or reopens the breaker. So with the LLM down a trainee pays at most one
  timeout per cool-down, not one per turn.
- Every failure becomes `LLMUnavailable` (a `SeamUnavailable`: the engine falls back), raised
  where the fact is known (`raise ... from exc`); every call appends a `CallRecord` to the
  turn's ledger.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

from bot.errors import LLMUnavailable
from bot.llm.ledger import CallRecord, Outcome, current

if TYPE_CHECKING:  # imported where calls are made: a bot without an LLM never loads them
    import httpx
    from tenacity import RetryCallState

Message = dict[str, str]
T = TypeVar("T")
MIN_CALL_SECONDS = 0.05
"""Below this much time left, a call is not started (it could not finish)."""


class Breaker:
    """Closed → open after `threshold` failures in a row (or one severe failure) → after
    `cooldown` seconds one probe is let through (half-open) → closed on its success, open again
    on its failure. Single-threaded (asyncio): no awaits inside, no lock needed."""

    def __init__(
        self, threshold: int = 3, cooldown: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.threshold = max(1, threshold)
        self.cooldown = cooldown
        self.clock = clock
        self.failures = 0
        self.opened_at: float | None = None
        self.probing = False

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        return "half_open" if self.probing or self._cooled() else "open"

    def _cooled(self) -> bool:
        return self.opened_at is not None and self.clock() - self.opened_at >= self.cooldown

    def allow(self) -> bool:
        """Whether a call may go out now (in half-open, only the one probe)."""
        if self.opened_at is None:
            return True
        if self.probing or not self._cooled():
            return False
        self.probing = True
        return True

    def success(self) -> None:
        self.failures, self.opened_at, self.probing = 0, None, False

    def failure(self, *, severe: bool = False) -> None:
        self.failures += 1
        if severe or self.probing or self.failures >= self.threshold:
            self.opened_at, self.probing = self.clock(), False


class _Retryable(Exception):  # noqa: N818 - internal signal for tenacity, never escapes
    """A failed attempt worth another try (429, 5xx, connection error)."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class _Final(Exception):  # noqa: N818 - internal, never escapes this module
    """A failed attempt not worth another (4xx, a body that is not the protocol's)."""

    def __init__(self, reason: str, outcome: Outcome = "error") -> None:
        super().__init__(reason)
        self.outcome: Outcome = outcome


@dataclass(frozen=True, slots=True)
class Completion:
    """One chat answer: its text, why it stopped, and the call's record (to mark it invalid)."""

    text: str
    finish_reason: str | None
    record: CallRecord


def retry_after(response: httpx.Response) -> float | None:
    """Seconds from a `Retry-After` header (seconds or an HTTP date), None if absent/bad."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class LLMClient:
    """A resilient OpenAI-compatible client over an `httpx.AsyncClient` it receives.

    `base_url` is the API root including `/v1` (e.g. `http://127.0.0.1:8000/v1`). Raises nothing
    on construction. One breaker per client: build one client per endpoint (chat, speech).
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
        threshold: int = 3,
        retries: int = 2,
        backoff: float = 0.2,
        max_backoff: float = 2.0,
    ) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.url = self.base_url + "/chat/completions"
        self.model = model
        self.api_key = api_key
        self.timeout = timeout
        self.retries = max(0, retries)
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.breaker = Breaker(threshold, cooldown)

    @property
    def available(self) -> bool:
        """False while the breaker is open (cooling down after failures)."""
        return self.breaker.state != "open"

    # --- the endpoints ---------------------------------------------------------------------

    async def chat(
        self,
        messages: Sequence[Message],
        *,
        purpose: str = "chat",
        prompt_version: str | None = None,
        temperature: float = 0.7,
        max_tokens: int = 300,
        json_mode: bool = False,
    ) -> Completion:
        """One chat completion (its text stripped; it may be empty: the caller's contract
        decides). Writes: nothing local. Raises `LLMUnavailable` when no usable HTTP answer
        came within the time (transport errors, timeouts, HTTP errors, a body that is not the
        OpenAI shape, an open breaker, a spent budget)."""
        payload: dict[str, object] = {
            "model": self.model,
            "messages": list(messages),
            "temperature": temperature,
            "max_tokens": max_tokens,
        }
        if json_mode:
            payload["response_format"] = {"type": "json_object"}
        record = CallRecord(purpose=purpose, model=self.model, prompt_version=prompt_version)

        def send(timeout: float) -> Awaitable[httpx.Response]:
            return self.http.post(self.url, json=payload, headers=self._headers(), timeout=timeout)

        body = await self._call(record, send, _json_body)
        choices = body.get("choices")
        choice = choices[0] if isinstance(choices, list) and choices else None
        message = choice.get("message") if isinstance(choice, dict) else None
        content = message.get("content", "") if isinstance(message, dict) else None
        if not isinstance(choice, dict) or not isinstance(content, str | None):
            record.outcome = "invalid"
            raise LLMUnavailable("LLM answered a body without a text message in `choices`")
        usage = body.get("usage")
        if isinstance(usage, dict):
            record.prompt_tokens = _int(usage.get("prompt_tokens"))
            record.completion_tokens = _int(usage.get("completion_tokens"))
        reason = choice.get("finish_reason")
        return Completion((content or "").strip(), reason if isinstance(reason, str) else None,
                          record)

    async def transcribe(
        self,
        audio: bytes,
        *,
        filename: str = "voice.ogg",
        content_type: str = "audio/ogg",
        language: str = "ru",
    ) -> str:
        """The text of a recording (`/audio/transcriptions`, OpenAI's multipart form), stripped
        (may be empty). Writes: nothing local. Raises `LLMUnavailable` like `chat`."""
        record = CallRecord(purpose="stt", model=self.model)
        url = self.base_url + "/audio/transcriptions"
        form = {"model": self.model, "language": language, "response_format": "json"}

        def send(timeout: float) -> Awaitable[httpx.Response]:
            files = {"file": (filename, audio, content_type)}
            return self.http.post(
                url, data=form, files=files, headers=self._headers(), timeout=timeout
            )

        body = await self._call(record, send, _json_body)
        text = body.get("text")
        if not isinstance(text, str):
            record.outcome = "invalid"
            raise LLMUnavailable("speech endpoint answered without a text")
        return text.strip()

    # --- the resilience around every call --------------------------------------------------

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}

    def _wait(self) -> Callable[[RetryCallState], float]:
        from tenacity import wait_random_exponential

        jitter = wait_random_exponential(multiplier=self.backoff, max=self.max_backoff)

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome is not None else None
            if isinstance(exc, _Retryable) and exc.retry_after is not None:
                return exc.retry_after
            return float(jitter(state))

        return wait

    async def _call(
        self,
        record: CallRecord,
        send: Callable[[float], Awaitable[httpx.Response]],
        parse: Callable[[httpx.Response], T],
    ) -> T:
        from tenacity import (
            AsyncRetrying,
            retry_if_exception_type,
            stop_after_attempt,
            stop_before_delay,
        )

        ledger = current()
        if ledger is not None:
            ledger.calls.append(record)
        left = ledger.remaining() if ledger is not None else None
        budget = self.timeout if left is None else min(self.timeout, left)
        if budget < MIN_CALL_SECONDS:
            record.outcome = "budget"
            raise LLMUnavailable("the turn's LLM time is spent")
        if not self.breaker.allow():
            record.outcome = "circuit_open"
            raise LLMUnavailable("LLM is cooling down after failures (circuit open)")
        started = time.monotonic()
        deadline = started + budget
        settled = False
        try:
            async with asyncio.timeout(budget):
                retrying = AsyncRetrying(
                    stop=stop_after_attempt(1 + self.retries) | stop_before_delay(budget),
                    wait=self._wait(),
                    retry=retry_if_exception_type(_Retryable),
                    reraise=True,
                )
                async for attempt in retrying:
                    with attempt:
                        record.attempts += 1
                        result = await self._attempt(send, parse, deadline)
            self.breaker.success()
            settled = True
            return result
        except TimeoutError as exc:
            record.outcome = "timeout"
            self.breaker.failure(severe=True)
            settled = True
            raise LLMUnavailable(f"LLM timed out after {budget:.2f}s") from exc
        except _Retryable as exc:
            record.outcome = "error"
            self.breaker.failure(severe=record.attempts > self.retries)
            settled = True
            raise LLMUnavailable(f"LLM failed: {exc}") from exc
        except _Final as exc:
            record.outcome = exc.outcome
            self.breaker.failure()
            settled = True
            raise LLMUnavailable(f"LLM failed: {exc}") from exc
        finally:
            record.latency_ms = round((time.monotonic() - started) * 1000)
            if not settled:  # cancelled from outside (the engine's own timeout): a failure
                record.outcome = "timeout"
                self.breaker.failure(severe=True)

    async def _attempt(
        self,
        send: Callable[[float], Awaitable[httpx.Response]],
        parse: Callable[[httpx.Response], T],
        deadline: float,
    ) -> T:
        """One HTTP attempt: the answer parsed, or `_Retryable` / `_Final`."""
        import httpx

        left = max(MIN_CALL_SECONDS, deadline - time.monotonic())
        try:
            response = await send(left)
        except httpx.TimeoutException as exc:
            raise TimeoutError(str(exc)) from exc
        except httpx.TransportError as exc:
            raise _Retryable(f"transport error: {exc!r}") from exc
        status = response.status_code
        if status == 429:
            wait = retry_after(response)
            if wait is not None and wait > deadline - time.monotonic():
                raise _Final(f"HTTP 429, Retry-After {wait:.1f}s is past the time left")
            raise _Retryable("HTTP 429", wait)
        if status >= 500:
            raise _Retryable(f"HTTP {status}")
        if status >= 400:
            raise _Final(f"HTTP {status}")
        try:
            return parse(response)
        except ValueError as exc:
            raise _Final(f"a body that is not JSON: {exc!r}", "invalid") from exc


def _json_body(response: httpx.Response) -> dict[str, object]:
    """The response's JSON object. Raises ValueError for a body that is not a JSON object."""
    body = response.json()
    if not isinstance(body, dict):
        raise ValueError("the body is not a JSON object")
    return body


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
