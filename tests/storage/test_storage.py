"""Storage on a real SQLite file: migrations, WAL, people/teams, attempts and turns, idempotency."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

import migrations
from bot.errors import (
    AttemptAlreadyActive,
    AttemptClosed,
    AttemptNotFound,
    DuplicateEvent,
    InvalidMode,
    PersonNotFound,
    StaleTurn,
    StorageError,
    TeamNotFound,
)
from bot.storage import Finish, NewTurn, Storage

EXPECTED_TABLES = {
    "teams",
    "people",
    "scenario_versions",
    "attempts",
    "turns",
    "fsm_states",
    "processed_events",
}


@pytest.fixture
def storage(tmp_path: Path):
    with Storage(tmp_path / "db" / "roleplay.db") as s:
        yield s


def _turn(state: str = "opening", score: int = 80, missed: tuple[str, ...] = ()) -> NewTurn:
    return NewTurn(
        state=state,
        client_line="Алло?",
        reply_text="Здравствуйте!",
        verdicts={"greeting": {"kind": "step", "value": True, "evidence": None}},
        passed_steps=["greeting"],
        missed_steps=list(missed),
        violations=[],
        score=score,
        passed=score >= 70,
        next_state="next",
        elapsed_seconds=3.5,
    )


def _attempt(storage: Storage, person_id: int, *, hash_: str = "h1", abandon: bool = False) -> int:
    version = storage.ensure_scenario_version("hold_request", hash_, "std1", '{"id": "x"}')
    return storage.create_attempt(
        person_id=person_id,
        scenario_version_id=version,
        scenario_id="hold_request",
        mode="training",
        channel="terminal",
        seed=7,
        run_state='{"state": "opening"}',
        current_line={"state": "opening", "text": "Алло?"},
        abandon_active=abandon,
    )


def test_open_creates_parent_folder_and_all_tables(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "roleplay.db"
    with Storage(path) as storage:
        assert path.exists()
        assert set(storage.db.table_names()) >= EXPECTED_TABLES


def test_wal_mode_is_on(storage: Storage, tmp_path: Path) -> None:
    assert storage.journal_mode == "wal"
    raw = sqlite3.connect(storage.path)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        raw.close()


def test_migrations_apply_once_and_are_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "roleplay.db"
    with Storage(path) as first:
        assert first.applied_migrations == [m.name for m in migrations.migrations._migrations]
        first.create_person("Анна")
    with Storage(path) as second:
        assert second.applied_migrations == []
        assert [p.display_name for p in second.list_people()] == ["Анна"]
        recorded = list(second.db.table("_sqlite_migrations").rows)
        assert len(recorded) == len(migrations.migrations._migrations)
    db = Database(path)
    try:
        assert migrations.apply(db) == []
    finally:
        db.close()


def test_foreign_keys_are_enforced(storage: Storage) -> None:
    with pytest.raises(StorageError):
        storage.create_person("Борис", team_id=999)


@pytest.mark.parametrize(
    ("kwargs", "other"),
    [
        ({"telegram_id": 42}, {"telegram_id": 42}),
        ({"terminal_login": "anna"}, {"terminal_login": "anna"}),
    ],
)
def test_identity_is_unique(storage: Storage, kwargs: dict, other: dict) -> None:
    storage.create_person("Анна", **kwargs)
    with pytest.raises(StorageError):
        storage.create_person("Анна 2", **other)


def test_terminal_people_without_telegram_id_coexist(storage: Storage) -> None:
    a = storage.terminal_person("anna")
    b = storage.terminal_person("boris", "Борис")
    assert a.telegram_id is None and b.telegram_id is None
    assert storage.terminal_person("anna").id == a.id
    assert b.display_name == "Борис"


def test_team_invite_and_membership(storage: Storage) -> None:
    team = storage.create_team("Отделение 101", invite_code="abc123")
    assert storage.team_by_invite("abc123") == team
    assert storage.team_by_invite("nope") is None
    person = storage.create_person("Вера", telegram_id=5)
    storage.update_person(person.id, team_id=team.id)
    assert [p.id for p in storage.list_people(team.id)] == [person.id]
    with pytest.raises(StorageError):
        storage.create_team("Другая", invite_code="abc123")
    with pytest.raises(TeamNotFound):
        storage.get_team(999)


@pytest.mark.parametrize(
    ("roles", "expected"),
    [([], ()), (["trainer"], ("trainer",)), (["hr", "trainer", "hr"], ("hr", "trainer"))],
)
def test_roles(storage: Storage, roles: list[str], expected: tuple[str, ...]) -> None:
    person = storage.create_person("Галя", roles=roles)
    assert person.roles == expected
    assert person.has_role("trainee")
    assert person.has_role("admin") is False


def test_unknown_role_is_refused(storage: Storage) -> None:
    person = storage.create_person("Галя")
    with pytest.raises(ValueError, match="unknown role"):
        storage.grant_role(person.id, "boss")
    assert storage.grant_role(person.id, "admin").has_role("hr")


def test_missing_rows_raise_not_found(storage: Storage) -> None:
    with pytest.raises(PersonNotFound):
        storage.get_person(1)
    with pytest.raises(AttemptNotFound):
        storage.get_attempt(1)
    with pytest.raises(AttemptNotFound):
        storage.abandon_attempt(1)


def test_scenario_versions_are_insert_only(storage: Storage) -> None:
    v1 = storage.ensure_scenario_version("s", "h1", "std1", "content one", "Title")
    assert storage.ensure_scenario_version("s", "h1", "std1", "ignored") == v1
    v2 = storage.ensure_scenario_version("s", "h2", "std1", "content two")
    v3 = storage.ensure_scenario_version("s", "h1", "std2", "content one")
    assert len({v1, v2, v3}) == 3
    assert storage.get_scenario_version(v1).content == "content one"
    assert [v.id for v in storage.scenario_versions("s")] == [v1, v2, v3]


def test_attempt_points_at_its_version_after_edit(storage: Storage) -> None:
    person = storage.create_person("Дина")
    first = _attempt(storage, person.id, hash_="h1")
    storage.abandon_attempt(first)
    second = _attempt(storage, person.id, hash_="h2")
    a1, a2 = storage.get_attempt(first), storage.get_attempt(second)
    assert a1.scenario_version_id != a2.scenario_version_id
    assert storage.get_scenario_version(a1.scenario_version_id).content_hash == "h1"


def test_one_active_attempt_per_person(storage: Storage) -> None:
    person = storage.create_person("Ева")
    first = _attempt(storage, person.id)
    with pytest.raises(AttemptAlreadyActive) as active:
        _attempt(storage, person.id)
    assert active.value.attempt_id == first
    second = _attempt(storage, person.id, abandon=True)
    assert storage.get_attempt(first).status == "abandoned"
    assert storage.active_attempt(person.id).id == second  # type: ignore[union-attr]


@pytest.mark.parametrize(("field", "value"), [("mode", "party"), ("channel", "fax")])
def test_create_attempt_rejects_unknown_mode_and_channel(
    storage: Storage, field: str, value: str
) -> None:
    person = storage.create_person("Ж")
    version = storage.ensure_scenario_version("s", "h", "std", "{}")
    kwargs = {
        "person_id": person.id,
        "scenario_version_id": version,
        "scenario_id": "s",
        "mode": "training",
        "channel": "terminal",
        "seed": 1,
        "run_state": "{}",
        "current_line": None,
    }
    kwargs[field] = value
    with pytest.raises(InvalidMode):
        storage.create_attempt(**kwargs)  # type: ignore[arg-type]


def test_record_turn_writes_turn_and_snapshot_together(storage: Storage) -> None:
    person = storage.create_person("Зоя")
    attempt_id = _attempt(storage, person.id)
    storage.record_turn(
        attempt_id,
        expected_turn_count=0,
        turn=_turn(missed=("company_name",)),
        run_state='{"state": "next"}',
        current_line={"state": "next", "text": "Ну?"},
    )
    attempt = storage.get_attempt(attempt_id)
    assert attempt.turn_count == 1
    assert attempt.run_state == '{"state": "next"}'
    assert attempt.current_line == {"state": "next", "text": "Ну?"}
    (turn,) = storage.turns(attempt_id)
    assert turn.idx == 0 and turn.missed_steps == ["company_name"]
    assert turn.verdicts["greeting"]["value"] is True
    assert turn.elapsed_seconds == 3.5


def test_record_turn_with_stale_count_writes_nothing(storage: Storage) -> None:
    person = storage.create_person("Ира")
    attempt_id = _attempt(storage, person.id)
    storage.record_turn(
        attempt_id, expected_turn_count=0, turn=_turn(), run_state="{}", current_line=None
    )
    with pytest.raises(StaleTurn):
        storage.record_turn(
            attempt_id, expected_turn_count=0, turn=_turn(), run_state="{}", current_line=None
        )
    assert len(storage.turns(attempt_id)) == 1
    assert storage.get_attempt(attempt_id).turn_count == 1


def test_finished_attempt_refuses_more_turns(storage: Storage) -> None:
    person = storage.create_person("Кира")
    attempt_id = _attempt(storage, person.id)
    storage.record_turn(
        attempt_id,
        expected_turn_count=0,
        turn=_turn(),
        run_state="{}",
        current_line=None,
        finish=Finish(score=90, passed=True, outcome="resolved", card={"score": 90}),
    )
    attempt = storage.get_attempt(attempt_id)
    assert (attempt.status, attempt.score, attempt.passed) == ("finished", 90, True)
    assert attempt.card == {"score": 90} and attempt.finished_at
    with pytest.raises(AttemptClosed) as closed:
        storage.record_turn(
            attempt_id, expected_turn_count=1, turn=_turn(), run_state="{}", current_line=None
        )
    assert closed.value.status == "finished"
    with pytest.raises(AttemptClosed):
        storage.abandon_attempt(attempt_id)
    with pytest.raises(AttemptClosed):
        storage.record_hint(attempt_id, hints_used=1, run_state="{}")


def test_progress_queries(storage: Storage) -> None:
    person = storage.create_person("Лев")
    scores = [60, 95, 80]
    for score in scores:
        attempt_id = _attempt(storage, person.id)
        storage.record_turn(
            attempt_id,
            expected_turn_count=0,
            turn=_turn(score=score, missed=("hold_time",) if score < 90 else ()),
            run_state="{}",
            current_line=None,
            finish=Finish(score=score, passed=score >= 70, outcome="resolved"),
        )
    _attempt(storage, person.id)  # still active, no score
    (stats,) = storage.scenario_stats(person.id)
    assert (stats.attempts, stats.finished, stats.best_score, stats.latest_score) == (4, 3, 95, 80)
    assert stats.latest_passed is True
    assert storage.missed_checks(person.id) == [("hold_time", 2)]
    assert [a.score for a in storage.list_attempts(person.id, status="finished")] == [80, 95, 60]
    other = storage.create_person("Чужой")
    assert storage.scenario_stats(other.id) == [] and storage.missed_checks(other.id) == []


@pytest.mark.parametrize(("kind", "key"), [("update", 1001), ("callback", "cbq-abc")])
def test_mark_processed_only_once(storage: Storage, kind: str, key: str | int) -> None:
    assert storage.is_processed(kind, key) is False
    assert storage.mark_processed(kind, key) is True
    assert storage.mark_processed(kind, key) is False
    assert storage.is_processed(kind, key) is True


def test_processed_survives_restart_and_can_be_pruned(tmp_path: Path) -> None:
    from datetime import timedelta

    path = tmp_path / "r.db"
    with Storage(path) as s:
        s.mark_processed("update", 7)
    with Storage(path) as s:
        assert s.mark_processed("update", 7) is False
        assert s.prune_processed(timedelta(days=1)) == 0
        assert s.prune_processed(timedelta(seconds=-1)) == 1
        assert s.mark_processed("update", 7) is True


def test_unopenable_path_raises_storage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StorageError):
        Storage(blocker / "sub" / "roleplay.db")


def test_record_turn_with_a_recorded_event_writes_nothing(storage: Storage) -> None:
    person = storage.create_person("Юля")
    attempt_id = _attempt(storage, person.id)
    storage.record_turn(attempt_id, expected_turn_count=0, turn=_turn(), run_state="{}",
                        current_line=None, event=("update", 77))
    with pytest.raises(DuplicateEvent):
        storage.record_turn(attempt_id, expected_turn_count=1, turn=_turn(), run_state="{}",
                            current_line=None, event=("update", 77))
    assert storage.get_attempt(attempt_id).turn_count == 1 and storage.is_processed("update", 77)


def test_revoke_role_takes_one_role_away(storage: Storage) -> None:
    person = storage.grant_role(storage.create_person("Яна").id, "trainer")
    person = storage.grant_role(person.id, "hr")
    assert storage.revoke_role(person.id, "trainer").roles == ("hr",)
    assert storage.revoke_role(person.id, "trainer").roles == ("hr",)
    with pytest.raises(ValueError, match="unknown role"):
        storage.revoke_role(person.id, "boss")
