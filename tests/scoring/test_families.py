"""The four families of issue 11, on sentences written for these tests (none is from a data set).

1. implicit rudeness: mock thanks, reproach, pushing away, weariness, belittling, lecturing — and
   the polite replies that share their words;
2. typos where they hurt: the company's name, a forbidden phrase, a step verb, «-ться/-тся»;
3. words used for another purpose: money «переведём», a website for tracking, a call-back now;
4. short and indirect forms of a step.
"""

from __future__ import annotations

import pytest

from scoring import Grader

T, F = True, False

RUDE: list[tuple[str, bool]] = [
    # mock gratitude and apology
    ("Ну спасибо, что предупредили за пять минут до закрытия.", T),
    ("Ну извините, что мы не угадали ваши мысли.", T),
    ("Спасибо, без вас бы точно не разобрались.", T),
    ("Какая неожиданность, опять без извещения.", T),
    # reproach for the client's own conduct
    ("Надо было сразу сохранить чек.", T),
    ("Вы бы ещё в конце года вспомнили.", T),
    ("Кто ж так адрес пишет, без индекса.", T),
    ("Учтите на будущее: паспорт берут с собой.", T),
    # pushing the client away
    ("Не мешайте, я работаю.", T),
    ("Отойдите от окна и не задерживайте людей.", T),
    ("Дайте мне договорить, пожалуйста.", T),
    ("Вы тут не один такой.", T),
    # weariness
    ("Я вам уже третий раз повторяю одно и то же.", T),
    ("Вы меня замучили своими звонками.", T),
    ("Вы со своей бандеролью каждый день тут.", T),
    # belittling the worry
    ("Было бы из-за чего волноваться.", T),
    ("Нашли о чём переживать, это же мелочь.", T),
    ("Ну сломалась и сломалась, бывает.", T),
    ("Кому нужна ваша посылка, никто её не возьмёт.", T),
    ("Да что ей сделается, вашей посылке.", T),
    # lecturing
    ("Вообще-то об этом написано на каждом бланке.", T),
    ("Это же элементарно, нажмите зелёную кнопку.", T),
    ("Вы же не первый раз получаете перевод.", T),
    # polite replies with the same words
    ("Спасибо, что предупредили заранее, я всё подготовлю.", F),
    ("Извините, что заставила ждать, я нашла вашу посылку.", F),
    ("Спасибо за терпение, без вашей помощи было бы сложнее найти отправление.", F),
    ("Не переживайте, мы вернём деньги в течение трёх дней.", F),
    ("Я понимаю, вы уже третий раз приходите, и это очень неприятно.", F),
    ("Давайте я ещё раз объясню, как заполнить бланк.", F),
    ("На будущее могу предложить SMS-уведомления, это бесплатно.", F),
    ("Мы должны были сразу вас предупредить, простите.", F),
    ("Нам надо было проверить адрес, это наша ошибка.", F),
    ("Не волнуйтесь, посылка застрахована.", F),
    ("Хорошо, я вас понимаю, давайте разберёмся.", F),
]


FAMILIES_RUDE = [("rudeness", text, expected) for text, expected in RUDE]


@pytest.mark.parametrize(
    ("text", "company"),
    [
        ("Почта Расии, добрый день!", "Почта России"),
        ("Спасибо, что выбрали Почту Росии.", "Почта России"),
        ("Казпочат, оператор Айдана, слушаю.", "Казпочта"),
        ("Вас приветствует Казпошта.", "Казпочта"),
    ],
)
def test_a_typo_in_the_company_name_still_names_it(grader: Grader, text: str, company: str) -> None:
    assert grader.grade(text, ["company_name"], {"company": company}).value("company_name")


def test_a_word_near_the_company_name_is_not_it(grader: Grader) -> None:
    assert not grader.grade(
        "Вам в Росбанк, это рядом.", ["company_name"], {"company": "Почта России"}
    ).value("company_name")


TYPOS: list[tuple[str, str, bool]] = [
    # a forbidden phrase with a typo or written as one word
    ("forbidden_phrase", "Я немогу вам ничем помочь.", T),
    ("forbidden_phrase", "Незнаю, спросите в другом окне.", T),
    ("forbidden_phrase", "Вы долждны сами прийти.", T),
    ("forbidden_phrase", "Вам следут обратиться в банк.", T),
    ("forbidden_phrase", "Ничем не смгу помочь.", T),
    # step verbs with a letter missing, extra or swapped
    ("callback_offer", "Я перзвоню вам через полчаса.", T),
    ("hold_consent", "Вы пдождёте минутку?", T),
    ("hold_reason", "Сейчас я уточню информацию, провреню склад.", T),
    ("register_complaint", "Я зарегестрирую ваше обращение.", T),
    ("apology", "Прнношу извинения за задержку.", T),
    # «перзвоню» is the trainee's promise, never the forbidden «перезвоните»
    ("forbidden_phrase", "Я перзвоню вам через полчаса.", F),
    ("forbidden_phrase", "Я перезвню, как только узнаю.", F),
    # «-ться» / «-тся»
    ("solution", "Деньги вернуться на карту завтра.", T),
    ("solution", "Специалист свяжеться с вами сегодня.", T),
]

