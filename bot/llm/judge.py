"""The judge: `scenarios.Judge` over an `LLMClient` (`prompts/judge.md`).

It is shown the client's line, the reply (a JSON string between delimiters, declared as data)
and, per judged check, its id, kind, title, definition and the standard's examples — never the
rule verdicts, the trainee's name or history. It must answer, in JSON mode, exactly
`{"verdicts": [{"check": …, "value": true|false, "quote": "…"|null}, …]}`; an answer that is
not that (bad JSON, cut off, another shape) gets one repair request, then the rules alone
grade. Whether a quote is really in the reply is decided by the engine (`scenarios.combine`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.llm import prompts
from bot.llm.client import Completion, LLMClient, Message
from bot.llm.contract import ContractBroken, ask
from scenarios import Judge, JudgeCheck, JudgeVerdict


class _StrictVerdict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    check: str
    value: bool
    quote: str | None = None


def messages_for(client_line: str, reply: str, checks: Sequence[JudgeCheck]) -> list[Message]:
    """The judge's system and user messages (the reply JSON-encoded, between delimiters)."""
    prompt = prompts.load("judge")
    listed = []
    for check in checks:
        examples = "; ".join(f"«{e}»" for e in check.examples) or prompt.text("no_examples")
        listed.append(prompt.text(
            "check", id=check.id, kind=prompt.text(f"kind.{check.kind}"), title=check.title,
            definition=check.definition, examples=examples,
        ))
    user = prompt.text(
        "user",
        client_line=json.dumps(client_line, ensure_ascii=False),
        reply=json.dumps(reply, ensure_ascii=False),
        checks="\n".join(listed),
    )
    return [{"role": "system", "content": prompt.text("system")}, {"role": "user", "content": user}]


def parse_verdicts(completion: Completion, asked: Sequence[str]) -> list[JudgeVerdict]:
    """The verdicts of an answer in exactly the contract's schema, for the asked checks.
    A check the answer leaves out has no opinion. Raises `ContractBroken` for bad JSON, a
    cut-off answer or another shape."""
    text = _strip_fence(completion.text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        cut = " (ответ обрезан)" if completion.finish_reason == "length" else ""
        raise ContractBroken(f"это не JSON{cut}: {exc.msg}") from exc
    if not isinstance(data, dict) or set(data) != {"verdicts"} or not isinstance(
        data["verdicts"], list
    ):
        raise ContractBroken('нужен объект ровно вида {"verdicts": [...]}')
    verdicts: list[JudgeVerdict] = []
    try:
        for item in data["verdicts"]:
            strict = _StrictVerdict.model_validate(item)
            verdicts.append(JudgeVerdict(**strict.model_dump()))
    except ValidationError as exc:
        raise ContractBroken(
            'каждая запись — {"check": строка, "value": true|false, "quote": строка или null}'
        ) from exc
    return [v for v in verdicts if v.check in asked]


class LLMJudge(Judge):
    """A second opinion on the judged checks of one reply. Raises `LLMUnavailable` when the
    LLM fails or breaks the answer schema twice (the rules alone then grade)."""

    def __init__(self, llm: LLMClient) -> None:
        self.llm = llm

    async def review(
        self, client_line: str, reply: str, checks: Sequence[JudgeCheck]
    ) -> Sequence[JudgeVerdict]:
        if not checks:
            return []
        asked = [check.id for check in checks]
        return await ask(
            self.llm, messages_for(client_line, reply, checks),
            lambda completion: parse_verdicts(completion, asked),
            purpose="judge", prompt_version=prompts.load("judge").version, temperature=0.0,
            max_tokens=120 + 80 * len(checks), json_mode=True,
        )


def _strip_fence(raw: str) -> str:
    """Remove a ```json fence some models put around JSON."""
    text = raw.strip()
    if text.startswith("```"):
        text = text.strip("`")
        if text.lower().startswith("json"):
            text = text[4:]
    return text.strip()
