"""A summing-up and what only looks like one: the forms behind hold-out 17's summary misses, on
sentences written for these tests (none is from a data set).

A summary restates what was agreed: a marker that sums up («значит», «получается», «подытожу»,
«ещё раз по пунктам», «как договорились», «на сегодня всё:») with the agreed things after it, or,
in a reply that closes the call, two or more agreed things with their time. «Итак» opening a
conversation or a check, and a single promise, are no summary.
"""

from __future__ import annotations

from typing import Any

import pytest
from form_cases import ARGS, assert_graded, params, tried_both_ways

from scoring import Grader

T, F = True, False

FAMILIES: dict[str, list[tuple[str, bool]]] = {
    # a marker that sums up, followed by what was agreed
    "marker": [
        ("Как договорились: мастер придёт в четверг после обеда, а счёт я пришлю на почту.", T),
        ("Как мы и договаривались, курьер будет у вас в субботу до полудня.", T),
        ("Ещё раз по пунктам: заявка принята, номер у вас в SMS, мастер позвонит накануне.", T),
        ("Тогда на сегодня всё: возврат оформлен, деньги вернутся за три дня.", T),
        ("Сверим: доставка в пятницу, с восьми до двенадцати, оплата наличными.", T),
        ("Кратко по итогам: тариф сменим с понедельника, абонплата — 390 рублей.", T),
        ("Договорённость такая: вы присылаете фото чека, я оформляю возврат.", T),
        ("Резюмируя: карта заблокирована, новую выпустим за неделю.", T),
        ("На сегодня всё, до свидания!", F),
        ("Как договоримся, так и сделаем — выбирайте удобный день.", F),
        ("По пунктам я сейчас не отвечу, мне нужно уточнить.", F),
        ("По итогам проверки мы вернём деньги на карту.", F),
        ("Давайте сверим номер: 4512 7789?", F),
    ],
    # «итак», «значит» opening a conversation, a check or a question: no summing-up
    "opener": [
        ("Итак, посмотрим, что у нас с вашим заказом.", F),
        ("Итак, давайте начнём: что случилось с посылкой?", F),
        ("Итак, Анна Сергеевна, слушаю вас.", F),
        ("Итак, приступим к оформлению.", F),
        ("Значит, сейчас проверю по базе.", F),
        ("Итак, сейчас поищу вашу заявку.", F),
        ("Итак, завтра в десять мастер у вас, оплата после работы.", T),
        ("Итак, я оформила возврат, деньги придут в течение трёх дней.", T),
        ("Итак, давайте подытожим: заявка принята, мастер позвонит завтра.", T),
        ("Значит, вы приносите паспорт, а я выдаю посылку без очереди.", T),
        ("Значит, курьер в субботу с утра, верно?", T),
        ("Если коротко, заявка принята, мастер позвонит завтра.", T),
        ("Получается так: мастер приедет в четверг, а счёт вы оплатите после работы.", T),
        ("Значит, вы не получили извещение?", F),
        ("Получается, деньги списали дважды?", F),
    ],
    # no marker: the agreed things restated in a reply that closes the call
    "closing_list": [
        ("Спасибо за звонок. Мастер приедет в среду к девяти, а акт я пришлю вечером. "
         "Всего доброго!", T),
        ("Хорошо. Карту перевыпустим за пять дней, SMS придёт в день готовности. Хорошего дня!",
         T),
        ("Отлично. Справка будет готова в понедельник, заберёте её в окне 2 до шести. "
         "Спасибо за обращение!", T),
        ("Я перезвоню вам завтра в десять. Всего доброго!", F),
        ("Мастер приедет завтра в девять.", F),
        ("Курьер приедет в субботу, позвонит за час.", F),
        ("Спасибо, что дождались. Сейчас посмотрю, через минуту вернусь.", F),
        ("Всего доброго, хорошего вам вечера и спокойной ночи!", F),
    ],
}



@pytest.mark.parametrize(ARGS, params(FAMILIES, "summary"))
def test_summary_form(
    grader: Grader, check: str, text: str, expected: bool, context: dict[str, Any]
) -> None:
    assert_graded(grader, check, text, expected, context)


def test_every_family_is_tried_both_ways() -> None:
    assert tried_both_ways(FAMILIES, "summary") == []