OTHER_PURPOSE: list[tuple[str, str, bool]] = [
    # «перевести» money or a service is no call transfer
    ("transfer_explain", "Деньги переведём обратно на ваш счёт завтра.", F),
    ("transfer_explain", "Могу перевести вас на тариф подешевле.", F),
    ("transfer_explain", "Сейчас переведу вас на специалиста по кредитам.", T),
    # who handles it, said as a question or about another organisation
    ("transfer_explain", "Этим занимается ваш банк, дать вам номер их горячей линии?", T),
    ("transfer_explain", "Возвратами занимается окно номер пять.", T),
    # a website or a contact centre named for tracking is no complaint channel
    ("complaint_channels", "Статус перевода можно посмотреть на сайте.", F),
    ("complaint_channels", "Уведомления приходят из приложения, включите их в настройках.", F),
    ("complaint_channels", "Жалобу можно оставить на сайте или в книге отзывов.", T),
    # a call-back being made now is no offer
    ("callback_offer", "Добрый день, это Алия, перезваниваю вам по поводу заявки.", F),
    ("callback_offer", "Я обещала набрать вам после проверки — посылка нашлась.", F),
    ("callback_offer", "Я перезвоню вам после проверки, хорошо?", T),
    # registering a parcel is no complaint
    ("register_complaint", "Сейчас зарегистрирую вашу посылку и выдам чек.", F),
    ("register_complaint", "Сейчас зарегистрирую вашу жалобу.", T),
]

SHORT_FORMS: list[tuple[str, str, bool]] = [
    # a one- or two-word clarifying question
    ("clarify", "Номер заказа?", T),
    ("clarify", "А отчество?", T),
    ("clarify", "Наложенным платежом?", T),
    ("clarify", "Сегодня получали?", T),
    ("clarify", "Адрес продиктуете?", T),
    ("clarify", "Алло?", F),
    ("clarify", "Подождёте?", F),
    # consent asked indirectly or as a choice
    ("hold_consent", "Мне нужно проверить базу, это пара минут. Вам так удобно?", T),
    ("hold_consent", "Подождёте на линии или лучше набрать вас позже?", T),
    ("hold_consent", "Можно я поставлю вас на удержание?", T),
    ("hold_consent", "Вы не против, если я проверю склад?", T),
    ("hold_consent", "Не кладите трубку, я проверю.", F),
    # the name asked indirectly
    ("ask_name", "Как вас по отчеству?", T),
    ("ask_name", "С кем я разговариваю?", T),
    ("ask_name", "Подскажите, кто звонит?", T),
    ("ask_name", "Как вас записать?", T),
    ("ask_name", "А вас как зовут?", T),
    ("ask_name", "Как вам удобнее связаться?", F),
    # a summary without «итак»
    ("summary", "Значит, договорились: завтра в десять курьер привезёт посылку.", T),
    ("summary", "Подведу итог: возврат оформлен, деньги придут за три дня.", T),
    ("summary", "Итак, документы готовы.", F),
    # thanks for waiting in other words
    ("thank_for_waiting", "Спасибо, что остались на линии.", T),
    ("thank_for_waiting", "Спасибо, что не повесили трубку.", T),
    ("thank_for_waiting", "Спасибо, что дождались ответа.", T),
    # help offered in a word
    ("offer_help", "Конечно, помогу.", T),
    ("offer_help", "Рассказывайте, что случилось.", T),
    ("offer_help", "Задавайте вопрос.", T),
    # thanks to the client for trust
    ("thank_client", "Спасибо, что доверяете нашей компании.", T),
]

FAMILIES = {
    "rudeness": FAMILIES_RUDE,
    "typos": TYPOS,
    "other_purpose": OTHER_PURPOSE,
    "short_forms": SHORT_FORMS,
}


@pytest.mark.parametrize(
    ("check", "text", "expected"),
    [
        pytest.param(*case, id=f"{family}-{n}")
        for family, cases in FAMILIES.items()
        for n, case in enumerate(cases)
    ],
)
def test_family(grader: Grader, check: str, text: str, expected: bool) -> None:
    verdict = grader.grade(text, [check]).verdicts[check]
    assert verdict.value is expected, verdict
