"""The judge: `scenarios.Judge` over an `LLMClient`, a second opinion on the rule verdicts."""

from __future__ import annotations

import json

from bot.errors import LLMUnavailable
from bot.llm.client import LLMClient
from scenarios import Judge
from scoring import Context, GradeResult, Standard

JUDGE_SYSTEM = (
    "Ты проверяешь ответ сотрудника по стандарту обслуживания. Для каждой проверки ответь, "
    "выполнена ли она (для шагов) или нарушена ли (для нарушений). Отвечай только JSON-объектом "
    'вида {"verdicts": {"id_проверки": true|false, ...}} без пояснений.'
)


class LLMJudge(Judge):
    """`review` returns `{check id: bool}` for the checks of the grade the model gave a boolean
    for (None if it gave none). Raises `LLMUnavailable` when the LLM fails or answers bad JSON.
    `standard` supplies the checks' titles for the prompt."""

    def __init__(self, llm: LLMClient, standard: Standard | None = None) -> None:
        self.llm = llm
        self.standard = standard

    def _title(self, check: str) -> str:
        spec = self.standard.checks.get(check) if self.standard is not None else None
        return spec.title if spec is not None else check

    async def review(
        self, text: str, result: GradeResult, context: Context
    ) -> dict[str, bool] | None:
        verdicts = result.verdicts
        if not verdicts:
            return None
        lines = []
        for check, verdict in verdicts.items():
            kind = "нарушение" if verdict.kind == "violation" else "шаг"
            rule = "да" if verdict.value else "нет"
            lines.append(f"- {check} ({kind}): {self._title(check)}; по правилам: {rule}")
        ctx = context.model_dump(exclude_none=True)
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
