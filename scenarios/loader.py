"""Loading and validating scenario YAML files, every problem as `FILE:LINE:COL: message`.

A file is read once by `scoring.source.read_yaml`: plain data with the position of every key and
value, within `SCENARIO_LIMITS` (size, nesting, aliases, length), no tags, no objects. The data is
validated by the pydantic models of `scenarios.model` (shape, ranges and every default), then the
machine those models describe (`Flow`) is checked here against the standard: check ids, targets,
reachability, a way to the end. Positions only place the problems; every problem of a file is
reported at once.

A folder is read by one rule (`scenario_files`): every `*.yaml` / `*.yml` file in it and in its
subfolders, except hidden folders (`.git`, ...), `node_modules` and `__pycache__`; of those, only
files whose top level is a mapping with at least one field of the scenario format (`id`, `title`,
`states`, ...) are scenarios — others (a standard, a FUNDING.yml, a list) are ignored and listed
in `Library.ignored`. A file named on its own is always read as a scenario.

`load_library` never raises for content: a broken file is reported in `Library.problems`, listed
in `Library.skipped`, and the rest of the library loads.
"""

from __future__ import annotations

import difflib
import hashlib
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from scenarios.errors import Problem, ScenarioError
from scenarios.model import (
    ClientVariant,
    Condition,
    Flow,
    Identifier,
    Rule,
    Scenario,
    ScenarioContext,
    State,
)
from scoring import Standard, default_standard
from scoring.cache import cached_value, code_version
from scoring.source import Document, Limits, read_yaml
from scoring.standard import template_errors

LIBRARY_PATH = Path(__file__).resolve().parent / "library"
SUFFIXES = (".yaml", ".yml")
SKIPPED_FOLDERS = frozenset({"node_modules", "__pycache__"})
MAX_FILES = 1000
"""At most this many YAML files are read from the folders of one library."""

SCENARIO_LIMITS = Limits(
    max_bytes=256_000, max_depth=20, max_aliases=100, max_values=10_000, max_chars=10_000
)
"""A scenario of the shipped library is 5–8 KB and 200–300 values; these leave room."""

_IDENTIFIER_HINT = (
    "use lowercase latin letters, digits and _, starting with a letter (e.g. hold_request)"
)
_IDENTIFIER: TypeAdapter[str] = TypeAdapter(Identifier)
_SCENARIO_FIELDS = frozenset(f.alias or name for name, f in Scenario.model_fields.items())


@dataclass(frozen=True)
class Library(Mapping[str, Scenario]):
    """The scenarios that loaded (a mapping id → Scenario, sorted by id) and what did not.

    `problems`: every problem of every file, as `FILE:LINE:COL: message`;
    `skipped`: the files not loaded because of them; `ignored`: YAML files of a folder that are
    not scenarios (no field of the format); `files`: scenario id → the file it came from.
    """

    scenarios: Mapping[str, Scenario] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    skipped: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()
    files: Mapping[str, str] = field(default_factory=dict)

    def __getitem__(self, scenario_id: str) -> Scenario:
        return self.scenarios[scenario_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self.scenarios)

    def __len__(self) -> int:
        return len(self.scenarios)


@dataclass
class _Loaded:
    """One file after validation: the scenario when it is sound, and where its id stands."""

    path: str
    scenario: Scenario | None
    problems: list[Problem]
    id: str | None = None
    id_pos: tuple[int, int] = (1, 1)
    ignored: bool = False


# ---------------------------------------------------------------- public API


def library_paths(extra: str | Path | None = None) -> list[Path]:
    """The shipped library, and a folder of one's own (`SCENARIOS_PATH`) that adds to it."""
    return [LIBRARY_PATH] if extra is None else [LIBRARY_PATH, Path(extra)]


def load_scenario(path: str | Path, standard: Standard | None = None) -> Scenario:
    """Load and validate one scenario file.

    Raises `ScenarioError` (with `.problems`) when anything is wrong.
    Reads the file, writes nothing.
    """
    loaded = _load_file(Path(path), standard or default_standard(), explicit=True)
    if loaded.problems or loaded.scenario is None:
        raise ScenarioError(f"{path}: invalid scenario", loaded.problems)
    return loaded.scenario


