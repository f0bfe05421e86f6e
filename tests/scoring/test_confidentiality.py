"""Confidentiality: `privacy_refusal` and `data_disclosure`, on replies written for these tests.

None of these sentences is from the dev set; they vary the person (a name from the context, a
relative, a pronoun), the kind of data and the way a refusal is worded.
"""

from __future__ import annotations

import pytest

from scoring import Context, Grader, score_reply

T, F = True, False
SERIKOV = {"third_party": ["Сериков Бахыт"]}
SERIKOV_AND_ADDRESS = {"third_party": ["Сериков Бахыт", "ул. Абая, 15"]}

REFUSALS: list[tuple[str, dict[str, object], bool]] = [
    ("Извините, но сообщить адрес другого клиента я не вправе.", {}, T),
    ("Такие сведения мы не разглашаем — закон о персональных данных.", {}, T),
    ("Увы, подтвердить это я не могу: информация о получателях конфиденциальна.", {}, T),
    ("Простите, я не могу этого сказать. Это персональные данные Вашего соседа.", {}, T),
    ("Номер телефона посторонним мы не даём, сосед может позвонить Вам сам.", {}, T),
    ("К сожалению, без согласия Бахыта я не могу ничего о нём рассказать.", SERIKOV, T),
    ("Я не имею права называть адреса наших клиентов, но могу передать ему Ваше письмо.", {}, T),
    ("Данные о чужих переводах не подлежат разглашению, так что подсказать не смогу.", {}, T),
    # a bare refusal gives no reason
    ("Не могу сказать.", {}, F),
    ("Нет, не скажу.", {}, F),
    ("Ничего про его посылки говорить не буду.", {}, F),
    # declining for another reason, or talking about the client's own data
    ("Я не могу проверить, программа зависла.", {}, F),
    ("Ваши персональные данные мы храним по закону.", {}, F),
    ("Сейчас я проверю Ваш перевод, это займёт минуту.", {}, F),
    # a refusal that gives the data away anyway is no refusal
    ("Посылка на него есть, но выдать не могу — это персональные данные.", {}, F),
]

DISCLOSURES: list[tuple[str, dict[str, object], bool]] = [
    # mail or money for someone else, with the person named in the context
    ("Да, на Серикова Бахыта есть посылка, лежит у нас с понедельника.", SERIKOV, T),
    ("Бахыту пришло заказное письмо, но отдать его вам я не могу.", SERIKOV, T),
    ("Посылка Серикова уже в отделении.", SERIKOV, T),
    ("Нет, Серикову ничего не приходило.", SERIKOV, T),
    ("Сериков теперь проживает в Астане, у дочери.", SERIKOV, T),
    # …and without any context: a relative or a pronoun
    ("Для вашего брата ничего нет, я посмотрела.", {}, T),
    ("Для вашего брата ничего не приходило.", {}, T),
    ("Пенсию бабушке уже перечислили, вчера.", {}, T),
    ("Соседке вашей пришёл перевод из Караганды.", {}, T),
    ("Письмо на его имя лежит у нас вторую неделю.", {}, T),
    ("Да, ваша соседка уже забрала свою посылку.", {}, T),
    ("Посылку на имя Ивановой выдали вчера.", {}, T),
    ("Её телефон у нас есть, записывайте: 8 747 300 21 45.", {}, T),
    # in a scene about another person, a short answer tells about them
    ("Да, получил ещё в среду.", SERIKOV, T),
    ("Нет, бандероль пока лежит, никто не приходил.", SERIKOV, T),
    # an address, a phone, a document number, a balance — with no context at all
    ("Он переехал на проспект Назарбаева, дом 7.", {}, T),
    ("Сосед ваш живёт теперь на ул. Жибек Жолы, 40.", {}, T),
    ("Её мобильный: +7 (705) 221-33-90.", {}, T),
    ("Запишите номер соседки — 8 777 120 45 66.", {}, T),
    ("ИИН вашей мамы 620304400217, вот он.", {}, T),
    ("На карте мужа сейчас 12 400 тенге.", {}, T),
    ("У него на счету осталось 830 рублей.", {}, T),
    # a fact of the third party from the context, said outright
    ("Да, Абая, 15 — это его новый адрес.", SERIKOV_AND_ADDRESS, T),
    ("Он проживает по адресу ул. Абая, 15.", SERIKOV_AND_ADDRESS, T),
    # refusing, or naming the person only to offer the lawful way
    ("Я не могу сказать, есть ли посылка на имя Серикова.", SERIKOV, F),
    ("Бахыт может прийти сам с удостоверением личности.", SERIKOV, F),
    ("Пусть Сериков оформит доверенность на Ваше имя.", SERIKOV, F),
    ("Информацию о чужих посылках мы не сообщаем, это тайна переписки.", {}, F),
    ("Я не вправе подтверждать, живёт ли он по этому адресу.", SERIKOV_AND_ADDRESS, F),
    # the client's own data told back to the client
    ("Ваш перевод поступил, его можно получить в окне 3.", {}, F),
    ("Ваше извещение пришло 5 мая, посылка лежит на складе отделения.", {}, F),
    ("Мы перезвоним Вам на номер 8 701 555 12 34.", {}, F),
    ("Номер Вашего телефона 8 701 555 12 34, верно?", {}, F),
    ("Вы живёте на Садовой, 12? Тогда курьер приедет завтра.", {}, F),
    ("Я уточню, пришла ли посылка на Ваше имя.", {}, F),
    # an organisation's address or number, amounts, dates
    ("Наше отделение переехало на улицу Абая, 15.", {}, F),
    ("Отделение работает с 9 до 18, адрес — ул. Ленина, 5.", {}, F),
    ("Позвоните на горячую линию 8 800 080 80 80.", {}, F),
    ("Телефон справочной почтамта: 8 727 250 11 22.", {}, F),
    ("Записывайте телефон склада: 8 (7172) 55-10-20.", {}, F),
    ("Книга отзывов лежит у окна, возьмите.", SERIKOV, F),
    ("Если посылка пришла, ему придёт извещение.", SERIKOV, F),
    ("Сумма к оплате 1 250 тенге.", {}, F),
    ("Посылка прибыла 12.03.2024, трек RA987654321KZ.", {}, F),
]


