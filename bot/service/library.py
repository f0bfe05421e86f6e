"""The published library as the service reads it: scenarios and the standard live in the
database; this keeps a parsed copy per library revision.

Every read asks storage for the revision first (`Storage.library_revision`, one cheap query) and
reloads when it moved, so a scenario published or disabled by another bot process, or by
`roleplay publish`, is seen on the next reply — no process cache goes stale. Parsed scenarios are
kept by content hash and compiled standards by version, so a reload costs only what changed.

The shipped library (and `SCENARIOS_PATH`) seeds the database at start (`seed`): a scenario is
published from its file when it is new, or when its file changed and its current version is
still a seeded one; a version a trainer published is never replaced by a file.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

from ruamel.yaml import YAML

from bot.errors import AlreadyPublished
from bot.storage import LibraryEntry, PublishedStandard, Storage
from scenarios import Library, Problem, Scenario, ScenarioError, load_scenario
from scoring import Grader, Standard, StandardError, load_standard

logger = logging.getLogger(__name__)

SAFE_NAME = "uploaded.yaml"


@dataclass(frozen=True)
class Snapshot:
    """The published library at one revision."""

    revision: int
    entries: Mapping[str, LibraryEntry]
    """Every scenario of the library (enabled or not), by id."""
    scenarios: Mapping[str, Scenario]
    """The current version of every scenario, by id."""
    enabled: Mapping[str, Scenario]
    """What trainees see: the enabled scenarios, by id."""
    standard: Standard
    grader: Grader
    standard_row: PublishedStandard | None


def standard_key(standard: Standard) -> str:
    """The standard's identity for publishing and caching: its checks' hash (`version`) plus
    what else changes a score — the pass mark and the hint penalty, which `version` leaves out
    (two standards that differ only in `pass_mark: 80` are different versions here)."""
    extra = f"{standard.pass_mark}:{standard.hint_penalty}"
    return standard.version + "-" + hashlib.sha256(extra.encode()).hexdigest()[:6]


def safe_file_name(name: str | None, default: str = SAFE_NAME) -> str:
    """A file name without folders or odd characters (kept for problems and downloads)."""
    base = Path(name or "").name.strip()
    cleaned = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in base)
    return cleaned.lstrip(".")[:80] or default


def scenario_from_bytes(data: bytes, file_name: str, standard: Standard) -> Scenario:
    """Validate a scenario file's bytes exactly as `roleplay validate` does the file (size,
    encoding, YAML, the format, the machine, the standard's check ids).

    Raises `ScenarioError` whose problems name `file_name`. Writes a temporary file only.
    """
    with tempfile.TemporaryDirectory(prefix="roleplay-") as folder:
        path = Path(folder) / safe_file_name(file_name)
        path.write_bytes(data)
        try:
            return load_scenario(path, standard)
        except ScenarioError as exc:
            raise ScenarioError(str(exc), _renamed(exc.problems, path, file_name)) from None


def standard_from_bytes(data: bytes, file_name: str) -> Standard:
    """Load a standard file's bytes as `load_standard` does the file (`extends: default`
    resolves to the shipped default; other files beside it are not available).

    Raises `StandardError` whose problems name `file_name`. Writes a temporary file only.
    """
    with tempfile.TemporaryDirectory(prefix="roleplay-") as folder:
        path = Path(folder) / safe_file_name(file_name)
        path.write_bytes(data)
        try:
            return load_standard(path)
        except StandardError as exc:
            raise StandardError(_renamed(exc.problems, path, file_name)) from None


def _renamed(problems: list[Problem], path: Path, shown: str) -> list[Problem]:
    return [
        Problem(shown if p.file == str(path) else p.file, p.line, p.col, p.message)
        for p in problems
    ]


def scenario_yaml(scenario: Scenario) -> str:
    """YAML text of a scenario that was given as an object (not read from a file)."""
    data = scenario.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    out = StringIO()
    yaml.dump(data, out)
    return out.getvalue()


class PublishedLibrary:
    """The library and standard of the database, parsed once per revision. Reads only, except
    `seed`. `standard` is the one the process was started with: it grades until a standard is
    published, and is what `seed` publishes first."""

    def __init__(self, storage: Storage, standard: Standard, grader: Grader | None = None) -> None:
        self._storage = storage
        self._start = standard
        self._standards: dict[str, tuple[Standard, Grader]] = {
            standard_key(standard): (standard, grader or Grader(standard))
        }
        self._parsed: dict[tuple[str, str], Scenario] = {}
        self._snapshot: Snapshot | None = None

    # --- reading -----------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The library at the database's current revision (reloaded when it moved)."""
        revision = self._storage.library_revision()
        if self._snapshot is None or self._snapshot.revision != revision:
            self._snapshot = self._load(revision)
        return self._snapshot

    def _load(self, revision: int) -> Snapshot:
        entries = {e.scenario_id: e for e in self._storage.library_entries()}
        row = self._storage.current_standard()
        standard, grader = self.standard_of(row)
        scenarios: dict[str, Scenario] = {}
        for sid, entry in entries.items():
            key = (sid, entry.current.content_hash)
            scenario = self._parsed.get(key)
            if scenario is None:
                scenario = Scenario.model_validate_json(entry.current.content)
                self._parsed[key] = scenario
            scenarios[sid] = scenario
        enabled = {sid: s for sid, s in scenarios.items() if entries[sid].enabled}
        return Snapshot(revision, entries, scenarios, enabled, standard, grader, row)

    def standard_of(self, row: PublishedStandard | None) -> tuple[Standard, Grader]:
        """The compiled standard (and its grader) of a published row; the start standard for
        None. A row that no longer loads (e.g. its base changed) falls back to the start one."""
        if row is None:
            return self._standards[standard_key(self._start)]
        known = self._standards.get(row.version)
        if known is not None:
            return known
        try:
            standard = standard_from_bytes(row.yaml.encode("utf-8"), row.file_name)
        except StandardError as exc:
            logger.error("published standard %s does not load: %s", row.number, exc)
            return self._standards[standard_key(self._start)]
        return self.remember(standard)

    def remember(self, standard: Standard, grader: Grader | None = None) -> tuple[Standard, Grader]:
        """Keep a compiled standard (just published, or loaded) by its version."""
        key = standard_key(standard)
        known = self._standards.get(key)
        if known is None:
            known = (standard, grader or Grader(standard))
            self._standards[key] = known
        return known

    def standard_by_version(self, version: str) -> Standard | None:
        """A standard this process knows or the database holds, by `standard_key`."""
        known = self._standards.get(version)
        if known is not None:
            return known[0]
        row = self._storage.standard_by_version(version)
        return None if row is None else self.standard_of(row)[0]

    # --- seeding -----------------------------------------------------------------------------

    def seed(self, library: Mapping[str, Scenario], standard: Standard) -> list[str]:
        """Publish the shipped library (and `SCENARIOS_PATH`) and the start standard where the
        database lacks them or has an older seeded copy; return what was published.

        Writes: only what is new. A scenario that does not validate against the database's
        current standard (a trainer's) is logged and left out.
        """
        done: list[str] = []
        text = _read(standard.source)
        if text is not None:
            try:
                row = self._storage.publish_standard(
                    version=standard_key(standard), name=standard.name,
                    file_name=safe_file_name(standard.source.name if standard.source else None),
                    yaml=text, source="seed", published_by=None, only_if_seeded=True,
                )
                if row is not None:
                    done.append(f"standard v{row.number}")
            except AlreadyPublished:
                pass
        current = self.snapshot().standard
        files = library.files if isinstance(library, Library) else {}
        for sid, scenario in library.items():
            path = files.get(sid)
            yaml = _read(Path(path)) if path else None
            if yaml is None:
                yaml = scenario_yaml(scenario)
            if standard_key(current) != standard_key(standard):
                try:
                    name = Path(path or f"{sid}.yaml").name
                    scenario = scenario_from_bytes(yaml.encode("utf-8"), name, current)
                except ScenarioError as exc:
                    logger.warning("scenario %s not seeded: %s", sid, exc)
                    continue
            try:
                published = self._storage.publish_scenario(
                    scenario_id=sid, content_hash=scenario.version, title=scenario.title,
                    kind=scenario.kind, file_name=safe_file_name(Path(path).name if path else
                                                                 f"{sid}.yaml"),
                    yaml=yaml, content=scenario.model_dump_json(by_alias=True), source="seed",
                    published_by=None, only_if_seeded=True,
                )
            except AlreadyPublished:
                continue
            if published is None:
                logger.info("scenario %s: a trainer's version is current; the file is not "
                            "published over it", sid)
            else:
                done.append(f"{sid} v{published.number}")
        return done


def _read(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
