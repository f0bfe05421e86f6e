"""Russian texts of the LLM room: the judge's marks, the coach's tip, voice answers."""

from __future__ import annotations

RU_LLM: dict[str, str] = {
    # --- the judge's verdicts in feedback and on the card ---
    "llm.fb.step_ok_judge": "✅ {title} (по оценке ИИ-судьи)",
    "llm.fb.violation_judge": "⛔ {title}: «{quote}» (по оценке ИИ-судьи)",
    "llm.fb.judge_mark": " (по оценке ИИ-судьи)",
    "llm.fb.judge_note": "Пометка «по оценке ИИ-судьи»: этого не нашли правила, но ИИ-судья "
    "привёл цитату из вашего ответа.",
    "llm.fb.manipulation": (
        "Ответ обращается к проверяющему, а не к клиенту: он оценён только по правилам "
        "и отмечен для тренера."
    ),
    # --- the coach ---
    "llm.card.tip": "Совет наставника:",
    "llm.tip.violation": (
        "Вы сказали: «{said}» — это «{title}». По стандарту лучше "
        "так: «{phrase}»."
    ),
    "llm.tip.violation_bare": (
        "Вы сказали: «{said}» — это «{title}»; в следующий раз обойдитесь без этого."
    ),
    "llm.tip.missed": (
        "Когда Вы ответили «{said}», не хватило шага «{title}»: "
        "например, «{phrase}»."
    ),
    "llm.tip.missed_bare": "Когда Вы ответили «{said}», не хватило шага «{title}».",
    "llm.tip.again": "Пройдите сценарий ещё раз и закрепите это.",
    "llm.tip.clean": (
        "Отлично: все шаги стандарта выполнены и без нарушений. Удачная фраза — «{said}»; "
        "попробуйте сценарий посложнее."
    ),
    # --- voice answers ---
    "llm.voice.heard": "🎙 Я услышал(а): «{text}»",
    "llm.voice.failed": (
        "Не удалось разобрать голосовое сообщение. Пожалуйста, ответьте текстом."
    ),
    "llm.voice.too_long": (
        "Голосовое слишком длинное (больше {seconds} с). Ответьте "
        "короче или текстом."
    ),
    "llm.voice.empty": "В голосовом не слышно слов. Повторите, пожалуйста, или ответьте текстом.",
    # --- the terminal, for a trainer listening to the persona ---
    "llm.term.mood": "(клиент: напряжение {tension}/10)",
    "llm.term.no_llm": (
        "LLM_BASE_URL не задан: с --llm нужен адрес языковой модели "
        "(см. .env.example)."
    ),
}
