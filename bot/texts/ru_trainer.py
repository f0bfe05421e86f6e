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
    "diagram.patience": "Клиент уходит в «{state}», когда неудачных ответов становится {patience}.",
    # --- a loader's problems in plain Russian (bot/problems.py) ---
    "problem.at": "{file}, строка {line}, столбец {col}",
    "problem.field": "поле {field}",
    "problem.suggest": " (может быть, «{name}»?)",
    "problem.where": " в {where}",
    "problem.allowed": "; допустимые поля: {allowed}",
    "problem.kind.step": "шаг",
    "problem.kind.violation": "нарушение",
    "problem.unknown_field": "неизвестное поле «{name}»{where}{allowed}",
    "problem.missing_field": "не хватает обязательного поля «{name}»{where}",
    "problem.unknown_check": "{field}: неизвестная проверка «{id}»{suggest}",
    "problem.wrong_kind": "{field}: «{id}» — это {kind}, а здесь ожидается {want}",
    "problem.step_not_expected": (
        "{field}: шага «{id}» нет в expect этого состояния — он никогда не оценивается"
    ),
    "problem.no_such_state": "{what}: состояния «{id}» нет{suggest}",
    "problem.final_has": (
        "состояние «{id}» конечное (у него есть outcome), в нём не может быть «{name}»"
    ),
    "problem.no_client": "у состояния «{id}» нет реплики клиента: добавьте варианты в client",
    "problem.no_else": (
        "у состояния «{id}» нет else: укажите, куда идти, если ни одно правило не подошло "
        "(или дайте ему outcome, чтобы сделать его конечным)"
    ),
    "problem.lost_not_final": "on_patience_lost: состояние «{id}» должно быть конечным",
    "problem.no_final": (
        "нет конечного состояния: дайте хотя бы одному состоянию outcome "
        "(resolved, hung_up или escalated)"
    ),
    "problem.no_hung_up": (
        "patience: нет конечного состояния с outcome: hung_up, куда уходит клиент, когда "
        "кончается терпение (добавьте его, задайте on_patience_lost или patience: null)"
    ),
    "problem.unreachable": "до состояния «{id}» нельзя дойти из «{start}»",
    "problem.dead_end": "из состояния «{id}» нельзя дойти до конца разговора (замкнутый круг)",
    "problem.duplicate_id": "id сценария «{id}» уже занят: {other}",
    "problem.not_a_mapping": "файл сценария должен быть набором полей (id, title, kind, …)",
    "problem.no_states": "states: нужно хотя бы одно состояние",
    "problem.time_format": "{field}: время пишется как ЧЧ:ММ, например 10:30",
    "problem.identifier": (
        "{field}: только строчные латинские буквы, цифры и _, первая — буква "
        "(например, hold_request)"
    ),
    "problem.empty_condition": (
        "{field}: в условии нужна хотя бы одна проверка (например, score_at_least: 80)"
    ),
    "problem.at_most": "{field}: значение должно быть не больше {n}",
    "problem.at_least": "{field}: значение должно быть не меньше {n}",
    "problem.integer": "{field}: нужно целое число",
    "problem.extra_field": "{field}: такого поля нет",
    "problem.required": "{field}: обязательное поле не заполнено",
    "problem.number": "{field}: нужно число",
    "problem.string": "{field}: нужен текст",
    "problem.list": "{field}: нужен список",
    "problem.mapping": "{field}: нужен набор полей",
    "problem.boolean": "{field}: нужно true или false",
    "problem.too_long": "{field}: не длиннее {n} символов",
    "problem.too_short": "{field}: нельзя оставлять пустым",
    "problem.too_many": "{field}: не больше {n} элементов",
    "problem.too_few": "{field}: нужен хотя бы {n} элемент",
    "problem.one_of": "{field}: допустимые значения — {options}",
    "problem.tag": "тег YAML «{tag}» не допускается: напишите просто значение",
    "problem.second_document": (
        "здесь начинается второй документ YAML («---»): в файле должен быть один"
    ),
    "problem.too_deep": "вложенность глубже {n} уровней: упростите файл",
    "problem.too_many_values": "в файле больше {n} значений (с учётом ссылок): упростите его",
    "problem.value_too_long": "значение длиной {size} символов, а можно не больше {n}",
    "problem.too_many_aliases": "больше {n} ссылок «*имя»: упростите файл",
    "problem.alias_unknown": "ссылка «*{name}» указывает на метку «&{name}», которой выше нет",
    "problem.alias_loop": "ссылка «*{name}» стоит внутри значения, на которое ссылается (круг)",
    "problem.duplicate_key": "ключ «{name}» повторяется (впервые — в строке {line})",
    "problem.bad_key": "ключом может быть только простое имя, а не список или набор полей",
    "problem.bad_merge": "«<<» объединяет наборы полей: укажите ссылку (<<: *имя)",
    "problem.bad_scalar": "«{text}» не читается как значение типа {type}",
    "problem.file_too_big": "файл весит {size} байт, а принимается не больше {n}",
    "problem.not_utf8": "файл не в кодировке UTF-8: байт {byte} здесь не читается "
    "(сохраните файл в UTF-8)",
    "problem.bad_char": "символ {char} недопустим в файле YAML",
    "problem.open_quote": "ошибка YAML: кавычка, открытая здесь, не закрыта",
    "problem.runaway_quote": (
        "ошибка YAML: текст в кавычках {char}, начатый здесь, тянется до строки {line} — "
        "видимо, не закрыта кавычка"
    ),
    "problem.open_bracket": "ошибка YAML: скобка «{char}», открытая здесь, не закрыта",
    "problem.syntax": "ошибка синтаксиса YAML ({detail})",
    "problem.not_yaml": "публикуются только файлы .yaml или .yml",
    "problem.check_without_phrases": (
        "{field}: проверке нужны phrases или значение из context, чтобы срабатывать"
    ),
    "problem.requires_unknown": "{field}: requires называет неизвестную проверку «{id}»",
    "problem.unknown_check_plain": "{field}: неизвестная проверка «{id}»",
    "problem.extends_missing": (
        "extends: файла «{name}» нет (загруженный стандарт может расширять только default)"
    ),
    "problem.extends_loop": "extends: «{name}» ведёт обратно к этому файлу (круг)",
    "problem.no_file": "файла нет",
    # --- the self-test (scenarios/selftest.py findings) ---
    "selftest.ok": (
        "Самопроверка пройдена: сильный стажёр проходит ({score}/100), слабые — нет; "
        "проверено состояний: {states}."
    ),
    "selftest.warnings": (
        "Самопроверка: сильный стажёр проходит ({score}/100), слабые — нет, но есть замечания "
        "(проверено состояний: {states}):"
    ),
    "selftest.failed": "Самопроверка не пройдена (проверено состояний: {states}):",
    "selftest.trainee.strong": "сильный стажёр",
    "selftest.trainee.missed": "пропускает шаги",
    "selftest.trainee.forbidden": "говорит запрещённую фразу",
    "selftest.trainee.rude": "грубит",
    "selftest.outcome.resolved": "вопрос решён",
    "selftest.outcome.hung_up": "клиент ушёл",
    "selftest.outcome.escalated": "жалоба руководителю",
    "selftest.outcome.none": "разговор не закончен",
    "selftest.strong_no_phrase": (
        "«{state}»: сильный стажёр не может выполнить «{steps}» — ни одна рекомендуемая фраза "
        "стандарта (ни пример из подсказки) не засчитывается в контексте этого сценария."
    ),
    "selftest.strong_fails_turn": (
        "«{state}»: ответ сильного стажёра не проходит — {score}/100 (пропущено: {steps}; "
        "нарушения: {checks})."
    ),
    "selftest.strong_bad_outcome": (
        "«{state}»: после правильного ответа клиент попадает в «{to}» — {outcome}."
    ),
    "selftest.strong_loops": (
        "«{state}»: сильный стажёр ходит по кругу — разговор не доходит до конца."
    ),
    "selftest.strong_run_fails": (
        "Сильный стажёр не проходит сценарий: {score}/100, итог — {outcome} "
        "(виновато состояние «{state}»)."
    ),
    "selftest.weak_passes": (
        "Слабый стажёр ({trainee}) проходит сценарий: {score}/100, итог — {outcome}; "
        "его пропускает состояние «{state}»."
    ),
    "selftest.weak_let_through": (
        "«{state}»: слабый ответ ({trainee}) ведёт туда же, куда и правильный, — в «{to}»."
    ),
    "selftest.weak_never_ends": (
        "Слабый стажёр ({trainee}) застревает в «{state}»: разговор не кончается "
        "(нет patience?)."
    ),
    "selftest.no_weak_example": (
        "Стандарт не ловит ни одной фразы слабого стажёра ({trainee}) — эта часть проверки "
        "пропущена."
    ),
    # --- statistics: where trainees fail ---
    "stats.title": "📊 {title} ({id}) — где ошибаются стажёры",
    "stats.empty": "Попыток пока нет (просмотры тренеров не считаются).",
    "stats.totals": (
        "{runs:попытка} — завершено {finished}, зачёт {passed}, брошено {abandoned}, "
        "идёт {active}. Исходы: {outcomes}."
    ),
    "stats.outcome": "{outcome} {count}",
    "stats.hints": (
        "Подсказки брали в {with_hints:попытка:loct} из {runs} ({percent} %), "
        "всего {hints:подсказка}."
    ),
    "stats.state": (
        "• {state}: дошли {reached} ({percent} %), {replies:ответ}, неудачных {failed}, "
        "медиана ответа {median}"
    ),
    "stats.final": "• {state} ({outcome}): дошли {reached} ({percent} %)",
    "stats.old_state": "(только в прежних версиях)",
    "stats.seconds": "{seconds} с",
    "stats.missed": "   чаще пропускают: {checks}",
    "stats.violations": "   нарушения: {checks}",
    "stats.check": "{title} — {count} ({percent} %)",
    "stats.ends": "   бросили здесь: {dropped}; клиент ушёл: {hung_up}; жалоба: {escalated}",
    # --- the library in Telegram (/scenarios) ---
    "lib.title": "📚 <b>Библиотека сценариев</b> · стандарт: версия {standard}",
    "lib.row": "{mark} <code>{id}</code> — {title} · v{number}, {who}, {when}",
    "lib.mark.on": "✅",
    "lib.mark.off": "🚫",
    "lib.seed": "из поставки",
    "lib.upload_hint": (
        "Нажмите на сценарий, чтобы скачать его, посмотреть схему, статистику, пройти его "
        "как стажёр или скрыть. Чтобы опубликовать новый сценарий или новую версию, пришлите "
        "YAML-файл документом; стандарт компании — тоже файлом."
    ),
    "lib.card": (
        "<b>{title}</b> (<code>{id}</code>)\n{kind}, сложность {difficulty}\n"
        "Текущая версия: {number} ({hash}) — {who}, {when}\n"
        "Стажёры видят сценарий: {visible}\n\n<b>Версии:</b>\n{versions}"
    ),
    "lib.version_row": "v{number} — {who}, {when}{warnings}",
    "lib.version_warnings": " · {count:замечание} самопроверки",
    "lib.visible.on": "да",
    "lib.visible.off": "нет — скрыт",
    "lib.btn.off": "🚫 Скрыть от стажёров",
    "lib.btn.on": "✅ Показать стажёрам",
    "lib.btn.yaml": "📄 Скачать YAML",
    "lib.btn.png": "🗺 Схема",
    "lib.btn.play": "▶️ Пройти как стажёр",
    "lib.btn.stats": "📊 Где ошибаются",
    "lib.btn.test": "🧪 Самопроверка",
    "lib.btn.list": "⬅️ К списку",
    "lib.on_done": "Сценарий «{title}» снова виден стажёрам.",
    "lib.off_done": "Сценарий «{title}» скрыт от стажёров; начатые попытки доиграют.",
    "lib.yaml_caption": "{id}, версия {number} — файл в том виде, в каком его опубликовали.",
    "lib.png_caption": "Схема «{title}», версия {number}.",
    "lib.stats_caption": "«{title}»: цвет состояния — доля неудачных ответов в нём.",
    "lib.preview_note": "👁 Предпросмотр «{title}»: эта попытка не попадёт в отчёты и статистику.",
    "lib.preview_done": "Предпросмотр окончен — попытка не попала в отчёты. Библиотека: /scenarios",
    # --- publishing from Telegram ---
    "publish.published": (
        "✅ Опубликовано: <code>{id}</code>, версия {number}. Стажёры видят её сразу; начатые "
        "попытки доиграют на прежней версии."
    ),
    "publish.published_standard": (
        "✅ Стандарт опубликован: версия {number}. С ним проверены все сценарии библиотеки "
        "({count})."
    ),
    "publish.unchanged": "Этот файл — уже текущая версия ({number}); ничего не изменилось.",
    "publish.rejected": (
        "❌ «{file}» не опубликован — ничего не изменилось. Что исправить ({count}):"
    ),
    "publish.confirm": (
        "⚠️ В «{file}» ошибок нет, но самопроверка нашла замечания ({count}). "
        "Опубликовать всё равно?"
    ),
    "publish.warnings_of": "«{id}»:",
    "publish.btn.ok": "✅ Опубликовать",
    "publish.btn.cancel": "✖️ Отмена",
    "publish.cancelled": "Публикация отменена — ничего не изменилось.",
    "publish.expired": "Не нашёл файл для публикации — пришлите его ещё раз.",
    "publish.more": "…и ещё {count}.",
    "publish.denied": "Публиковать сценарии и стандарт можно только {roles}.",
    "trainer.denied_action": "Это действие доступно только {roles}.",
    # --- disputes ---
    "dispute.btn": "⚖️ Оспорить оценку",
    "dispute.pick": "Какую оценку вы оспариваете?",
    "dispute.pick_row": "{mark} {title}",
    "dispute.pick_row_turn": "Реплика {turn}: {mark} {title}",
    "dispute.nothing": "Здесь нечего оспаривать.",
    "dispute.ask_comment": (
        "Оспариваете: «{title}» — {verdict}. Напишите одним сообщением, почему вы не согласны, "
        "или нажмите «Без комментария»."
    ),
    "dispute.btn.skip": "Без комментария",
    "dispute.sent": "Спор отправлен тренеру — я сообщу о решении.",
    "dispute.sent_resume": "Спор отправлен тренеру. Продолжаем разговор — ответьте клиенту.",
    "dispute.no_reviewer": "Спор записан; тренеров, которые могли бы его рассмотреть, пока нет.",
    "dispute.verdict.step_true": "✅ засчитано",
    "dispute.verdict.step_false": "❌ не засчитано",
    "dispute.verdict.violation": "⛔ нарушение",
    "dispute.to_trainer": (
        "⚖️ <b>Спор #{id}</b> — {name}{team}\nСценарий «{title}», реплика {turn}\n\n"
        "🗣 <b>Клиент:</b> {client}\n💬 <b>Ответ:</b> {reply}\n\n"
        "<b>Оценка:</b> {check} — {verdict}\n{evidence}{comment}"
    ),
    "dispute.team": " ({team})",
    "dispute.evidence": "Основание: «{quote}» (правило: {rule})",
    "dispute.no_evidence": (
        "Основание: в ответе не нашлось ни одной фразы стандарта для этого шага."
    ),
    "dispute.comment": "\nКомментарий стажёра: «{comment}»",
    "dispute.btn.accept": "✅ Принять",
    "dispute.btn.reject": "❌ Отклонить",
    "dispute.accepted_by": "✅ Принято: {who}, {when}. Итог попытки: было {before}, стало {after}.",
    "dispute.rejected_by": "❌ Отклонено: {who}, {when}.",
    "dispute.to_trainee_accepted": (
        "⚖️ Ваш спор по «{check}» (сценарий «{title}», реплика {turn}) принят — {who}, {when}: "
        "оценка пересмотрена. Итог попытки: было {before}, стало {after}{passed}."
    ),
    "dispute.to_trainee_rejected": (
        "⚖️ Ваш спор по «{check}» (сценарий «{title}», реплика {turn}) отклонён — {who}, "
        "{when}: оценка остаётся прежней."
    ),
    "dispute.passed": " — зачёт",
    "dispute.failed": " — незачёт",
    "dispute.list_title": "⚖️ Открытых споров: {count}",
    "dispute.list_empty": "Открытых споров нет.",
    "dispute.trainer": "тренер",
    # --- the terminal twins (roleplay publish, selftest, stats, disputes; list --all) ---
    "cli.list.all": "Также сценарии, скрытые тренером (у каждой строки тогда есть enabled).",
    "cli.list.disabled": "  (скрыт)",
    "cli.trainer.json": "Одним объектом JSON на стандартный вывод (для программ).",
    "cli.trainer.unknown": "нет сценария «{scenario}» в библиотеке (список: roleplay list --all).",
    "cli.publish": (
        "Проверить файл сценария (или стандарта компании) и опубликовать его новой версией. "
        "При любой ошибке печатает строки ФАЙЛ:СТРОКА:СТОЛБЕЦ: сообщение, как roleplay "
        "validate, выходит с кодом 1 и ничего не меняет; иначе файл становится текущей версией "
        "для бота и терминала (печатает id и версию). Сценарий перед публикацией проходит "
        "самопроверку, стандарт проверяется на всех опубликованных сценариях; замечания "
        "самопроверки — в стандартный поток ошибок (с --strict они отклоняют файл)."
    ),
    "cli.publish.by": "Кто публикует (запишется с версией; по умолчанию — ваш логин).",
    "cli.publish.strict": "Не публиковать, если у самопроверки есть замечания.",
    "cli.publish.done": "опубликовано: {what}, версия {number} ({version})",
    "cli.publish.unchanged": (
        "{what}: версия {number} ({version}) уже текущая — ничего не изменилось"
    ),
    "cli.publish.problems": "Итого: {count:проблема} — ничего не опубликовано.",
    "cli.publish.strict_refused": (
        "Замечаний самопроверки: {count}, а задан --strict — ничего не опубликовано."
    ),
    "cli.selftest": (
        "Сыграть сценарий библиотеки (или файл сценария, не публикуя его) за сильного "
        "стажёра и за слабых; код выхода 1, если сильный не проходит или слабый проходит. "
        "Проверяется каждое состояние, до которого они доходят; виноватое состояние названо."
    ),
    "cli.selftest.metavar": "СЦЕНАРИЙ|ФАЙЛ",
    "cli.stats": (
        "Где ошибаются стажёры в сценарии, по сохранённым попыткам (просмотры тренеров не "
        "считаются): воронка по состояниям, чаще всего пропускаемые шаги в каждом, медианное "
        "время ответа, подсказки."
    ),
    "cli.stats.png": "Ещё и картинка схемы: каждое состояние окрашено по доле неудачных ответов.",
    "cli.disputes": "Оспоренные оценки: что оспорили стажёры, как и когда решили тренеры.",
    "cli.disputes.status": (
        "Только споры с этим статусом (open, accepted, rejected; по умолчанию все)."
    ),
    "cli.disputes.status_metavar": "СТАТУС",
    "cli.disputes.jsonl": (
        "Принятые и отклонённые споры как размеченные случаи, по объекту JSON в строке "
        "(формат ../shared/spec/checks.md; для score_eval.py --set ФАЙЛ). Открытые ещё не "
        "размечены и не выводятся."
    ),
    "cli.disputes.left_out": "Не выведено споров: {count} (открытые или с забытым ответом).",
    "cli.disputes.row": (
        "#{id} {scenario}, реплика {turn}, {check}: {before} → {after} ({ruled}); "
        "{name}{comment}"
    ),
    "cli.disputes.open": "открыт",
    "cli.disputes.accepted": "принят: {who}, {when}",
    "cli.disputes.rejected": "отклонён: {who}, {when}",
    "cli.disputes.true": "да",
    "cli.disputes.false": "нет",
}
