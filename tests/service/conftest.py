from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from mini_scenario import make_service, write_mini  # noqa: E402

from bot.service import TrainingService  # noqa: E402


@pytest.fixture
def library_dir(tmp_path: Path) -> Path:
    return write_mini(tmp_path / "scenarios")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "roleplay.db"


@pytest.fixture
def service(db_path: Path, library_dir: Path) -> Iterator[TrainingService]:
    svc = make_service(db_path, library_dir)
    try:
        yield svc
    finally:
        svc.storage.close()
