"""Every user-facing string of the Telegram bot, keyed, per language.

Add a language by adding a dict under its code in `TEXTS` with the same keys (a test checks that
every language has every key and the same placeholders). Code looks texts up through `Texts`,
never by literal strings.
"""

from __future__ import annotations

import string
from collections.abc import Mapping

RU: dict[str, str] = {
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
        "<b>Кто вы:</b> {agent}, {company}\n"
        "<b>Кто обращается:</b> {client}\n"
        "<b>Что ждёт стандарт:</b> {steps}"
    ),
    "brief.agent_default": "сотрудник",
    "brief.client_default": "клиент",
    "brief.exam_note": "\n\nЭкзамен: оценки и подсказок не будет до конца разговора.",
    "brief.start": "▶️ Начать",
    "brief.back": "⬅️ Назад",
    # --- play ---
    "play.client": "🗣 <b>Клиент:</b> {text}",
    "play.your_turn": "Ваш ответ — одним сообщением.",
    "play.hint_button": "💡 Подсказка (−{cost} балл.)",
    "play.hint": "💡 Подсказка: {hint}",
    "play.no_hint": "Для этой реплики подсказки нет.",
    "play.feedback_ok": "✅ Хорошо — {score}/100.",
    "play.feedback_bad": "⚠️ {score}/100.",
    "play.step_ok": "✅ {title}",
    "play.step_missed": "❌ {title}",
    "play.violation": "⛔ {title}: «{quote}»",
    "play.recommended": "   Например: «{phrase}»",
    "play.too_long": "Ответ очень длинный — в разговоре лучше короче.",
    "play.degraded": "(Связь с языковой моделью недоступна: использован сценарий и правила.)",
    "play.text_only": (
        "Пожалуйста, ответьте текстом — так я смогу оценить ответ. "
        "Стикеры, фото, голосовые и файлы я пока не разбираю."
    ),
    "play.no_active": "Сейчас нет начатого сценария. Откройте меню: /start",
    "play.already_running": "Сценарий уже идёт — ответьте клиенту или отмените его: /cancel",
    "play.busy": "Секунду, ещё обрабатываю предыдущее сообщение…",
    # --- final card ---
    "final.title": "🏁 <b>{title}</b> — итог",
    "final.score_passed": "Результат: <b>{score}/100</b> — зачёт ✅",
    "final.score_failed": "Результат: <b>{score}/100</b> — незачёт ❌",
    "final.outcome.resolved": "Клиент доволен, вопрос решён.",
    "final.outcome.hung_up": "Клиент положил трубку.",
    "final.outcome.escalated": "Обращение передано дальше.",
    "final.steps": "<b>Шаги стандарта:</b>",
    "final.violations": "<b>Нарушения:</b>",
    "final.missed": "<b>Как можно было сказать:</b>",
    "final.missed_item": "• {title}: «{phrase}»",
    "final.time": "Время: {minutes} мин {seconds} с, реплик: {turns}.",
    "final.hints": "Подсказок: {hints}.",
    "final.again": "🔁 Ещё раз",
    "final.other": "📋 Другой сценарий",
    "final.already": "Этот сценарий уже завершён; ответ не оценивается. Начните новый: /start",
    # --- cancel / help ---
    "cancel.done": "Сценарий прерван и записан как незавершённый.",
    "cancel.nothing": "Отменять нечего.",
    "help.text": (
        "<b>Как это работает</b>\n"
        "Я играю клиента, вы отвечаете как сотрудник. Каждую реплику я сверяю со стандартом: "
        "приветствие, представление, вежливые формулировки, запрещённые фразы и т. д.\n\n"
        "<b>Тренировка</b> — оценка после каждого ответа и подсказки (стоят баллов).\n"
        "<b>Экзамен</b> — оценка только в конце, без подсказок.\n\n"
        "/start — меню\n/progress — мой прогресс\n/cancel — прервать сценарий\n/help — эта справка"
    ),
    # --- progress ---
    "progress.title": "📈 <b>Мой прогресс</b>",
    "progress.empty": "Вы ещё не проходили сценарии. Самое время начать!",
    "progress.row": "• {title}: попыток {attempts}, лучший {best}, последний {latest}",
    "progress.none": "—",
    "progress.missed": "<b>Чаще всего пропускаете:</b>",
    "progress.missed_row": "• {title} — {count} раз",
    # --- roles ---
    "roles.denied": "Эта команда доступна только ролям: {roles}.",
    "grant.usage": "Использование: /grant &lt;telegram_id&gt; &lt;роль&gt;. Роли: {roles}.",
    "grant.done": "Готово: {name} теперь {role}.",
    "grant.unknown_person": "Пользователь с Telegram id {telegram_id} ещё не регистрировался.",
    "grant.unknown_role": "Неизвестная роль «{role}». Роли: {roles}.",
    "trainer.scenarios_title": "<b>Сценарии библиотеки</b>",
    "trainer.scenario_row": (
        "• <code>{id}</code> — {title} ({kind}, {difficulty}), версия {version}"
    ),
    "hr.no_team": "Вы не состоите в команде — отчёт строится по вашей команде.",
    "hr.report_title": "<b>Команда «{team}»</b>, участников: {count}",
    "hr.report_row": "• {name}: попыток {attempts}, завершено {finished}, средний {avg}",
    "hr.invite": "Ссылка-приглашение в команду: {link}",
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
    "error.already_answered": "Этот ответ уже засчитан.",
    "error.duplicate_event": "Это сообщение уже обработано.",
    "error.llm_unavailable": "Языковая модель недоступна; продолжаем по сценарию.",
}

TEXTS: dict[str, dict[str, str]] = {"ru": RU}
DEFAULT_LANGUAGE = "ru"


class Texts:
    """Texts of one language (falls back to Russian for a key a language lacks).

    `texts("key", name=...)` formats the text; a missing key raises KeyError (a bug, not input).
    """

    def __init__(self, language: str = DEFAULT_LANGUAGE,
                 table: Mapping[str, Mapping[str, str]] = TEXTS) -> None:
        self.language = language if language in table else DEFAULT_LANGUAGE
        self._own = table[self.language]
        self._fallback = table[DEFAULT_LANGUAGE]

    def __call__(self, key: str, **values: object) -> str:
        template = self._own.get(key)
        if template is None:
            template = self._fallback[key]
        return template.format(**values) if values else template

    def get(self, key: str, default: str, **values: object) -> str:
        """Like calling, but `default` (a key) is used when `key` is not defined."""
        if key in self._own or key in self._fallback:
            return self(key, **values)
        return self(default, **values)

    def has(self, key: str) -> bool:
        return key in self._own or key in self._fallback


def placeholders(template: str) -> set[str]:
    """The `{name}` fields of a template (used by the test that compares languages)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