def load_library(
    path: str | Path | Sequence[str | Path] | None = None,
    standard: Standard | None = None,
    *,
    cache_dir: Path | None = None,
) -> Library:
    """Load every scenario of one or more folders or files (default: the shipped library).

    Never raises for content: a file with problems is skipped and reported in
    `Library.problems` (so is the second file of two with the same id); the rest loads.
    Reads files only — and with `cache_dir` keeps the result there, reused while the files, the
    standard's checks and the code stay the same (`scoring.cache`; a cache that cannot be used is
    ignored).
    """
    if path is None:
        paths: list[Path] = [LIBRARY_PATH]
    elif isinstance(path, str | Path):
        paths = [Path(path)]
    else:
        paths = [Path(p) for p in path]
    standard = standard or default_standard()
    key = None if cache_dir is None else _library_key(paths, standard)
    if cache_dir is None or key is None:
        return _load_library(paths, standard)
    names = "\0".join(str(p.resolve()) for p in paths).encode()
    entry = cache_dir / f"library-{hashlib.sha256(names).hexdigest()[:24]}.pickle"
    library: Library = cached_value(
        entry, key, lambda: (_load_library(paths, standard), ()),
        lambda value: isinstance(value, Library),
    )
    return library


def _library_key(paths: Sequence[Path], standard: Standard) -> str | None:
    """What a loaded library depends on: every file read (name and bytes), the standard's checks
    (`version`) and the code of the scorer and of this package; None when a file cannot be read
    or there are too many to cache (loaded as if there were no cache)."""
    digest = hashlib.sha256()
    digest.update(f"{code_version()}\0{_code_version()}\0{standard.name}\0".encode())
    digest.update(f"{standard.version}\0".encode())
    for count, (file, explicit) in enumerate(scenario_files(paths)):
        if count >= MAX_FILES:
            return None
        try:
            content = file.read_bytes()
        except OSError:
            return None
        digest.update(f"{file}\0{file.resolve()}\0{explicit}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()


def _code_version() -> str:
    """A hash of this package's code (what turns scenario files into a `Library`)."""
    digest = hashlib.sha256()
    for source in sorted(Path(__file__).resolve().parent.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    return digest.hexdigest()


def _load_library(paths: Sequence[Path], standard: Standard) -> Library:
    results = _validate(paths, standard)
    scenarios = {r.scenario.id: r.scenario for r in results if r.scenario is not None}
    files = {r.scenario.id: r.path for r in results if r.scenario is not None}
    return Library(
        scenarios=dict(sorted(scenarios.items())),
        problems=tuple(p for r in results for p in r.problems),
        skipped=tuple(r.path for r in results if r.problems),
        ignored=tuple(r.path for r in results if r.ignored),
        files=files,
    )


def validate_paths(paths: Iterable[str | Path], standard: Standard | None = None) -> list[Problem]:
    """Validate scenario files and folders (folders by the rule of `scenario_files`).

    Returns every problem found, sorted by file and position; an empty list means all is well.
    Reads files only; never raises for bad content.
    """
    return list(load_library([Path(p) for p in paths], standard).problems)


def scenario_files(paths: Iterable[str | Path]) -> Iterator[tuple[Path, bool]]:
    """The YAML files named by `paths` and whether each was named on its own.

    Files are given as they are; folders are walked (sorted, symlinked folders not followed),
    skipping hidden folders, `node_modules` and `__pycache__`.
    """
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            yield path, True
            continue
        for folder, dirs, names in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_FOLDERS)
            for name in sorted(names):
                if name.endswith(SUFFIXES) and not name.startswith("."):
                    yield Path(folder) / name, False


# ---------------------------------------------------------------- one file


def _validate(paths: Sequence[Path], standard: Standard) -> list[_Loaded]:
    results: list[_Loaded] = []
    seen: dict[str, _Loaded] = {}
    read: set[Path] = set()
    count = 0
    for path, explicit in scenario_files(paths):
        real = path.resolve()
        if real in read:  # the same file reached twice (e.g. SCENARIOS_PATH = the library)
            continue
        read.add(real)
        count += 1
        if count > MAX_FILES:
            results.append(
                _Loaded(
                    str(path),
                    None,
                    [Problem(str(path), 1, 1, f"more than {MAX_FILES} YAML files: not read")],
                )
            )
            break
        loaded = _load_file(path, standard, explicit=explicit)
        if loaded.id is not None and not loaded.ignored:
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


def _load_file(path: Path, standard: Standard, *, explicit: bool) -> _Loaded:
    doc = read_yaml(path, SCENARIO_LIMITS)
    result = _Loaded(doc.file, None, list(doc.problems))
    data = doc.data
    if data is None and doc.problems:
        return result
    if not isinstance(data, dict) or (not explicit and not _SCENARIO_FIELDS & set(data)):
        if not explicit and not doc.problems:  # a YAML file of a folder that is no scenario
            result.ignored = True
            return result
        result.problems.append(
            Problem(
                doc.file, 1, 1, "a scenario file must be a mapping of fields (id, title, kind, ...)"
            )
        )
        return result
    if isinstance(data.get("id"), str):
        result.id = data["id"]
        result.id_pos = doc.positions.value(("id",))
    scenario, problems = _check(doc, data, standard)
    result.problems = sorted(set(result.problems) | set(problems))
    if not result.problems:
        result.scenario = scenario
    return result


def _check(
    doc: Document, data: dict[str, Any], standard: Standard
) -> tuple[Scenario | None, list[Problem]]:
    """Validate the data on the models, then the machine they describe."""
    problems: list[Problem] = []
    scenario: Scenario | None = None
    try:
        scenario = Scenario.model_validate(data)
        salvaged = _Salvaged(scenario)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        problems += _shape_problems(doc, errors)
        salvaged = _salvage(data, errors)
    if salvaged.flow is not None:
        problems += _flow_problems(doc, salvaged, standard)
    elif "states" in data and not (isinstance(data["states"], dict) and data["states"]):
        problems.append(doc.at(("states",), "states: give at least one state"))
    return scenario, problems


# ---------------------------------------------------------------- shape problems


def _place(doc: Document, loc: Sequence[str | int], message: str, *, key: bool = False) -> Problem:
    """A problem at a pydantic `loc` (which says "[key]" after a mapping key that is wrong)."""
    if "[key]" in loc:
        return doc.at(tuple(loc[: list(loc).index("[key]")]), message, key=True)
    return doc.at(tuple(loc), message, key=key)


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
        elif model is State and part == "client":
            model = ClientVariant
            i += 1  # skip the index
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


def _shape_problems(doc: Document, errors: list[ErrorDetails]) -> Iterator[Problem]:
    for error in errors:
        loc = tuple(error["loc"])
        kind = error["type"]
        path = _field_path(loc)
        if kind == "extra_forbidden":
            field_name = str(loc[-1])
            parent = _model_at(loc[:-1])
            allowed = f"; allowed: {', '.join(_allowed(parent))}" if parent else ""
            place = f" in {_field_path(loc[:-1])}" if loc[:-1] else ""
            yield _place(doc, loc, f"unknown field '{field_name}'{place}{allowed}", key=True)
        elif kind == "missing":
            place = f" in {_field_path(loc[:-1])}" if loc[:-1] else ""
            yield _place(doc, loc[:-1], f"missing required field '{loc[-1]}'{place}")
        else:
            message = str(error["msg"]).removeprefix("Value error, ")
            if kind == "string_pattern_mismatch":
                pattern = str((error.get("ctx") or {}).get("pattern", ""))
                message = "use HH:MM, e.g. 10:30" if ":" in pattern else _IDENTIFIER_HINT
            if loc and loc[-1] == "[key]":
                label = "state id" if len(loc) == 3 and loc[0] == "states" else "key"
                path = f"{label} '{loc[-2]}'"
            yield _place(doc, loc, f"{path}: {message}")


# ---------------------------------------------------------------- the machine


@dataclass
class _Salvaged:
    """The machine of a file, whole or as much of it as validated.

    `damaged`: states that did not validate as written (left out, or with their broken fields
    or rules left out); `rule_index[state][i]`: where rule i stands in the file. Checks of the
    whole graph (reachability, dead ends, patience) run only on a `complete` machine, so that a
    shape problem is not reported a second time as a false graph problem.
    """

    flow: Flow | None
    damaged: set[str] = field(default_factory=set)
    rule_index: dict[str, list[int]] = field(default_factory=dict)
    complete: bool = True


def _salvage(data: dict[str, Any], errors: list[ErrorDetails]) -> _Salvaged:
    broken_top = {e["loc"][0] for e in errors if e["loc"]}
    raw_states = data.get("states")
    if not isinstance(raw_states, dict) or not raw_states:
        return _Salvaged(None, complete=False)
    states: dict[str, State] = {}
    out = _Salvaged(None)
    for sid, raw in raw_states.items():
        try:
            _IDENTIFIER.validate_python(sid)
        except ValidationError:
            out.damaged.add(str(sid))
            continue
        state, index, damaged = _salvage_state(raw)
        if damaged:
            out.damaged.add(sid)
        if state is not None:
            states[sid] = state
            out.rule_index[sid] = index
    flow_fields = {
        k: data[k]
        for k in ("patience", "initial", "on_patience_lost")
        if k in data and k not in broken_top
    }
    try:
        out.flow = Flow.model_validate({**flow_fields, "states": states})
    except ValidationError:
        return _Salvaged(None, complete=False)
    out.complete = not out.damaged and not broken_top & {
        "patience",
        "initial",
        "on_patience_lost",
        "states",
    }
    return out


def _salvage_state(raw: object) -> tuple[State | None, list[int], bool]:
    """The state as written, or without its broken fields and rules (then damaged: True);
    and where each of its rules stands among the rules written."""
    if not isinstance(raw, dict):
        return None, [], True
    rules = raw.get("transitions")
    index = list(range(len(rules))) if isinstance(rules, list) else []
    try:
        return State.model_validate(raw), index, False
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    bad_fields = {e["loc"][0] for e in errors if e["loc"]}
    bad_rules = {
        e["loc"][1]
        for e in errors
        if len(e["loc"]) > 1 and e["loc"][0] == "transitions" and isinstance(e["loc"][1], int)
    }
    kept = {k: v for k, v in raw.items() if k not in bad_fields or k == "transitions"}
    if "transitions" in bad_fields:
        if isinstance(rules, list) and bad_rules:
            index = [i for i in range(len(rules)) if i not in bad_rules]
            kept["transitions"] = [rules[i] for i in index]
        else:
            kept.pop("transitions", None)
            index = []
    try:
        return State.model_validate(kept), index, True
    except ValidationError:
        return None, [], True


def _flow_problems(doc: Document, salvaged: _Salvaged, standard: Standard) -> Iterator[Problem]:
    flow = salvaged.flow
    assert flow is not None
    kinds = {cid: spec.kind for cid, spec in standard.checks.items()}
    names = set(flow.states) | salvaged.damaged
    finals = set(flow.final_states())
    edges: dict[str, list[str]] = {}

    def target(loc: tuple[str | int, ...], value: str, what: str) -> Iterator[Problem]:
        if value not in names:
            yield doc.at(loc, f"{what} '{value}' does not exist{_suggest(value, names)}")

    def check_ids(
        loc: tuple[str | int, ...],
        values: Sequence[str],
        want: str,
        expected: set[str] | None = None,
    ) -> Iterator[Problem]:
        where = _field_path(loc)
        for i, cid in enumerate(values):
            if cid not in kinds:
                message = f"{where}: unknown check id '{cid}'{_suggest(cid, kinds)}"
            elif kinds[cid] != want:
                message = f"{where}: '{cid}' is a {kinds[cid]} check, not a {want} check"
            elif expected is not None and cid not in expected:
                message = (
                    f"{where}: step '{cid}' is not in this state's expect, so it is never graded"
                )
            else:
                continue
            yield doc.at((*loc, i), message)

    graded = {step for state in flow.states.values() for step in state.expect}

    def variants(base: tuple[str | int, ...], state: State) -> Iterator[Problem]:
        """Variants conditioned on steps name step ids some state expects (no other step is
        ever graded), and a plain variant stands beside them for when no condition holds."""
        conditional = [(i, v) for i, v in enumerate(state.client) if not v.plain]
        for i, variant in conditional:
            for name, ids in (("done", variant.done), ("not_done", variant.not_done)):
                loc = (*base, "client", i, name)
                yield from check_ids(loc, ids, "step")
                for j, cid in enumerate(ids):
                    if kinds.get(cid) == "step" and cid not in graded:
                        yield doc.at(
                            (*loc, j),
                            f"{_field_path(loc)}: no state of this scenario expects '{cid}', "
                            "so it is never graded",
                        )
        if conditional and len(conditional) == len(state.client):
            yield doc.at(
                (*base, "client"),
                f"state '{base[-1]}': every client variant has conditions; add a plain one "
                "for when none holds",
                key=True,
            )

    for sid, state in flow.states.items():
        base: tuple[str | int, ...] = ("states", sid)
        edges[sid] = []
        yield from check_ids((*base, "expect"), state.expect, "step")
        yield from variants(base, state)
        yield from _template_problems(doc, base, state, kinds)
        if state.final:
            present = {
                "transitions": state.transitions,
                "else": state.else_,
                "expect": state.expect,
            }
            for name, value in present.items():
                if value:
                    yield doc.at(
                        (*base, name),
                        f"state '{sid}' is final (it has an outcome), so it cannot have '{name}'",
                        key=True,
                    )
            continue
        if sid not in salvaged.damaged:
            if not state.client:
                yield doc.at(
                    base, f"state '{sid}' has no client line: give 'client' variants", key=True
                )
            if state.else_ is None:
                yield doc.at(
                    base,
                    f"state '{sid}' has no 'else': say where to go when no rule matches "
                    "(or give it an outcome to make it final)",
                    key=True,
                )
        if state.else_ is not None:
            yield from target((*base, "else"), state.else_, "else: state")
            edges[sid].append(state.else_)
        index = salvaged.rule_index.get(sid, list(range(len(state.transitions))))
        expected = set(state.expect)
        for i, rule in zip(index, state.transitions, strict=True):
            rloc = (*base, "transitions", i)
            yield from target((*rloc, "to"), rule.to, "to: state")
            edges[sid].append(rule.to)
            when = rule.when
            yield from check_ids((*rloc, "when", "passed"), when.passed, "step", expected)
            yield from check_ids((*rloc, "when", "missed"), when.missed, "step", expected)
            yield from check_ids((*rloc, "when", "violations"), when.violations, "violation")

    if flow.initial is not None:
        yield from target(("initial",), flow.initial, "initial: state")
    start = flow.initial_state
    lost = flow.on_patience_lost
    if lost is not None:
        yield from target(("on_patience_lost",), lost, "on_patience_lost: state")
        if lost in flow.states and lost not in finals:
            yield doc.at(
                ("on_patience_lost",), f"on_patience_lost: state '{lost}' must be a final state"
            )
    if not salvaged.complete:
        return
    if not finals:
        yield doc.at(
            ("states",),
            "no final state: give at least one state an outcome (resolved, hung_up or escalated)",
            key=True,
        )
        return
    patience_state = flow.patience_state
    if lost is None and flow.patience is not None and patience_state is None:
        yield doc.at(
            ("patience",),
            "patience: no final state with outcome hung_up to go to when patience runs out "
            "(add one, set on_patience_lost, or set patience: null)",
            key=True,
        )
    if patience_state is not None and patience_state in flow.states:
        for sid in set(flow.states) - finals:
            edges[sid].append(patience_state)
    if start not in flow.states:
        return

    reachable = _reach(start, edges)
    for sid in flow.states:
        if sid not in reachable:
            yield doc.at(
                ("states", sid), f"state '{sid}' cannot be reached from '{start}'", key=True
            )

    backwards: dict[str, list[str]] = {sid: [] for sid in edges}
    for src, dests in edges.items():
        for dest in dests:
            backwards.setdefault(dest, []).append(src)
    can_finish: set[str] = set()
    for final in finals:
        can_finish |= _reach(final, backwards)
    for sid in flow.states:
        if sid in reachable and sid not in can_finish:
            yield doc.at(
                ("states", sid),
                f"state '{sid}' can never lead to a final state (a dead end loop)",
                key=True,
            )


def _template_problems(
    doc: Document, base: tuple[str | int, ...], state: State, kinds: Mapping[str, str]
) -> Iterator[Problem]:
    """A state's `examples` name steps it expects; its hint and examples use known placeholders."""
    where = _field_path(base)
    if state.hint is not None:
        for error in template_errors(state.hint):
            yield doc.at((*base, "hint"), f"{where}.hint: {error}")
    for cid, text in state.examples.items():
        loc = (*base, "examples", cid)
        if cid not in kinds:
            yield doc.at(loc, f"{where}.examples: unknown check id '{cid}'{_suggest(cid, kinds)}",
                         key=True)
        elif cid not in state.expect:
            yield doc.at(loc, f"{where}.examples: '{cid}' is not in this state's expect, so its "
                         "example is never shown", key=True)
        for error in template_errors(text):
            yield doc.at(loc, f"{where}.examples.{cid}: {error}")


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
