"""The trainer's workbench (`TrainingService.trainer`): the published library, publishing with
validation and a self-test, previews, statistics of where trainees fail.

Every action checks the acting person's role here (trainer or admin; `Forbidden` otherwise),
whatever a handler, a command or crafted callback data asks for. Framework-free.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

from bot.errors import AlreadyPublished, Forbidden, NotFound, UnknownScenario
from bot.service.library import (
    safe_file_name,
    scenario_from_bytes,
    standard_from_bytes,
    standard_key,
)
from bot.service.people import Who
from bot.service.stats import ScenarioFunnel, funnel
from bot.service.views import StartView
from bot.storage import LibraryEntry, PublishedScenario, PublishedStandard, Source
from scenarios import Problem, Scenario, ScenarioError
from scenarios.selftest import Finding, SelfTest, run_selftest
from scoring import Standard, StandardError
from scoring.source import parse_yaml

if TYPE_CHECKING:
    from bot.service.training import TrainingService

Kind = Literal["scenario", "standard"]
Status = Literal["published", "rejected", "unchanged", "confirm"]

SUFFIXES = (".yaml", ".yml")
MAX_UPLOAD_BYTES = 1_000_000
"""The largest file accepted for publishing (a standard may be ~110 KB, a scenario ≤ 256 KB)."""


@dataclass(frozen=True, slots=True)
class Located:
    """A problem of a file and the field it stands at (None when it is not a field)."""

    problem: Problem
    field: str | None


@dataclass(frozen=True, slots=True)
class ScenarioWarning:
    """A self-test finding about one scenario (for a standard: every scenario it affects)."""

    scenario_id: str
    finding: Finding


@dataclass(frozen=True, slots=True)
class PublishOutcome:
    """What publishing a file did. `rejected`: nothing changed, `problems` say why (or, with
    `strict`, the `warnings`); `confirm`: valid, but the self-test warns: nothing changed until
    it is published again with `accept_warnings`; `unchanged`: it is the current version."""

    status: Status
    kind: Kind
    file_name: str
    problems: list[Located] = field(default_factory=list)
    warnings: list[ScenarioWarning] = field(default_factory=list)
    scenario_id: str | None = None
    number: int | None = None
    version: str | None = None
    checked: list[str] = field(default_factory=list)
    """For a standard: the published scenarios validated against it."""


@dataclass(frozen=True, slots=True)
class LibraryItem:
    """One scenario of the library as the trainer sees it."""

    entry: LibraryEntry
    scenario: Scenario

    @property
    def id(self) -> str:
        return self.entry.scenario_id


@dataclass(frozen=True, slots=True)
class LibraryView:
    items: list[LibraryItem]
    standard: PublishedStandard | None
    standard_version: str


class TrainerService:
    """The trainer's actions on the published library. Role checks on every call."""

    def __init__(self, service: TrainingService) -> None:
        self._service = service
        self._storage = service.storage

    # --- who ---------------------------------------------------------------------------------

    @staticmethod
    def require(who: Who) -> None:
        """Raises `Forbidden` unless `who` is a trainer or an admin."""
        if not who.can("trainer"):
            raise Forbidden("the trainer role is needed")

    def terminal_operator(self, login: str, name: str | None = None) -> Who:
        """The person at the server's terminal (`roleplay publish`, `selftest`, `stats`,
        `disputes`): created on first use, acting as an admin — whoever runs `roleplay` on the
        server can read the database file anyway. Writes: when creating or renaming."""
        person = self._service.people.terminal_person(login, name)
        return self._service.people.who(person, admin=True)

    # --- the library -------------------------------------------------------------------------

    def library(self, who: Who) -> LibraryView:
        """Every scenario of the library (enabled or not) with its current version, and the
        current standard. Writes: no. Raises `Forbidden`."""
        self.require(who)
        snap = self._service.published.snapshot()
        items = [LibraryItem(snap.entries[sid], snap.scenarios[sid]) for sid in snap.entries]
        return LibraryView(items, snap.standard_row, standard_key(snap.standard))

    def item(self, who: Who, scenario_id: str) -> LibraryItem:
        """One scenario of the library. Writes: no. Raises `Forbidden`, `UnknownScenario`."""
        self.require(who)
        snap = self._service.published.snapshot()
        if scenario_id not in snap.entries:
            raise UnknownScenario(scenario_id)
        return LibraryItem(snap.entries[scenario_id], snap.scenarios[scenario_id])

    def item_by_version(self, who: Who, version_id: int) -> LibraryItem:
        """The scenario one of whose published versions has this id (buttons carry the short
        version id, not the scenario id). Writes: no. Raises `Forbidden`, `UnknownScenario`."""
        self.require(who)
        try:
            scenario_id = self._storage.published_version(version_id).scenario_id
        except NotFound:
            raise UnknownScenario(f"version {version_id}") from None
        return self.item(who, scenario_id)

    def versions(self, who: Who, scenario_id: str) -> list[PublishedScenario]:
        """Every published version of a scenario, oldest first. Writes: no.
        Raises `Forbidden`, `UnknownScenario`."""
        self.item(who, scenario_id)
        return self._storage.published_versions(scenario_id)

    def set_enabled(self, who: Who, scenario_id: str, enabled: bool) -> LibraryItem:
        """Show a scenario to trainees or hide it (attempts in progress go on). Writes: yes.
        Raises `Forbidden`, `UnknownScenario`."""
        self.require(who)
        try:
            self._storage.set_scenario_enabled(
                scenario_id, enabled, changed_by=who.person.id if who.person else None
            )
        except NotFound:
            raise UnknownScenario(scenario_id) from None
        return self.item(who, scenario_id)

    def download(self, who: Who, scenario_id: str) -> tuple[str, bytes]:
        """The current version's file name and YAML exactly as it was published.
        Writes: no. Raises `Forbidden`, `UnknownScenario`."""
        entry = self.item(who, scenario_id).entry
        return entry.current.file_name, entry.current.yaml.encode("utf-8")

    async def preview(self, who: Who, scenario_id: str, *, channel: Source = "telegram",
                      replace_active: bool = False) -> StartView:
        """Play a scenario (enabled or not) as a trainee would; the attempt is marked preview
        and no report or statistic counts it. Writes: yes. Raises `Forbidden`,
        `UnknownScenario`, `PersonNotFound` (not registered), `AttemptAlreadyActive`."""
        item = self.item(who, scenario_id)
        if who.person is None:
            from bot.errors import PersonNotFound

            raise PersonNotFound("register first to preview a scenario")
        return await self._service.preview(
            who.person.id, item.scenario, None, "terminal" if channel == "terminal" else
            "telegram", agent_name=who.person.display_name, replace_active=replace_active,
        )

    # --- publishing --------------------------------------------------------------------------

    async def publish(
        self,
        who: Who,
        file_name: str,
        data: bytes,
        *,
        source: Source = "telegram",
        accept_warnings: bool = False,
        strict: bool = False,
    ) -> PublishOutcome:
        """Validate a scenario or standard file and publish it as a new version.

        On any problem nothing changes (`rejected`, the problems as `roleplay validate` names
        them, with the field each stands at). A valid scenario is self-tested; its warnings make
        the outcome `confirm` (nothing written) unless `accept_warnings`, and `rejected` with
        `strict`. A standard is validated against every published scenario and self-tests them.
        Writes: only when `published`. Raises `Forbidden`.
        """
        self.require(who)
        shown = file_name or "uploaded.yaml"
        rejected = self._file_problems(shown, data)
        kind = _kind_of(data)
        if rejected:
            return PublishOutcome("rejected", kind, shown, rejected)
        if kind == "standard":
            return await self._publish_standard(who, shown, data, source, accept_warnings,
                                                strict)
        return await self._publish_scenario(who, shown, data, source, accept_warnings, strict)

    def check_upload(self, who: Who, file_name: str, size: int | None) -> list[Located]:
        """What is wrong with a file before it is even downloaded: its type (`.yaml`/`.yml`)
        and size (`MAX_UPLOAD_BYTES`). Writes: no. Raises `Forbidden`."""
        self.require(who)
        return self._limits(file_name or "uploaded.yaml", size or 0)

    @staticmethod
    def _limits(shown: str, size: int) -> list[Located]:
        if not shown.lower().endswith(SUFFIXES):
            return [Located(Problem(shown, 1, 1, "only .yaml or .yml files can be published"),
                            None)]
        if size > MAX_UPLOAD_BYTES:
            return [Located(Problem(shown, 1, 1, f"the file is {size:,} bytes; at most "
                                    f"{MAX_UPLOAD_BYTES:,} are accepted"), None)]
        return []

    def _file_problems(self, shown: str, data: bytes) -> list[Located]:
        return self._limits(shown, len(data))

    async def _publish_scenario(
        self, who: Who, shown: str, data: bytes, source: Source, accept: bool, strict: bool
    ) -> PublishOutcome:
        snap = self._service.published.snapshot()
        try:
            scenario = scenario_from_bytes(data, shown, snap.standard)
        except ScenarioError as exc:
            return PublishOutcome("rejected", "scenario", shown, _located(exc.problems, data))
        result = await self.selftest_scenario(scenario, snap.standard)
        warnings = [ScenarioWarning(scenario.id, f) for f in result.findings]
        outcome = PublishOutcome("rejected", "scenario", shown, scenario_id=scenario.id,
                                 version=scenario.version, warnings=warnings)
        if warnings and strict:
            return outcome
        if warnings and not accept:
            return replace(outcome, status="confirm")
        try:
            published = self._storage.publish_scenario(
                scenario_id=scenario.id, content_hash=scenario.version, title=scenario.title,
                kind=scenario.kind, file_name=safe_file_name(shown, f"{scenario.id}.yaml"),
                yaml=data.decode("utf-8"), content=scenario.model_dump_json(by_alias=True),
                source=source, published_by=who.person.id if who.person else None,
                warnings=[f.as_dict() for f in result.findings],
            )
        except AlreadyPublished as exc:
            return replace(outcome, status="unchanged", number=exc.number)
        assert published is not None
        return replace(outcome, status="published", number=published.number)

    async def _publish_standard(
        self, who: Who, shown: str, data: bytes, source: Source, accept: bool, strict: bool
    ) -> PublishOutcome:
        try:
            standard = standard_from_bytes(data, shown)
        except StandardError as exc:
            return PublishOutcome("rejected", "standard", shown, _located(exc.problems, data))
        snap = self._service.published.snapshot()
        problems: list[Located] = []
        scenarios: list[Scenario] = []
        for entry in snap.entries.values():
            text = entry.current.yaml.encode("utf-8")
            try:
                scenarios.append(scenario_from_bytes(text, entry.current.file_name, standard))
            except ScenarioError as exc:
                problems += _located(exc.problems, text)
        checked = list(snap.entries)
        if problems:
            return PublishOutcome("rejected", "standard", shown, problems, checked=checked,
                                  version=standard_key(standard))
        warnings: list[ScenarioWarning] = []
        for scenario in scenarios:
            result = await self.selftest_scenario(scenario, standard)
            warnings += [ScenarioWarning(scenario.id, f) for f in result.findings]
        outcome = PublishOutcome("rejected", "standard", shown, version=standard_key(standard),
                                 warnings=warnings, checked=checked)
        if warnings and strict:
            return outcome
        if warnings and not accept:
            return replace(outcome, status="confirm")
        try:
            row = self._storage.publish_standard(
                version=standard_key(standard), name=standard.name,
                file_name=safe_file_name(shown, "standard.yaml"), yaml=data.decode("utf-8"),
                source=source, published_by=who.person.id if who.person else None,
            )
        except AlreadyPublished as exc:
            return replace(outcome, status="unchanged", number=exc.number)
        assert row is not None
        self._service.published.remember(standard)
        return replace(outcome, status="published", number=row.number)

    # --- self-test ---------------------------------------------------------------------------

    async def selftest(self, who: Who, scenario_id: str) -> SelfTest:
        """Self-test a scenario of the library (enabled or not) on the current standard.
        Writes: no. Raises `Forbidden`, `UnknownScenario`."""
        item = self.item(who, scenario_id)
        return await self.selftest_scenario(item.scenario, self._service.standard)

    async def selftest_file(
        self, who: Who, file_name: str, data: bytes
    ) -> tuple[SelfTest | None, list[Located]]:
        """Validate a scenario file and self-test it (nothing is published): the result, or
        None and the problems. Writes: no. Raises `Forbidden`."""
        self.require(who)
        problems = self._file_problems(file_name, data)
        if problems:
            return None, problems
        standard = self._service.standard
        try:
            scenario = scenario_from_bytes(data, file_name, standard)
        except ScenarioError as exc:
            return None, _located(exc.problems, data)
        return await self.selftest_scenario(scenario, standard), []

    async def selftest_scenario(self, scenario: Scenario, standard: Standard) -> SelfTest:
        """The self-test of a scenario on a standard (the engine with no LLM seams)."""
        _, grader = self._service.published.remember(standard)
        return await run_selftest(scenario, standard, grader)

    # --- where trainees fail -----------------------------------------------------------------

    def stats(self, who: Who, scenario_id: str) -> ScenarioFunnel:
        """Where trainees fail in a scenario, from its stored attempts (preview ones are not
        counted): the funnel over its states, the checks missed most per state, the median
        answer time, the hint use. Writes: no. Raises `Forbidden`, `UnknownScenario`."""
        item = self.item(who, scenario_id)
        attempts, turns = self._storage.attempt_paths(scenario_id)
        return funnel(item.scenario, attempts, turns)


