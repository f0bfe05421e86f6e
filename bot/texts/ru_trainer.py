"""Russian texts of the trainer's workbench: the library, publishing, the self-test, statistics,
diagrams and disputes (merged into `RU` by `bot/texts/ru.py`)."""

from __future__ import annotations

RU_TRAINER: dict[str, str] = {
    # --- errors (keys of bot.errors classes) ---
    "error.already_published": "Эта версия уже опубликована — ничего не изменилось.",
    "error.dispute_not_found": "Не нашёл такой спор.",
    "error.dispute_exists": "Эту оценку вы уже оспорили — ждите решения тренера.",
    "error.dispute_closed": "По этому спору уже принято решение.",
    "error.attempt_still_active": (
        "Стажёр ещё проходит этот сценарий — решение можно принять, когда он закончит."
    ),
    # --- diagrams (PNG) ---
    "diagram.title": "{title} · версия {version}",
    "diagram.failure_legend": (
        "цвет — доля неудачных ответов в состоянии: зелёный 0 %, красный 100 %"
    ),
    "diagram.score_at_least": "балл ≥ {n}",
    "diagram.score_below": "балл < {n}",
    "diagram.passed": "сделал {checks}",
    "diagram.missed": "пропустил {checks}",
    "diagram.violations": "нарушение {checks}",
    "diagram.any_violation": "есть нарушение",
    "diagram.no_violation": "без нарушений",
    "diagram.tries": "попытка ≥ {n}",
    "diagram.else": "иначе",
    "diagram.rate": "неудач {rate} %",
    "diagram.outcome.resolved": "решено",
    "diagram.outcome.hung_up": "клиент ушёл",
    "diagram.outcome.escalated": "жалоба руководителю",
    "diagram.patience": "После {patience} неудачных ответов клиент уходит в «{state}».",
}
