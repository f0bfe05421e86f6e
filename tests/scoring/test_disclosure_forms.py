"""Every way an employee gives out another person's data, and the client's own data told back:
the forms behind hold-out 17's misses, on sentences written for these tests (none is from a data
set). Each family has at least three disclosures and three look-alikes that disclose nothing.

`data_disclosure` is blocking: a disclosure that passes lets a trainee pass a run that gave a
stranger a neighbour's address; a polite reply flagged fails a good trainee. Both ways count.
"""

from __future__ import annotations

from typing import Any

import pytest

from scoring import Grader

T, F = True, False
D, R = "data_disclosure", "privacy_refusal"
Case = tuple[str, str, bool] | tuple[str, str, bool, dict[str, Any]]
MUSIN = {"third_party": ["Мусин Ерлан"]}
KOVALEV = {"third_party": ["Ковалёвы"]}
ORLOVA = {"third_party": ["Орлова Дина"]}
SON = {"third_party": ["сын клиента"]}

FAMILIES: dict[str, list[Case]] = {
    # where another person is now: a move, a place with no verb, «его нет дома»
    "whereabouts": [
        (D, "Соседка ваша теперь на Гоголя, 7, во втором подъезде.", T),
        (D, "Он теперь на Толе би, 52, рядом с рынком.", T),
        (D, "Мусин сейчас в Караганде, у сына.", T, MUSIN),
        (D, "Её нет дома, она на работе до шести.", T),
        (D, "Их сейчас нет дома, уехали на дачу.", T),
        (D, "Ваша дочь сейчас в больнице, на Абая.", T),
        (D, "Ковалёвы съехали ещё весной.", T, KOVALEV),
        (D, "Он у дочери гостит до конца месяца.", T),
        (D, "Мастер сейчас на выезде, вернётся через час.", F),
        (D, "Курьер сейчас на Абая, будет у вас через десять минут.", F),
        (D, "Если вас не будет дома, курьер оставит извещение.", F),
        (D, "Наш офис теперь на Гоголя, 7.", F),
        (D, "Коллега сейчас в отпуске, я её замещаю.", F),
        (D, "Посылка сейчас в Караганде, на сортировке.", F),
        (D, "Мы теперь на Толе би, 52, рядом с рынком.", F),
        (D, "Вы сейчас дома? Курьер уже выехал.", F),
        (D, "Курьер уже выехал, он сейчас на Абая, 20, через десять минут будет у вас.", F),
        (D, "Сын может подойти в отделение на Абая, 15.", F),
        (D, "Ваш сосед может обратиться в Казпочту сам.", F),
        (D, "Вы у нас живёте в районе Абая? Тогда ближе отделение №5.", F),
        (D, "Мастер остановился у вашего подъезда, выходите.", F),
    ],
    # a short answer that says another person fetched it or that something came for them
    "short_answer": [
        (D, "Она уже забрала, ещё во вторник.", T),
        (D, "Он получил в субботу, расписался сам.", T),
        (D, "Ему приходило, но он уже всё забрал.", T),
        (D, "Да, им приходило что-то из Германии.", T),
        (D, "Ваш сын уже получил, не волнуйтесь.", T),
        (D, "Коллега уже получила ваш запрос, ответит сегодня.", F),
        (D, "Вам уже приходило SMS с кодом?", F),
        (D, "Ему придёт уведомление, когда посылка поступит.", F),
        (D, "Мы получили ваше заявление вчера.", F),
        (D, "Курьер уже забрал вашу посылку со склада.", F),
        (D, "Она получит посылку, если оформит на вас доверенность.", F),
        (D, "Он получил статус «вручено» вчера вечером.", F),
        (D, "Ему пришло в голову позвонить нам — и правильно.", F),
        (D, "Мама ваша может получить пенсию на карту.", F),
    ],
    # another person's money: a balance, a debt, what they paid or withdrew
    "money": [
        (D, "Баланс у мамы — 740 рублей.", T),
        (D, "Остаток на счёте вашей супруги — 2 300 тенге.", T),
        (D, "Долг у вашего соседа за воду 4 200.", T),
        (D, "Вчера муж снял с карты 20 тысяч.", T),
        (D, "Она пополняла счёт в понедельник на 1 000.", T),
        (D, "У Орловой задолженность три тысячи.", T, ORLOVA),
        (D, "Сын ваш заплатил за интернет 5 900 ещё первого числа.", T, SON),
        (D, "У вас на балансе 120 рублей.", F),
        (D, "Баланс карты можно проверить в приложении.", F),
        (D, "Остаток по вашей карте — 12 000 тенге.", F),
        (D, "Вы снимали вчера 5 000 в банкомате?", F),
        (D, "Минимальный платёж по кредиту — 3 000 рублей.", F),
        (D, "Мы вернём 300 рублей на вашу карту за три дня.", F),
        (D, "Пополнить баланс сына вы можете через приложение.", F),
    ],
    # another person's phone or document, dictated
    "numbers": [
        (D, "Записывайте: 8 701 334 22 10, это её сотовый.", T),
        (D, "Его рабочий — 8 (7212) 41-22-05.", T),
        (D, "Номер Кравцовой: 8 (495) 220-41-08.", T),
        (D, "У Ковалёвых домашний 22-15-40.", T, KOVALEV),
        (D, "Паспорт у него 45 09 123456, выдан в 2015-м.", T),
        (D, "Ваш номер 8 701 555 12 34, всё верно?", F),
        (D, "Перезвоню вам на 8 777 100 20 30 через пять минут.", F),
        (D, "Телефон справочной: 8 (727) 250-11-22.", F),
        (D, "Мой рабочий: 22-15-40, звоните, если что.", F),
        (D, "Номер заказа 4512.", F),
        (D, "Личный приём у начальника по средам с 10 до 12.", F),
        (D, "Рабочий день у отделения с 9 до 18.", F),
    ],
    # confirming or denying that mail or money exists for someone else
    "mail": [
        (D, "По Орловой у нас ничего нет.", T, ORLOVA),
        (D, "Курьер оставил для вашей соседки коробку.", T),
        (D, "Вашей маме курьер привёз посылку, она в пункте выдачи.", T),
        (D, "Да, Ковалёвым пришла коробка из Москвы.", T, KOVALEV),
        (D, "Мама ваша посылку ещё не забирала.", T),
        (D, "Посылка на Орлову у нас, но без доверенности я её вам не выдам.", T, ORLOVA),
        (D, "Заказ для Мусина готов, лежит на третьей полке.", T, MUSIN),
        (D, "Для вас ничего нет, к сожалению.", F),
        (D, "Курьер оставил вам извещение в ящике.", F),
        (D, "На ваше имя пришла коробка.", F),
        (D, "Соседям посылки мы не отдаём без доверенности.", F),
        (D, "Оставьте соседке доверенность, и она заберёт вашу посылку.", F),
        (D, "Ваша посылка у нас, выдам её вам по паспорту.", F),
        (D, "Посылку вам отдадут в окне 2.", F, ORLOVA),
    ],
    # a third person by name or surname with no context: a third-person subject received mail
    "named": [
        (D, "Иванова Светлана уже получила перевод.", T),
        (D, "Мадина Серикова забрала посылку в обед.", T),
        (D, "Нет, Петров пока не забирал бандероль.", T),
        (D, "Кассир Ольга уже получила ваши документы.", F),
        (D, "Иван Сергеевич, ваш перевод поступил.", F),
        (D, "Петрова? Сейчас посмотрю, что для вас есть.", F),
    ],
    # declining with the rule as the reason, and look-alikes
    "refusal": [
        (R, "Правила не позволяют мне обсуждать чужие переводы.", T),
        (R, "Это я могу сообщить только самому получателю — так требует закон.", T),
        (R, "Закон не разрешает нам обсуждать данные других абонентов.", T),
        (R, "Правила не позволяют отправлять аккумуляторы авиапочтой.", F),
        (R, "Обсудим ваш тариф?", F),
        (R, "Я могу сказать только одно: посылка уже в пути.", F),
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
def test_disclosure_form(
    grader: Grader, check: str, text: str, expected: bool, context: dict[str, Any]
) -> None:
    verdict = grader.grade(text, [check], context).verdicts[check]
    assert verdict.value is expected, verdict


def test_every_family_is_tried_both_ways() -> None:
    for family, cases in FAMILIES.items():
        done = sum(1 for case in cases if case[2])
        assert done >= 3 and len(cases) - done >= 3, family
