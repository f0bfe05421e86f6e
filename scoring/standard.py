"""The standard as data: a YAML file of checks and their phrases, validated and compiled.

A company ships its own file next to the default with `extends: default`: its checks replace the
default's checks of the same id, new ids add checks of its own. Every problem in a file is reported
at once as `FILE:LINE:COL: message`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from scoring.cache import cached_grader, default_cache_dir
from scoring.errors import PatternError, StandardError
from scoring.model import Channel, CheckKind
from scoring.patterns import WORD_LIST_NAME, PatternCompiler, Phrase
from scoring.source import Document, Limits, Problem, read_yaml
from scoring.text import Lexicon, default_lexicon

if TYPE_CHECKING:
    from scoring.grader import Grader

DEFAULT_PATH = Path(__file__).parent / "standards" / "default.yaml"
DEFAULT_HINT_PENALTY = 5
Window = Literal["first", "from_expected", "closing", "any"]
"""Where in a run a step counts (docs/SCORING.md «Windows»): `first` — the first reply;
`from_expected` — from the reply where a state first expects it to the end; `closing` — from the
first reply whose state expects a closing-window step to the end; `any` — any reply. A reply
whose state expects the step is always inside its window."""
DEFAULT_WINDOW: Window = "from_expected"
ContextKey = Literal["time", "company", "agent_name", "client_name", "third_party"]
TEMPLATE_FIELDS = ("client_name", "company", "agent_name", "greeting")
"""The `{placeholders}` a recommended wording (or a scenario state's example or hint) may hold;
`scenarios.examples` fills them from the run (docs/SCENARIOS.md «Examples»)."""
_BRACES = re.compile(r"\{([^{}]*)\}|[{}]")


def template_errors(text: str) -> list[str]:
    """What is wrong with the `{placeholders}` of a template (empty: nothing). Pure."""
    errors: list[str] = []
    for match in _BRACES.finditer(text):
        name = match.group(1)
        if name is None:
            errors.append("a lone brace: write placeholders as {client_name}")
        elif name not in TEMPLATE_FIELDS:
            errors.append(
                f"unknown placeholder {{{name}}} (known: "
                + ", ".join(f"{{{f}}}" for f in TEMPLATE_FIELDS) + ")"
            )
    return errors


def template_fields(text: str) -> list[str]:
    """The placeholder names of a valid template, in order. Pure."""
    return [m.group(1) for m in _BRACES.finditer(text) if m.group(1) is not None]


# The models of a standard file validate only when one is compiled (a start with the cache never
# does): `defer_build` builds their validators then, not at import.


class PhraseSpec(BaseModel):
    """One phrase; a plain string in YAML is the same as `{p: "..."}`."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    p: str = Field(min_length=1, description="The phrase pattern (see scoring/patterns.py).")
    question: bool = Field(False, description="Counts only in a sentence ending with «?».")
    statement: bool = Field(False, description="Counts only in a sentence that is not a question.")
    whole: bool = Field(False, description="The sentence must consist of this phrase alone.")
    whole_clause: bool = Field(
        False, description="The phrase must fill a clause (between commas, dashes, sentence ends)."
    )
    alone: bool = Field(
        False,
        description="Counts only when its sentence is the whole reply («Ваше право.» said and "
        "nothing else, not «Ваше право. Но давайте я попробую…»).",
    )
    negation: Literal["guard", "allow"] | None = Field(
        None,
        description="guard: a preceding «не» cancels the match; allow: it does not. "
        "Default: guard for phrases, allow for `unless` phrases.",
    )
    requires: list[str] = Field(
        default_factory=list, description="Counts only if one of these checks is also true."
    )
    scope: Literal["span", "clause", "sentence"] = Field(
        "span",
        description="For `unless` phrases: cancel overlapping matches, matches sharing a clause "
        "with it, or every match in its sentence.",
    )
    when: ContextKey | None = Field(
        None, description="Counts only when the context gives this value (e.g. third_party)."
    )
    needs: list[str] = Field(
        default_factory=list,
        description="Counts only if one of these phrases also matches somewhere in the reply "
        "(«Записываю.» registers a complaint only in a reply that speaks of its review).",
    )
    at_least: int = Field(
        1,
        ge=1,
        le=10,
        description="Counts only where it matches at least this many times in the reply (two "
        "agreed things with their time restate an agreement; one is a promise).",
    )

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"p": value} if isinstance(value, str) else value


