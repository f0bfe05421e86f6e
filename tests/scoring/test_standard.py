"""The standard as data: the default defines every catalogue check; broken files name FILE:LINE:COL."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scoring import (
    Grader,
    StandardError,
    UnknownCheckError,
    default_standard,
    load_standard,
    score_reply,
)

CATALOGUE = Path(__file__).resolve().parents[3] / "shared" / "spec" / "checks.md"


def catalogue_ids() -> set[str]:
    text = CATALOGUE.read_text(encoding="utf-8")
    return set(re.findall(r"^\| `([a-z_]+)` \|", text, flags=re.M))


def catalogue_count() -> int:
    """The number of checks the catalogue says the default must define («every id below (33)»)."""
    found = re.search(r"every id below \((\d+)\)", CATALOGUE.read_text(encoding="utf-8"))
    assert found, "the catalogue no longer states how many checks it has"
    return int(found.group(1))


@pytest.mark.skipif(not CATALOGUE.exists(), reason="../shared is not beside the project")
def test_default_standard_defines_every_catalogue_check() -> None:
    ids = catalogue_ids()
    assert len(ids) == catalogue_count()
    assert ids <= set(default_standard().checks)


def test_every_check_shows_a_recommended_phrase() -> None:
    for check_id, spec in default_standard().checks.items():
        assert spec.title and spec.recommended, check_id


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "company.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (  # the unclosed bracket's own line and column, not the end of the file
            "checks:\n  greeting:\n    kind: step\n    title: x\n    phrases: [здравствуйте\n",
            ":5:14:",
            "the list opened here with '[' is not closed",
        ),
        ("checks:\n  greeting:\n    kind: stepp\n    title: x\n    phrases: [a]\n", ":3:", "kind"),
        (
            "checks:\n  greeting:\n    kind: step\n    title: x\n    colour: red\n    phrases: [a]\n",
            ":5:5:",
            "colour",
        ),
        (
            "checks:\n  x:\n    kind: step\n    title: x\n    phrases: ['/(unclosed/']\n",
            ":5:",
            "regular expression",
        ),
        (
            "checks:\n  x:\n    kind: step\n    title: x\n    title: y\n    phrases: [a]\n",
            ":5:",
            "duplicate",
        ),
        (
            "checks:\n  x:\n    kind: step\n    title: x\n    phrases:\n      - {p: a, requires: [nope]}\n",
            ":6:",
            "unknown check",
        ),
        ("checks:\n  x:\n    kind: step\n    title: x\n", ":2:3:", "needs `phrases`"),
    ],
)
def test_errors_name_file_line_and_column(
    tmp_path: Path, text: str, where: str, message: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(StandardError) as info:
        load_standard(path)
    problem = str(info.value.problems[0])
    assert problem.startswith(str(path) + where), problem
    assert message in problem.lower() or message in problem


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "checks:\n  a:\n    kind: step\n    title: x\n    phrases: ['/(/']\n"
        "  b:\n    kind: step\n    title: y\n    phrases: ['/)/']\n",
    )
    with pytest.raises(StandardError) as info:
        load_standard(path)
    assert len(info.value.problems) == 2


def test_a_company_standard_extends_the_default(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "extends: default\nname: acme\npass_mark: 80\n"
        "companies:\n  ACME: [Акме]\n"
        "checks:\n"
        "  safe_refusal:\n    kind: step\n    title: Отказ в чужих данных\n"
        "    recommended: ['К сожалению, я не могу сообщить данные другого клиента.']\n"
        "    phrases: [{p: 'не мочь ~3 сообщить|раскрыть|назвать|дать ~4 данные|информация', negation: allow}]\n"
        "  forbidden_phrase:\n    kind: violation\n    title: Запрещено\n    blocking: true\n"
        "    phrases: ['это не ко мне']\n",
    )
    standard = load_standard(path)
    grader = Grader(standard)
    assert standard.pass_mark == 80 and "greeting" in standard.checks
    reply = "Извините, я не могу сообщить данные другого клиента."
    assert grader.grade(reply, ["safe_refusal"]).value("safe_refusal")
    # the company replaced forbidden_phrase: its own phrase counts, the default's no longer does
    assert grader.grade("Это не ко мне.", ["forbidden_phrase"]).value("forbidden_phrase")
    assert not grader.grade("Вы должны", ["forbidden_phrase"]).value("forbidden_phrase")
    assert grader.grade("Компания Акме, добрый день", ["company_name"], {"company": "ACME"}).value(
        "company_name"
    )
    assert standard.version != default_standard().version


def test_unknown_check_id_is_an_error(grader: Grader) -> None:
    with pytest.raises(UnknownCheckError):
        grader.grade("Здравствуйте", ["no_such_check"])


@pytest.mark.parametrize(
    ("text", "expected", "score", "passed"),
    [
        (
            "Здравствуйте! Меня зовут Мария. Чем могу помочь?",
            ["greeting", "self_intro", "offer_help"],
            100,
            True,
        ),
        ("Здравствуйте!", ["greeting", "self_intro"], 50, False),
        (
            "Здравствуйте! Меня зовут Мария. Вы должны подождать.",
            ["greeting", "self_intro"],
            75,
            True,
        ),
        ("Чё надо? Меня зовут Мария.", ["greeting", "self_intro"], 10, False),
        ("Хорошо, записываю.", [], 100, True),
        ("Ну и что.", [], 60, False),
    ],
)
def test_score(grader: Grader, text: str, expected: list[str], score: int, passed: bool) -> None:
    result = score_reply(grader.grade(text), expected)
    assert (result.score, result.passed) == (score, passed), result


def test_blocking_violation_fails_whatever_the_score(grader: Grader) -> None:
    result = score_reply(
        grader.grade("Слышь, здравствуйте, меня зовут Мария, чем могу помочь?"),
        ["greeting", "self_intro", "offer_help"],
    )
    assert result.blocking == ["rudeness"] and not result.passed and result.score == 60


def test_the_shipped_company_example_loads_and_grades() -> None:
    path = Path(__file__).resolve().parents[2] / "scoring" / "standards" / "company_example.yaml"
    standard = load_standard(path)
    grader = Grader(standard)
    refusal = "К сожалению, я не могу сообщить адрес другого клиента, это персональные данные."
    assert grader.grade(refusal, ["privacy_refusal"]).value("privacy_refusal")
    assert not grader.grade("Не могу сообщить.", ["privacy_refusal"]).value("privacy_refusal")
    assert standard.checks["privacy_refusal"].weight == 2
    tip = "Проверить остаток Вы сможете сами в приложении, подробную инструкцию отправлю в SMS."
    assert grader.grade(tip, ["self_service"]).value("self_service")
    assert not grader.grade("Я сама проверю остаток.", ["self_service"]).value("self_service")
    assert standard.checks["forbidden_phrase"].blocking
    result = score_reply(grader.grade("Вы должны прийти сами. Я не могу сообщить данные."), [], standard)
    assert result.blocking == ["forbidden_phrase"] and not result.passed
    assert grader.grade("Вас приветствует АО «Казпочта»", ["company_name"], {"company": "Казпочта"}).value(
        "company_name"
    )


def test_a_misplaced_grammeme_list_is_an_error(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "checks:\n  x:\n    kind: step\n    title: x\n    phrases: ['*:VERB+past|*:VERB+3per ~1 как']\n",
    )
    with pytest.raises(StandardError) as info:
        load_standard(path)
    assert "not a list of grammemes" in str(info.value.problems[0])


def test_a_standard_without_checks_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "name: empty\npass_mark: 70\n")
    with pytest.raises(StandardError) as info:
        load_standard(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}:1:1: the standard defines no checks: give `checks`, or `extends: default`"
    ]
    assert load_standard(_write(tmp_path, "extends: default\n")).checks


def test_needs_and_unless_checks_join_a_check_to_the_rest_of_the_reply(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "extends: default\n"
        "checks:\n"
        "  polite_no:\n    kind: step\n    title: Отказ с причиной\n"
        "    phrases: [{p: 'не мочь ~2 выдать', negation: allow}]\n"
        "    needs: ['правило|инструкция']\n"
        "    unless_checks: [rudeness]\n",
    )
    grader = Grader(load_standard(path))
    assert grader.grade("Не могу выдать. Таковы правила.", ["polite_no"]).value("polite_no")
    assert not grader.grade("Не могу выдать.", ["polite_no"]).value("polite_no")
    assert not grader.grade("Слышь, не могу выдать, правила.", ["polite_no"]).value("polite_no")


@pytest.mark.parametrize(
    ("phrases", "message"),
    [
        ("phrases: ['$neighbour ~2 прийти']", "names no context value"),
        ("phrases: ['x']\n    unless_checks: [no_such_check]", "unknown check 'no_such_check'"),
        ("phrases: ['x']\n    needs: ['/(/']", "regular expression"),
    ],
)
def test_new_fields_are_checked_when_loading(tmp_path: Path, phrases: str, message: str) -> None:
    path = _write(tmp_path, f"checks:\n  x:\n    kind: step\n    title: x\n    {phrases}\n")
    with pytest.raises(StandardError) as info:
        load_standard(path)
    assert message in str(info.value.problems[0]) and str(path) in str(info.value.problems[0])


def _told(tmp_path: Path, phrases: str) -> Grader:
    """A grader for a standard of one violation check `told` with these phrases (YAML list)."""
    text = f"checks:\n  told:\n    kind: violation\n    title: x\n    phrases: {phrases}\n"
    return Grader(load_standard(_write(tmp_path, text)))


def test_a_context_token_class_matches_only_that_context(tmp_path: Path) -> None:
    grader = _told(tmp_path, "['$third_party ~2 уехать', '#phone']")
    context = {"third_party": ["Асель Нурланова", "соседка"]}
    assert grader.grade("Асель уехала в отпуск.", ["told"], context).value("told")
    assert grader.grade("Нурлановой уехать пришлось", ["told"], context).value("told")
    assert grader.grade("Соседка уехала.", ["told"], context).value("told")
    assert not grader.grade("Асель уехала в отпуск.", ["told"]).value("told")
    assert not grader.grade("Марат уехал.", ["told"], context).value("told")
    assert grader.grade("Звоните: 8 (727) 300 10 20", ["told"]).value("told")
    assert not grader.grade("Звоните с 10 до 20", ["told"]).value("told")


def test_a_when_phrase_counts_only_when_the_context_gives_that_value(tmp_path: Path) -> None:
    grader = _told(tmp_path, "[{p: 'получить:past', when: third_party}]")
    assert grader.grade("Да, получил вчера.", ["told"], {"third_party": ["Ерлан"]}).value("told")
    assert not grader.grade("Да, получил вчера.", ["told"]).value("told")


def test_a_whole_clause_phrase_tries_a_longer_gap_when_a_shorter_match_ends_too_early(
    tmp_path: Path,
) -> None:
    grader = _told(tmp_path, "[{p: 'это ~1 к ~2 *', whole_clause: true}, {p: 'да ~2 *', whole: true}]")
    assert grader.grade("Нет, это к участковому инспектору, мы не при чём.", ["told"]).value("told")
    assert grader.grade("Да, конечно, хорошо.", ["told"]).value("told")
    assert not grader.grade("Нет, это к участковому инспектору района Алмалы.", ["told"]).value(
        "told"
    )


def test_a_clause_boundary_and_a_dash_match_no_word(tmp_path: Path) -> None:
    grader = _told(tmp_path, "['=вы =что ,', '*:ADVB — не *:impr', ', =тоже =мне']")
    assert grader.grade("Вы что, не видите табличку?", ["told"]).value("told")
    assert not grader.grade("Вы что хотели бы уточнить?", ["told"]).value("told")
    assert grader.grade("Дорого — не берите.", ["told"]).value("told")
    assert not grader.grade("Сейчас, не кладите трубку.", ["told"]).value("told")
    assert grader.grade("Ну, тоже мне беда.", ["told"]).value("told")
    assert not grader.grade("Вы тоже мне звонили вчера.", ["told"]).value("told")
    with pytest.raises(StandardError):
        _told(tmp_path, "[', —']")


def test_a_phrase_that_needs_another_counts_only_beside_it(tmp_path: Path) -> None:
    grader = _told(tmp_path, "[{p: 'записывать:1per', whole_clause: true, needs: ['жалоба']}]")
    assert grader.grade("Записываю. Жалобу рассмотрят за месяц.", ["told"]).value("told")
    assert not grader.grade("Записываю. Ваш телефон?", ["told"]).value("told")
    with pytest.raises(StandardError):
        _told(tmp_path, "[{p: 'записывать', needs: ['/(/']}]")


def test_an_alone_phrase_counts_only_as_the_whole_reply(tmp_path: Path) -> None:
    grader = _told(tmp_path, "[{p: '=ваше =право', whole: true, alone: true}]")
    assert grader.grade("Ваше право.", ["told"]).value("told")
    assert not grader.grade("Ваше право. Но давайте я попробую помочь.", ["told"]).value("told")
