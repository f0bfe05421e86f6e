"""m003_run_formula: attempts closed before the run formula keep their score and card and are
marked formula 1; attempts closed after it carry the formula they were computed with."""

from __future__ import annotations

import json
from pathlib import Path

from sqlite_utils import Database

from bot.storage import Finish, NewTurn, Storage
from migrations import migrations
from scoring import RUN_FORMULA

NOW = "2024-01-01T10:00:00+00:00"
OLD_CARD = {"score": 28, "passed": False, "outcome": "resolved", "steps": {"greeting": True},
            "violations": [["forbidden_phrase", "Не знаю"]], "missed_recommended": {},
            "turns": 4}


def old_database(path: Path) -> None:
    """A database as it was before m003, with one finished and one active attempt."""
    db = Database(path)
    migrations.apply(db, stop_before="m003_run_formula")
    db["people"].insert({"id": 1, "display_name": "Мария", "roles": "[]", "language": "ru",
                         "created_at": NOW})
    db["scenario_versions"].insert({"id": 1, "scenario_id": "mini", "content_hash": "h",
                                    "standard_version": "s", "content": "{}",
                                    "created_at": NOW})
    common = {"person_id": 1, "scenario_version_id": 1, "scenario_id": "mini",
              "mode": "training", "channel": "terminal", "seed": 1, "run_state": "{}",
              "started_at": NOW}
    db["attempts"].insert(common | {"id": 1, "status": "finished", "score": 28, "passed": 0,
                                    "outcome": "resolved", "card": json.dumps(OLD_CARD),
                                    "turn_count": 4, "finished_at": NOW})
    db["attempts"].insert(common | {"id": 2, "status": "active"})
    db.close()


def test_old_attempts_keep_their_score_and_are_marked_formula_1(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old_database(path)
    storage = Storage(path)
    try:
        assert "m003_run_formula" in storage.applied_migrations
        finished = storage.get_attempt(1)
        assert (finished.formula, finished.score, finished.card) == (1, 28, OLD_CARD)
        assert storage.get_attempt(2).formula is None  # still running: scored when it ends
    finally:
        storage.close()


def test_an_attempt_closed_now_stores_its_formula(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old_database(path)
    storage = Storage(path)
    try:
        turn = NewTurn(state="opening", client_line="Алло", reply_text="Здравствуйте!",
                       verdicts={}, passed_steps=["greeting"], missed_steps=[], violations=[],
                       score=100, passed=True)
        storage.record_turn(2, expected_turn_count=0, turn=turn, run_state="{}",
                            current_line=None,
                            finish=Finish(100, True, "resolved", {"score": 100},
                                          formula=RUN_FORMULA))
        assert storage.get_attempt(2).formula == RUN_FORMULA
        assert storage.get_attempt(1).formula == 1
    finally:
        storage.close()
