"""The client's voice: `scenarios.ClientVoice` over an `LLMClient`.

The scripted line gives the meaning; the model says it in the scenario persona's own words. It
sees the persona, the client's mood, the channel and company, and the conversation so far — never
the checks, the expected steps, the hints or the score (`../shared/spec/llm.md`).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.llm.client import LLMClient, Message
from scenarios import ClientVoice, Scenario, Turn

VOICE_SYSTEM = (
    "Ты играешь роль клиента в учебном диалоге для сотрудника сферы обслуживания. "
    "Говори только репликами клиента, по-русски, разговорно, одной-двумя фразами, "
    "без пояснений, кавычек и ремарок. Не помогай сотруднику и не оценивай его, "
    "не говори, что ты модель, не спрашивай о том, что тебе уже сказали."
)
VOICE_TASK = (
    "Сейчас скажи по смыслу то же самое, что в заготовленной реплике, своими словами, "
    "с учётом разговора выше. Заготовленная реплика: «{scripted}»"
)
CHANNELS = {
    "phone": "телефонный звонок",
    "office": "разговор в отделении, у окна",
    "chat": "переписка в чате",
    "email": "электронное письмо",
}


def persona_prompt(scenario: Scenario) -> str:
    """The client sheet for the system prompt: who the client is, their mood, where they are."""
    ctx = scenario.context
    parts = [f"Ситуация: {scenario.title}."]
    if scenario.persona.strip():
        parts.append(f"Кто ты: {' '.join(scenario.persona.split())}")
    if ctx.client_name:
        parts.append(f"Тебя зовут: {ctx.client_name}.")
    if ctx.client_mood:
        parts.append(f"Твоё настроение: {ctx.client_mood}.")
    parts.append(f"Ты обращаешься в: {ctx.company}.")
    parts.append(f"Канал: {CHANNELS.get(ctx.channel, ctx.channel)}.")
    return " ".join(parts)


def history_messages(history: Sequence[Turn]) -> list[Message]:
    """The conversation so far as chat messages: the client's lines are the assistant's."""
    messages: list[Message] = []
    for turn in history:
        if turn.client:
            messages.append({"role": "assistant", "content": turn.client})
        messages.append({"role": "user", "content": turn.reply})
    return messages


class LLMVoice(ClientVoice):
    """The client speaks freely in persona. Raises `LLMUnavailable` when the LLM fails (the
    engine then uses the scripted line)."""

    def __init__(self, llm: LLMClient, *, temperature: float = 0.8) -> None:
        self.llm = llm
        self.temperature = temperature

    async def line(
        self, scenario: Scenario, state_id: str, scripted: str, history: Sequence[Turn]
    ) -> str:
        messages: list[Message] = [
            {"role": "system", "content": f"{VOICE_SYSTEM}\n{persona_prompt(scenario)}"}
        ]
        messages += history_messages(history)
        messages.append({"role": "user", "content": VOICE_TASK.format(scripted=scripted)})
        text = await self.llm.chat(messages, temperature=self.temperature, max_tokens=200)
        return text.strip().strip("«»\"'").strip() or scripted
