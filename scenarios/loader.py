"""Loading and validating scenario YAML files, every problem as `FILE:LINE:COL: message`.

A file is read with ruamel.yaml twice: once as a node tree (syntax errors, duplicate keys, with
exact marks), once as round-trip data that remembers where every key and value stands. The data is
checked by the pydantic models (shape) and by the graph checks here (check ids, targets,
reachability), and every problem found is reported at once.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from scenarios.errors import Problem, ScenarioError
from scenarios.model import Condition, Rule, Scenario, ScenarioContext, State
from scoring import Standard, default_standard

LIBRARY_PATH = Path(__file__).resolve().parent / "library"
SUFFIXES = (".yaml", ".yml")

_IDENTIFIER_HINT = (
    "use lowercase latin letters, digits and _, starting with a letter (e.g. hold_request)"
)


@dataclass
class _Loaded:
    """One file after validation: the scenario when it is sound, and where its id stands."""

    path: str
    scenario: Scenario | None
    problems: list[Problem]
    id: str | None = None
    id_pos: tuple[int, int] = (1, 1)


# ---------------------------------------------------------------- public API


def load_scenario(path: str | Path, standard: Standard | None = None) -> Scenario:
    """Load and validate one scenario file.

    Raises `ScenarioError` (with `.problems`) when anything is wrong.
    Reads the file, writes nothing.
    """
    loaded = _load_file(Path(path), standard or default_standard())
    if loaded.problems or loaded.scenario is None:
        raise ScenarioError(f"{path}: invalid scenario", loaded.problems)
    return loaded.scenario


def load_library(
    path: str | Path | None = None, standard: Standard | None = None
) -> dict[str, Scenario]:
    """Load every scenario in a folder (default: the shipped library), sorted by id.

    Raises `ScenarioError` listing every problem of every file if any file is invalid.
    """
    root = Path(path) if path is not None else LIBRARY_PATH
    results = _validate([root], standard or default_standard())
    problems = [p for r in results for p in r.problems]
    if problems:
        raise ScenarioError(f"{root}: invalid scenarios", problems)
    scenarios = {r.scenario.id: r.scenario for r in results if r.scenario is not None}
    return dict(sorted(scenarios.items()))


def validate_paths(paths: Iterable[str | Path], standard: Standard | None = None) -> list[Problem]:
    """Validate scenario files and folders (folders: every *.yaml / *.yml inside, recursively).

    Returns every problem found, sorted by file and position; an empty list means all is well.
    Reads files only; never raises for bad content.
    """
    results = _validate([Path(p) for p in paths], standard or default_standard())
    return [p for r in results for p in r.problems]


def scenario_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """The scenario files named by `paths`: files as given, folders expanded (sorted)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
        else:
            yield path


# ---------------------------------------------------------------- one file


def _validate(paths: Sequence[Path], standard: Standard) -> list[_Loaded]:
    results: list[_Loaded] = []
    seen: dict[str, _Loaded] = {}
    for path in scenario_files(paths):
        loaded = _load_file(path, standard)
        if loaded.id is not None:
            first = seen.get(loaded.id)
            if first is None:
                seen[loaded.id] = loaded
            else:
                line, col = loaded.id_pos
                loaded.problems.append(
                    Problem(
                        loaded.path,
                        line,
                        col,
                        f"duplicate scenario id '{loaded.id}': already used in "
                        f"{first.path}:{first.id_pos[0]}",
                    )
                )
                loaded.scenario = None
        loaded.problems.sort()
        results.append(loaded)
    return results


def _load_file(path: Path, standard: Standard) -> _Loaded:
    name = str(path)
    result = _Loaded(name, None, [])
    if not path.exists():
        result.problems.append(Problem(name, 1, 1, "no such file or folder"))
        return result
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        result.problems.append(Problem(name, 1, 1, f"cannot read the file as UTF-8 text: {exc}"))
        return result

    try:
        node = YAML(typ="rt").compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        result.problems.append(Problem(name, line, col, f"YAML syntax error: {what}"))
        return result
    except YAMLError as exc:
        result.problems.append(Problem(name, 1, 1, f"YAML syntax error: {exc}"))
        return result
    if node is not None:
        result.problems.extend(_duplicate_keys(name, node))

    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = True
    data = yaml.load(text)
    if not isinstance(data, CommentedMap):
        result.problems.append(
            Problem(
                name, 1, 1, "a scenario file must be a mapping of fields (id, title, kind, ...)"
            )
        )
        return result

    if isinstance(data.get("id"), str):
        result.id = data["id"]
        result.id_pos = _pos(data, ("id",))

    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        scenario = None
        result.problems.extend(_shape_problems(name, data, exc))
    result.problems.extend(_graph_problems(name, data, standard))
    result.problems = sorted(set(result.problems))
    if not result.problems:
        result.scenario = scenario
    return result


