"""Shared fixtures for the scenario tests: the default standard, the library, YAML writing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from scenarios import Scenario, load_library
from scoring import Standard, default_standard


@pytest.fixture(scope="session")
def standard() -> Standard:
    return default_standard()


@pytest.fixture(scope="session")
def library() -> dict[str, Scenario]:
    return load_library()


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write `text` to `tmp_path / name` and return the path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write
