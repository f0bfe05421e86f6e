"""Fixtures for the end-to-end tests: the Telegram API emulator (node) and test users."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from tg_user import Emulator

_tokens = itertools.count(1)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    """One emulator per test session; every test uses its own bot token, so they do not mix."""
    emu = Emulator.start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def token() -> str:
    """A fresh bot token: updates and messages in the emulator are kept per token."""
    return f"{100000 + next(_tokens)}:e2e-test-token-{next(_tokens)}"


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client
