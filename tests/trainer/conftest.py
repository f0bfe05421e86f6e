"""Fixtures for the trainer's workbench: a real SQLite file, the mini scenario or the shipped
library, a trainer and a trainee (`Who`) as the service sees them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from mini_scenario import make_service, write_mini
from trainer_helpers import make_who

from bot.service import TrainingService, Who
from bot.storage import Storage
from scenarios import load_library
from scoring import Grader, default_standard


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "roleplay.db"


@pytest.fixture
def library_dir(tmp_path: Path) -> Path:
    return write_mini(tmp_path / "scenarios")


@pytest.fixture
def service(db_path: Path, library_dir: Path) -> Iterator[TrainingService]:
    """The mini scenario only (fast)."""
    svc = make_service(db_path, library_dir)
    try:
        yield svc
    finally:
        svc.close()


@pytest.fixture
def shipped(db_path: Path) -> Iterator[TrainingService]:
    """The shipped library, as `build_app` seeds it."""
    standard = default_standard()
    svc = TrainingService(Storage(db_path), load_library(None, standard), Grader(standard),
                          standard=standard)
    try:
        yield svc
    finally:
        svc.close()


@pytest.fixture
def trainer(service: TrainingService) -> Who:
    return make_who(service, 5001, "Ирина Тренер", "trainer", team="Отделение 7")


@pytest.fixture
def trainee(service: TrainingService) -> Who:
    return make_who(service, 5002, "Пётр Стажёр", team="Отделение 7")
