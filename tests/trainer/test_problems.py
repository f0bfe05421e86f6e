"""Every problem a trainer can meet while publishing reads in plain Russian, naming the field.

Broken files of many kinds (shape, machine, standard, hostile YAML) go through the loaders; each
problem's wording must be known to `bot.problems` — a new wording in a loader fails here, so
the Russian table is kept up to date.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from trainer_helpers import mini_yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scenarios"))

from test_hostile import HOSTILE  # noqa: E402
from test_validate import test_broken_file_names_file_line_col as _broken  # noqa: E402

from bot.problems import explain  # noqa: E402
from bot.service.library import scenario_from_bytes, standard_from_bytes  # noqa: E402
from bot.texts import Texts  # noqa: E402
from scenarios import ScenarioError  # noqa: E402
from scoring import StandardError, default_standard  # noqa: E402

TINY_CASES = [(m.values[0], m.values[1]) for m in _broken.pytestmark[0].args[1]]  # type: ignore[attr-defined]

MINI_CASES = {
    "no-title": ("title: Мини-звонок\n", ""),
    "no-else": ("    else: opening\n", ""),
    "final-with-expect": ("    outcome: resolved\n",
                          "    outcome: resolved\n    expect: [greeting]\n"),
    "no-client": ('    client: ["Спасибо."]\n', ""),
    "no-states": ("states:\n", "statez:\n"),
    "wrong-type": ("difficulty: 1", "difficulty: [1]"),
    "bad-mode": ("mode: training", "mode: quiz"),
    "text-too-long": ("briefing: Ответьте", "briefing: " + "о" * 4001 + " Ответьте"),
}


def _variants() -> dict[str, str]:
    from scenario_helpers import TINY

    mini = mini_yaml(closing="Спасибо.")
    out = {"not-a-mapping": "- just\n- a list\n"}
    for i, (old, new) in enumerate(TINY_CASES):
        assert old in TINY
        out[f"tiny-{i}"] = TINY.replace(old, new, 1)
    for name, (old, new) in MINI_CASES.items():
        assert old in mini, name
        out[name] = mini.replace(old, new, 1)
    out.update({f"hostile-{k}": v[0] for k, v in HOSTILE.items()})
    return out


@pytest.mark.parametrize(("name", "text"), sorted(_variants().items()))
def test_every_scenario_problem_reads_in_russian(name: str, text: str) -> None:
    try:
        scenario_from_bytes(text.encode("utf-8", "surrogatepass"), f"{name}.yaml",
                            default_standard())
    except ScenarioError as exc:
        problems = exc.problems
    else:
        pytest.skip("this variant is valid for the mini scenario")
    assert problems
    for problem in problems:
        assert explain(Texts(), problem.message) is not None, problem.message


STANDARDS = {
    "unknown-field": "name: x\nextends: default\ncolour: red\n",
    "bad-kind": "extends: default\nchecks:\n  x:\n    kind: stepp\n    title: X\n    phrases: [a]\n",
    "no-phrases": "extends: default\nchecks:\n  x:\n    kind: step\n    title: X\n",
    "unknown-requires": (
        "extends: default\nchecks:\n  x:\n    kind: step\n    title: X\n"
        "    phrases: [{p: привет, requires: [nope]}]\n"
    ),
    "extends-missing": "extends: other.yaml\n",
    "pass-mark": "extends: default\npass_mark: 300\n",
    "syntax": "extends: default\nchecks: [\n",
}


@pytest.mark.parametrize(("name", "text"), sorted(STANDARDS.items()))
def test_every_standard_problem_reads_in_russian(name: str, text: str) -> None:
    with pytest.raises(StandardError) as caught:
        standard_from_bytes(text.encode(), f"{name}.yaml")
    for problem in caught.value.problems:
        assert problem.file == f"{name}.yaml"
        assert explain(Texts(), problem.message) is not None, problem.message


def test_an_unknown_wording_is_shown_as_it_is() -> None:
    from bot.problems import in_russian

    assert explain(Texts(), "something new went wrong") is None
    assert in_russian(Texts(), "something new went wrong") == "something new went wrong"


def test_the_field_is_named_once_with_its_full_path() -> None:
    from bot.service.trainer import Located
    from bot.workbench import problem_line
    from scenarios import Problem

    texts = Texts()
    at_key = Located(Problem("t.yaml", 9, 11, "else: state 'reqest' does not exist (did you mean "
                             "'request'?)"), "states.ring.else")
    assert problem_line(texts, at_key) == (
        "t.yaml:9:11: states.ring.else: состояния «reqest» нет (может быть, «request»?)")
    in_list = Located(Problem("t.yaml", 4, 14, "states.ring.expect: unknown check id 'greting'"),
                      "states.ring.expect[1]")
    assert problem_line(texts, in_list) == (
        "t.yaml:4:14: states.ring.expect[1]: неизвестная проверка «greting»")
    bare = Located(Problem("t.yaml", 2, 1, "unknown field 'tite'"), "tite")
    assert problem_line(texts, bare) == "t.yaml:2:1: неизвестное поле «tite»"
    elsewhere = Located(Problem("t.yaml", 3, 1, "state 'x' has no client line: give 'client' "
                                "variants"), "states.x")
    assert problem_line(texts, elsewhere).startswith("t.yaml:3:1: поле states.x: у состояния")
