"""The self-test: a strong simulated trainee passes every library scenario and weak ones fail;
a deliberately broken scenario gets the state to blame named."""

from __future__ import annotations

import pytest
from trainer_helpers import mini_yaml

from bot.service.library import scenario_from_bytes
from bot.texts import Texts
from bot.workbench import finding_line, selftest_lines
from scenarios import Scenario, load_library
from scenarios.selftest import SelfTest, run_selftest
from scoring import Grader, Standard, default_standard

LIBRARY = load_library()


@pytest.fixture(scope="module")
def grader() -> Grader:
    return Grader(default_standard())


def scenario_of(text: str) -> Scenario:
    return scenario_from_bytes(text.encode(), "test.yaml", default_standard())


async def selftest(scenario: Scenario, grader: Grader) -> SelfTest:
    return await run_selftest(scenario, default_standard(), grader)


@pytest.mark.parametrize("scenario_id", sorted(LIBRARY))
async def test_every_library_scenario_passes_its_self_test(scenario_id: str,
                                                           grader: Grader) -> None:
    result = await selftest(LIBRARY[scenario_id], grader)
    assert result.ok, [f.as_dict() for f in result.findings if f.severity == "error"]
    strong, *weak = result.runs
    assert strong.trainee == "strong" and strong.passed and strong.outcome == "resolved"
    assert [w.trainee for w in weak] == ["missed", "forbidden", "rude"]
    assert not any(w.passed for w in weak)
    non_final = {s for s, st in LIBRARY[scenario_id].states.items() if not st.final}
    assert set(result.states) == non_final  # every state is reached by some simulated trainee
    assert set(result.replies) == non_final


async def test_a_closing_that_hangs_up_on_a_good_reply_is_named(grader: Grader) -> None:
    broken = scenario_of(mini_yaml().replace(
        "    expect: [thank_client, farewell]\n    else: resolved",
        "    expect: [thank_client, farewell]\n    transitions:\n"
        "      - when: {score_below: 50}\n        to: resolved\n    else: hung_up"))
    result = await selftest(broken, grader)
    assert not result.ok
    bad = [f for f in result.findings if f.code == "strong_bad_outcome"]
    assert [(f.state, f.to, f.outcome) for f in bad] == [("closing", "hung_up", "hung_up")]
    run_level = [f for f in result.findings if f.code == "strong_run_fails"]
    assert run_level and run_level[0].state == "closing"
    text = finding_line(Texts(), bad[0], default_standard())
    assert "«closing»" in text and "«hung_up»" in text and text.startswith("❌")


async def test_a_step_no_phrase_can_earn_in_this_context_is_named(grader: Grader) -> None:
    """use_client_name is expected, but the scene gives no client name."""
    text = mini_yaml().replace("  client_name: Ирина\n", "").replace(
        "    expect: [thank_client, farewell]", "    expect: [thank_client, use_client_name]")
    result = await selftest(scenario_of(text), grader)
    missing = [f for f in result.findings if f.code == "strong_no_phrase"]
    assert [(f.state, f.steps) for f in missing] == [("closing", ["use_client_name"])]
    assert not result.ok


async def test_a_scenario_that_lets_a_weak_trainee_pass_is_named() -> None:
    """A company standard with pass mark 0 and an opening that sends every reply on: a trainee
    who does nothing right is resolved and passes — the self-test says so."""
    from bot.service.library import standard_from_bytes

    lenient = standard_from_bytes(b"extends: default\npass_mark: 0\n", "lenient.yaml")
    text = mini_yaml().replace("        to: closing\n    else: opening", "        to: closing\n"
                               "    else: closing")
    assert text != mini_yaml()
    scenario = scenario_from_bytes(text.encode(), "test.yaml", lenient)
    result = await run_selftest(scenario, lenient)
    passes = {f.trainee: f for f in result.findings if f.code == "weak_passes"}
    assert "missed" in passes and passes["missed"].state in ("opening", "closing")
    assert not result.ok
    line = finding_line(Texts(), passes["missed"], lenient)
    assert "проходит сценарий" in line and f"«{passes['missed'].state}»" in line


async def test_a_state_that_sends_a_weak_reply_where_a_strong_one_goes_is_a_warning(
    grader: Grader,
) -> None:
    result = await selftest(LIBRARY["transfer"], grader)
    through = [(f.state, f.trainee, f.to) for f in result.findings
               if f.code == "weak_let_through"]
    assert ("ring", "missed", "request") in through
    assert result.ok  # a warning, not an error
    lines = selftest_lines(Texts(), result, default_standard())
    assert any("«ring»" in line and line.startswith("⚠️") for line in lines)


async def test_the_strong_trainee_speaks_in_the_scenes_context(grader: Grader) -> None:
    result = await selftest(LIBRARY["hold_request"], grader)
    opening = result.replies["opening"]
    assert "Доброе утро" in opening and "Добрый день" not in opening  # the call is at 10:30
    assert "Ольга Николаевна" in result.replies["back_from_hold"]  # the client's own name


async def test_a_company_standard_changes_what_the_self_test_finds(grader: Grader) -> None:
    """With a pass mark of 100 a strong reply that misses nothing still passes; a weak one
    never does — the simulation reads the standard, not fixed numbers."""
    from bot.service.library import standard_from_bytes

    strict: Standard = standard_from_bytes(b"extends: default\npass_mark: 100\n", "s.yaml")
    result = await run_selftest(LIBRARY["complaint"], strict)
    assert [r.passed for r in result.runs] == [True, False, False, False]
