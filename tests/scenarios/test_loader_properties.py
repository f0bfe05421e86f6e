"""Property tests of both loaders on mutated library files: problems, never a traceback or a hang.

A library scenario and the default standard are mutated as trees (a node deleted, duplicated,
renamed or given another type) and as text (YAML's own characters inserted or deleted). Whatever
comes out, the scenario loader answers with `Problem`s placed in the file (or a sound scenario),
and the standard loader with a `StandardError` of such problems (or a sound standard). Time is
bounded by the loaders' limits, not by timing asserts.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scenarios import LIBRARY_PATH, ScenarioError, load_library, load_scenario, validate_paths
from scoring import Standard, StandardError, load_standard
from scoring.source import read_yaml
from scoring.standard import DEFAULT_PATH

SCENARIO_FILES = sorted(LIBRARY_PATH.glob("*.yaml"))

new_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-5, max_value=10**6)
    | st.text(max_size=12)
    | st.sampled_from(["greeting", "done", "hung_up", "resolved", "10:30", "rudeness"]),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.sampled_from(["when", "to", "client", "x"]), children, max_size=3),
    max_leaves=6,
)


def _locs(node: Any, loc: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [loc]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _locs(value, (*loc, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _locs(value, (*loc, i))
    return out


def _parent(root: Any, loc: tuple[Any, ...]) -> Any:
    node = root
    for part in loc[:-1]:
        node = node[part]
    return node


@st.composite
def mutated_tree(draw: st.DrawFn, original: Any) -> Any:
    """The tree with 1–3 mutations: delete, duplicate, rename or retype a random node."""
    root = json.loads(json.dumps(original))
    for _ in range(draw(st.integers(1, 3))):
        locs = [loc for loc in _locs(root) if loc]
        if not locs:
            break
        loc = draw(st.sampled_from(locs))
        parent, key = _parent(root, loc), loc[-1]
        action = draw(st.sampled_from(["delete", "duplicate", "rename", "retype"]))
        if action == "delete":
            del parent[key]
        elif action == "duplicate":
            if isinstance(parent, list):
                parent.insert(key, json.loads(json.dumps(parent[key])))
            else:
                parent[draw(st.text(min_size=1, max_size=8))] = parent[key]
        elif action == "rename" and isinstance(parent, dict):
            parent[draw(st.text(max_size=8))] = parent.pop(key)
        else:
            parent[key] = draw(new_values)
    return root


@st.composite
def mutated_text(draw: st.DrawFn, text: str) -> str:
    """The text with a few of YAML's own characters inserted, or a few characters deleted."""
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        if draw(st.booleans()):
            text = text[:at] + draw(st.sampled_from(list("[]{}:-\"'&*!#|>,?%@`\t\n ") + ["*a", "&a", "!!int "])) + text[at:]
        else:
            text = text[:at] + text[at + draw(st.integers(1, 20)) :]
    return text


@contextmanager
def _written(text: str) -> Iterator[Path]:
    """`text` as `mutated.yaml` in a folder of its own, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="mutated-") as folder:
        path = Path(folder) / "mutated.yaml"
        path.write_text(text, encoding="utf-8")
        yield path


def _assert_sound_answer(path: Path) -> None:
    problems = validate_paths([path])
    lines = path.read_text(encoding="utf-8").count("\n") + 2
    for problem in problems:
        assert problem.file == str(path)
        assert 1 <= problem.line <= lines and problem.col >= 1, problem
        assert problem.message.strip()
    if problems:
        with pytest.raises(ScenarioError):
            load_scenario(path)
    else:
        load_scenario(path)
    library = load_library(path.parent)  # in a folder, a mapping with no scenario field is ignored
    assert bool(library.problems) == bool(problems) or library.ignored == (str(path),)
    assert len(library) == (0 if problems else 1)


SCENARIO_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@SCENARIO_SETTINGS
@given(data=st.data(), file=st.sampled_from(SCENARIO_FILES))
def test_a_mutated_scenario_tree_gets_problems_not_a_traceback(
    data: st.DataObject, file: Path
) -> None:
    tree = data.draw(mutated_tree(read_yaml(file).data))
    with _written(json.dumps(tree, ensure_ascii=False, indent=1)) as path:
        _assert_sound_answer(path)


@SCENARIO_SETTINGS
@given(data=st.data(), file=st.sampled_from(SCENARIO_FILES))
def test_a_mutated_scenario_text_gets_problems_not_a_traceback(
    data: st.DataObject, file: Path
) -> None:
    with _written(data.draw(mutated_text(file.read_text(encoding="utf-8")))) as path:
        _assert_sound_answer(path)


def _assert_standard_answer(path: Path) -> None:
    try:
        standard = load_standard(path)
    except StandardError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.file == str(path) and problem.line >= 1 and problem.col >= 1, problem
        return
    assert isinstance(standard, Standard) and standard.checks


STANDARD_SETTINGS = settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
DEFAULT_TEXT = DEFAULT_PATH.read_text(encoding="utf-8")


@STANDARD_SETTINGS
@given(data=st.data())
def test_a_mutated_standard_tree_gets_problems_not_a_traceback(data: st.DataObject) -> None:
    tree = data.draw(mutated_tree(read_yaml(DEFAULT_PATH).data))
    with _written(json.dumps(tree, ensure_ascii=False, indent=1)) as path:
        _assert_standard_answer(path)


@STANDARD_SETTINGS
@given(data=st.data())
def test_a_mutated_standard_text_gets_problems_not_a_traceback(data: st.DataObject) -> None:
    with _written(data.draw(mutated_text(DEFAULT_TEXT))) as path:
        _assert_standard_answer(path)
