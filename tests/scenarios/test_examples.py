"""Examples that fit the run: filled placeholders, the greeting for the call's time, thanks for the
channel, nothing from another situation — in «Например», hints and the card's «Как можно было
сказать»; and every example shown is graded as the step it illustrates."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from scenario_helpers import TINY, line_of

from scenarios import Engine, RunState, Scenario, ScenarioError, load_scenario
from scenarios import examples as ex
from scoring import Grader, Standard, StandardError, load_standard

AGENT = "Айгерим Сапарова"


def where(standard: Standard, **kw: str | None) -> ex.Situation:
    values: dict[str, str | None] = {
        "channel": "phone", "kind": "hold", "time": None, "company": "Почта России",
        "client_name": "Ольга Николаевна", "agent_name": AGENT,
    }
    values.update(kw)
    return ex.situation(
        standard, channel=str(values["channel"]), kind=str(values["kind"]),
        time=values["time"], company=values["company"], client_name=values["client_name"],
        agent_name=values["agent_name"],
    )


def every_example(engine: Engine, run: RunState) -> list[tuple[str, str, str]]:
    """(state, step, example) for every expected step of every state of the scenario, plus the
    generated hints."""
    out = []
    for sid, state in engine.scenario.states.items():
        for step in state.expect:
            out += [(sid, step, text) for text in engine.examples(run, step, sid)]
    return out


@pytest.mark.parametrize(
    ("time", "greeting"),
    [("09:10", "Доброе утро"), ("10:30", "Доброе утро"), ("12:00", "Добрый день"),
     ("14:00", "Добрый день"), ("17:40", "Добрый вечер"), (None, "Здравствуйте")],
)
def test_the_greeting_fits_the_time_of_the_call(
    standard: Standard, time: str | None, greeting: str
) -> None:
    here = where(standard, time=time)
    assert ex.example(standard, "greeting_time_of_day", here) == f"{greeting}!"
    assert ex.example(standard, "greeting", here) == f"{greeting}!"
    lower = greeting[0].lower() + greeting[1:]
    assert ex.example(standard, "company_name", here) == f"Почта России, {lower}!"


@pytest.mark.parametrize(
    ("channel", "thanks", "never"),
    [("phone", "Спасибо за звонок!", "зашли"), ("office", "Спасибо, что зашли к нам!", "звонок"),
     ("chat", "Спасибо за обращение!", "звонок"), ("email", "Спасибо за обращение!", "зашли")],
)
def test_thanks_fit_the_channel(standard: Standard, channel: str, thanks: str, never: str) -> None:
    here = where(standard, channel=channel)
    found = ex.examples(standard, "thank_client", here)
    assert found[0] == thanks
    assert not any(never in text for text in found)


def test_placeholders_come_from_the_run_and_an_unknown_one_skips_the_example(
    standard: Standard,
) -> None:
    here = where(standard, client_name="Наталья Игоревна")
    assert ex.example(standard, "use_client_name", here) == "Наталья Игоревна, я Вас понимаю."
    assert ex.example(standard, "self_intro", here) == f"Меня зовут {AGENT}."
    nameless = where(standard, client_name=None, agent_name=None)
    assert ex.example(standard, "use_client_name", nameless) is None
    assert ex.example(standard, "self_intro", nameless) is None
    assert ex.fill("{client_name}, {greeting}", nameless) is None


def test_a_state_example_comes_before_the_standard(standard: Standard) -> None:
    own = {"solution": "{client_name}, я сейчас же оформлю возврат."}
    here = where(standard, kind="complaint")
    found = ex.examples(standard, "solution", here, own)
    assert found[0] == "Ольга Николаевна, я сейчас же оформлю возврат."
    assert "Я оформлю заявление на розыск отправления." in found[1:]


def test_a_kind_tagged_example_stays_in_its_kind(standard: Standard) -> None:
    for kind in ("confidentiality", "system_failure", "hold", "my_own_kind"):
        found = ex.examples(standard, "solution", where(standard, kind=kind))
        assert found, kind
        assert not any("розыск" in text for text in found), kind
    assert "розыск" in ex.examples(standard, "solution", where(standard, kind="complaint"))[0]


def test_library_examples_fit_their_scenario(
    library: dict[str, Scenario], standard: Standard
) -> None:
    """In every library scenario: no unfilled placeholder, no name but the client's and the
    trainee's, no thanks for a call at a counter, no lost-parcel search outside complaints."""
    for scenario in library.values():
        engine = Engine(scenario, standard=standard)
        run = engine.start(seed=1, agent_name=AGENT)
        channel = scenario.context.channel
        for sid, step, text in every_example(engine, run):
            at = f"{scenario.id}/{sid}/{step}: {text}"
            assert "{" not in text and "}" not in text, at
            for stranger in ("Иван Петрович", "Мария", "Асель", "Ирина"):
                assert stranger not in text, at
            if channel != "phone":
                assert "звонок" not in text.lower() and "на линии" not in text, at
            if scenario.kind != "complaint":
                assert "розыск" not in text, at
        for sid, state in scenario.states.items():
            if state.final:
                continue
            run.state = sid
            hint = engine.hint_text(run)
            assert hint and "{" not in hint and "Мария" not in hint, f"{scenario.id}/{sid}"


