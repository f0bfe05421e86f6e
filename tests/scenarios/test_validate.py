"""Broken scenario files give `FILE:LINE:COL: message` problems, every one at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from scenario_helpers import TINY, line_of

from scenarios import ScenarioError, load_scenario, validate_paths


def test_tiny_scenario_is_valid(write: Callable[[str, str], Path]) -> None:
    path = write("tiny.yaml", TINY)
    assert validate_paths([path]) == []
    scenario = load_scenario(path)
    assert scenario.id == "tiny"
    assert scenario.initial == "start"


@pytest.mark.parametrize(
    ("old", "new", "marker", "message"),
    [
        pytest.param(
            "    expect: [greeting]\n",
            "    expect: [greeting]\n    colour: red\n",
            "colour",
            "unknown field 'colour' in states.start",
            id="unknown-field-in-state",
        ),
        pytest.param(
            "difficulty: 1\n",
            "difficulty: 1\nauthor: Иванова\n",
            "author",
            "unknown field 'author'",
            id="unknown-top-field",
        ),
        pytest.param(
            "expect: [greeting]",
            "expect: [greting]",
            "greting",
            "states.start.expect: unknown check id 'greting' (did you mean 'greeting'?)",
            id="unknown-check-id",
        ),
        pytest.param(
            "expect: [greeting]",
            "expect: [rudeness]",
            "rudeness",
            "'rudeness' is a violation check, not a step check",
            id="violation-in-expect",
        ),
        pytest.param(
            "        to: done",
            "        to: dnoe",
            "dnoe",
            "to: state 'dnoe' does not exist (did you mean 'done'?)",
            id="missing-target",
        ),
        pytest.param(
            "    else: start",
            "    else: nowhere",
            "nowhere",
            "else: state 'nowhere' does not exist",
            id="missing-else-target",
        ),
        pytest.param(
            "  gone:\n",
            '  orphan:\n    client: ["Эй"]\n    outcome: escalated\n  gone:\n',
            "orphan",
            "state 'orphan' cannot be reached from 'start'",
            id="unreachable-state",
        ),
        pytest.param(
            "title: Тест\n",
            "title: Тест\ntitle: Другой\n",
            "title: Другой",
            "duplicate key 'title' (first given on line 2)",
            id="duplicate-key",
        ),
        pytest.param(
            "difficulty: 1",
            "difficulty: 5",
            "5",
            "difficulty: Input should be less than or equal to 3",
            id="difficulty-range",
        ),
        pytest.param(
            '  time: "10:30"',
            '  time: "25:99"',
            '"25:99"',
            "context.time: use HH:MM, e.g. 10:30",
            id="bad-time",
        ),
        pytest.param(
            "        to: done\n",
            "        to: done\n      - when: {}\n        to: done\n",
            "{}",
            "a condition needs at least one test",
            id="empty-condition",
        ),
        pytest.param(
            "  done:\n",
            '  Done-2:\n    client: ["x"]\n    outcome: resolved\n  done:\n',
            "Done-2",
            "state id 'Done-2': use lowercase latin letters",
            id="bad-state-id",
        ),
    ],
)
def test_broken_file_names_file_line_col(
    write: Callable[[str, str], Path], old: str, new: str, marker: str, message: str
) -> None:
    assert old in TINY
    text = TINY.replace(old, new, 1)
    path = write("broken.yaml", text)
    line, col = line_of(text, marker)
    rendered = [str(p) for p in validate_paths([path])]
    assert any(r.startswith(f"{path}:{line}:{col}: ") and message in r for r in rendered), rendered


def test_missing_required_field_is_named(write: Callable[[str, str], Path]) -> None:
    path = write("no_title.yaml", TINY.replace("title: Тест\n", ""))
    rendered = [str(p) for p in validate_paths([path])]
    assert f"{path}:1:1: missing required field 'title'" in rendered


def test_yaml_syntax_error_has_position(write: Callable[[str, str], Path]) -> None:
    text = TINY.replace("title: Тест", "title: [Тест")
    path = write("syntax.yaml", text)
    problems = validate_paths([path])
    assert len(problems) == 1
    assert problems[0].file == str(path)
    assert problems[0].message.startswith("YAML syntax error")
    assert problems[0].line >= line_of(text, "[Тест")[0]


@pytest.mark.parametrize(
    ("old", "new", "marker", "words"),
    [
        pytest.param(
            'client: ["Алло?", "Алло, это почта?"]',
            'client: ["Алло?", "Алло, это почта?"',
            '["Алло?"',
            "the list opened here with '[' is not closed",
            id="unclosed-bracket",
        ),
        pytest.param(
            "when: {score_at_least: 80}",
            "when: {score_at_least: 80",
            "{score",
            "the mapping opened here with '{' is not closed",
            id="unclosed-brace",
        ),
        pytest.param(
            'time: "10:30"', 'time: "10:30', '"10:30', "is its closing \" missing?", id="unclosed-quote"
        ),
        pytest.param(
            'client: ["Спасибо!"]',
            'client: ["Спасибо!]',
            '"Спасибо!]',
            "is its closing \" missing?",
            id="unclosed-quote-in-a-list",
        ),
        pytest.param(
            'client: ["(Гудки.)"]',
            'client: ["(Гудки.)]',
            '"(Гудки.)]',
            "never closed",
            id="unclosed-quote-at-the-end",
        ),
    ],
)
def test_a_syntax_error_names_the_line_of_the_unclosed_bracket_or_quote(
    write: Callable[[str, str], Path], old: str, new: str, marker: str, words: str
) -> None:
    assert old in TINY
    text = TINY.replace(old, new, 1)
    path = write("syntax.yaml", text)
    (problem,) = validate_paths([path])
    assert (problem.line, problem.col) == line_of(text, marker), str(problem)
    assert problem.message.startswith("YAML syntax error") and words in problem.message


def test_a_flow_list_left_open_at_the_end_of_the_file(write: Callable[[str, str], Path]) -> None:
    for text, col in (("x: [a, b\n", 4), ("x: {a: 1\n", 4)):
        (problem,) = validate_paths([write("end.yaml", text)])
        assert (problem.line, problem.col) == (1, col), str(problem)
        assert "the end of the file" in problem.message


def test_dead_end_loop_is_reported(write: Callable[[str, str], Path]) -> None:
    text = (
        TINY.replace("        to: done\n", "        to: loop\n")
        .replace(
            "  done:\n",
            '  loop:\n    client: ["Ещё"]\n    else: start\n  done:\n',
        )
        .replace("patience: 2", "patience: null")
    )
    path = write("loop.yaml", text)
    messages = [p.message for p in validate_paths([path])]
    assert "state 'start' can never lead to a final state (a dead end loop)" in messages
    assert "state 'done' cannot be reached from 'start'" in messages


def test_non_final_state_needs_else(write: Callable[[str, str], Path]) -> None:
    text = TINY.replace("    else: start\n", "")
    path = write("no_else.yaml", text)
    line, col = line_of(text, "start:")
    rendered = [str(p) for p in validate_paths([path])]
    assert any(r.startswith(f"{path}:{line}:{col}: state 'start' has no 'else'") for r in rendered)


def test_every_problem_is_reported_at_once(write: Callable[[str, str], Path]) -> None:
    text = (
        TINY.replace("expect: [greeting]", "expect: [greting, ofer_help]")
        .replace("        to: done", "        to: dnoe")
        .replace("difficulty: 1\n", "difficulty: 1\nauthor: x\n")
    )
    path = write("many.yaml", text)
    messages = " | ".join(p.message for p in validate_paths([path]))
    for part in ("'greting'", "'ofer_help'", "'dnoe'", "'author'"):
        assert part in messages


def test_duplicate_scenario_id_across_files(
    write: Callable[[str, str], Path], tmp_path: Path
) -> None:
    write("a.yaml", TINY)
    second = write("b.yaml", TINY)
    problems = validate_paths([tmp_path])
    assert [str(p) for p in problems] == [
        f"{second}:1:5: duplicate scenario id 'tiny': already used in {tmp_path / 'a.yaml'}:1"
    ]


def test_load_scenario_raises_with_problems(write: Callable[[str, str], Path]) -> None:
    path = write("bad.yaml", TINY.replace("expect: [greeting]", "expect: [nope]"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.problems and "unknown check id 'nope'" in str(info.value)


def test_missing_path_is_a_problem(tmp_path: Path) -> None:
    problems = validate_paths([tmp_path / "nope.yaml"])
    assert [p.message for p in problems] == ["no such file or folder"]


def test_patience_without_hung_up_state(write: Callable[[str, str], Path]) -> None:
    text = TINY.replace("    outcome: hung_up", "    outcome: escalated")
    path = write("patience.yaml", text)
    messages = [p.message for p in validate_paths([path])]
    assert any(m.startswith("patience: no final state with outcome hung_up") for m in messages)


def test_a_broken_state_is_reported_once_not_again_as_a_graph_problem(
    write: Callable[[str, str], Path],
) -> None:
    text = TINY.replace("outcome: resolved", "outcome: resolvd")
    path = write("outcome.yaml", text)
    line, col = line_of(text, "resolvd")
    assert [str(p) for p in validate_paths([path])] == [
        f"{path}:{line}:{col}: states.done.outcome: Input should be 'resolved', 'hung_up' or "
        "'escalated'"
    ]


def test_the_rules_of_a_broken_state_are_still_checked_at_their_own_lines(
    write: Callable[[str, str], Path],
) -> None:
    text = TINY.replace(
        "        to: done\n",
        "        to: done\n      - when: {score_below: 900}\n        to: done\n"
        "      - when: {score_below: 10}\n        to: dnoe\n",
    )
    path = write("rules.yaml", text)
    rendered = [str(p) for p in validate_paths([path])]
    line, col = line_of(text, "900")
    assert f"{path}:{line}:{col}: states.start.transitions[2].when.score_below: Input should be less than or equal to 100" in rendered
    line, col = line_of(text, "dnoe")
    assert f"{path}:{line}:{col}: to: state 'dnoe' does not exist (did you mean 'done'?)" in rendered
    assert len(rendered) == 2, rendered


def test_the_default_patience_needs_a_hung_up_state(write: Callable[[str, str], Path]) -> None:
    text = TINY.replace("patience: 2\n", "").replace("outcome: hung_up", "outcome: escalated")
    messages = [p.message for p in validate_paths([write("default.yaml", text)])]
    assert any(m.startswith("patience: no final state with outcome hung_up") for m in messages)