def _kind_of(data: bytes) -> Kind:
    """A standard has `checks` (or `extends`) and no `states`; anything else is read as a
    scenario (so a broken file gets the scenario loader's problems)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "scenario"
    doc = parse_yaml(text, "probe")
    if isinstance(doc.data, dict) and "states" not in doc.data and "id" not in doc.data and (
        "checks" in doc.data or "extends" in doc.data
    ):
        return "standard"
    return "scenario"


def _located(problems: Sequence[Problem], data: bytes) -> list[Located]:
    """Each problem with the field of the file at its line and column."""
    fields = field_index(data)
    return [Located(p, fields.get((p.line, p.col))) for p in problems]


def field_index(data: bytes) -> dict[tuple[int, int], str]:
    """(line, col) → the dotted path of the field whose key or value starts there."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return {}
    doc = parse_yaml(text, "fields")
    out: dict[tuple[int, int], str] = {}

    def walk(value: object, loc: tuple[str | int, ...]) -> None:
        if loc:
            path = _dotted(loc)
            out.setdefault(doc.positions.key(loc), path)
            out.setdefault(doc.positions.value(loc), path)
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, (*loc, str(k)))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, (*loc, i))

    if doc.data is not None:
        walk(doc.data, ())
    return out


def _dotted(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


__all__ = [
    "Kind",
    "LibraryItem",
    "LibraryView",
    "Located",
    "PublishOutcome",
    "ScenarioWarning",
    "TrainerService",
]