def test_every_example_shown_is_graded_as_its_step(
    library: dict[str, Scenario], standard: Standard
) -> None:
    """A trainee who says the example we show performs the step (a strong trainee's reply)."""
    grader = Grader(standard)
    wrong = []
    for scenario in library.values():
        engine = Engine(scenario, grader)
        run = engine.start(seed=1, agent_name=AGENT)
        context = engine.context(run)
        for sid, step, text in every_example(engine, run):
            if not grader.grade(text, checks=[step], context=context).value(step):
                wrong.append(f"{scenario.id}/{sid}/{step}: {text}")
    assert wrong == []


async def test_the_card_and_the_feedback_show_examples_for_this_call(
    library: dict[str, Scenario], standard: Standard
) -> None:
    """hold_request is a call at 10:30: a missed greeting shows «Доброе утро», not «Добрый день»;
    a missed self-introduction shows the trainee's own name."""
    engine = Engine(library["hold_request"], standard=standard)
    run = engine.start(seed=3, agent_name=AGENT)
    await engine.client_line(run)
    turn = await engine.reply(run, "Алло.")
    assert turn.examples["greeting_time_of_day"] == "Доброе утро!"
    assert turn.examples["self_intro"] == f"Меня зовут {AGENT}."
    assert turn.examples["company_name"] == "Почта России, доброе утро!"
    engine.abandon(run)
    card = engine.final(run)
    assert card.missed_recommended["greeting_time_of_day"][0] == "Доброе утро!"
    assert all("Добрый день" not in t for t in card.missed_recommended["greeting_time_of_day"])


@pytest.mark.parametrize(
    ("old", "new", "marker", "message"),
    [
        pytest.param(
            "    expect: [greeting]\n",
            "    expect: [greeting]\n    examples:\n      greting: Здравствуйте!\n",
            "greting",
            "states.start.examples: unknown check id 'greting' (did you mean 'greeting'?)",
            id="unknown-check",
        ),
        pytest.param(
            "    expect: [greeting]\n",
            "    expect: [greeting]\n    examples:\n      farewell: Всего доброго!\n",
            "farewell",
            "'farewell' is not in this state's expect",
            id="not-expected",
        ),
        pytest.param(
            "    expect: [greeting]\n",
            "    expect: [greeting]\n    examples:\n      greeting: '{name}, здравствуйте!'\n",
            "'{name}",
            "states.start.examples.greeting: unknown placeholder {name}",
            id="unknown-placeholder",
        ),
        pytest.param(
            "    expect: [greeting]\n",
            "    expect: [greeting]\n    hint: 'Скажите {greting}'\n",
            "'Скажите",
            "states.start.hint: unknown placeholder {greting}",
            id="hint-placeholder",
        ),
    ],
)
def test_state_examples_are_validated(
    write: Callable[[str, str], Path], old: str, new: str, marker: str, message: str
) -> None:
    text = TINY.replace(old, new)
    path = write("bad.yaml", text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    line, col = line_of(text, marker)
    rendered = [str(p) for p in info.value.problems]
    assert any(r.startswith(f"{path}:{line}:{col}: ") and message in r for r in rendered), rendered


def test_a_state_example_is_used_by_the_engine(write: Callable[[str, str], Path]) -> None:
    text = TINY.replace(
        "    expect: [greeting]\n",
        "    expect: [greeting]\n    examples:\n      greeting: '{greeting}, {client_name}!'\n",
    ).replace("  time: \"10:30\"\n", "  time: \"10:30\"\n  client_name: Ерлан\n")
    engine = Engine(load_scenario(write("own.yaml", text)))
    run = engine.start(seed=1)
    assert engine.examples(run, "greeting")[0] == "Доброе утро, Ерлан!"
    assert engine.hint_text(run) == "Приветствие: «Доброе утро, Ерлан!»"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('["{client}, здравствуйте!"]', "unknown placeholder {client}"),
        ('["Здравствуйте}"]', "a lone brace"),
        ('[{text: "Доброй ночи!", periods: [ночь]}]', "unknown period 'ночь'"),
        ('[{text: "Привет!", channels: [pigeon]}]', "channels"),
    ],
)
def test_a_standard_with_a_bad_example_is_refused(
    write: Callable[[str, str], Path], entry: str, message: str
) -> None:
    path = write(
        "company.yaml",
        "extends: default\nchecks:\n  greeting:\n    kind: step\n    title: Приветствие\n"
        f"    recommended: {entry}\n    phrases: [здравствуйте]\n",
    )
    with pytest.raises(StandardError) as info:
        load_standard(path)
    assert any(message in str(p) and str(p).startswith(f"{path}:6:") for p in info.value.problems)


def test_a_farewell_fits_the_time_of_day(standard: Standard) -> None:
    evening = ex.examples(standard, "farewell", where(standard, time="17:40"))
    morning = ex.examples(standard, "farewell", where(standard, time="09:10"))
    assert "Хорошего вечера!" in evening and "Хорошего дня!" not in evening
    assert "Хорошего дня!" in morning and "Хорошего вечера!" not in morning
