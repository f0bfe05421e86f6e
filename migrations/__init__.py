"""The database schema, applied in order by sqlite-utils' built-in `Migrations`.

Each function below is one migration; it runs once per database inside a transaction together with
the record of it having been applied (table `_sqlite_migrations`). Never edit an applied migration:
add a new one at the end.

Tables:
    teams               a team/branch with the invite code HR hands out (`?start=team_<code>`)
    people              trainees, trainers, HR, admins; `telegram_id` is NULL for terminal users,
                        who are identified by `terminal_login` instead
    scenario_versions   one row per (scenario id, content hash, standard version) with the
                        scenario's content, so an attempt points at exactly what it was played on
    attempts            one run of one scenario by one person, with the engine's RunState snapshot
                        and when its current client line was shown (`line_shown_at`, m002);
                        `formula` (m003): the run formula its score and card were computed with
    turns               one graded reply of an attempt (verdicts with evidence as JSON)
    fsm_states          aiogram FSM state and data per key (bot/fsm_storage.py)
    processed_events    idempotency record of handled Telegram update ids / callback ids
    published_scenarios every published version of a scenario (m004): number, the original YAML
                        text, the validated content, who published it and when
    library_scenarios   the published library (m004): per scenario its current version and
                        whether trainees see it (`enabled`)
    published_standards every published version of the standard (m004); the newest is current
    library_revision    one row (m004): a counter bumped by every change of the published
                        library, so every process can tell that its copy is stale
    disputes            a trainee contesting one verdict of one turn, and the trainer's ruling
                        (m004)
    inbox               received updates not handled yet (replayed after a crash; m008)
    llm_calls           every LLM / speech call made for a turn (m006)
    hr_teams            which teams an HR person reports on (m005; admins assign them)
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

migrations = Migrations("roleplay")


@migrations()
def m001_initial(db: Database) -> None:
    db.table("teams").create(
        {"id": int, "name": str, "invite_code": str, "created_at": str},
        pk="id",
        not_null=["name", "invite_code", "created_at"],
    )
    db.table("teams").create_index(["invite_code"], unique=True)

    db.table("people").create(
        {
            "id": int,
            "telegram_id": int,
            "terminal_login": str,
            "display_name": str,
            "team_id": int,
            "roles": str,  # JSON list of role names beyond "trainee"
            "language": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("team_id", "teams", "id")],
        not_null=["display_name", "roles", "language", "created_at"],
        defaults={"roles": "[]", "language": "ru"},
    )
    db.table("people").create_index(["telegram_id"], unique=True)
    db.table("people").create_index(["terminal_login"], unique=True)
    db.table("people").create_index(["team_id"])

    db.table("scenario_versions").create(
        {
            "id": int,
            "scenario_id": str,
            "content_hash": str,
            "standard_version": str,
            "title": str,
            "content": str,  # the validated scenario as JSON
            "created_at": str,
        },
        pk="id",
        not_null=["scenario_id", "content_hash", "standard_version", "content", "created_at"],
    )
    db.table("scenario_versions").create_index(
        ["scenario_id", "content_hash", "standard_version"], unique=True
    )

    db.table("attempts").create(
        {
            "id": int,
            "person_id": int,
            "scenario_version_id": int,
            "scenario_id": str,
            "mode": str,  # training | exam
            "channel": str,  # telegram | terminal
            "status": str,  # active | finished | abandoned
            "seed": int,
            "run_state": str,  # RunState JSON snapshot
            "current_line": str,  # the ClientLine awaiting an answer, JSON
            "turn_count": int,
            "hints_used": int,
            "score": int,
            "passed": int,
            "outcome": str,
            "card": str,  # FinalCard JSON once finished
            "started_at": str,
            "finished_at": str,
        },
        pk="id",
        foreign_keys=[
            ("person_id", "people", "id"),
            ("scenario_version_id", "scenario_versions", "id"),
        ],
        not_null=[
            "person_id",
            "scenario_version_id",
            "scenario_id",
            "mode",
            "channel",
            "status",
            "seed",
            "run_state",
            "turn_count",
            "hints_used",
            "started_at",
        ],
        defaults={"turn_count": 0, "hints_used": 0, "status": "active"},
    )
    db.table("attempts").create_index(["person_id", "status"])
    db.table("attempts").create_index(["scenario_id"])
    # At most one active attempt per person: a double tap cannot start two runs.
    db.execute(
        "CREATE UNIQUE INDEX idx_attempts_one_active ON attempts(person_id) WHERE status = 'active'"
    )

    db.table("turns").create(
        {
            "id": int,
            "attempt_id": int,
            "idx": int,
            "state": str,
            "next_state": str,
            "client_line": str,
            "reply_text": str,
            "verdicts": str,  # JSON: check id -> {kind, value, evidence}
            "passed_steps": str,  # JSON list
            "missed_steps": str,  # JSON list
            "violations": str,  # JSON list of {check, quote}
            "score": int,
            "passed": int,
            "too_long": int,
            "elapsed_seconds": float,
            "degraded": int,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("attempt_id", "attempts", "id")],
        not_null=[
            "attempt_id",
            "idx",
            "state",
            "client_line",
            "reply_text",
            "verdicts",
            "passed_steps",
            "missed_steps",
            "violations",
            "score",
            "passed",
            "degraded",
            "created_at",
        ],
    )
    db.table("turns").create_index(["attempt_id", "idx"], unique=True)

    db.table("fsm_states").create(
        {"key": str, "state": str, "data": str, "updated_at": str},
        pk="key",
        not_null=["data", "updated_at"],
        defaults={"data": "{}"},
    )

    db.table("processed_events").create(
        {"kind": str, "key": str, "processed_at": str},
        pk=("kind", "key"),
        not_null=["processed_at"],
    )


@migrations()
def m002_line_shown_at(db: Database) -> None:
    """When the line awaiting an answer was shown (set with each turn): the answer time of the
    next reply is measured from it, so no per-turn conversation state is written."""
    db.table("attempts").add_column("line_shown_at", str)


@migrations()
def m003_run_formula(db: Database) -> None:
    """The version of the run formula an attempt's score and card were computed with
    (`scoring.RUN_FORMULA`). Attempts closed before it were scored by formula 1 (the mean of the
    turn scores) and keep that score and card: they are never recalculated."""
    db.table("attempts").add_column("formula", int)
    db.execute("UPDATE attempts SET formula = 1 WHERE status != 'active'")


@migrations()
def m004_library(db: Database) -> None:
    """The trainer's workbench: the published library (scenario and standard versions, enabled
    flags, a revision counter), preview attempts that no report counts, disputed verdicts.

    People are referred to by id without a foreign key: `forget` may anonymise or remove a
    person, and their published versions and rulings stay (names are read from `people`).
    """
    db.table("published_scenarios").create(
        {
            "id": int,
            "scenario_id": str,
            "number": int,  # 1, 2, 3 ... per scenario
            "content_hash": str,  # Scenario.version
            "title": str,
            "kind": str,
            "file_name": str,
            "yaml": str,  # the text as the trainer uploaded it (what «Скачать» gives back)
            "content": str,  # the validated scenario as JSON
            "source": str,  # seed | telegram | terminal
            "published_by": int,  # people.id; NULL for the shipped library
            "published_at": str,
            "warnings": str,  # JSON list of the self-test's findings at publishing
        },
        pk="id",
        not_null=["scenario_id", "number", "content_hash", "title", "kind", "file_name", "yaml",
                  "content", "source", "published_at", "warnings"],
        defaults={"warnings": "[]"},
    )
    db.table("published_scenarios").create_index(["scenario_id", "number"], unique=True)
    db.table("published_scenarios").create_index(["scenario_id", "content_hash"])

    db.table("library_scenarios").create(
        {"scenario_id": str, "current_id": int, "enabled": int, "changed_by": int,
         "changed_at": str},
        pk="scenario_id",
        foreign_keys=[("current_id", "published_scenarios", "id")],
        not_null=["current_id", "enabled", "changed_at"],
        defaults={"enabled": 1},
    )

    db.table("published_standards").create(
        {
            "id": int,
            "number": int,
            "version": str,  # Standard.version (content hash of its checks)
            "name": str,
            "file_name": str,
            "yaml": str,
            "source": str,
            "published_by": int,
            "published_at": str,
        },
        pk="id",
        not_null=["number", "version", "name", "file_name", "yaml", "source", "published_at"],
    )
    db.table("published_standards").create_index(["number"], unique=True)

    db.table("library_revision").create({"id": int, "revision": int}, pk="id",
                                        not_null=["revision"])
    db.table("library_revision").insert({"id": 1, "revision": 0})

    attempts = db.table("attempts")
    attempts.add_column("preview", int, not_null_default=0)  # a trainer's preview: no report
    attempts.add_column("reviewed_at", str)  # when an accepted dispute last changed the score
    attempts.add_column("original_score", int)  # the score before the first accepted dispute

    db.table("disputes").create(
        {
            "id": int,
            "attempt_id": int,
            "turn_id": int,
            "turn_idx": int,
            "check_id": str,
            "original": int,  # the verdict as graded (1 = true)
            "comment": str,  # the trainee's optional comment
            "status": str,  # open | accepted | rejected
            "opened_by": int,  # people.id of the trainee
            "opened_at": str,
            "ruled_by": int,  # people.id of the trainer
            "ruled_at": str,
        },
        pk="id",
        foreign_keys=[("attempt_id", "attempts", "id"), ("turn_id", "turns", "id")],
        not_null=["attempt_id", "turn_id", "turn_idx", "check_id", "original", "status",
                  "opened_by", "opened_at"],
        defaults={"status": "open"},
    )
    db.table("disputes").create_index(["turn_id", "check_id"], unique=True)  # once per verdict
    db.table("disputes").create_index(["status"])
    db.table("disputes").create_index(["attempt_id"])


@migrations()
def m006_llm_calls(db: Database) -> None:
    """The LLM's part of each turn: every call made for it (`llm_calls`: purpose, model,
    prompt version, tokens, latency, outcome, attempts), and on the turn itself whether the
    reply was spoken (its text is then the transcript), the flags for a trainer (JSON list,
    e.g. ["manipulation"]) and the judge's review (JSON: its answer and the rejected verdicts).
    Each verdict in `turns.verdicts` also carries its `source` (rules | judge)."""
    db.table("llm_calls").create(
        {
            "id": int,
            "attempt_id": int,
            "turn_idx": int,  # the turn being answered when the call was made; NULL: at start
            "purpose": str,  # voice | judge | coach | stt, with `.repair` for a repair request
            "model": str,
            "prompt_version": str,
            "prompt_tokens": int,
            "completion_tokens": int,
            "latency_ms": int,
            "outcome": str,  # ok | invalid | timeout | error | circuit_open | budget
            "attempts": int,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("attempt_id", "attempts", "id")],
        not_null=["attempt_id", "purpose", "model", "latency_ms", "outcome", "attempts",
                  "created_at"],
    )
    db.table("llm_calls").create_index(["attempt_id", "turn_idx"])
    turns = db.table("turns")
    turns.add_column("spoken", int, not_null_default=0)
    turns.add_column("flags", str, not_null_default="[]")
    turns.add_column("judge", str)


@migrations()
def m005_reports(db: Database) -> None:
    """HR reports: the teams each HR person is assigned (`hr_teams`, seeded with the own team of
    everyone who already has the hr role), when a person's personal data was deleted on request
    (`people.forgotten_at`), and the indexes the report queries use (docs/REPORTS.md): attempts by
    start time (every team) and by person and start time (given teams)."""
    db.table("hr_teams").create(
        {"person_id": int, "team_id": int, "assigned_at": str, "assigned_by": int},
        pk=("person_id", "team_id"),
        foreign_keys=[("person_id", "people", "id"), ("team_id", "teams", "id")],
        not_null=["assigned_at"],
    )
    db.table("hr_teams").create_index(["team_id"])
    db.execute(
        "INSERT INTO hr_teams (person_id, team_id, assigned_at) "
        "SELECT id, team_id, created_at FROM people WHERE team_id IS NOT NULL "
        "AND EXISTS (SELECT 1 FROM json_each(people.roles) WHERE value = 'hr')"
    )
    db.table("people").add_column("forgotten_at", str)
    db.table("attempts").create_index(["started_at"], index_name="idx_attempts_started")
    db.table("attempts").create_index(
        ["person_id", "started_at"], index_name="idx_attempts_person_started"
    )


@migrations()
def m008_inbox(db: Database) -> None:
    """Updates received from Telegram and not yet handled: kept before the bot confirms them,
    dropped once handled, replayed at start-up after a crash (`bot/telegram/inbox.py`)."""
    db.table("inbox").create(
        {"update_id": int, "body": str, "received_at": str},
        pk="update_id",
        not_null=["body", "received_at"],
    )
    # 1 from a turn's commit until its answer went out: a restart in between sends it again
    db.table("attempts").add_column("undelivered", int, not_null_default=0)


def apply(db: Database) -> list[str]:
    """Apply every pending migration to `db`; return the names applied now (empty if none).

    Writes: yes (the schema and `_sqlite_migrations`). Idempotent. Raises `sqlite3.Error` if a
    migration fails; that migration is rolled back and stays pending.
    """
    pending = [m.name for m in migrations.pending(db)]
    migrations.apply(db)
    return pending
