"""The standard as data: a YAML file of checks and their phrases, validated and compiled.

A company ships its own file next to the default with `extends: default`: its checks replace the
default's checks of the same id, new ids add checks of its own. Every problem in a file is reported
at once as `FILE:LINE:COL: message`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError

from scoring.errors import PatternError, StandardError
from scoring.model import CheckKind
from scoring.patterns import PatternCompiler, Phrase
from scoring.text import Lexicon, default_lexicon

DEFAULT_PATH = Path(__file__).parent / "standards" / "default.yaml"
ContextKey = Literal["time", "company", "agent_name", "client_name", "third_party"]


class PhraseSpec(BaseModel):
    """One phrase; a plain string in YAML is the same as `{p: "..."}`."""

    model_config = ConfigDict(extra="forbid")

    p: str = Field(min_length=1, description="The phrase pattern (see scoring/patterns.py).")
    question: bool = Field(False, description="Counts only in a sentence ending with «?».")
    statement: bool = Field(False, description="Counts only in a sentence that is not a question.")
    whole: bool = Field(False, description="The sentence must consist of this phrase alone.")
    whole_clause: bool = Field(
        False, description="The phrase must fill a clause (between commas, dashes, sentence ends)."
    )
    negation: Literal["guard", "allow"] | None = Field(
        None,
        description="guard: a preceding «не» cancels the match; allow: it does not. "
        "Default: guard for phrases, allow for `unless` phrases.",
    )
    requires: list[str] = Field(
        default_factory=list, description="Counts only if one of these checks is also true."
    )
    scope: Literal["span", "sentence"] = Field(
        "span", description="For `unless` phrases: cancel overlapping matches, or the sentence."
    )
    when: ContextKey | None = Field(
        None, description="Counts only when the context gives this value (e.g. third_party)."
    )

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"p": value} if isinstance(value, str) else value


class PeriodSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str
    start: str = Field(alias="from", pattern=r"^\d{2}:\d{2}$")
    end: str = Field(alias="to", pattern=r"^\d{2}:\d{2}$")
    phrases: list[PhraseSpec] = Field(min_length=1)


class CheckSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = ""
    kind: CheckKind
    title: str = Field(min_length=1, description="Short Russian name shown to trainees.")
    description: str = ""
    seed: str = ""
    recommended: list[str] = Field(default_factory=list, description="Standard wording to show.")
    weight: float = Field(1.0, ge=0, description="Weight of a step in the score.")
    penalty: int = Field(20, ge=0, le=100, description="Points a violation takes off.")
    blocking: bool = Field(
        False, description="A violation that fails the attempt whatever the score."
    )
    fuzzy: bool = Field(True, description="Tolerate small typos in longer words.")
    phrases: list[PhraseSpec] = Field(default_factory=list)
    unless: list[PhraseSpec] = Field(default_factory=list)
    needs: list[PhraseSpec] = Field(
        default_factory=list,
        description="The check is true only if one of these phrases also matches in the reply.",
    )
    unless_checks: list[str] = Field(
        default_factory=list, description="The check is false whenever one of these is true."
    )
    context: ContextKey | None = Field(None, description="The context value this check reads.")
    context_match: Literal["all", "any_word"] = "all"
    context_required: bool = Field(
        False, description="False whenever the context value is missing."
    )
    periods: list[PeriodSpec] = Field(default_factory=list)


class StandardFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = "default"
    language: str = "ru"
    extends: str | None = None
    pass_mark: int | None = Field(None, ge=0, le=100)
    companies: dict[str, list[str]] = Field(default_factory=dict)
    checks: dict[str, CheckSpec] = Field(default_factory=dict)

    @field_validator("checks")
    @classmethod
    def _ids(cls, checks: dict[str, CheckSpec]) -> dict[str, CheckSpec]:
        for key, check in checks.items():
            check.id = key
        return checks


@dataclass(frozen=True)
class CompiledCheck:
    spec: CheckSpec
    phrases: tuple[Phrase, ...]
    unless: tuple[tuple[Phrase, str], ...]  # (phrase, scope)
    needs: tuple[Phrase, ...] = ()


class Standard:
    """A loaded, validated, compiled standard. Immutable; safe to share between graders."""

    def __init__(
        self,
        name: str,
        checks: dict[str, CheckSpec],
        compiled: dict[str, CompiledCheck],
        pass_mark: int,
        companies: dict[str, list[str]],
        version: str,
        source: Path | None = None,
    ) -> None:
        self.name = name
        self.checks = checks
        self.compiled = compiled
        self.pass_mark = pass_mark
        self.companies = companies
        self.version = version
        self.source = source

    @property
    def steps(self) -> list[str]:
        return [c for c, spec in self.checks.items() if spec.kind == "step"]

    @property
    def violations(self) -> list[str]:
        return [c for c, spec in self.checks.items() if spec.kind == "violation"]

    def __repr__(self) -> str:
        return f"Standard({self.name!r}, {len(self.checks)} checks, version={self.version})"


# --- YAML with positions ------------------------------------------------------------------


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def _position(root: Any, loc: tuple[int | str, ...]) -> tuple[int, int]:
    """0-based (line, col) of the deepest node of `loc` that exists in the ruamel tree."""
    node = root
    line, col = getattr(getattr(root, "lc", None), "line", 0) or 0, 0
    for key in loc:
        lc = getattr(node, "lc", None)
        try:
            if isinstance(key, int) and isinstance(node, list):
                if lc is not None:
                    line, col = lc.item(key)
                node = node[key]
            elif isinstance(node, dict) and key in node:
                if lc is not None:
                    line, col = lc.key(key)
                node = node[key]
            else:
                break
        except (KeyError, IndexError, TypeError, AttributeError):
            break
    return line, col


def _read(path: Path) -> tuple[Any, list[str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [f"{path}:1:1: cannot read the file: {exc}"]
    try:
        return _yaml().load(text), []
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or "YAML syntax error"
        if exc.context and exc.context_mark:
            problem += f" ({exc.context} started at line {exc.context_mark.line + 1})"
        return None, [f"{path}:{line}:{col}: {problem}"]


def _loc_text(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc)


def _compile_phrases(
    specs: list[PhraseSpec],
    compiler: PatternCompiler,
    where: tuple[int | str, ...],
    root: Any,
    path: Path,
    problems: list[str],
    known_checks: set[str],
    label: str | None = None,
    unless: bool = False,
) -> Iterator[tuple[Phrase, str]]:
    for i, spec in enumerate(specs):
        line, col = _position(root, (*where, i))
        for required in spec.requires:
            if required not in known_checks:
                problems.append(
                    f"{path}:{line + 1}:{col + 1}: {_loc_text((*where, i))}: "
                    f"`requires` names an unknown check {required!r}"
                )
        try:
            phrase = compiler.compile(
                spec.p,
                question=spec.question,
                statement=spec.statement,
                whole=spec.whole,
                whole_clause=spec.whole_clause,
                negation_allowed=(spec.negation or ("allow" if unless else "guard")) == "allow",
                requires=tuple(spec.requires),
                label=label,
                when=spec.when,
            )
        except PatternError as exc:
            problems.append(f"{path}:{line + 1}:{col + 1}: {_loc_text((*where, i))}: {exc}")
            continue
        yield phrase, spec.scope


def load_standard(path: str | Path | None = None, lexicon: Lexicon | None = None) -> Standard:
    """Load, validate and compile a standard file (None: the shipped default).

    Raises `StandardError` listing every problem as `FILE:LINE:COL: message`. Writes nothing.
    """
    path = Path(path) if path is not None else DEFAULT_PATH
    root, problems = _read(path)
    if problems:
        raise StandardError(problems)
    try:
        data = StandardFile.model_validate(root if root is not None else {})
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            line, col = _position(root, loc)
            problems.append(f"{path}:{line + 1}:{col + 1}: {_loc_text(loc)}: {err['msg']}")
        raise StandardError(problems) from exc

    base: Standard | None = None
    if data.extends:
        base_path = DEFAULT_PATH if data.extends == "default" else path.parent / data.extends
        base = load_standard(base_path, lexicon)
    checks: dict[str, CheckSpec] = dict(base.checks) if base else {}
    checks.update(data.checks)
    compiler = PatternCompiler(lexicon or default_lexicon())
    compiled: dict[str, CompiledCheck] = dict(base.compiled) if base else {}
    known = set(checks)
    for check_id, spec in data.checks.items():
        where: tuple[int | str, ...] = ("checks", check_id)
        phrases = [
            p
            for p, _ in _compile_phrases(
                spec.phrases, compiler, (*where, "phrases"), root, path, problems, known
            )
        ]
        for j, period in enumerate(spec.periods):
            phrases += [
                p
                for p, _ in _compile_phrases(
                    period.phrases,
                    compiler,
                    (*where, "periods", j, "phrases"),
                    root,
                    path,
                    problems,
                    known,
                    label=period.label,
                )
            ]
        unless = list(
            _compile_phrases(
                spec.unless, compiler, (*where, "unless"), root, path, problems, known, unless=True
            )
        )
        needs = [
            p
            for p, _ in _compile_phrases(
                spec.needs, compiler, (*where, "needs"), root, path, problems, known
            )
        ]
        for i, other in enumerate(spec.unless_checks):
            if other not in known:
                line, col = _position(root, (*where, "unless_checks", i))
                problems.append(
                    f"{path}:{line + 1}:{col + 1}: checks.{check_id}.unless_checks.{i}: "
                    f"unknown check {other!r}"
                )
        if not spec.phrases and not spec.periods and spec.context is None:
            line, col = _position(root, where)
            problems.append(
                f"{path}:{line + 1}:{col + 1}: checks.{check_id}: a check needs `phrases` "
                "or a `context` value to match"
            )
        compiled[check_id] = CompiledCheck(spec, tuple(phrases), tuple(unless), tuple(needs))
    if problems:
        raise StandardError(problems)
    digest = hashlib.sha256(
        json.dumps(
            {k: v.model_dump(mode="json", by_alias=True) for k, v in sorted(checks.items())},
            ensure_ascii=False,
            sort_keys=True,
        ).encode()
    ).hexdigest()[:12]
    companies = dict(base.companies) if base else {}
    companies.update(data.companies)
    return Standard(
        name=data.name,
        checks=checks,
        compiled=compiled,
        pass_mark=data.pass_mark
        if data.pass_mark is not None
        else (base.pass_mark if base else 70),
        companies=companies,
        version=digest,
        source=path,
    )


@lru_cache(maxsize=1)
def default_standard() -> Standard:
    """The shipped default standard, loaded once per process."""
    return load_standard(DEFAULT_PATH)
