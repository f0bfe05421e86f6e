"""A client that listens: line variants that depend on the steps already done, how they are
validated, and the library's lines fitting the channel."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from scenarios import Engine, Scenario, load_scenario, validate_paths

LISTENING = """\
id: listening
title: Клиент слушает
kind: opening
difficulty: 1
briefing: Поздоровайтесь и извинитесь.
context: {company: Почта России, time: "10:30", channel: office}
patience: null
states:
  opening:
    client: ["Здравствуйте, я по поводу посылки."]
    expect: [greeting, apology]
    transitions:
      - when: {violations: [rudeness]}
        to: done
    else: second
  second:
    client:
      - {text: "Спасибо, что извинились. А посылка где?", done: [apology]}
      - {text: "Даже не извинитесь?", not_done: [apology]}
      - "Так где посылка?"
    expect: [apology, solution]
    else: done
  done:
    client:
      - {text: "Вот и хорошо, до свидания.", done: [solution, apology]}
      - "До свидания."
    outcome: resolved
"""


@pytest.fixture
def listening(write: Callable[[str, str], Path]) -> Scenario:
    return load_scenario(write("listening.yaml", LISTENING))


@pytest.mark.parametrize(
    ("first_reply", "second_line"),
    [
        ("Здравствуйте! Приношу извинения за задержку.", "Спасибо, что извинились. А посылка где?"),
        ("Здравствуйте!", "Даже не извинитесь?"),
    ],
)
async def test_the_line_fits_what_was_done(
    listening: Scenario, first_reply: str, second_line: str
) -> None:
    engine = Engine(listening)
    for seed in range(5):  # the conditioned variant wins over the plain one, whatever the seed
        run = engine.start(seed=seed)
        await engine.client_line(run)
        await engine.reply(run, first_reply)
        assert (await engine.client_line(run)).text == second_line


async def test_a_final_line_can_depend_on_the_run(listening: Scenario) -> None:
    engine = Engine(listening)
    run = engine.start(seed=1)
    for reply in ["Здравствуйте! Извините за ожидание.", "Я оформлю заявление на розыск."]:
        await engine.client_line(run)
        await engine.reply(run, reply)
    assert run.finished and (await engine.client_line(run)).text == "Вот и хорошо, до свидания."


def test_plain_variants_stay_strings_so_versions_do_not_move(listening: Scenario) -> None:
    dumped = listening.model_dump(mode="json", by_alias=True)
    assert dumped["states"]["opening"]["client"] == ["Здравствуйте, я по поводу посылки."]
    assert dumped["states"]["second"]["client"][0] == {
        "text": "Спасибо, что извинились. А посылка где?", "done": ["apology"], "not_done": []
    }
    again = Scenario.model_validate_json(listening.model_dump_json(by_alias=True))
    assert again == listening and again.version == listening.version


@pytest.mark.parametrize(
    ("variant", "message"),
    [
        ('{text: "Ну?", done: [apologyy]}', "unknown check id 'apologyy' (did you mean 'apolog"),
        ('{text: "Ну?", not_done: [rudeness]}', "'rudeness' is a violation check, not a step"),
        ('{text: "Ну?", done: [farewell]}', "no state of this scenario expects 'farewell'"),
        ('{text: "Ну?", dne: [apology]}', "unknown field 'dne'"),
    ],
)
def test_bad_variants_are_named_at_their_line(
    write: Callable[[str, str], Path], variant: str, message: str
) -> None:
    text = LISTENING.replace('      - "Так где посылка?"\n', f"      - {variant}\n      - \"Ну?\"\n")
    path = write("bad.yaml", text)
    problems = [str(p) for p in validate_paths([path])]
    line = text.splitlines().index(f"      - {variant}") + 1
    assert any(p.startswith(f"{path}:{line}:") and message in p for p in problems), problems


def test_a_state_needs_a_plain_variant(write: Callable[[str, str], Path]) -> None:
    text = LISTENING.replace('      - "Так где посылка?"\n', "")
    problems = [str(p) for p in validate_paths([write("all.yaml", text)])]
    assert any("every client variant has conditions" in p for p in problems), problems


WORDS = {
    "office": re.compile(r"трубк|гудк|на линии|звонит|дозвон", re.IGNORECASE),
    "phone": re.compile(r"уходит|дверью|в очереди|окн[оа]", re.IGNORECASE),
}


@pytest.mark.parametrize("channel", sorted(WORDS))
def test_library_lines_fit_the_channel(library: dict[str, Scenario], channel: str) -> None:
    """No «кладёт трубку» at a counter, nobody walks out of a phone call."""
    wrong = [
        (scenario.id, sid, text)
        for scenario in library.values()
        if scenario.context.channel == channel
        for sid, state in scenario.states.items()
        for text in state.texts()
        if WORDS[channel].search(text)
    ]
    assert not wrong
    assert any(s.context.channel == channel for s in library.values())
