"""The client's voice: `scenarios.ClientVoice` over an `LLMClient` (`prompts/voice.md`).

The engine gives a `VoiceRequest`: the persona sheet, the client's mood and tension, the channel
and the facts the client knows, the conversation so far and the meaning of the scripted line —
never the checks, the expected steps, the hints or the score (`../shared/spec/llm.md`). The
answer must be the client's words in Russian, at most two sentences (longer answers are cut to
two), never saying it is an AI; otherwise it gets one repair request, then the scripted line.
"""

from __future__ import annotations

import re

from bot.llm import prompts
from bot.llm.client import Completion, LLMClient, Message
from bot.llm.contract import ContractBroken, ask
from scenarios import ClientVoice, Exchange, VoiceRequest

MAX_SENTENCES = 2
MAX_CHARS = 400
MOODS = ((2, "mood.calm"), (4, "mood.tense"), (6, "mood.annoyed"), (8, "mood.angry"))
_SENTENCE = re.compile(r"[^.!?…]+(?:[.!?…]+[»\"')]*|$)")
_LABEL = re.compile(r"^\s*(?:клиент(?:ка)?|client)\s*[:—-]\s*", re.I)
_OUT_OF_ROLE = re.compile(
    r"\b(?:я\s+(?:—\s+)?(?:ии|бот|модель|нейросеть|программа|ассистент)|искусственн\w+\s+интеллект"
    r"|языков\w+\s+модел\w+|as an ai|language model|i am an ai)\b",
    re.I,
)
_CYRILLIC = re.compile(r"[а-яё]", re.I)
_LETTER = re.compile(r"[^\W\d_]")


def mood_section(tension: int) -> str:
    for limit, section in MOODS:
        if tension <= limit:
            return section
    return "mood.furious"


def system_prompt(request: VoiceRequest) -> str:
    """The persona sheet, the facts and the rules, filled from the request."""
    prompt = prompts.load("voice")
    persona, ctx = request.persona, request.context
    unknown = prompt.text("unknown")
    knows = [f"- {fact}" for fact in persona.knows] if persona is not None else []
    return prompt.text(
        "system",
        company=ctx.company,
        who=_one_line(persona.who) if persona is not None else (ctx.client_name or unknown),
        wants=_one_line(persona.wants) if persona is not None and persona.wants else unknown,
        speech=_one_line(persona.speech) if persona is not None and persona.speech else unknown,
        client_mood=ctx.client_mood or unknown,
        name_line=f"Тебя зовут {ctx.client_name}." if ctx.client_name else "",
        channel=prompt.text(f"channel.{ctx.channel}"),
        time_line=f"Время: {ctx.time}." if ctx.time else "",
        resistance=prompt.text(f"resistance.{request.difficulty}"),
        knows="\n".join([*knows, *(f"- {fact}" for fact in ctx.third_party)])
        or prompt.text("nothing_hidden"),
    )


def task_prompt(request: VoiceRequest) -> str:
    """The mood, what moved it, and the meaning of the line to say."""
    prompt = prompts.load("voice")
    mood = request.mood
    return prompt.text(
        "task",
        mood=prompt.text(mood_section(mood.tension)),
        tension=mood.tension,
        cause=" ".join(prompt.text(f"cause.{c}") for c in mood.causes),
        scripted=request.scripted,
        final=prompt.text("final" if request.final else "not_final"),
    )


def history_messages(history: list[Exchange]) -> list[Message]:
    """The conversation so far as chat messages: the client's lines are the assistant's."""
    messages: list[Message] = []
    for exchange in history:
        if exchange.client:
            messages.append({"role": "assistant", "content": exchange.client})
        messages.append({"role": "user", "content": exchange.reply})
    return messages


def client_words(completion: Completion) -> str:
    """The answer as the client's line (label and outer quotes removed, cut to two sentences).
    Raises `ContractBroken` for an empty, non-Russian, over-long or out-of-role answer."""
    text = _LABEL.sub("", completion.text).strip().strip("«»\"'„“”").strip()
    if not text:
        raise ContractBroken("пустой ответ")
    letters = _LETTER.findall(text)
    if not letters or len(_CYRILLIC.findall(text)) * 2 < len(letters):
        raise ContractBroken("реплика должна быть по-русски")
    if _OUT_OF_ROLE.search(text):
        raise ContractBroken("клиент не говорит, что он ИИ или модель")
    sentences = [m.group().strip() for m in _SENTENCE.finditer(text) if m.group().strip()]
    text = " ".join(sentences[:MAX_SENTENCES]) if sentences else text
    if len(text) > MAX_CHARS:
        raise ContractBroken("слишком длинно: не больше двух коротких предложений")
    return text


class LLMVoice(ClientVoice):
    """The client speaks in persona. Raises `LLMUnavailable` when the LLM fails or breaks the
    contract twice (the engine then uses the scripted line)."""

    def __init__(self, llm: LLMClient, *, temperature: float = 0.8) -> None:
        self.llm = llm
        self.temperature = temperature

    async def line(self, request: VoiceRequest) -> str:
        messages: list[Message] = [{"role": "system", "content": system_prompt(request)}]
        messages += history_messages(request.history)
        messages.append({"role": "user", "content": task_prompt(request)})
        return await ask(
            self.llm, messages, client_words, purpose="voice",
            prompt_version=prompts.load("voice").version, temperature=self.temperature,
            max_tokens=200,
        )


def _one_line(text: str) -> str:
    return " ".join(text.split())
