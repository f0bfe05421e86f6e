"""Every user-facing Russian string, keyed (both doors: Telegram and the terminal).

Keys are grouped by prefix: `fb.*` / `card.*` are shared by both doors (plain text; a door adds its
own formatting), `term.*` belong to the terminal, the rest to Telegram. Telegram texts may hold
HTML (`<b>`); values put into them are escaped by the caller.
"""

from __future__ import annotations

from bot.texts.ru_doors import DOORS
from bot.texts.ru_hr import RU_HR
from bot.texts.ru_llm import RU_LLM
from bot.texts.ru_run import RU_RUN
from bot.texts.ru_trainer import RU_TRAINER

RU: dict[str, str] = {
    **RU_RUN,
    **RU_LLM,
    **RU_HR,
    # --- registration ---
    "start.welcome": (
        "Здравствуйте! Я тренажёр клиентского сервиса: я играю клиента, вы — сотрудника, "
        "а каждый ваш ответ я сверяю со стандартом обслуживания.\n\n"
        "Как вас подписывать в отчётах? Напишите имя и фамилию."
    ),
    "start.welcome_back": "С возвращением, {name}!",
    "start.invite_joined": "Вы в команде «{team}».",
    "start.invite_unknown": "Ссылка-приглашение устарела или неверна. Продолжим без неё.",
    "register.name_bad": "Напишите, пожалуйста, имя текстом — от 2 до 64 символов.",
    "register.ask_team": (
        "Спасибо, {name}! В какой команде или отделении вы работаете? Напишите название "
        "или нажмите «Пропустить»."
    ),
    "register.skip_team": "Пропустить",
    "register.team_bad": "Напишите название команды текстом — до 64 символов.",
    "register.done": "Готово, {name}! Вы зарегистрированы.",
    # --- main menu ---
    "menu.title": "Главное меню. Что делаем?",
    "menu.train": "🎯 Тренировка",
    "menu.exam": "📝 Экзамен",
    "menu.progress": "📈 Мой прогресс",
    "menu.help": "❓ Помощь",
    "menu.back": "⬅️ В меню",
    # --- scenario choice ---
    "choose.kind": "Выберите тип ситуации ({mode}):",
    "choose.scenario": "Выберите сценарий:",
    "choose.empty": "Сценариев этого типа пока нет.",
    "choose.best": "лучший {score}",
    "choose.not_tried": "ещё не пробовали",
    "kind.difficult_client": "Трудный клиент",
    "kind.system_failure": "Сбой системы",
    "kind.hold": "Удержание линии",
    "kind.complaint": "Жалоба",
    "kind.opening": "Начало разговора",
    "kind.transfer": "Перевод звонка",
    "kind.corporate_client": "Корпоративный клиент",
    "kind.confidentiality": "Конфиденциальность",
    "kind.other": "Другое: {kind}",
    "difficulty.1": "★☆☆",
    "difficulty.2": "★★☆",
    "difficulty.3": "★★★",
    "mode.training": "тренировка",
    "mode.exam": "экзамен",
    # --- briefing ---
    "brief.card": (
        "<b>{title}</b>\n"
        "Режим: {mode}. Сложность: {difficulty}\n\n"
        "{briefing}\n\n"
        "{facts}"
    ),
    "brief.fact": "<b>{label}:</b> {value}",
    "brief.agent_default": "сотрудник",
    "brief.exam_note": "\n\nЭкзамен: оценки и подсказок не будет до конца разговора.",
    "brief.start": "▶️ Начать",
    "brief.back": "⬅️ Назад",
    # --- play ---
    "play.client": "🗣 <b>Клиент:</b> {text}",
    "play.your_turn": "Ваш ответ — одним сообщением.",
    "play.hint_button": "💡 Подсказка (−{cost:балл})",
    "play.hint": "💡 Подсказка: {hint}",
    "play.no_hint": "Для этой реплики подсказки нет.",
    "play.text_only": (
        "Пожалуйста, ответьте текстом — так я смогу оценить ответ. "
        "Стикеры, фото, голосовые и файлы я пока не разбираю."
    ),
    "play.no_active": "Сейчас нет начатого сценария. Откройте меню: /start",
    "play.already_running": "Сценарий уже идёт — ответьте клиенту или отмените его: /cancel",
    "play.busy": "Секунду, ещё обрабатываю предыдущее сообщение…",
    # --- after the run (Telegram) ---
    "final.again": "🔁 Ещё раз",
    "final.other": "📋 Другой сценарий",
    "final.already": "Этот сценарий уже завершён; ответ не оценивается. Начните новый: /start",
    # --- feedback after a reply and the score card (both doors; plain text, a door formats) ---
    "fb.score_ok": "✅ Хорошо — {score}/100.",
    "fb.score_bad": "⚠️ {score}/100.",
    "fb.step_ok": "✅ {title}",
    "fb.step_missed": "❌ {title}",
    "fb.example": "   Например: «{phrase}»",
    "fb.violation": "⛔ {title}: «{quote}»",
    "fb.violation_bare": "⛔ {title}",
    "fb.too_long": "✂️ Ответ очень длинный — в разговоре лучше короче.",
    "fb.degraded": "(Языковая модель недоступна: реплика из сценария, оценка по правилам.)",
    "card.title": "🏁 {title} — итог",
    "card.score_passed": "Результат: {score}/100 — зачёт ✅",
    "card.score_failed": "Результат: {score}/100 — незачёт ❌",
    "card.outcome.resolved": "Клиент доволен, вопрос решён.",
    "card.outcome.hung_up": "Клиент прервал разговор.",
    "card.outcome.escalated": "Обращение передано руководителю.",
    "card.outcome.abandoned": "Сценарий прерван.",
    "card.steps": "Шаги стандарта:",
    "card.violations": "Нарушения:",
    "card.missed": "Как можно было сказать:",
    "card.missed_item": "• {title}: «{phrase}»",
    "card.time": "Время: {minutes} мин {seconds} с, {turns:ответ}.",
    "card.hints": "Вы взяли {hints:подсказка:accs} (−{cost:балл}).",
    # --- the terminal door (`roleplay play`, `roleplay run`) ---
    "term.header": "Сценарий: {title}",
    "term.meta": "Тип: {kind} · Сложность: {difficulty} · Режим: {mode}",
    "term.briefing": "Задача: {briefing}",
    "term.usage": (
        "Пишите ответ сотрудника и нажимайте Enter. Строка с «/» в начале — команда, она не "
        "оценивается: /hint — подсказка (−{penalty:балл}), /quit — прервать сценарий, "
        "/help — эта справка."
    ),
    "term.usage_exam": (
        "Экзамен: оценка только в конце, без подсказок. /quit — прервать сценарий, "
        "/help — эта справка."
    ),
    "term.client": "Клиент: ",
    "term.prompt": "Вы › ",
    "term.empty": "Напишите, пожалуйста, ответ текстом.",
    "term.hint": "Подсказка: {text}",
    "term.hint_cost": "(−{penalty:балл} к итогу; всего {used:подсказка})",
    "term.abandoned": "Сценарий прерван. Попытка сохранена как незавершённая.",
    "term.continue": "Есть незавершённая попытка этого сценария (уже {turns:ответ}). Продолжить?",
    "term.resumed": "Продолжаем с того же места (уже {turns:ответ}).",
    "term.menu.title": "Тренажёр клиентского сервиса — сценарии:",
    "term.menu.item": "{n:>3}. {title} [{kind}, {difficulty}] {best}",
    "term.menu.best": "лучший результат: {score}",
    "term.menu.not_tried": "ещё не пробовали",
    "term.menu.prompt": "Номер сценария (q — выход)",
    "term.menu.bad_choice": "Нет такого номера. Введите число от 1 до {count} или q.",
    "term.menu.bye": "До встречи!",
    "term.menu.no_token": (
        "BOT_TOKEN не задан — запускаю тренажёр в терминале. Чтобы запустить Telegram-бота, "
        "укажите BOT_TOKEN в .env (см. .env.example)."
    ),
    "term.menu.empty": "В библиотеке нет сценариев.",
    "term.error.unknown_scenario": "Сценарий «{scenario}» не найден. Список: roleplay list",
    "term.error.storage": "Не удалось открыть базу данных: {detail}",
    "term.error.content": "Ошибка в сценариях или стандарте:\n{detail}",
    # --- cancel / help ---
    "cancel.done": "Сценарий прерван и записан как незавершённый.",
    "cancel.nothing": "Отменять нечего.",
    "help.text": (
        "<b>Как это работает</b>\n"
        "Я играю клиента, вы отвечаете как сотрудник. Каждую реплику я сверяю со стандартом: "
        "приветствие, представление, вежливые формулировки, запрещённые фразы и т. д.\n\n"
        "<b>Тренировка</b> — оценка после каждого ответа и подсказки (стоят баллов).\n"
        "<b>Экзамен</b> — оценка только в конце, без подсказок.\n\n"
        "Во время сценария всё, что начинается с «/», — команда: клиенту она не отправляется "
        "и не оценивается.\n\n"
        "/start — меню\n/progress — мой прогресс\n"
        "/hint — подсказка к реплике клиента (в тренировке, стоит баллов)\n"
        "/cancel — прервать сценарий\n/help — эта справка"
    ),
    # --- progress ---
    "progress.title": "📈 <b>Мой прогресс</b>",
    "progress.empty": "Вы ещё не проходили сценарии. Самое время начать!",
    "progress.row": "• {title}: {attempts:попытка}, лучший результат {best}, последний {latest}",
    "progress.none": "—",
    "progress.missed": "<b>Чаще всего пропускаете:</b>",
    "progress.missed_row": "• {title} — {count:раз}",
    # --- roles ---
    "roles.denied": "Эта команда доступна только {roles}.",
    "grant.usage": "Использование: /grant &lt;telegram_id&gt; &lt;роль&gt;. Роли: {roles}.",
    "grant.done": "Готово: {name} теперь {role}.",
    "revoke.usage": "Использование: /revoke &lt;telegram_id&gt; &lt;роль&gt;. Роли: {roles}.",
    "revoke.done": "Готово: у {name} больше нет роли «{role}».",
    "grant.unknown_person": "Пользователь с Telegram id {telegram_id} ещё не регистрировался.",
    "grant.unknown_role": "Неизвестная роль «{role}». Роли: {roles}.",
    "trainer.scenarios_title": "<b>Сценарии библиотеки</b>",
    "trainer.scenario_row": (
        "• <code>{id}</code> — {title} ({kind}, {difficulty}), версия {version}"
    ),
    # --- commands (set_my_commands) ---
    "cmd.start": "Главное меню",
    "cmd.progress": "Мой прогресс",
    "cmd.cancel": "Прервать сценарий",
    "cmd.help": "Как это работает",
    # --- errors (keys of bot.errors.BotError subclasses) ---
    "error.internal": "Что-то пошло не так. Попробуйте ещё раз чуть позже.",
    "error.storage": "Не удалось сохранить данные. Попробуйте ещё раз.",
    "error.not_found": "Не нашёл такую запись.",
    "error.person_not_found": "Вы ещё не зарегистрированы. Нажмите /start.",
    "error.team_not_found": "Такой команды нет.",
    "error.attempt_not_found": "Не нашёл этот сценарий. Начните заново: /start",
    "error.service": "Не получилось выполнить действие.",
    "error.unknown_scenario": "Такого сценария нет в библиотеке.",
    "error.invalid_mode": "Неизвестный режим.",
    "error.attempt_active": "Сценарий уже идёт — ответьте клиенту или отмените его: /cancel",
    "error.attempt_closed": (
        "Этот сценарий уже завершён; ответ не оценивается. Начните новый: /start"
    ),
    "error.empty_reply": "Пожалуйста, ответьте текстом.",
    "error.hint_unavailable": "Подсказки в этом режиме недоступны.",
    "error.concurrent_turn": "Этот ответ пришёл одновременно с другим и не был засчитан.",
    "error.forbidden": "Это действие вам недоступно.",
    "error.stale_button": "Эта кнопка устарела. Откройте меню: /start",
    # sent at start-up for an answer a crash left unsent (it may have gone out just before)
    "play.restarted": "Тренажёр перезапускался. Отправленные ответы засчитаны. "
                      "Если вы ещё не ответили на эту реплику — ответьте:",
    "play.restarted_start": "Тренажёр перезапускался, но сценарий уже начат. "
                            "Если вы ещё не ответили клиенту — ответьте:",
    "play.restarted_card": "Тренажёр перезапускался. Ваш последний ответ засчитан — вот итог:",
    "error.no_team": "Вам не назначена ни одна команда. Попросите администратора: /hr_team",
    "error.duplicate_event": "Это сообщение уже обработано.",
    "error.llm_unavailable": "Языковая модель недоступна; продолжаем по сценарию.",
    **RU_TRAINER,
}
RU.update(DOORS)
