"""The coach: a short personal tip at the end of a run (`prompts/coach.md`).

The tip is grounded in the run's own facts (`coach_facts`): the violations committed (the
trainee's words and the standard's wording instead) and the steps still missed (what the
trainee said at that moment and the standard's phrase). `rule_tip` builds 2–3 sentences from
those facts without an LLM; `LLMCoach` asks the model for 2–3 sentences in Russian that quote
the trainee and the standard (checked: an answer quoting neither, or of the wrong length, gets
one repair request, then the rule-built tip is used).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from bot.llm import prompts
from bot.llm.client import Completion, LLMClient
from bot.llm.contract import ContractBroken, ask
from bot.texts import Texts
from scenarios import FinalCard, Turn, find_quote
from scoring import Standard

SAID_WORDS = 14
_SENTENCE_END = re.compile(r"[.!?…]+(?=\s|$)")
_QUOTED = re.compile(r"«([^«»]+)»")


@dataclass(frozen=True, slots=True)
class Fact:
    """One thing to coach on: a violation or a missed step, in the trainee's own words."""

    kind: Literal["violation", "missed"]
    check: str
    title: str
    said: str
    phrase: str | None
    weight: float = 0.0


@dataclass(frozen=True, slots=True)
class CoachFacts:
    """What a tip may be grounded in (no name, no score history)."""

    title: str
    outcome: str
    facts: list[Fact] = field(default_factory=list)
    best: str = ""


@dataclass(frozen=True, slots=True)
class Tip:
    text: str
    source: Literal["llm", "rules"]


def coach_facts(
    title: str, outcome: str, card: FinalCard, history: Sequence[Turn], standard: Standard,
    examples: Callable[[str], Sequence[str]],
) -> CoachFacts:
    """The run's violations (heaviest first) and the steps the card still shows missed, each
    with the trainee's words and the standard's wording fitted to this run (`examples(check)`,
    e.g. `Engine.examples`); `outcome` is how the run ended, in words. Pure."""
    facts: list[Fact] = []
    for turn in history:
        for verdict in turn.score.violations:
            spec = standard.checks.get(verdict.check)
            for quote in verdict.quotes or [turn.reply]:
                facts.append(Fact(
                    "violation", verdict.check, spec.title if spec else verdict.check,
                    _short(quote), _first(examples(verdict.check)),
                    float(spec.penalty) if spec else 0.0,
                ))
    facts.sort(key=lambda f: -f.weight)
    for step, done in card.steps.items():
        if done:
            continue
        where = next((t for t in history if step in t.score.missed_steps), None)
        spec = standard.checks.get(step)
        facts.append(Fact(
            "missed", step, spec.title if spec else step,
            _short(where.reply) if where else "",
            _first(card.missed_recommended.get(step) or examples(step)),
            spec.weight if spec else 0.0,
        ))
    best = max(history, key=lambda t: t.score.score).reply if history else ""
    return CoachFacts(title, outcome, facts, _short(best))


def rule_tip(texts: Texts, facts: CoachFacts) -> Tip:
    """A 2–3 sentence tip from the facts alone: the heaviest violation, the first missed step,
    or praise for a clean run."""
    violation = next((f for f in facts.facts if f.kind == "violation"), None)
    missed = next((f for f in facts.facts if f.kind == "missed" and f.said), None)
    parts: list[str] = []
    if violation is not None:
        key = "llm.tip.violation" if violation.phrase else "llm.tip.violation_bare"
        parts.append(texts(key, said=_quoted(violation.said), title=violation.title,
                           phrase=_quoted(violation.phrase or "")))
    if missed is not None:
        key = "llm.tip.missed" if missed.phrase else "llm.tip.missed_bare"
        parts.append(texts(key, said=_quoted(missed.said), title=missed.title,
                           phrase=_quoted(missed.phrase or "")))
    if not parts:
        return Tip(texts("llm.tip.clean", said=facts.best), "rules")
    if len(parts) == 1:
        parts.append(texts("llm.tip.again"))
    return Tip(" ".join(parts), "rules")


def _quoted(text: str) -> str:
    """A phrase put inside «…» that a sentence goes on after: its own full stop goes (Russian
    puts the sentence's point after the quote: «…помочь».), a ? or ! stays."""
    return text.rstrip().removesuffix(".").rstrip()


def tip_words(completion: Completion, facts: CoachFacts) -> str:
    """The model's tip if it keeps the contract: 2–3 sentences (more are cut to 3), Russian,
    quoting «…» the trainee's words or the standard's phrase. Raises `ContractBroken`."""
    text = " ".join(completion.text.split()).strip("\"'")
    if not text or not re.search(r"[а-яё]", text, re.I):
        raise ContractBroken("нужен совет по-русски")
    ends = list(_SENTENCE_END.finditer(text))
    if len(ends) > 3:
        text = text[: ends[2].end()]
    elif len(ends) < 2 and not (len(ends) == 1 and ends[0].end() < len(text)):
        raise ContractBroken("нужно два-три предложения")
    sources = [s for f in facts.facts for s in (f.said, f.phrase) if s] + [facts.best]
    quoted = _QUOTED.findall(text)
    if not any(find_quote(source, q) is not None for q in quoted for source in sources if source):
        raise ContractBroken("процитируйте в «…» слова сотрудника или формулировку стандарта")
    return text


class LLMCoach:
    """The tip from the LLM. Raises `LLMUnavailable` when it fails or breaks the contract
    twice (the caller then uses `rule_tip`)."""

    def __init__(self, llm: LLMClient, *, temperature: float = 0.4) -> None:
        self.llm = llm
        self.temperature = temperature

    async def tip(self, facts: CoachFacts) -> Tip:
        prompt = prompts.load("coach")
        lines = []
        for fact in facts.facts[:4]:
            lines.append(prompt.text(fact.kind, title=fact.title, said=fact.said or "—",
                                     phrase=fact.phrase or "—"))
        if not lines:
            lines.append(prompt.text("clean", said=facts.best))
        messages = [
            {"role": "system", "content": prompt.text("system")},
            {"role": "user", "content": prompt.text(
                "user", title=facts.title, outcome=facts.outcome, facts="\n".join(lines))},
        ]
        text = await ask(
            self.llm, messages, lambda completion: tip_words(completion, facts),
            purpose="coach", prompt_version=prompt.version, temperature=self.temperature,
            max_tokens=260,
        )
        return Tip(text, "llm")


def _first(items: Sequence[str]) -> str | None:
    return items[0] if items else None


def _short(text: str) -> str:
    words = text.split()
    return " ".join(words) if len(words) <= SAID_WORDS else " ".join(words[:SAID_WORDS]) + "…"
