"""Suite-wide rules."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

SEAM_LOGGERS = frozenset({"scenarios.engine", "bot.service.training"})
"""Where a seam's unexpected exception is logged (the engine's voice and judge, the coach)."""


@pytest.fixture(autouse=True)
def _seam_bugs_fail_the_test(
    request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> Iterator[None]:
    """A seam (LLM voice or judge) that raises anything but `SeamUnavailable` or a timeout is a
    bug in our code: production degrades and logs it; a test fails on it (unless it is marked
    `seam_bug_expected`, the tests of that very behaviour)."""
    yield
    if request.node.get_closest_marker("seam_bug_expected"):
        return
    bugs = [r for r in caplog.get_records("call")
            if r.name in SEAM_LOGGERS and r.levelno >= logging.ERROR]
    assert not bugs, f"a seam raised unexpectedly: {[r.getMessage() for r in bugs]}"


@pytest.fixture(autouse=True)
def _database_in_tmp(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
                     ) -> None:
    """A command run through click's CliRunner opens `DB_PATH` (the published library lives in
    the database): never the worktree's own ./data/roleplay.db."""
    monkeypatch.setenv("DB_PATH", str(tmp_path_factory.mktemp("db") / "roleplay.db"))
