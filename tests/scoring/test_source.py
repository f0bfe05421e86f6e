"""`scoring.source`: the one YAML reader of both loaders — plain data, positions, problems."""

from __future__ import annotations

from pathlib import Path

import pytest

import scenarios
from scoring import StandardError, load_standard
from scoring.source import Problem, parse_yaml, read_yaml

TEXT = """\
id: tiny
context:
  company: Почта
states:
  start:
    client: ["Алло?", "Да?"]
    transitions:
      - when: {score_at_least: 80}
        to: done
"""


def test_plain_data_with_the_position_of_every_key_and_value() -> None:
    doc = parse_yaml(TEXT, "t.yaml")
    assert doc.problems == []
    assert doc.data["states"]["start"]["client"] == ["Алло?", "Да?"]
    assert type(doc.data["states"]["start"]["transitions"][0]["when"]) is dict
    assert doc.positions.value(("id",)) == (1, 5)
    assert doc.positions.key(("context", "company")) == (3, 3)
    assert doc.positions.value(("context", "company")) == (3, 12)
    assert doc.positions.value(("states", "start", "client", 1)) == (6, 23)
    assert doc.positions.key(("states", "start")) == (5, 3)
    assert doc.positions.value(("states", "start", "transitions", 0, "to")) == (9, 13)


def test_a_missing_place_falls_back_to_its_deepest_ancestor() -> None:
    doc = parse_yaml(TEXT, "t.yaml")
    assert doc.positions.value(("states", "start", "nope", 3)) == doc.positions.value(
        ("states", "start")
    )
    assert str(doc.at(("context", "x"), "boom")) == "t.yaml:3:3: boom"


def test_values_keep_their_yaml_types() -> None:
    doc = parse_yaml('a: 1\nb: 1.5\nc: true\nd: ~\ne: "1"\nf: 10:30\ng: 2024-01-01\n', "t")
    assert doc.data == {
        "a": 1,
        "b": 1.5,
        "c": True,
        "d": None,
        "e": "1",
        "f": "10:30",
        "g": "2024-01-01",
    }


def test_a_duplicate_key_is_a_problem_and_the_first_value_is_kept() -> None:
    doc = parse_yaml("a: 1\nb: 2\na: 3\n", "t.yaml")
    assert [str(p) for p in doc.problems] == ["t.yaml:3:1: duplicate key 'a' (first given on line 1)"]
    assert doc.data == {"a": 1, "b": 2}


def test_merge_keys_copy_a_mapping_and_explicit_keys_win() -> None:
    doc = parse_yaml("base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\n", "t.yaml")
    assert doc.problems == []
    assert doc.data["c"] == {"x": 1, "y": 3}


def test_one_problem_type_for_both_loaders(tmp_path: Path) -> None:
    path = tmp_path / "acme.yaml"
    path.write_text("checks:\n  x:\n    kind: step\n    title: x\n    colour: red\n", "utf-8")
    with pytest.raises(StandardError) as info:
        load_standard(path)
    problem = info.value.problems[0]
    assert isinstance(problem, Problem) and scenarios.Problem is Problem
    assert (problem.file, problem.line, problem.col) == (str(path), 5, 5)
    assert "colour" in problem.message and str(problem).startswith(f"{path}:5:5: ")


def test_a_missing_file_is_a_problem(tmp_path: Path) -> None:
    doc = read_yaml(tmp_path / "nope.yaml")
    assert doc.data is None
    assert [p.message for p in doc.problems] == ["no such file or folder"]