def _duplicate_keys(name: str, node: Node) -> Iterator[Problem]:
    if isinstance(node, MappingNode):
        first: dict[str, int] = {}
        for key, value in node.value:
            label = str(key.value)
            if label in first:
                yield Problem(
                    name,
                    key.start_mark.line + 1,
                    key.start_mark.column + 1,
                    f"duplicate key '{label}' (first given on line {first[label]})",
                )
            else:
                first[label] = key.start_mark.line + 1
            yield from _duplicate_keys(name, value)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            yield from _duplicate_keys(name, item)


# ---------------------------------------------------------------- positions


def _pos(root: Any, loc: Sequence[str | int], *, key: bool = False) -> tuple[int, int]:
    """1-based (line, col) of the value at `loc` (of its key when `key`), as deep as it exists."""
    node = root
    line, col = (root.lc.line, root.lc.col) if hasattr(root, "lc") else (0, 0)
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, CommentedMap) and part in node:
            want_key = key and last or (i + 1 < len(loc) and loc[i + 1] == "[key]")
            line, col = node.lc.key(part) if want_key else node.lc.value(part)
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            line, col = node.lc.item(part)
            node = node[part]
        else:
            break
    return line + 1, col + 1


def _field_path(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        if part == "[key]":
            continue
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def _model_at(loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The model class whose fields live at `loc` (for listing allowed fields)."""
    model: type[BaseModel] | None = Scenario
    i = 0
    while i < len(loc) and model is not None:
        part = loc[i]
        if model is Scenario and part == "context":
            model = ScenarioContext
        elif model is Scenario and part == "states":
            model = State
            i += 1  # skip the state id
        elif model is State and part == "transitions":
            model = Rule
            i += 1  # skip the index
        elif model is Rule and part == "when":
            model = Condition
        else:
            return None
        i += 1
    return model


def _allowed(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def _shape_problems(name: str, data: CommentedMap, exc: ValidationError) -> Iterator[Problem]:
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        kind = error["type"]
        path = _field_path(loc)
        if kind == "extra_forbidden":
            field = str(loc[-1])
            parent = _model_at(loc[:-1])
            allowed = f"; allowed: {', '.join(_allowed(parent))}" if parent else ""
            where = _field_path(loc[:-1])
            place = f" in {where}" if loc[:-1] else ""
            line, col = _pos(data, loc, key=True)
            yield Problem(name, line, col, f"unknown field '{field}'{place}{allowed}")
        elif kind == "missing":
            field = str(loc[-1])
            line, col = _pos(data, loc[:-1])
            where = _field_path(loc[:-1])
            place = f" in {where}" if loc[:-1] else ""
            yield Problem(name, line, col, f"missing required field '{field}'{place}")
        else:
            message = str(error["msg"]).removeprefix("Value error, ")
            if kind == "string_pattern_mismatch":
                pattern = str((error.get("ctx") or {}).get("pattern", ""))
                message = "use HH:MM, e.g. 10:30" if ":" in pattern else _IDENTIFIER_HINT
            if loc and loc[-1] == "[key]":
                label = "state id" if len(loc) == 3 and loc[0] == "states" else "key"
                path = f"{label} '{loc[-2]}'"
            line, col = _pos(data, loc)
            yield Problem(name, line, col, f"{path}: {message}")


# ---------------------------------------------------------------- graph and check ids


def _graph_problems(name: str, data: CommentedMap, standard: Standard) -> Iterator[Problem]:
    states = data.get("states")
    if not isinstance(states, CommentedMap) or not states:
        if "states" in data:
            line, col = _pos(data, ("states",))
            yield Problem(name, line, col, "states: give at least one state")
        return
    kinds = {cid: spec.kind for cid, spec in standard.checks.items()}
    names = set(states)
    edges: dict[str, list[str]] = {}
    finals: set[str] = set()

    def target(loc: tuple[str | int, ...], value: object, what: str) -> Iterator[Problem]:
        if isinstance(value, str) and value not in names:
            line, col = _pos(data, loc)
            yield Problem(
                name, line, col, f"{what} '{value}' does not exist{_suggest(value, names)}"
            )

    def check_ids(
        loc: tuple[str | int, ...], values: object, want: str, expected: set[str] | None = None
    ) -> Iterator[Problem]:
        if not isinstance(values, list):
            return
        for i, cid in enumerate(values):
            if not isinstance(cid, str):
                continue
            line, col = _pos(data, (*loc, i))
            where = _field_path(loc)
            if cid not in kinds:
                yield Problem(
                    name, line, col, f"{where}: unknown check id '{cid}'{_suggest(cid, kinds)}"
                )
            elif kinds[cid] != want:
                yield Problem(
                    name, line, col, f"{where}: '{cid}' is a {kinds[cid]} check, not a {want} check"
                )
            elif expected is not None and cid not in expected:
                yield Problem(
                    name,
                    line,
                    col,
                    f"{where}: step '{cid}' is not in this state's expect, so it is never graded",
                )

    for sid, state in states.items():
        sid = str(sid)
        base: tuple[str | int, ...] = ("states", sid)
        edges[sid] = []
        if not isinstance(state, CommentedMap):
            continue
        expect = state.get("expect")
        yield from check_ids((*base, "expect"), expect, "step")
        expected = {c for c in expect if isinstance(c, str)} if isinstance(expect, list) else set()
        is_final = state.get("outcome") is not None
        if is_final:
            finals.add(sid)
            for field in ("transitions", "else", "expect"):
                if state.get(field):
                    line, col = _pos(data, (*base, field), key=True)
                    yield Problem(
                        name,
                        line,
                        col,
                        f"state '{sid}' is final (it has an outcome), so it cannot have '{field}'",
                    )
            continue
        if not state.get("client"):
            line, col = _pos(data, base, key=True)
            yield Problem(
                name, line, col, f"state '{sid}' has no client line: give 'client' variants"
            )
        if state.get("else") is None:
            line, col = _pos(data, base, key=True)
            yield Problem(
                name,
                line,
                col,
                f"state '{sid}' has no 'else': say where to go when no rule matches "
                "(or give it an outcome to make it final)",
            )
        else:
            yield from target((*base, "else"), state.get("else"), "else: state")
            if isinstance(state.get("else"), str):
                edges[sid].append(state["else"])
        rules = state.get("transitions")
        if isinstance(rules, list):
            for i, rule in enumerate(rules):
                if not isinstance(rule, CommentedMap):
                    continue
                rloc = (*base, "transitions", i)
                yield from target((*rloc, "to"), rule.get("to"), "to: state")
                if isinstance(rule.get("to"), str):
                    edges[sid].append(rule["to"])
                when = rule.get("when")
                if isinstance(when, CommentedMap):
                    yield from check_ids(
                        (*rloc, "when", "passed"), when.get("passed"), "step", expected
                    )
                    yield from check_ids(
                        (*rloc, "when", "missed"), when.get("missed"), "step", expected
                    )
                    yield from check_ids(
                        (*rloc, "when", "violations"), when.get("violations"), "violation"
                    )

    if not finals:
        line, col = _pos(data, ("states",), key=True)
        yield Problem(
            name,
            line,
            col,
            "no final state: give at least one state an outcome (resolved, hung_up or escalated)",
        )

    initial = data.get("initial")
    if initial is not None:
        yield from target(("initial",), initial, "initial: state")
    start = initial if isinstance(initial, str) and initial in names else str(next(iter(states)))

    patience_state = _patience_state(data, states)
    lost = data.get("on_patience_lost")
    if lost is not None:
        yield from target(("on_patience_lost",), lost, "on_patience_lost: state")
        if isinstance(lost, str) and lost in names and lost not in finals:
            line, col = _pos(data, ("on_patience_lost",))
            yield Problem(
                name, line, col, f"on_patience_lost: state '{lost}' must be a final state"
            )
    elif data.get("patience", 3) is not None and patience_state is None and finals:
        line, col = _pos(data, ("patience",), key=True) if "patience" in data else (1, 1)
        yield Problem(
            name,
            line,
            col,
            "patience: no final state with outcome hung_up to go to when patience runs out "
            "(add one, set on_patience_lost, or set patience: null)",
        )
    if patience_state is not None and patience_state in names:
        for sid in names - finals:
            edges[sid].append(patience_state)

    reachable = _reach(start, edges)
    for sid in states:
        if str(sid) not in reachable:
            line, col = _pos(data, ("states", sid), key=True)
            yield Problem(name, line, col, f"state '{sid}' cannot be reached from '{start}'")

    if finals:
        backwards: dict[str, list[str]] = {sid: [] for sid in edges}
        for src, dests in edges.items():
            for dest in dests:
                backwards.setdefault(dest, []).append(src)
        can_finish: set[str] = set()
        for final in finals:
            can_finish |= _reach(final, backwards)
        for sid in states:
            if str(sid) in reachable and str(sid) not in can_finish:
                line, col = _pos(data, ("states", sid), key=True)
                yield Problem(
                    name,
                    line,
                    col,
                    f"state '{sid}' can never lead to a final state (a dead end loop)",
                )


def _patience_state(data: Mapping[str, Any], states: Mapping[str, Any]) -> str | None:
    if data.get("patience", 3) is None:
        return None
    lost = data.get("on_patience_lost")
    if isinstance(lost, str):
        return lost
    for sid, state in states.items():
        if isinstance(state, Mapping) and state.get("outcome") == "hung_up":
            return str(sid)
    return None


def _reach(start: str, edges: Mapping[str, Sequence[str]]) -> set[str]:
    seen = {start}
    todo = [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _suggest(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
