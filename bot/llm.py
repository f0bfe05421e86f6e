"""OpenAI-compatible chat-completions client (httpx) and the two LLM seams the pure packages define.

- `LLMClient` wraps an `httpx.AsyncClient` it receives; every failure to get a usable answer
  (transport error, timeout, HTTP error status, a body that is not the expected JSON) becomes
  `LLMUnavailable` (`raise ... from exc`). After a failure the client stays "down" for
  `cooldown` seconds and fails fast, so an outage costs one timeout, not one per turn.
- `LLMVoice` implements `scenarios.ClientVoice`: the client's line re-phrased in the scenario's
  persona (the scripted line gives the meaning).
- `LLMJudge` implements `scoring.Judge`: a second opinion on the rule verdicts, as JSON.

The engine catches a failing seam and falls back to scripted lines and rule grading (the turn is
marked `degraded`).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterable, Mapping, Sequence
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


# --- prompts (sent to the model, not shown to users) ------------------------------------------

VOICE_SYSTEM = (
    "Ты играешь роль клиента в учебном диалоге для сотрудника сферы обслуживания. "
    "Говори только репликами клиента, по-русски, разговорно, одной-тремя фразами, "
    "без пояснений, кавычек и ремарок. Не помогай сотруднику и не оценивай его."
)
VOICE_TASK = (
    "Сейчас скажи по смыслу то же самое, что в заготовленной реплике, своими словами, "
    "с учётом разговора выше. Заготовленная реплика: «{scripted}»"
)
JUDGE_SYSTEM = (
    "Ты проверяешь ответ сотрудника по стандарту обслуживания. Для каждой проверки ответь, "
    "выполнена ли она (для шагов) или нарушена ли (для нарушений). Отвечай только JSON-объектом "
    'вида {"verdicts": {"id_проверки": true|false, ...}} без пояснений.'
)


def _persona(scenario: Any) -> str:
    """A short Russian description of the client from whatever the scenario model offers."""
    parts: list[str] = []
    title = getattr(scenario, "title", None)
    if title:
        parts.append(f"Ситуация: {title}.")
    context: Any = getattr(scenario, "context", None)
    if hasattr(context, "model_dump"):
        fields: dict[str, Any] = context.model_dump()
    else:
        fields = dict(context) if isinstance(context, Mapping) else {}
    labels = {
        "client_name": "Имя клиента",
        "mood": "Настроение",
        "company": "Организация, куда обращается клиент",
        "channel": "Канал",
        "time": "Время",
        "persona": "Кто клиент",
    }
    for key, label in labels.items():
        value = fields.get(key)
        if isinstance(value, str) and value.strip():
            parts.append(f"{label}: {value}.")
    return " ".join(parts)


def _history_messages(history: Iterable[Any]) -> list[Message]:
    """Map the engine's history (client lines and replies) to chat messages, client = assistant.

    Accepts entries as mappings or objects with `role`/`speaker`/`who` and `text`, or with
    `client`/`reply` fields, or `(role, text)` pairs; anything else is skipped.
    """
    messages: list[Message] = []

    def add(role: str, text: Any) -> None:
        if isinstance(text, str) and text.strip():
            client_roles = {"client", "assistant", "bot"}
            messages.append(
                {"role": "assistant" if role in client_roles else "user", "content": text}
            )

    for entry in history or ():
        data: Mapping[str, Any]
        if isinstance(entry, Mapping):
            data = entry
        elif hasattr(entry, "model_dump"):
            data = entry.model_dump()
        elif isinstance(entry, tuple | list) and len(entry) == 2:
            add(str(entry[0]), entry[1])
            continue
        else:
            continue
        role = data.get("role") or data.get("speaker") or data.get("who")
        if role is not None:
            add(str(role), data.get("text"))
            continue
        for key in ("client", "client_line", "line"):
            if key in data:
                add("client", data[key])
                break
        for key in ("reply", "reply_text", "answer"):
            if key in data:
                add("agent", data[key])
                break
    return messages


class LLMVoice:
    """`scenarios.ClientVoice` over an `LLMClient`: the client speaks freely in persona.

    Raises `LLMUnavailable` when the LLM fails (the engine then uses the scripted line).
    """

    def __init__(self, llm: LLMClient, *, temperature: float = 0.8) -> None:
        self.llm = llm
        self.temperature = temperature

    async def line(self, scenario: Any, state_id: str, scripted: str, history: Any) -> str:
        messages: list[Message] = [
            {"role": "system", "content": f"{VOICE_SYSTEM} {_persona(scenario)}".strip()}
        ]
        messages += _history_messages(history)
        messages.append({"role": "user", "content": VOICE_TASK.format(scripted=scripted)})
        text = await self.llm.chat(messages, temperature=self.temperature, max_tokens=200)
        return text.strip().strip("«»\"'").strip() or scripted


class LLMJudge:
    """`scoring.Judge` over an `LLMClient`: a second opinion on the rule verdicts.

    `standard` (a `scoring.Standard`, optional) supplies the checks' titles for the prompt.
    `review` returns `{check id: bool}` for the checks of the grade the model gave a boolean for
    (None if it gave none). Raises `LLMUnavailable` when the LLM fails or answers bad JSON.
    """

    def __init__(self, llm: LLMClient, standard: Any = None) -> None:
        self.llm = llm
        self.standard = standard

    def _title(self, check: str) -> str:
        checks = getattr(self.standard, "checks", None) or {}
        spec = checks.get(check)
        return str(getattr(spec, "title", "") or check)

    async def review(self, text: str, result: Any, context: Any) -> dict[str, bool] | None:
        verdicts: Mapping[str, Any] = getattr(result, "verdicts", {}) or {}
        if not verdicts:
            return None
        lines = []
        for check, verdict in verdicts.items():
            kind = "нарушение" if getattr(verdict, "kind", "step") == "violation" else "шаг"
            rule = "да" if getattr(verdict, "value", False) else "нет"
            lines.append(f"- {check} ({kind}): {self._title(check)}; по правилам: {rule}")
        ctx = context.model_dump(exclude_none=True) if hasattr(context, "model_dump") else {}
        prompt = (
            f"Контекст: {json.dumps(ctx, ensure_ascii=False)}\n"
            f"Ответ сотрудника: «{text}»\n"
            "Проверки:\n" + "\n".join(lines)
        )
        raw = await self.llm.chat(
            [{"role": "system", "content": JUDGE_SYSTEM}, {"role": "user", "content": prompt}],
            temperature=0.0,
            max_tokens=400,
            json_mode=True,
        )
        try:
            data = json.loads(_strip_fence(raw))
        except ValueError as exc:
            raise LLMUnavailable("LLM judge answered text that is not JSON") from exc
        if isinstance(data, dict) and isinstance(data.get("verdicts"), dict):
            data = data["verdicts"]
        if not isinstance(data, dict):
            raise LLMUnavailable("LLM judge answered JSON that is not an object")
        opinion = {k: v for k, v in data.items() if k in verdicts and isinstance(v, bool)}
        return opinion or None


def _strip_fence(raw: str) -> str:
    """Remove a ```json fence some models put around JSON."""
    text = raw.strip()
    if text.startswith("```"):
        text = text.strip("`")
        if text.lower().startswith("json"):
            text = text[4:]
    return text.strip()


def build_llm(
    http: httpx.AsyncClient,
    *,
    base_url: str | None,
    model: str,
    api_key: str | None = None,
    timeout: float = 8.0,
    standard: Any = None,
) -> tuple[LLMVoice | None, LLMJudge | None]:
    """The voice and judge for these settings, or (None, None) when no `base_url` is set."""
    if not base_url:
        return None, None
    client = LLMClient(http, base_url=base_url, model=model, api_key=api_key, timeout=timeout)
    return LLMVoice(client), LLMJudge(client, standard)
