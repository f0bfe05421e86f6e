"""Steps said in short, indirect or other words, and words that only look like a step: the forms
behind hold-out 16's misses, on sentences written for these tests (none is from a data set).
Each family has at least three replies that do the step and three look-alikes that do not.
"""

from __future__ import annotations

from typing import Any

import pytest

from scoring import Grader

T, F = True, False
Case = tuple[str, str, bool] | tuple[str, str, bool, dict[str, Any]]

FAMILIES: dict[str, list[Case]] = {
    # a clarifying question of a phrase or a pronoun: «В пределах области?», «Что за справка?»,
    # «Продиктуйте мне его»
    "short_clarify": [
        ("clarify", "За пределы области?", T),
        ("clarify", "С описью вложения?", T),
        ("clarify", "Что за документ вам нужен?", T),
        ("clarify", "Прочитайте мне его, пожалуйста, по цифрам.", T),
        ("clarify", "Продиктуйте мне их по одному.", T),
        ("clarify", "Напомните, пожалуйста, номер договора.", T),
        ("clarify", "Вы ещё на линии?", F),
        ("clarify", "Алло, на связи?", F),
        ("clarify", "Что за ерунда, опять сбой.", F),
        ("clarify", "Назовите мне, пожалуйста, как к вам обращаться?", F),
    ],
    # the name asked indirectly
    "ask_name": [
        ("ask_name", "С кем имею честь беседовать?", T),
        ("ask_name", "Простите, с кем я разговариваю?", T),
        ("ask_name", "Представитесь, пожалуйста?", T),
        ("ask_name", "Не могли бы вы представиться?", T),
        ("ask_name", "Разрешите представиться: Анна, старший кассир.", F),
        ("ask_name", "С кем вам удобнее говорить — со мной или с юристом?", F),
        ("ask_name", "Можно мне представиться?", F),
    ],
    # the speaker named in an idiom: «Мадина у аппарата», «Сергей на проводе»
    "self_intro": [
        ("self_intro", "Здравствуйте, Ольга у аппарата.", T),
        ("self_intro", "Добрый день, Сергей на проводе, слушаю вас.", T),
        ("self_intro", "Алло, у аппарата Гульнара.", T),
        ("self_intro", "Директор сейчас не у аппарата.", F),
        ("self_intro", "Марат у аппарата?", F),
        ("self_intro", "Мастер у аппарата, передаю трубку.", F),
    ],
    # a summary that asks for the client's agreement at its end
    "summary": [
        ("summary", "Значит, завтра в десять курьер у вас — договорились?", T),
        ("summary", "Тогда оформляю возврат, а вы приносите чек, договорились?", T),
        ("summary", "Выходит, справку забираете в среду, договорились?", T),
        ("summary", "Получается, курьер приедет в среду, а оплата наличными.", T),
        ("summary", "Договорились?", F),
        ("summary", "Так мы договорились?", F),
        ("summary", "Мы можем договориться о встрече?", F),
    ],
    # a call-back offered as the other half of a choice
    "callback": [
        ("callback_offer", "Подождёте или лучше я позже сама позвоню?", T),
        ("callback_offer", "Останетесь на линии или я потом наберу?", T),
        ("callback_offer", "Может, лучше я сам позвоню, когда узнаю?", T),
        ("callback_offer", "Я позвоню в отдел доставки и уточню.", F),
        ("callback_offer", "Сейчас позвоню на склад, минуту.", F),
        ("callback_offer", "Вы позвоните сами или мне оформить заявку?", F),
    ],
    # registering: an incoming number, «Записываю.» in a reply about the complaint's review
    "register": [
        ("register_complaint", "Я присвою обращению входящий номер и отдам вам копию.", T),
        ("register_complaint", "Вот ваш входящий номер, по нему можно узнать ответ.", T),
        ("register_complaint", "Фиксирую. Ответ по претензии придёт письмом.", T),
        ("register_complaint", "Записываю. Жалобу рассмотрят в течение месяца.", T),
        ("register_complaint", "Записываю. Ваш номер телефона 8 701 555 12 34?", F),
        ("register_complaint", "Записываю адрес доставки: Абая, 10.", F),
        ("register_complaint", "Номер отправления присвоен, посылка в пути.", F),
    ],
    # a solution offered as an option, an ownership, a recommendation, where to find it
    "solution": [
        ("solution", "Мы можем поступить так: я оформлю доставку на дом.", T),
        ("solution", "Можно поступить иначе: оплатить на сайте, а забрать завтра.", T),
        ("solution", "Дайте мне номер, я сама всё выясню.", T),
        ("solution", "Оставьте номер, я сама всё проверю.", T),
        ("solution", "Оплатите через приложение, это удобнее.", T),
        ("solution", "Раздел «Переводы» теперь находится в меню справа.", T),
        ("solution", "Правильно понимаю, что посылка отправлена в Караганду?", F),
        ("solution", "Заявка уже оформлена?", F),
        ("solution", "Кнопка справа не работает, это сбой.", F),
        ("solution", "Я сама всё понимаю, но правила такие.", F),
        ("solution", "Я уточню информацию и вернусь.", F),
    ],
    # someone else with the same first name or patronymic is not the client
    "client_name": [
        ("use_client_name", "Анна Сергеевна, ваш заказ готов.", T, {"client_name": "Анна Сергеевна"}),
        ("use_client_name", "Сергеевна, подойдите к окну.", T, {"client_name": "Анна Сергеевна"}),
        ("use_client_name", "Спасибо, Ильич, всё готово.", T, {"client_name": "Пётр Ильич"}),
        ("use_client_name", "Мария Сергеевна, ваш заказ готов.", F, {"client_name": "Анна Сергеевна"}),
        ("use_client_name", "Здравствуйте, Иван Ильич!", F, {"client_name": "Пётр Ильич"}),
        ("use_client_name", "Игорь Петрович, добрый день.", F, {"client_name": "Олег Петрович"}),
    ],
    # words of a step used for another purpose: blame for a colleague's habit, a review that is no
    # complaint's, a period that is changed
    "other_purpose": [
        ("blame", "Курьер опоздал, он у нас постоянно опаздывает.", T),
        ("blame", "Я сама на него жалуюсь начальству.", T),
        ("blame", "Сортировка опять опоздала с отправкой.", T),
        ("blame", "А я вас предупреждала, что так будет.", T),
        ("blame", "Сами не забрали вовремя, вот посылку и вернули.", T),
        ("blame", "Вам приходило извещение, почему не забрали?", T),
        ("blame", "Вы пропустили срок, поэтому заявку закрыли.", T),
        ("blame", "Почтальон сказал, что вас не было дома.", T),
        ("blame", "Курьер сказал, что приедет через час.", F),
        ("blame", "Вы потеряли квитанцию? Ничего, найдём по паспорту.", F),
        ("blame", "Вы не опоздали, приём до восьми.", F),
        ("blame", "А я вам сказала номер? Давайте повторю.", F),
        ("blame", "Вы сами не обязаны это делать, я оформлю.", F),
        ("blame", "Виноватых не ищем, ищем решение.", F),
        ("blame", "Мы не ищем виноватых, давайте оформим розыск.", F),
        ("blame", "Простите, что курьер опоздал, это наша ошибка.", F),
        ("complaint_deadline", "Жалобу рассмотрят в течение 10 рабочих дней.", T),
        ("complaint_deadline", "Ответ на претензию дадим за две недели.", T),
        ("complaint_deadline", "Обращение рассматривается до 30 дней.", T),
        ("complaint_deadline", "Заявку на кредит рассматривают три дня.", F),
        ("complaint_deadline", "Срок рассмотрения увеличили до месяца.", F),
        ("complaint_deadline", "Срок ответа сдвинулся на неделю.", F),
    ],
    # «Перезвоните» in other words, «ни чем» written apart; declining to tell is no brush-off
    "forbidden": [
        ("forbidden_phrase", "Позвоните позже, сейчас все заняты.", T),
        ("forbidden_phrase", "Наберите нас ещё раз через час.", T),
        ("forbidden_phrase", "Звоните с другого телефона, вас не слышно.", T),
        ("forbidden_phrase", "Ни чем не могу помочь, к сожалению.", T),
        ("forbidden_phrase", "Если будут вопросы, позвоните нам ещё раз.", F),
        ("forbidden_phrase", "Могли бы вы позвонить с другого телефона? Вас плохо слышно.", F),
        ("forbidden_phrase", "Я позвоню вам позже, как только узнаю.", F),
        ("forbidden_phrase", "Позвоните на горячую линию, там подскажут статус.", F),
        ("forbidden_phrase", "Простите, ничего не могу сказать о чужих переводах — это тайна.", F),
    ],
    # a refusal said as the rule of the house
    "privacy": [
        ("privacy_refusal", "Такие сведения мы выдаём только самому владельцу счёта, по закону.", T),
        ("privacy_refusal", "Адрес мы сообщаем только получателю лично — таковы правила.", T),
        ("privacy_refusal", "Баланс называем только держателю карты, это банковская тайна.", T),
        ("privacy_refusal", "Мы выдаём посылки только по паспорту.", F),
        ("privacy_refusal", "Не скажу.", F),
        ("privacy_refusal", "Я не могу сказать точно, когда придёт посылка.", F),
    ],
    # another person's account named by the surname
    "disclosure": [
        ("data_disclosure", "У Петрова на карте 5 000 рублей.", T),
        ("data_disclosure", "На счёте у Ахметовой двенадцать тысяч.", T),
        ("data_disclosure", "У Сидоровой на счету минус 300.", T),
        ("data_disclosure", "У вас на счёте 5 000 рублей.", F),
        ("data_disclosure", "У нас на счёте ошибка, извините, через 2 часа исправим.", F),
        ("data_disclosure", "Остаток у Петрова? Я не могу сообщать данные других клиентов.", F),
    ],
}


def _cases() -> list[Any]:
    out = []
    for family, cases in FAMILIES.items():
        for n, case in enumerate(cases):
            check, text, expected = case[:3]
            context = case[3] if len(case) > 3 else {}
            out.append(pytest.param(check, text, expected, context, id=f"{family}-{n}"))
    return out


@pytest.mark.parametrize(("check", "text", "expected", "context"), _cases())
def test_step_form(
    grader: Grader, check: str, text: str, expected: bool, context: dict[str, Any]
) -> None:
    verdict = grader.grade(text, [check], context).verdicts[check]
    assert verdict.value is expected, verdict


def test_every_family_is_tried_both_ways() -> None:
    for family, cases in FAMILIES.items():
        done = sum(1 for case in cases if case[2])
        assert done >= 3 and len(cases) - done >= 3, family
