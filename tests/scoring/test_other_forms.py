"""Steps and violations in other words, and words that only look like them: the rest of hold-out
17's misses, by form, on sentences written for these tests (none is from a data set). Each family
has at least three replies that do the step (or commit the violation) and three look-alikes.
"""

from __future__ import annotations

from typing import Any

import pytest
from form_cases import ARGS, Case, assert_graded, params, tried_both_ways

from scoring import Grader

T, F = True, False

FAMILIES: dict[str, list[Case]] = {
    # a failure is technical; the client's own balance or block, or a failure denied, is not
    "failure_notice": [
        ("failure_notice", "К сожалению, у нас сбой в системе, оплата картой временно не проходит.", T),
        ("failure_notice", "Терминал не печатает чеки — технический сбой.", T),
        ("failure_notice", "Сейчас не работает приложение, на сервере авария.", T),
        ("failure_notice", "Из-за долга 300 рублей звонки у вас не проходят.", F),
        ("failure_notice", "Номер заблокирован за неоплату, поэтому вызовы не проходят.", F),
        ("failure_notice", "На карте минус, поэтому платёж не проходит.", F),
        ("failure_notice", "Это не сбой, просто письмо ещё в пути.", F),
        ("failure_notice", "Это не поломка — лампочка так и мигает при зарядке.", F),
    ],
    # a call made in the client's presence to someone else is no offer to call the client back
    "callback_offer": [
        ("callback_offer", "Если хотите, я перезвоню вам, как только узнаю.", T),
        ("callback_offer", "Могу позвонить вам через полчаса с ответом.", T),
        ("callback_offer", "Давайте я наберу вас вечером?", T),
        ("callback_offer", "Я сейчас наберу склад при вас, это минута.", F),
        ("callback_offer", "Позвоню мастеру прямо при вас и уточню время.", F),
        ("callback_offer", "Сейчас свяжусь с коллегой при вас — минутку.", F),
    ],
    # the complaint entered in a system; registering the client in an account is no complaint
    "register_complaint": [
        ("register_complaint", "Обращение занесено в базу под номером 4411.", T),
        ("register_complaint", "Претензию вашу я завела в программе, номер пришлю по SMS.", T),
        ("register_complaint", "Жалобу внесла в систему, ответ придёт письмом.", T),
        ("register_complaint", "Зарегистрирую вас в приложении — так удобнее следить за посылкой.", F),
        ("register_complaint", "Вы уже зарегистрированы в программе лояльности.", F),
        ("register_complaint", "Внесла ваш новый адрес в систему.", F),
        ("register_complaint", "Давайте зарегистрируем вас на сайте, это минута.", F),
    ],
    # the speaker named after the department: «Бухгалтерия, Лариса Михайловна.»
    "self_intro": [
        ("self_intro", "Отдел кадров, Ирина Павловна, слушаю.", T),
        ("self_intro", "Добрый день, приёмная, Олег Сергеевич.", T),
        ("self_intro", "Регистратура, Марина, здравствуйте.", T),
        ("self_intro", "Бухгалтерия, кабинет 12, второй этаж.", F),
        ("self_intro", "Отдел кадров сейчас на обеде.", F),
        ("self_intro", "Регистратура, Марина Петровна, ваша запись подтверждена.", F,
         {"client_name": "Марина Петровна"}),
    ],
    # a written complaint named as a channel, a form beside it
    "complaint_channels": [
        ("complaint_channels", "Можно оставить письменное обращение на имя начальника, бланк у окна 1.", T),
        ("complaint_channels", "Жалобу можно написать в книгу отзывов, она на стойке у входа.", T),
        ("complaint_channels", "Вы вправе подать претензию в письменном виде, бланк я дам.", T),
        ("complaint_channels", "Бланк заявления на перевод можно скачать на сайте.", F),
        ("complaint_channels", "Письменный ответ придёт в течение 10 дней.", F),
        ("complaint_channels", "Распечатайте бланк и заполните его дома.", F),
    ],
    # restating the question to be sure, asking a date
    "clarify": [
        ("clarify", "Вы спрашиваете про доставку, а не про возврат?", T),
        ("clarify", "Вы имеете в виду вчерашний перевод?", T),
        ("clarify", "С какого дня вы ждёте посылку?", T),
        ("clarify", "До какого числа нужна справка?", T),
        ("clarify", "С какого числа начнётся акция, пока неизвестно.", F),
        ("clarify", "Вы спрашиваете — я отвечаю: да, можно.", F),
        ("clarify", "Вы не спрашивали, но скажу: возврат бесплатный.", F),
    ],
    # acknowledging that the client's confusion is natural
    "empathy": [
        ("empathy", "Тут и правда легко запутаться, давайте разберём.", T),
        ("empathy", "В этих тарифах немудрено запутаться.", T),
        ("empathy", "Понимаю, такие правила сбивают с толку.", T),
        ("empathy", "Неудивительно, что вы растерялись: форма непростая.", T),
        ("empathy", "Чтобы не запутаться, сохраните чек.", F),
        ("empathy", "Здесь сложно ошибиться: поле одно.", F),
        ("empathy", "Запутаться можно, если не читать инструкцию.", F),
    ],
    # what was done for the client, and what was done with the parcel that is no help
    "solution": [
        ("solution", "Я уже оформила возврат, деньги придут завтра.", T),
        ("solution", "Заявку уже передали мастеру, он позвонит.", T),
        ("solution", "Посылку уже отправили вам курьером.", T),
        ("solution", "Посылку уже отправили обратно отправителю.", F),
        ("solution", "Письмо уже вернули отправителю, срок хранения истёк.", F),
        ("solution", "Её уже отправили назад в Москву.", F),
    ],
    # thanks in Kazakh, «рахмет», and a surname that only begins like it
    "thanks": [
        ("thank_for_waiting", "Рахмет за ожидание!", T),
        ("thank_for_waiting", "Рахмет, что дождались, перевод пришёл.", T),
        ("thank_client", "Рахмет за звонок, всего доброго!", T),
        ("thank_for_waiting", "Рахметов Ерлан, ваш перевод пришёл.", F),
        ("thank_client", "Рахметова, пройдите к окну 3.", F),
        ("thank_for_waiting", "Рахмет за звонок!", F),
    ],
    # blaming the client's understanding; the speaker's own misunderstanding is no blame
    "blame": [
        ("blame", "Вы меня не так поняли, я говорила про другое.", T),
        ("blame", "Вы не так объяснили, поэтому я ошиблась.", T),
        ("blame", "Это вы неправильно заполнили бланк.", T),
        ("blame", "Простите, я вас не так поняла.", F),
        ("blame", "Извините, я вас не так услышала — вы про перевод?", F),
        ("blame", "Похоже, я вас неправильно расслышала, повторите, пожалуйста.", F),
    ],
}



@pytest.mark.parametrize(ARGS, params(FAMILIES))
def test_other_form(
    grader: Grader, check: str, text: str, expected: bool, context: dict[str, Any]
) -> None:
    assert_graded(grader, check, text, expected, context)


def test_every_family_is_tried_both_ways() -> None:
    assert tried_both_ways(FAMILIES) == []
