"""An answer that breaks the contract gets one repair request, then the fallback
(`../shared/spec/llm.md` «Every call»).

`ask` sends the messages, checks the answer with `validate` (which raises `ContractBroken`
with a plain reason), and on a broken answer sends the conversation back once with the reason
(`prompts/repair.md`). The first call's record is marked `invalid`; a second broken answer
raises `LLMUnavailable`, so the caller's seam falls back (scripted line, rule grading, rule tip).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from bot.errors import LLMUnavailable
from bot.llm import prompts
from bot.llm.client import Completion, LLMClient, Message

T = TypeVar("T")


class ContractBroken(ValueError):
    """The answer came but breaks the contract (the message says how, for the repair)."""


async def ask(
    llm: LLMClient,
    messages: Sequence[Message],
    validate: Callable[[Completion], T],
    *,
    purpose: str,
    prompt_version: str,
    temperature: float,
    max_tokens: int,
    json_mode: bool = False,
) -> T:
    """The validated answer, after at most one repair. Raises `LLMUnavailable` (the call
    failed, or the repaired answer still breaks the contract)."""
    completion = await llm.chat(
        messages, purpose=purpose, prompt_version=prompt_version, temperature=temperature,
        max_tokens=max_tokens, json_mode=json_mode,
    )
    try:
        return validate(completion)
    except ContractBroken as broken:
        completion.record.outcome = "invalid"
        problem = str(broken)
    repair = prompts.load("repair")
    retry = [
        *messages,
        {"role": "assistant", "content": completion.text},
        {"role": "user", "content": repair.text("user", problem=problem)},
    ]
    second = await llm.chat(
        retry, purpose=f"{purpose}.repair", prompt_version=f"{prompt_version}|{repair.version}",
        temperature=temperature, max_tokens=max_tokens, json_mode=json_mode,
    )
    try:
        return validate(second)
    except ContractBroken as exc:
        second.record.outcome = "invalid"
        raise LLMUnavailable(f"{purpose}: the answer broke the contract twice: {exc}") from exc
