"""Russian texts of a run's result: the card's arithmetic, why a run failed, and the notes on
steps credited in another reply than the one that first expected them (both doors)."""

from __future__ import annotations

RU_RUN: dict[str, str] = {
    "fb.step_already": "✅ {title} — уже было раньше, повторять не нужно",
    "fb.step_made_up": "✅ {title} — засчитано теперь (раньше было пропущено)",
    "card.sum": (
        "Шаги: {done} из {total} ({share}){deductions} = {score} из 100; зачёт от {pass_mark}."
    ),
    "card.sum_floor": (
        "Шаги: {done} из {total} ({share}){deductions} = {raw}, то есть 0 из 100; "
        "зачёт от {pass_mark}."
    ),
    "card.sum.violations": " − нарушения {points}",
    "card.sum.hints": " − подсказки {points}",
    "card.why": "Почему незачёт: {reasons}.",
    "card.why.score": "набрано {score}, а нужно не меньше {pass_mark}",
    "card.why.blocking": "«{title}» — нарушение, при котором зачёт невозможен",
    "card.why.outcome.hung_up": "клиент прервал разговор, а зачёт — только когда вопрос решён",
    "card.why.outcome.escalated": (
        "обращение ушло руководителю, а зачёт — только когда вопрос решён"
    ),
    "card.why.outcome.abandoned": "сценарий не доведён до конца",
    "card.step_late": "✅ {title} — засчитано в реплике {turn} (ожидалось в реплике {expected})",
    "card.step_early": "✅ {title} — сделано заранее, в реплике {turn}",
    "card.violation": "⛔ {title} (реплика {turn}): «{quote}»",
    "card.violation_bare": "⛔ {title} (реплика {turn})",
}
