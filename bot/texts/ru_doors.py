"""Russian texts of the doors (issue 8): the briefing's facts, channels, role names, commands
inside a run, channel-fit endings. Merged into `RU` by `bot/texts/ru.py`.

A number that meets a noun is written `{n:noun}` (the noun in its dictionary form) and agrees
(«2 подсказки», «5 баллов»). Texts address the trainee with the polite «Вы» forms, which are the
same for women and men («Вы взяли», «Вы зарегистрированы»); examples of the trainee's own speech
avoid gendered past forms («Правильно ли я Вас понимаю»).
"""

from __future__ import annotations

DOORS: dict[str, str] = {
    "list.and": "и",
    # --- role names: nominative, and dative for «доступна только …» ---
    "role.trainee": "сотрудник",
    "role.trainer": "тренер",
    "role.hr": "HR",
    "role.admin": "администратор",
    "role.trainee.datv": "сотрудникам",
    "role.trainer.datv": "тренерам",
    "role.hr.datv": "HR",
    "role.admin.datv": "администраторам",
    "role.choice": "{code} ({name})",
    # --- channels (where the conversation happens) ---
    "channel.phone": "звонок",
    "channel.office": "визит в отделение (у стойки)",
    "channel.chat": "чат",
    "channel.email": "письмо по электронной почте",
    # --- the briefing's facts (both doors) ---
    "brief.fact.you": "Кто вы",
    "brief.fact.channel": "Канал",
    "brief.fact.time": "Время",
    "brief.fact.client": "Клиент",
    "brief.fact.third_party": "Речь о другом человеке",
    "brief.fact.steps": "Что ждёт стандарт",
    "brief.time": "{time} — {period}",
    "brief.time_bare": "{time}",
    "brief.time_unknown": "не указано",
    "brief.third_party_note": "{people} (его данные — не для посторонних)",
    "brief.client_unnamed": "имя неизвестно",
    # --- endings that fit the channel (the card's outcome line) ---
    "card.outcome.hung_up.phone": "Клиент положил трубку.",
    "card.outcome.hung_up.office": "Клиент ушёл, не дождавшись решения.",
    "card.outcome.hung_up.chat": "Клиент вышел из чата.",
    "card.outcome.hung_up.email": "Клиент перестал отвечать на письма.",
    # --- commands inside a run (both doors) ---
    "cmd.hint": "Подсказка (в тренировке стоит баллов)",
    "play.unknown_command": (
        "Команда {command} во время сценария не работает — она не отправлена клиенту и не "
        "оценивается. Доступно: /hint — подсказка, /cancel — прервать сценарий, /help — справка. "
        "Ответ клиенту пишите обычным сообщением."
    ),
    "play.command_no_run": "Сейчас нет начатого сценария, подсказка не нужна. Меню: /start",
    "term.unknown_command": (
        "Команда {command} не оценивается и клиенту не отправлена. "
        "Доступно: /hint — подсказка, /quit — прервать сценарий."
    ),
    "play.hint_cost": "(−{cost:балл} к итогу)",
    "term.fact": "{label}: {value}",
    # --- the command line (`roleplay …`): chrome, errors, help of each command ---
    "cli.usage": "Использование:",
    "cli.options_metavar": "[ПАРАМЕТРЫ]",
    "cli.subcommand_metavar": "КОМАНДА [АРГУМЕНТЫ]...",
    "cli.section.options": "Параметры",
    "cli.section.commands": "Команды",
    "cli.help_option": "Показать эту справку и выйти.",
    "cli.version_option": "Показать версию и выйти.",
    "cli.version": "%(prog)s, версия %(version)s",
    "cli.try_help": "Справка: {command} {option}",
    "cli.aborted": "Прервано.",
    "cli.error": "Ошибка: {message}",
    "cli.error.no_command": "нет команды «{name}». Команды: {known}.",
    "cli.error.missing_argument": "не указан аргумент {name}.",
    "cli.error.missing_option": "не указан параметр {name}.",
    "cli.error.no_option": "нет параметра {name}.",
    "cli.error.did_you_mean": "Может быть, {options}?",
    "cli.error.bad_choice": "неверное значение {name}: допустимо {choices}.",
    "cli.error.bad_value": "неверное значение {name}: {detail}",
    "cli.error.file": "не удалось открыть файл {name}: {detail}",
    "cli.roleplay": (
        "Тренажёр клиентского сервиса в терминале: сценарии, проверка файлов, оценка ответов "
        "и ролевая игра для тренеров и скриптов. Сотрудники тренируются в Telegram-боте."
    ),
    "cli.name.metavar": "ИМЯ",
    "cli.team.metavar": "КОМАНДА",
    "cli.play": (
        "Сыграть сценарий в терминале: сценарий библиотеки (его id из `roleplay list`) или "
        "свой файл сценария ФАЙЛ.yaml — он сначала проверяется, как в `roleplay validate`. "
        "Попытка сохраняется в базе DB_PATH, как попытка в Telegram. Строка, начинающаяся "
        "с «/», — команда, она не оценивается: /hint — подсказка, /quit — прервать, /help."
    ),
    "cli.play.metavar": "СЦЕНАРИЙ|ФАЙЛ.yaml",
    "cli.play.jsonl": (
        "Для программ: ответы по одному в строке на входе, события JSON по одному в строке "
        "на выходе."
    ),
    "cli.play.mode": (
        "training — оценка после каждого ответа и подсказки; exam — оценка только в конце. "
        "По умолчанию — режим сценария."
    ),
    "cli.play.seed": "Число, от которого зависят варианты реплик клиента (для повторяемости).",
    "cli.play.name": "Ваше имя как сотрудника (им заполняются примеры и подсказки).",
    "cli.play.team": "Ваша команда или отделение (создаётся, если такой ещё нет).",
    "cli.play.resume": (
        "Продолжить незавершённую попытку этого сценария (после сбоя или выхода) без вопроса; "
        "с --jsonl событие start тогда содержит \"resumed\": true и число уже данных ответов."
    ),
    "cli.play.llm": (
        "--llm: клиент говорит через LLM из LLM_BASE_URL в образе персонажа (напряжение клиента "
        "видно), судья и наставник тоже; --no-llm: только реплики сценария и правила. "
        "По умолчанию — LLM, если задан LLM_BASE_URL."
    ),
    "cli.run": (
        "То, что запускает `make run`: Telegram-бот, если задан BOT_TOKEN, иначе меню "
        "сценариев в терминале."
    ),
    "cli.run.name": "Меню в терминале: ваше имя как сотрудника.",
    "cli.list": "Показать сценарии библиотеки (и папки SCENARIOS_PATH).",
    "cli.list.json": "Одним массивом JSON на стандартный вывод (для программ).",
    "cli.list.row": "{id:<20} {kind:<22} {stars:<3}  {title}",
    "cli.skipped": "пропущен: {path} (подробности: `roleplay validate`)",
    "cli.standard_invalid": "в стандарте ошибки:\n{detail}",
    "cli.validate": (
        "Проверить файлы или папки сценариев (по умолчанию — библиотеку и SCENARIOS_PATH). "
        "Каждая проблема печатается как ФАЙЛ:СТРОКА:КОЛОНКА: сообщение; код выхода 1, если "
        "есть хоть одна, и 0, если нет."
    ),
    "cli.validate.standard": (
        "Проверить и этот файл стандарта, а сценарии — по его списку проверок."
    ),
    "cli.validate.paths_metavar": "[ПУТЬ]...",
    "cli.validate.ok": "Проблем нет.",
    "cli.validate.found": "Итого: {count:проблема}.",
    "cli.diagram": (
        "Вывести схему переходов сценария в формате Mermaid. С -o ФАЙЛ — записать в файл и "
        "нарисовать схему картинкой рядом (ФАЙЛ.png)."
    ),
    "cli.diagram.output": (
        "Записать текст Mermaid в этот файл и картинку ФАЙЛ.png рядом."
    ),
    "cli.diagram.metavar": "СЦЕНАРИЙ",
    "cli.diagram.unknown": "нет сценария «{scenario}» в библиотеке (есть: {known}).",
    "cli.diagram.none": "ни одного",
    "cli.diagram.written": "Mermaid: {path}",
    "cli.diagram.png": "PNG: {path}",
    "cli.file.metavar": "ФАЙЛ",
    "cli.grade": (
        "Оценить ответы по стандарту: один ТЕКСТ — с разбором каждой проверки, или поток "
        "--jsonl ФАЙЛ (или - для стандартного ввода) — по одному результату JSON в строке, как "
        "в ../shared/spec/checks.md.\n\n"
        "\b\n"
        "roleplay grade --jsonl cases.jsonl\n"
        "roleplay grade \"Добрый день! Меня зовут Мария.\" --time 10:15"
    ),
    "cli.grade.metavar": "[ТЕКСТ]",
    "cli.grade.jsonl": (
        "Оценить по одному случаю JSON в строке (ФАЙЛ или - для стандартного ввода)."
    ),
    "cli.grade.check": "Только эти проверки (id; можно несколько раз).",
    "cli.grade.time": "Местное время ЧЧ:ММ (для greeting_time_of_day).",
    "cli.grade.company": "Название организации (для company_name).",
    "cli.grade.client_name": "Как обращаться к клиенту (для use_client_name).",
    "cli.grade.agent_name": "Имя самого сотрудника (для self_intro).",
    "cli.grade.third_party": (
        "Имя или факт о другом человеке, которые нельзя разглашать (для data_disclosure; "
        "можно несколько раз)."
    ),
    "cli.grade.json": "Вывести весь результат в JSON.",
    "cli.grade.standard": "Файл стандарта вместо встроенного.",
    "cli.grade.need_text": "укажите ТЕКСТ для оценки или --jsonl ФАЙЛ.",
    "cli.grade.bad_time": "нужно ЧЧ:ММ от 00:00 до 23:59, а не «{value}».",
    "cli.grade.too_long": "(текст длиннее, чем бывает реплика; оценён всё равно)",
    "cli.grade.kind.step": "шаг",
    "cli.grade.kind.violation": "нарушение",
    "cli.grade.yes": "да",
    "cli.grade.no": "нет",
}
