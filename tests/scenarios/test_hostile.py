"""Hostile YAML: every file is answered with `FILE:LINE:COL` problems, never a traceback or a stall.

Bounded time comes from the limits (size, nesting, aliases, values), not from timing asserts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from scenario_helpers import TINY

from scenarios import LIBRARY_PATH, ScenarioError, load_library, load_scenario, validate_paths
from scenarios.loader import SCENARIO_LIMITS
from scoring import StandardError, load_standard

PROBLEM = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<col>\d+): (?P<message>.+)$", re.S)


def laughs(levels: int) -> str:
    """The "billion laughs": each level is a list of nine aliases of the level before."""
    lines = ['a0: &a0 ["ха", "ха", "ха", "ха", "ха", "ха", "ха", "ха", "ха"]']
    for n in range(1, levels + 1):
        lines.append(f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]")
    return "\n".join(lines) + "\n"


HOSTILE: dict[str, tuple[str, str, str]] = {
    # name: (text, marker whose position the problem names, words of the message)
    "int-tag": (TINY.replace("difficulty: 1", 'difficulty: !!int "abc"'), "!!int", "'!!int'"),
    "bool-tag": (TINY.replace("patience: 2", 'patience: !!bool "maybe"'), "!!bool", "'!!bool'"),
    "timestamp-tag": (
        TINY.replace('time: "10:30"', "time: !!timestamp x"),
        "!!timestamp",
        "'!!timestamp'",
    ),
    "python-tag": (
        TINY.replace("kind: hold", 'kind: !!python/object/apply:os.system ["echo hi"]'),
        "!!python",
        "not allowed",
    ),
    "self-alias": (TINY.replace("kind: hold", "kind: &k [1, *k]"), "*k", "loop"),
    "unknown-alias": (TINY.replace("kind: hold", "kind: *nowhere"), "*nowhere", "no anchor"),
    "deep": ("id: x\nstates: " + "[" * 400 + "]" * 400 + "\n", "[", "nested more than"),
    "deep-block": (
        "".join("  " * n + f"k{n}:\n" for n in range(300)) + "  " * 300 + "v: 1\n",
        "k20:",
        "nested more than 20 levels",
    ),
    "laughs": (laughs(9), "*a", "more than 10,000 values"),
    "two-documents": (TINY + "---\n" + TINY, "---", "second YAML document"),
    "nul": (TINY.replace("Коротко.", "Коро\x00тко."), "\x00", "not allowed"),
    "long-text": (TINY.replace("Коротко.", "о" * 20_000), "о", "characters long"),
    "big-int": (TINY.replace("difficulty: 1", "difficulty: " + "9" * 5000), "9", ""),
    "many-states": (
        TINY.replace("states:\n", "states:\n" + "".join(
            f"  s{n}:\n    client: [x]\n    outcome: resolved\n" for n in range(150)
        )),
        "s0:",
        "at most 100",
    ),
    "many-variants": (
        TINY.replace('client: ["Алло?", "Алло, это почта?"]', f"client: [{', '.join(['x'] * 30)}]"),
        "[x",
        "at most 20",
    ),
    "complex-key": (TINY.replace("kind: hold", "? [a, b]\n: hold"), "[a", "plain name"),
}


def parse(rendered: str) -> re.Match[str]:
    match = PROBLEM.match(rendered)
    assert match, rendered
    return match


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_scenario_is_a_problem_at_file_line_col(
    write: Callable[[str, str], Path], name: str
) -> None:
    text, marker, words = HOSTILE[name]
    path = write(f"{name}.yaml", text)
    problems = validate_paths([path])
    assert problems, name
    rendered = [str(p) for p in problems]
    for line in rendered:
        assert parse(line)["file"] == str(path)
    assert any(words in p.message for p in problems), rendered
    lines = text.splitlines()
    assert any(marker in lines[p.line - 1] for p in problems), rendered
    with pytest.raises(ScenarioError):
        load_scenario(path)


def test_a_file_over_the_size_limit_is_not_parsed(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(TINY.encode() + b"# " + b"x" * 11_000_000 + b"\n")
    assert [str(p) for p in validate_paths([path])] == [
        f"{path}:1:1: the file is {path.stat().st_size:,} bytes; at most "
        f"{SCENARIO_LIMITS.max_bytes:,} are read (is it the right file?)"
    ]


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(TINY.replace("Коротко.", "Caf\xe9").encode("latin-1", "replace"))
    (problem,) = validate_paths([path])
    assert (problem.line, problem.col) == (5, 14)
    assert "not UTF-8" in problem.message


@pytest.mark.parametrize(
    ("text", "marker"),
    [
        ("checks:\n  x:\n    kind: !!int abc\n    title: x\n    phrases: [a]\n", "!!int"),
        ("checks: &c\n  x: *c\n", "*c"),
        ("checks:\n" + "".join("  " * n + f"  k{n}:\n" for n in range(60)) + "      v: 1\n", "k19:"),
        (laughs(9), "*a"),
        ("name: a\n---\nname: b\n", "---"),
    ],
    ids=["tag", "self-alias", "deep", "laughs", "two-documents"],
)
def test_hostile_standard_is_a_standard_error(tmp_path: Path, text: str, marker: str) -> None:
    path = tmp_path / "company.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(StandardError) as info:
        load_standard(path)
    problem = info.value.problems[0]
    assert marker in text.splitlines()[problem.line - 1], info.value.problems
    assert all(parse(str(p))["file"] == str(path) for p in info.value.problems)


def test_a_standard_that_extends_itself_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text("extends: loop.yaml\n", encoding="utf-8")
    with pytest.raises(StandardError) as info:
        load_standard(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}:1:10: extends: 'loop.yaml' leads back to this file (a loop)"
    ]


def test_one_bad_file_does_not_stop_the_library(
    write: Callable[[str, str], Path], tmp_path: Path
) -> None:
    write("good.yaml", TINY)
    bad = write("bad.yaml", TINY.replace("id: tiny", "id: bad").replace("kind: hold", "kind: &k [*k]"))
    library = load_library(tmp_path)
    assert list(library) == ["tiny"]
    assert library.skipped == (str(bad),)
    assert [p.file for p in library.problems] == [str(bad)]
    assert library.files["tiny"] == str(tmp_path / "good.yaml")


def test_the_shipped_library_plus_a_bad_folder_still_loads(
    write: Callable[[str, str], Path], tmp_path: Path
) -> None:
    write("own/bad.yaml", "id: [unclosed\n")
    library = load_library([LIBRARY_PATH, tmp_path / "own"])
    assert "hold_request" in library and len(library) == len(load_library())
    assert [p.line for p in library.problems] == [1]
