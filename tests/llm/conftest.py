from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fake_llm import FakeLLM  # noqa: E402


@pytest.fixture
async def fake_llm() -> AsyncIterator[FakeLLM]:
    async with FakeLLM(slow_seconds=2.0) as server:
        yield server


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client
