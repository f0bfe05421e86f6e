"""Every user-facing string of the terminal role-play (`roleplay play`, `roleplay run`).

Same shape as `bot/texts.py` (keys → format strings, one dict per language) so the two can be merged
later; add a language by adding a dict with the same keys to `TEXTS`.
"""

from __future__ import annotations

from collections.abc import Mapping

RU: dict[str, str] = {
    # --- session ------------------------------------------------------------------------------
    "play.header": "Сценарий: {title}",
    "play.meta": "Тип: {kind} · Сложность: {difficulty} · Режим: {mode}",
    "play.context": "Компания: {company} · Клиент: {client} · Время: {time}",
    "play.briefing": "Задача: {briefing}",
    "play.usage": (
        "Пишите ответ сотрудника и нажимайте Enter. /hint — подсказка (−{penalty} баллов), "
        "/quit — прервать сценарий."
    ),
    "play.usage_exam": "Экзамен: оценка только в конце, без подсказок. /quit — прервать сценарий.",
    "play.client": "Клиент: ",
    "play.prompt": "Вы › ",
    "play.empty": "Напишите, пожалуйста, ответ текстом.",
    "play.degraded": "(LLM недоступна — продолжаем по сценарию и оцениваем по правилам)",
    "play.hint": "Подсказка: {text}",
    "play.hint_cost": "(−{penalty} баллов к итогу; подсказок: {used})",
    "play.abandoned": "Сценарий прерван. Попытка сохранена как незавершённая.",
    "play.continue": "Есть незавершённая попытка этого сценария (ответов: {turns}). Продолжить?",
    "play.resumed": "Продолжаем с того же места (ответов уже: {turns}).",
    # --- feedback -----------------------------------------------------------------------------
    "fb.score": "Оценка за ответ: {score}/100",
    "fb.passed": "  ✅ {title}",
    "fb.missed": "  ❌ {title}",
    "fb.recommended": "     Рекомендуемая фраза: «{phrase}»",
    "fb.violation": "  ⚠️ {title}",
    "fb.quote": "     Вы сказали: „{quote}“",
    "fb.too_long": "  ✂️ Ответ слишком длинный — говорите короче.",
    # --- score card ---------------------------------------------------------------------------
    "card.title": "ИТОГ",
    "card.score": "Баллы: {score}/100",
    "card.passed": "Сдано ✅",
    "card.failed": "Не сдано ❌",
    "card.outcome": "Чем кончилось: {outcome}",
    "card.turns": "Ответов: {turns} · Время: {duration}",
    "card.steps": "Шаги стандарта:",
    "card.violations": "Нарушения:",
    "card.recommended": "Что сказать в следующий раз:",
    "card.recommended_item": "  {title}: «{phrase}»",
    "card.hints": "Подсказок использовано: {used} (−{penalty} баллов)",
    "outcome.resolved": "вопрос решён",
    "outcome.hung_up": "клиент положил трубку",
    "outcome.escalated": "клиента передали руководителю",
    "outcome.none": "сценарий прерван",
    "mode.training": "тренировка",
    "mode.exam": "экзамен",
    "duration": "{minutes} мин {seconds} с",
    # --- menu (`roleplay run` without BOT_TOKEN) ----------------------------------------------
    "menu.title": "Тренажёр клиентского сервиса — сценарии:",
    "menu.item": "{n:>3}. {title} [{kind}, {difficulty}] {best}",
    "menu.best": "лучший результат: {score}",
    "menu.not_tried": "ещё не пробовали",
    "menu.prompt": "Номер сценария (q — выход)",
    "menu.bad_choice": "Нет такого номера. Введите число от 1 до {count} или q.",
    "menu.mode": "Режим: 1 — тренировка, 2 — экзамен",
    "menu.bye": "До встречи!",
    "menu.no_token": (
        "BOT_TOKEN не задан — запускаю тренажёр в терминале. Чтобы запустить Telegram-бота, "
        "укажите BOT_TOKEN в .env (см. .env.example)."
    ),
    "menu.empty": "В библиотеке нет сценариев.",
    # --- errors -------------------------------------------------------------------------------
    "error.unknown_scenario": "Сценарий «{scenario}» не найден. Список: roleplay list",
    "error.storage": "Не удалось открыть базу данных: {detail}",
    "error.content": "Ошибка в сценариях или стандарте:\n{detail}",
    "error.bot_missing": (
        "Telegram-бот ещё не собран в этой версии (нет bot/__main__.py). "
        "Уберите BOT_TOKEN, чтобы играть в терминале."
    ),
}

TEXTS: Mapping[str, Mapping[str, str]] = {"ru": RU}


class TerminalTexts:
    """`texts(key, **values)` → the formatted string in the chosen language (ru as fallback)."""

    def __init__(self, language: str = "ru") -> None:
        self.table = TEXTS.get(language, RU)

    def __call__(self, key: str, **values: object) -> str:
        template = self.table.get(key, RU[key])
        return template.format(**values) if values else template
