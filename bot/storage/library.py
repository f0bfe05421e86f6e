"""The published library: scenario and standard versions, which scenarios trainees see, and the
revision counter that tells every process its copy is stale; the trainer's statistics queries.

Every change bumps `library_revision` in its own transaction, so a reader keyed by the revision
(`bot.service.library.PublishedLibrary`) is never stale, whichever process made the change.
"""

from __future__ import annotations

from typing import Any

from bot.errors import AlreadyPublished, NotFound
from bot.storage.base import Connection
from bot.storage.rows import (
    AttemptPath,
    LibraryEntry,
    PublishedScenario,
    PublishedStandard,
    Source,
    TurnStep,
    dumps,
    loads,
    published_from,
    standard_from,
    utcnow,
)

_PUBLISHED = """
    SELECT v.*, p.display_name AS published_by_name
      FROM published_scenarios v LEFT JOIN people p ON p.id = v.published_by
"""
_STANDARDS = """
    SELECT s.*, p.display_name AS published_by_name
      FROM published_standards s LEFT JOIN people p ON p.id = s.published_by
"""


class LibraryStore(Connection):
    """Published scenario versions, the library's enabled flags, standard versions."""

    _revision_seen: tuple[int, int] | None = None  # (PRAGMA data_version, revision)

    # --- the revision ------------------------------------------------------------------------

    def library_revision(self) -> int:
        """The library's revision: it changes with every publish and enable/disable, whichever
        process made it. Writes: no.

        Cheap on purpose (it is read on every reply): SQLite's `data_version` tells whether any
        other connection committed since the last read; only then is the counter read again.
        """
        with self._lock:
            data_version = int(self.db.execute("PRAGMA data_version").fetchone()[0])
            seen = self._revision_seen
            if seen is not None and seen[0] == data_version:
                return seen[1]
            row = self.db.execute("SELECT revision FROM library_revision WHERE id = 1").fetchone()
            revision = int(row[0]) if row else 0
            self._revision_seen = (data_version, revision)
            return revision

    def _bump(self, db: Any) -> None:
        db.execute("UPDATE library_revision SET revision = revision + 1 WHERE id = 1")
        self._revision_seen = None

    # --- scenarios ---------------------------------------------------------------------------

    def publish_scenario(
        self,
        *,
        scenario_id: str,
        content_hash: str,
        title: str,
        kind: str,
        file_name: str,
        yaml: str,
        content: str,
        source: Source,
        published_by: int | None,
        warnings: list[dict[str, Any]] | None = None,
        only_if_seeded: bool = False,
    ) -> PublishedScenario | None:
        """Publish a new version of a scenario and make it current; return it. Writes: yes (the
        version, the library row, the revision) in one transaction.

        A scenario published for the first time is enabled. With `only_if_seeded` (seeding from
        the shipped library), a scenario whose current version a trainer published is left as it
        is and None is returned. Raises `AlreadyPublished` when `content_hash` is the current
        version already (nothing is written).
        """
        now = utcnow()
        with self.transaction() as db:
            current = db.execute(
                "SELECT v.number, v.content_hash, v.source FROM library_scenarios l "
                "JOIN published_scenarios v ON v.id = l.current_id WHERE l.scenario_id = ?",
                [scenario_id],
            ).fetchone()
            if current is not None and current[1] == content_hash:
                raise AlreadyPublished(f"scenario {scenario_id}", int(current[0]))
            if only_if_seeded and current is not None and current[2] != "seed":
                return None
            number = int(db.execute(
                "SELECT coalesce(max(number), 0) + 1 FROM published_scenarios "
                "WHERE scenario_id = ?", [scenario_id]).fetchone()[0])
            table = self._table("published_scenarios")
            table.insert({
                "scenario_id": scenario_id, "number": number, "content_hash": content_hash,
                "title": title, "kind": kind, "file_name": file_name, "yaml": yaml,
                "content": content, "source": source, "published_by": published_by,
                "published_at": now, "warnings": dumps(warnings or []),
            })
            version_id = self._last_id(table)
            db.execute(
                "INSERT INTO library_scenarios (scenario_id, current_id, enabled, changed_by, "
                "changed_at) VALUES (?, ?, 1, ?, ?) ON CONFLICT(scenario_id) DO UPDATE SET "
                "current_id = excluded.current_id, changed_by = excluded.changed_by, "
                "changed_at = excluded.changed_at",
                [scenario_id, version_id, published_by, now],
            )
            self._bump(db)
        return self.published_version(version_id)

    def set_scenario_enabled(
        self, scenario_id: str, enabled: bool, *, changed_by: int | None
    ) -> LibraryEntry:
        """Show the scenario to trainees or hide it. Writes: yes (and the revision, when it
        changes). Raises `NotFound` for a scenario not in the library."""
        with self.transaction() as db:
            cursor = db.execute(
                "UPDATE library_scenarios SET enabled = ?, changed_by = ?, changed_at = ? "
                "WHERE scenario_id = ? AND enabled != ?",
                [int(enabled), changed_by, utcnow(), scenario_id, int(enabled)],
            )
            if cursor.rowcount:
                self._bump(db)
        return self.library_entry(scenario_id)

    def library_entries(self) -> list[LibraryEntry]:
        """Every scenario of the published library (enabled or not), by id. Writes: no."""
        rows = self.db.query(
            f"""
            WITH v AS ({_PUBLISHED})
            SELECT v.*, l.enabled AS enabled, l.changed_by AS changed_by,
                   l.changed_at AS changed_at,
                   (SELECT count(*) FROM published_scenarios c
                     WHERE c.scenario_id = l.scenario_id) AS versions
              FROM library_scenarios l JOIN v ON v.id = l.current_id
             ORDER BY l.scenario_id
            """
        )
        return [_entry(r) for r in rows]

    def library_entry(self, scenario_id: str) -> LibraryEntry:
        """One scenario of the published library. Writes: no. Raises `NotFound`."""
        for entry in self.library_entries():
            if entry.scenario_id == scenario_id:
                return entry
        raise NotFound(f"scenario {scenario_id!r} is not in the published library")

    def published_version(self, version_id: int) -> PublishedScenario:
        """One published scenario version. Writes: no. Raises `NotFound`."""
        rows = list(self.db.query(f"{_PUBLISHED} WHERE v.id = ?", [version_id]))
        if not rows:
            raise NotFound(f"published version {version_id} not found")
        return published_from(rows[0])

    def published_versions(self, scenario_id: str) -> list[PublishedScenario]:
        """Every published version of one scenario, oldest first. Writes: no."""
        rows = self.db.query(f"{_PUBLISHED} WHERE v.scenario_id = ? ORDER BY v.number",
                             [scenario_id])
        return [published_from(r) for r in rows]

    # --- standards ---------------------------------------------------------------------------

    def publish_standard(
        self,
        *,
        version: str,
        name: str,
        file_name: str,
        yaml: str,
        source: Source,
        published_by: int | None,
        only_if_seeded: bool = False,
    ) -> PublishedStandard | None:
        """Publish a new version of the standard and make it current; return it. Writes: yes.

        With `only_if_seeded`, a standard a trainer published stays current (None is returned).
        Raises `AlreadyPublished` when `version` is the current one already.
        """
        with self.transaction() as db:
            current = db.execute(
                "SELECT number, version, source FROM published_standards "
                "ORDER BY number DESC LIMIT 1"
            ).fetchone()
            if current is not None and current[1] == version:
                raise AlreadyPublished("the standard", int(current[0]))
            if only_if_seeded and current is not None and current[2] != "seed":
                return None
            number = 1 if current is None else int(current[0]) + 1
            table = self._table("published_standards")
            table.insert({
                "number": number, "version": version, "name": name, "file_name": file_name,
                "yaml": yaml, "source": source, "published_by": published_by,
                "published_at": utcnow(),
            })
            standard_id = self._last_id(table)
            self._bump(db)
        rows = list(self.db.query(f"{_STANDARDS} WHERE s.id = ?", [standard_id]))
        return standard_from(rows[0])

    def current_standard(self) -> PublishedStandard | None:
        """The newest published standard, or None before any was published. Writes: no."""
        rows = list(self.db.query(f"{_STANDARDS} ORDER BY s.number DESC LIMIT 1"))
        return standard_from(rows[0]) if rows else None

    def published_standards(self) -> list[PublishedStandard]:
        """Every published standard version, oldest first. Writes: no."""
        return [standard_from(r) for r in self.db.query(f"{_STANDARDS} ORDER BY s.number")]

    def standard_by_version(self, version: str) -> PublishedStandard | None:
        """The newest published standard with this content hash, or None. Writes: no."""
        rows = list(self.db.query(
            f"{_STANDARDS} WHERE s.version = ? ORDER BY s.number DESC LIMIT 1", [version]))
        return standard_from(rows[0]) if rows else None

    # --- what the trainer's statistics read --------------------------------------------------

    def attempt_paths(self, scenario_id: str) -> tuple[list[AttemptPath], list[TurnStep]]:
        """Every counted (not preview) attempt of a scenario and its graded turns, in order.

        Two queries, no reply texts. Writes: no.
        """
        attempts = [
            AttemptPath(
                attempt_id=r["id"], status=r["status"], outcome=r["outcome"],
                passed=None if r["passed"] is None else bool(r["passed"]),
                hints_used=r["hints_used"], scenario_version_id=r["scenario_version_id"],
            )
            for r in self.db.query(
                "SELECT id, status, outcome, passed, hints_used, scenario_version_id "
                "FROM attempts WHERE scenario_id = ? AND preview = 0 ORDER BY id",
                [scenario_id],
            )
        ]
        turns = [
            TurnStep(
                attempt_id=r["attempt_id"], idx=r["idx"], state=r["state"],
                next_state=r["next_state"], passed=bool(r["passed"]),
                missed_steps=loads(r["missed_steps"], []),
                violations=[v.get("check", "") for v in loads(r["violations"], [])],
                elapsed_seconds=r["elapsed_seconds"],
            )
            for r in self.db.query(
                "SELECT t.attempt_id, t.idx, t.state, t.next_state, t.passed, t.missed_steps, "
                "t.violations, t.elapsed_seconds FROM turns t JOIN attempts a "
                "ON a.id = t.attempt_id WHERE a.scenario_id = ? AND a.preview = 0 "
                "ORDER BY t.attempt_id, t.idx",
                [scenario_id],
            )
        ]
        return attempts, turns


def _entry(row: dict[str, Any]) -> LibraryEntry:
    return LibraryEntry(
        scenario_id=row["scenario_id"],
        enabled=bool(row["enabled"]),
        current=published_from(row),
        versions=int(row["versions"]),
        changed_by=row["changed_by"],
        changed_at=row["changed_at"],
    )

