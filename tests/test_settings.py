"""Settings come from the environment; `.env.example` documents every one of them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def test_env_example_documents_every_setting() -> None:
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), flags=re.M))
    assert documented == {name.upper() for name in Settings.model_fields}


@pytest.mark.parametrize(
    ("raw", "ids"), [("", []), ("42", [42]), ("1, 2;3", [1, 2, 3])]
)
def test_admin_ids_parse(monkeypatch: pytest.MonkeyPatch, raw: str, ids: list[int]) -> None:
    monkeypatch.setenv("ADMIN_IDS", raw)
    assert Settings(_env_file=None).admin_ids == ids


def test_defaults_need_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    settings = Settings(_env_file=None)
    assert settings.bot_token is None and settings.llm_base_url is None
    assert str(settings.db_path) == "data/roleplay.db"
    assert (settings.flood_global_rate, settings.flood_chat_rate) == (30.0, 1.0)