@pytest.mark.parametrize(("text", "context", "expected"), REFUSALS)
def test_privacy_refusal(
    grader: Grader, text: str, context: dict[str, object], expected: bool
) -> None:
    result = grader.grade(text, ["privacy_refusal"], context)
    assert result.value("privacy_refusal") is expected, result.verdicts["privacy_refusal"]


@pytest.mark.parametrize(("text", "context", "expected"), DISCLOSURES)
def test_data_disclosure(
    grader: Grader, text: str, context: dict[str, object], expected: bool
) -> None:
    result = grader.grade(text, ["data_disclosure"], context)
    assert result.value("data_disclosure") is expected, result.verdicts["data_disclosure"]


def test_the_third_party_context_is_what_makes_a_name_someone_else(grader: Grader) -> None:
    text = "Нет, на Серикова ничего не поступало."
    assert grader.grade(text, ["data_disclosure"], SERIKOV).value("data_disclosure")
    # without the context the surname may be the client's own: no verdict on a bare name
    assert not grader.grade(text, ["data_disclosure"]).value("data_disclosure")


def test_a_disclosure_quotes_the_whole_phone_number(grader: Grader) -> None:
    verdict = grader.grade("Записывайте: 8 912 640 17 03.", ["data_disclosure"]).verdicts[
        "data_disclosure"
    ]
    assert verdict.value and verdict.evidence is not None
    assert verdict.evidence.quote == "8 912 640 17 03"


def test_a_disclosure_fails_the_reply_whatever_the_score(grader: Grader) -> None:
    result = score_reply(
        grader.grade("Здравствуйте! Он живёт на Садовой, 3, квартира 9.", None, SERIKOV),
        ["greeting"],
    )
    assert "data_disclosure" in result.blocking and not result.passed


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            {"third_party": ["Сериков Бахыт", 5, None, "  ", "ул. Абая, 15"]},
            ["Сериков Бахыт", "ул. Абая, 15"],
        ),
        ({"third_party": "Сериков Бахыт"}, ["Сериков Бахыт"]),
        ({"third_party": {"name": "x"}}, []),
        ({"third_party": 7, "company": 3, "time": "10:00"}, []),
        ({}, []),
    ],
)
def test_context_takes_a_list_of_third_parties(
    value: dict[str, object], expected: list[str]
) -> None:
    context = Context.coerce(value)
    assert context.third_party == expected
    assert context.company is None  # a non-string value is still dropped


def test_a_context_with_third_parties_can_be_built_directly(grader: Grader) -> None:
    context = Context(third_party=["Гульнара"])
    text = "Гульнаре пришла бандероль."
    assert grader.grade(text, ["data_disclosure"], context).value("data_disclosure")
