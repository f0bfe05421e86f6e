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


def test_an_empty_value_means_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    """`.env.example` ships `STANDARD_PATH=` and friends: empty is "not set", never "here"."""
    for name in Settings.model_fields:
        monkeypatch.setenv(name.upper(), "")
    settings = Settings(_env_file=None)
    for name, field in Settings.model_fields.items():
        expected = field.get_default(call_default_factory=True)
        assert getattr(settings, name) == expected, name
    assert settings.standard_path is None and settings.scenarios_path is None


def test_env_example_copied_to_env_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    (tmp_path / ".env").write_text((ROOT / ".env.example").read_text(encoding="utf-8"), "utf-8")
    monkeypatch.chdir(tmp_path)
    settings = Settings()
    assert settings.standard_path is None and settings.scenarios_path is None
    assert settings.bot_token is None and settings.webhook_secret is None
    assert settings.admin_ids == [] and settings.bot_mode == "polling"
