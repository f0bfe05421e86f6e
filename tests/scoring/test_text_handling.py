"""Normalisation, inflection, typos, negation, evidence and bad input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import Grader
from scoring.text import MAX_REPLY_CHARS, default_lexicon


@pytest.mark.parametrize(
    ("text", "forms"),
    [
        ("ЗДРАВСТВУЙТЕ!!!", ["здравствуйте"]),
        ("Ещё", ["еще"]),
        ("спасиииибо", ["спасибо"]),
        ("пoчта", ["почта"]),  # Latin «o» inside a Cyrillic word
        ("Кто-то, 8-800", ["кто-то", "8-800"]),
    ],
)
def test_normalisation(text: str, forms: list[str]) -> None:
    doc = default_lexicon().analyse(text)
    assert [t.form for t in doc.tokens] == forms


def test_offsets_point_into_the_original_text() -> None:
    text = "Ну, ЁЛКИ — Почта России!"
    doc = default_lexicon().analyse(text)
    assert [text[t.start : t.end] for t in doc.tokens] == ["Ну", "ЁЛКИ", "Почта", "России"]


def test_sentences_and_questions() -> None:
    doc = default_lexicon().analyse("Я уточню. Вы подождёте?! Хорошо")
    assert [s.question for s in doc.sentences] == [False, True, False]


@pytest.mark.parametrize(
    ("check", "text", "context"),
    [
        ("company_name", "Вы позвонили в Почту России", {"company": "Почта России"}),
        ("company_name", "Работаем с Почтой России", {"company": "Почта России"}),
        ("company_name", "Спасибо за выбор Казпочты", {"company": "Казпочта"}),
        ("register_complaint", "Обращение вашей жалобы я зарегистрирую", {}),
        ("thank_for_waiting", "спасибо вам большое за ожидание", {}),
        ("thank_for_waiting", "Спасибо, что дождались ответа", {}),
        ("apology", "Примите наши извинения", {}),
    ],
)
def test_inflection_and_word_gaps(
    grader: Grader, check: str, text: str, context: dict[str, str]
) -> None:
    assert grader.grade(text, [check], context).value(check)


@pytest.mark.parametrize(
    ("check", "text"),
    [
        ("apology", "Приношу извенения"),
        ("thank_for_waiting", "Спасибо за ожедание"),
        ("greeting", "Здраствуйте"),
        ("empathy", "Понимаю ваше недовольсвто"),
    ],
)
def test_small_typos_in_longer_words_are_tolerated(grader: Grader, check: str, text: str) -> None:
    assert grader.grade(text, [check]).value(check)


def test_a_word_that_contains_a_listed_error_is_not_one(grader: Grader) -> None:
    assert not grader.grade("Хочу предложить вам положить деньги на счёт", ["speech_error"]).value(
        "speech_error"
    )


@pytest.mark.parametrize(
    ("check", "text", "expected"),
    [
        ("forbidden_phrase", "Вы должны оплатить", True),
        ("forbidden_phrase", "Вы не должны переживать", False),
        ("forbidden_phrase", "Вам не нужно ничего делать", False),
        ("forbidden_phrase", "Хорошо, но я не знаю, когда придёт", True),
        ("forbidden_phrase", "Не знаю", True),
        ("forbidden_phrase", "Не могу Вам ничем помочь", True),
        ("forbidden_phrase", "Вам следовало бы прийти раньше", True),
        ("hold_consent", "Не отключайтесь", False),
        ("empathy", "Я не понимаю, о чём вы", False),
        ("solution", "Я не смогу это оформить", False),
    ],
)
def test_negation_does_not_flip_a_verdict(
    grader: Grader, check: str, text: str, expected: bool
) -> None:
    assert grader.grade(text, [check]).value(check) is expected


def test_evidence_quotes_the_trainee(grader: Grader) -> None:
    text = "Слушайте, я не знаю, где ваша посылка."
    verdict = grader.grade(text, ["forbidden_phrase"]).verdicts["forbidden_phrase"]
    assert verdict.value and verdict.evidence is not None
    assert verdict.evidence.quote == "не знаю"
    assert text[verdict.evidence.start : verdict.evidence.end] == "не знаю"
    assert verdict.evidence.rule


def test_a_missed_step_has_no_evidence(grader: Grader) -> None:
    verdict = grader.grade("Да.", ["greeting"]).verdicts["greeting"]
    assert verdict.value is False and verdict.evidence is None


def test_a_duration_must_be_a_word_of_its_own(grader: Grader) -> None:
    assert not grader.grade("В эту минуту ничего не могу сказать", ["hold_duration"]).value(
        "hold_duration"
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "😀😀😀🙏",
        "Hello, how can I help you?",
        "Сәлеметсіз бе! Қазпошта, қалай көмектесе аламын?",
        "\x00\x01\x02 здравствуйте \x7f",
        "\ud800\udfff здравствуйте",
        "а" * 100_000,
        "Здравствуйте! " * 8_000,
        "?!?!...,,,---",
    ],
)
def test_bad_input_gets_verdicts_never_an_exception(grader: Grader, text: str) -> None:
    result = grader.grade(text)
    assert set(result.verdicts) == set(grader.standard.checks)
    assert result.too_long is (len(text) > MAX_REPLY_CHARS)


def test_control_characters_do_not_hide_a_greeting(grader: Grader) -> None:
    assert grader.grade("\x00Здравствуйте\x07!", ["greeting"]).value("greeting")


def test_non_string_input_is_graded_as_text(grader: Grader) -> None:
    assert grader.grade(None, ["greeting"]).value("greeting") is False  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=400))
def test_any_unicode_text_gets_every_verdict(text: str) -> None:
    grader = _shared_grader()
    result = grader.grade(text)
    assert set(result.verdicts) == set(grader.standard.checks)
    for verdict in result.verdicts.values():
        if verdict.evidence is not None:
            ev = verdict.evidence
            assert 0 <= ev.start < ev.end <= len(result.text)
            assert result.text[ev.start : ev.end] == ev.quote


@settings(max_examples=200, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(
            ["Здравствуйте", "не", "знаю", "Вы", "должны", "минуту", "?", ",", "спасибо", "за",
             "ожидание", "ихний", "😀", "\x00", "Почта", "России", "!", "пока", "—", "ну", "и"]
        ),
        max_size=30,
    ).map(" ".join)
)
def test_russian_word_salad_never_breaks_the_grader(text: str) -> None:
    grader = _shared_grader()
    assert grader.grade(text, None, {"time": "25:99", "company": "", "client_name": "?"}).verdicts


def _shared_grader() -> Grader:
    global _GRADER
    if _GRADER is None:
        _GRADER = Grader()
    return _GRADER


_GRADER: Grader | None = None


def test_every_violation_in_a_reply_is_quoted(grader: Grader) -> None:
    verdict = grader.grade("Я не знаю. Перезвоните завтра.", ["forbidden_phrase"]).verdicts[
        "forbidden_phrase"
    ]
    assert verdict.quotes == ["не знаю", "Перезвоните"]
    step = grader.grade("Здравствуйте! Добрый день!", ["greeting"]).verdicts["greeting"]
    assert step.quotes == ["Здравствуйте"]  # a step needs one piece of evidence


@pytest.mark.parametrize(
    ("text", "company"),
    [("Добрый вечер, «Дом.ру», Кирилл.", "Дом.ру"), ("Спасибо за звонок в Mail.ru", "Mail.ru")],
)
def test_dotted_company_names_stay_one_word(grader: Grader, text: str, company: str) -> None:
    assert grader.grade(text, ["company_name"], {"company": company}).value("company_name")


def test_a_missing_space_after_a_full_stop_still_ends_the_sentence(grader: Grader) -> None:
    result = grader.grade("Спасибо за ожидание.Всего доброго", ["thank_for_waiting", "farewell"])
    assert result.value("thank_for_waiting") and result.value("farewell")


@pytest.mark.parametrize(
    ("text", "form", "phone"),
    [
        ("8 701 555 12 34", "8-701-555-12-34", True),
        ("+7 (912) 404-77-18", "7-912-404-77-18", True),
        ("22-15-40", "22-15-40", True),
        ("87015551234", "87015551234", True),
        ("1 500 000", "1-500-000", False),  # an amount: one number, not a phone
        ("45 09 771203", "45-09-771203", False),
        ("14.03.2024", "14.03.2024", False),
        ("10-15", "10-15", False),
    ],
)
def test_digit_groups_are_one_number(text: str, form: str, phone: bool) -> None:
    doc = default_lexicon().analyse(f"Номер {text} есть")
    assert [t.form for t in doc.tokens] == ["номер", form, "есть"]
    assert doc.tokens[1].phone is phone
    assert doc.text[doc.tokens[1].start : doc.tokens[1].end] == text.lstrip("+")


def test_repeated_digits_are_kept() -> None:
    assert [t.form for t in default_lexicon().analyse("1000 и 555").tokens] == ["1000", "и", "555"]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Живёт на ул. Абая, д. 5, кв. 12.", 1),
        ("Это в г. Алматы. Да.", 2),
        ("Пришло в 2024 г. Она знает.", 2),
        ("Бланки, квитанции и т. д. Потом подпишите.", 3),  # «т.» and «д.» here do end a sentence
    ],
)
def test_an_address_abbreviation_does_not_end_a_sentence(text: str, sentences: int) -> None:
    assert len(default_lexicon().analyse(text).sentences) == sentences


def test_a_negation_written_together_is_split_off() -> None:
    doc = default_lexicon().analyse("Я немогу, незнаю.")
    assert [t.form for t in doc.tokens] == ["я", "не", "могу", "не", "знаю"]
    assert [doc.text[t.start : t.end] for t in doc.tokens[1:3]] == ["не", "могу"]
    # a real word that starts with «не» stays whole
    assert [t.form for t in default_lexicon().analyse("Это неважно").tokens] == ["это", "неважно"]


def test_tsya_and_tsya_are_one_spelling() -> None:
    lexicon = default_lexicon()
    assert {"INFN", "3per"} <= lexicon.info("отправиться").tags
    assert {"INFN", "3per"} <= lexicon.info("отправится").tags
    assert "связаться" in lexicon.info("свяжеться").lemmas


@pytest.mark.parametrize(
    ("typo", "word"),
    [("перезвню", "перезвоню"), ("слдеует", "следует"), ("тлефон", "телефон"), ("доброва", "доброго")],
)
def test_a_typo_finds_the_known_word_one_edit_away(typo: str, word: str) -> None:
    assert word in default_lexicon().corrections(typo)


def test_ni_written_apart_from_its_pronoun_is_one_word() -> None:
    doc = default_lexicon().analyse("Ни чем не могу помочь. Ни где нет. Нет ни сил, ни времени.")
    assert [t.form for t in doc.tokens] == [
        "ничем", "не", "могу", "помочь", "нигде", "нет", "нет", "ни", "сил", "ни", "времени"
    ]
    assert doc.text[doc.tokens[0].start : doc.tokens[0].end] == "Ни чем"
