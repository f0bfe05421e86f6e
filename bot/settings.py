"""Settings from the environment (and `.env`), documented one by one in `.env.example`.

An empty value means "not set" (`STANDARD_PATH=` is no standard file, not the current folder), so
`.env.example` copied to `.env` works as it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    # Telegram
    bot_token: SecretStr | None = None
    telegram_api_url: str | None = None
    bot_mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_host: str = "127.0.0.1"
    webhook_port: int = 8080
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    # outgoing flood control (Telegram: ~30 messages a second per bot, ~1 a second per chat)
    flood_global_rate: float = Field(default=30.0, gt=0)
    flood_chat_rate: float = Field(default=1.0, gt=0)
    flood_chat_burst: float = Field(default=5.0, ge=1)
    telegram_timeout: float = Field(default=15.0, gt=0)
    # processes handling updates (polling mode): 1 = this process; N > 1 = a receiver and N
    # workers, one core each (bot.workers)
    workers: int = Field(default=1, ge=1, le=32)

    # Storage
    db_path: Path = Path("./data/roleplay.db")
    db_synchronous: Literal["NORMAL", "FULL"] = "NORMAL"

    # LLM (OpenAI-compatible); unset base URL = scripted lines and rule grading only
    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    llm_model: str = "gpt-4o-mini"
    llm_timeout: float = Field(default=8.0, gt=0)
    llm_cooldown: float = Field(default=30.0, ge=0)
    # Speech-to-text for voice answers (OpenAI /audio/transcriptions); unset = LLM_BASE_URL
    stt_base_url: str | None = None
    stt_api_key: SecretStr | None = None
    stt_model: str = "whisper-1"
    stt_timeout: float = Field(default=15.0, gt=0)
    stt_max_seconds: int = Field(default=120, gt=0)

    # Scoring / scenarios
    standard_path: Path | None = None
    scenarios_path: Path | None = None  # adds to the shipped library
    language: str = "ru"

    # HR reports: the IANA time zone whose days a report period counts
    report_timezone: str = "Europe/Moscow"

    @field_validator("report_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (an IANA name: Europe/Moscow)") from exc
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        if isinstance(value, int):
            return [value]
        return value