class Example(BaseModel):
    """One recommended wording of a check: a template (`{client_name}`, `{company}`,
    `{agent_name}`, `{greeting}`) that fits the situations its tags name (no tag: every one).

    A plain string in YAML is the same as `{text: "..."}`. Which example a run shows:
    `scenarios.examples` (a state's own example first, then the first entry whose tags fit the
    scenario's channel, kind and time of day and whose placeholders the run can fill).
    """

    model_config = ConfigDict(extra="forbid", defer_build=True)

    text: str = Field(min_length=1, description="The wording, with optional {placeholders}.")
    channels: list[Channel] = Field(
        default_factory=list, description="Only on these channels (phone, office, chat, email)."
    )
    kinds: list[str] = Field(
        default_factory=list, description="Only in scenarios of these kinds (complaint, ...)."
    )
    periods: list[str] = Field(
        default_factory=list,
        description="Only at these times of day (period labels of the time-of-day check).",
    )

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"text": value} if isinstance(value, str) else value


class PeriodSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    label: str
    start: str = Field(alias="from", pattern=r"^\d{2}:\d{2}$")
    end: str = Field(alias="to", pattern=r"^\d{2}:\d{2}$")
    phrases: list[PhraseSpec] = Field(min_length=1)


class CheckSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    id: str = ""
    kind: CheckKind
    title: str = Field(min_length=1, description="Short Russian name shown to trainees.")
    description: str = ""
    seed: str = ""
    recommended: list[Example] = Field(
        default_factory=list, description="Standard wordings to show (templates with tags)."
    )
    weight: float = Field(1.0, ge=0, description="Weight of a step in the score.")
    penalty: int = Field(20, ge=0, le=100, description="Points a violation takes off.")
    blocking: bool = Field(
        False, description="A violation that fails the attempt whatever the score."
    )
    window: Window | None = Field(
        None,
        description="Steps only: where in a run the step counts — first, from_expected, closing "
        "or any (default: from_expected). Violations are graded on every reply.",
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
    judge: bool = Field(
        False,
        description="An LLM judge (when one is set up) gives a second opinion on this check; "
        "rules OR an evidenced judge verdict (../shared/spec/llm.md).",
    )
    examples: list[str] = Field(
        default_factory=list,
        description="Replies for which the check is true, shown to the judge with the "
        "description (default: `recommended` for a step).",
    )

    @model_validator(mode="after")
    def _window_for_steps(self) -> CheckSpec:
        if self.window is not None and self.kind != "step":
            raise ValueError("`window` is for step checks (violations count on every reply)")
        return self

    @property
    def step_window(self) -> Window:
        """The step's window, the documented default when the file does not say."""
        return self.window if self.window is not None else DEFAULT_WINDOW


class StandardFile(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    name: str = "default"
    language: str = "ru"
    extends: str | None = None
    pass_mark: int | None = Field(None, ge=0, le=100)
    hint_penalty: int | None = Field(
        None, ge=0, le=100, description="Points a hint takes off the run's score (default 5)."
    )
    companies: dict[str, list[str]] = Field(default_factory=dict)
    words: dict[str, str] = Field(
        default_factory=dict,
        description="Word lists phrases name as `@name`: a name → its alternatives "
        "(«сосед|соседка|брат»); a file's list replaces the one of the same name it extends.",
    )
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
        hint_penalty: int = 5,
        words: dict[str, str] | None = None,
    ) -> None:
        self.name = name
        self.checks = checks
        self.compiled = compiled
        self.pass_mark = pass_mark
        self.companies = companies
        self.version = version
        self.source = source
        self.hint_penalty = hint_penalty
        self.words = words or {}  # the word lists phrases name as `@name`

    @property
    def steps(self) -> list[str]:
        return [c for c, spec in self.checks.items() if spec.kind == "step"]

    @property
    def violations(self) -> list[str]:
        return [c for c, spec in self.checks.items() if spec.kind == "violation"]

    def __repr__(self) -> str:
        return f"Standard({self.name!r}, {len(self.checks)} checks, version={self.version})"


# --- reading -----------------------------------------------------------------------------

STANDARD_LIMITS = Limits(
    max_bytes=1_000_000, max_depth=20, max_aliases=200, max_values=50_000, max_chars=5_000
)
"""The shipped default is about 110 KB and 2,600 values; a company file is much smaller."""
MAX_EXTENDS = 5
"""How many files deep `extends` may go (company → regional → default)."""


def _loc_text(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def _compile_phrases(
    specs: list[PhraseSpec],
    compiler: PatternCompiler,
    where: tuple[int | str, ...],
    doc: Document,
    problems: list[Problem],
    known_checks: set[str],
    label: str | None = None,
    unless: bool = False,
) -> Iterator[tuple[Phrase, str]]:
    for i, spec in enumerate(specs):
        loc = (*where, i)
        for required in spec.requires:
            if required not in known_checks:
                problems.append(
                    doc.at(
                        loc,
                        f"{_loc_text(loc)}: `requires` names an unknown check {required!r}",
                        key=True,
                    )
                )
        try:
            needs = tuple(compiler.compile(source) for source in spec.needs)
            phrase = compiler.compile(
                spec.p,
                question=spec.question,
                statement=spec.statement,
                whole=spec.whole,
                whole_clause=spec.whole_clause,
                alone=spec.alone,
                negation_allowed=(spec.negation or ("allow" if unless else "guard")) == "allow",
                requires=tuple(spec.requires),
                label=label,
                when=spec.when,
                needs=needs,
                at_least=spec.at_least,
            )
        except PatternError as exc:
            problems.append(doc.at(loc, f"{_loc_text(loc)}: {exc}", key=True))
            continue
        yield phrase, spec.scope


def _compile_check(
    spec: CheckSpec,
    compiler: PatternCompiler,
    where: tuple[int | str, ...],
    doc: Document,
    problems: list[Problem],
    known: set[str],
) -> CompiledCheck:
    """A check's phrases, periods, `unless` and `needs` compiled (problems appended, not raised)."""
    phrases = [
        p
        for p, _ in _compile_phrases(
            spec.phrases, compiler, (*where, "phrases"), doc, problems, known
        )
    ]
    for j, period in enumerate(spec.periods):
        phrases += [
            p
            for p, _ in _compile_phrases(
                period.phrases,
                compiler,
                (*where, "periods", j, "phrases"),
                doc,
                problems,
                known,
                label=period.label,
            )
        ]
    unless = list(
        _compile_phrases(
            spec.unless, compiler, (*where, "unless"), doc, problems, known, unless=True
        )
    )
    needs = [
        p
        for p, _ in _compile_phrases(spec.needs, compiler, (*where, "needs"), doc, problems, known)
    ]
    return CompiledCheck(spec, tuple(phrases), tuple(unless), tuple(needs))


def load_standard(
    path: str | Path | None = None,
    lexicon: Lexicon | None = None,
    *,
    cache_dir: Path | None = None,
) -> Standard:
    """Load, validate and compile a standard file (None: the shipped default).

    With `cache_dir` (and the default lexicon) the compiled standard is kept there and reused
    while the file and the scorer's code stay the same (`scoring.cache`); a cache that cannot be
    used is ignored. Raises `StandardError` listing every problem as `FILE:LINE:COL: message`.
    Reads files; writes only the cache file.
    """
    source = Path(path) if path is not None else DEFAULT_PATH

    def compile_standard() -> tuple[Standard, list[Path]]:
        read: list[Path] = []
        return _load(source, lexicon, (), read), read

    if lexicon is not None or cache_dir is None:
        return compile_standard()[0]
    return cached_grader(source, compile_standard, cache_dir).standard


def load_grader(path: str | Path | None = None, *, cache_dir: Path | None = None) -> Grader:
    """A grader (default lexicon) of the standard file `path` (None: the shipped default), as
    `Grader(load_standard(path, cache_dir=cache_dir))` — but with `cache_dir` the whole grader,
    its indexes built, comes from the cache (`scoring.cache`). Raises `StandardError`."""
    source = Path(path) if path is not None else DEFAULT_PATH

    def compile_standard() -> tuple[Standard, list[Path]]:
        read: list[Path] = []
        return _load(source, None, (), read), read

    return cached_grader(source, compile_standard, cache_dir)


def _load(
    path: Path, lexicon: Lexicon | None, chain: tuple[Path, ...], read: list[Path]
) -> Standard:
    read.append(path)
    doc = read_yaml(path, STANDARD_LIMITS)
    problems = list(doc.problems)
    if doc.data is None and problems:
        raise StandardError(problems)
    try:
        data = StandardFile.model_validate(doc.data if doc.data is not None else {})
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            problems.append(doc.at(loc, f"{_loc_text(loc)}: {err['msg']}", key=True))
        raise StandardError(sorted(problems)) from exc
    if problems:
        raise StandardError(problems)

    base: Standard | None = None
    if data.extends:
        base = _base(path, data.extends, doc, lexicon, (*chain, path), read)
    checks: dict[str, CheckSpec] = dict(base.checks) if base else {}
    checks.update(data.checks)
    words = dict(base.words) if base else {}
    # a list may name a list it inherits, to extend it: «kin: "@kin|арендатор"»
    extending = PatternCompiler(lexicon or default_lexicon(), words)
    for name, value in data.words.items():
        error = None if WORD_LIST_NAME.fullmatch(name) else "a word list's name is a-z, 0-9 and _"
        try:
            expanded = "|".join(extending.expand(value))
        except PatternError as exc:
            error = error or str(exc)
            expanded = value
        error = error or extending.word_list_error(expanded)
        if error:
            problems.append(doc.at(("words", name), f"words.{name}: {error}"))
        words[name] = expanded
    compiler = PatternCompiler(lexicon or default_lexicon(), words)
    compiled: dict[str, CompiledCheck] = dict(base.compiled) if base else {}
    known = set(checks)
    for check_id, spec in data.checks.items():
        where: tuple[int | str, ...] = ("checks", check_id)
        compiled[check_id] = _compile_check(spec, compiler, where, doc, problems, known)
        for i, other in enumerate(spec.unless_checks):
            if other not in known:
                loc = (*where, "unless_checks", i)
                problems.append(doc.at(loc, f"{_loc_text(loc)}: unknown check {other!r}"))
        problems += _example_problems(spec, where, doc, checks)
        if not spec.phrases and not spec.periods and spec.context is None:
            problems.append(
                doc.at(
                    where,
                    f"checks.{check_id}: a check needs `phrases` or a `context` value to match",
                    key=True,
                )
            )
    if base and not set(data.words).isdisjoint(base.words):
        # a list the file replaces reaches the phrases it inherits too
        for check_id, spec in base.checks.items():
            if check_id in data.checks:
                continue
            inherited: list[Problem] = []
            compiled[check_id] = _compile_check(spec, compiler, (), doc, inherited, known)
            problems += [
                doc.at(
                    ("words",), f"words: in the inherited check {check_id}: {p.message}", key=True
                )
                for p in inherited
            ]
    if not checks:
        problems.append(
            doc.at(
                ("checks",), "the standard defines no checks: give `checks`, or `extends: default`"
            )
        )
    if problems:
        raise StandardError(sorted(problems))
    digest = hashlib.sha256(
        json.dumps(
            {k: v.model_dump(mode="json", by_alias=True) for k, v in sorted(checks.items())}
            | ({"@words": words} if words else {}),
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
        hint_penalty=data.hint_penalty
        if data.hint_penalty is not None
        else (base.hint_penalty if base else DEFAULT_HINT_PENALTY),
        words=words,
    )


def period_labels(checks: dict[str, CheckSpec]) -> set[str]:
    """Every time-of-day period label the checks define (e.g. утро, день, вечер)."""
    return {period.label for spec in checks.values() for period in spec.periods}


def _example_problems(
    spec: CheckSpec, where: tuple[int | str, ...], doc: Document, checks: dict[str, CheckSpec]
) -> list[Problem]:
    """Unknown placeholders or period labels in a check's recommended wordings."""
    problems: list[Problem] = []
    labels = period_labels(checks)
    for i, example in enumerate(spec.recommended):
        loc = (*where, "recommended", i)
        for error in template_errors(example.text):
            problems.append(doc.at(loc, f"{_loc_text(loc)}: {error}"))
        for period in example.periods:
            if period not in labels:
                known = ", ".join(sorted(labels)) or "none"
                problems.append(
                    doc.at(loc, f"{_loc_text(loc)}: unknown period {period!r} (known: {known})")
                )
    return problems


def _base(
    path: Path,
    extends: str,
    doc: Document,
    lexicon: Lexicon | None,
    chain: tuple[Path, ...],
    read: list[Path],
) -> Standard:
    """The standard a file `extends` (`default` or a file beside it). Raises `StandardError`."""
    base_path = DEFAULT_PATH if extends == "default" else path.parent / extends
    if base_path.resolve() in {p.resolve() for p in chain}:
        raise StandardError(
            [doc.at(("extends",), f"extends: '{extends}' leads back to this file (a loop)")]
        )
    if len(chain) >= MAX_EXTENDS:
        raise StandardError(
            [doc.at(("extends",), f"extends: more than {MAX_EXTENDS} files deep")]
        )
    if not base_path.is_file():
        raise StandardError([doc.at(("extends",), f"extends: no such file '{extends}'")])
    return _load(base_path, lexicon, chain, read)


@lru_cache(maxsize=1)
def default_standard() -> Standard:
    """The shipped default standard, loaded once per process (compiled once per code version,
    through the cache in `default_cache_dir()`): the standard of `default_grader()`."""
    return default_grader().standard


@lru_cache(maxsize=1)
def default_grader() -> Grader:
    """A grader of the shipped default standard, loaded once per process, ready built, from the
    cache in `default_cache_dir()`. Graders keep only memos of pure functions, so one is shared
    by everything in the process that grades with the default standard."""
    return load_grader(DEFAULT_PATH, cache_dir=default_cache_dir())
