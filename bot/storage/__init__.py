"""SQLite storage through sqlite-utils: WAL mode, schema from `migrations/` applied at start.

One `Storage` owns one connection to one file. It is composed of one store per aggregate, each in
its own module (`people`, `attempts`, `events`; the trainer's published library and HR's report
queries get rooms of their own beside them); every method is synchronous and short, a method that
writes several rows does it in one transaction, and rows come back as frozen dataclasses
(`bot.storage.rows`) with JSON columns already decoded. Only `bot.service` (and the aiogram FSM
adapter) use it: handlers and commands go through `TrainingService`.
"""

from __future__ import annotations

from bot.storage.attempts import AttemptStore
from bot.storage.events import EventStore
from bot.storage.llm_calls import LLMCallStore
from bot.storage.people import PeopleStore
from bot.storage.rows import (
    CHANNELS,
    MODES,
    ROLES,
    Attempt,
    Channel,
    Finish,
    LLMCall,
    Mode,
    NewTurn,
    Person,
    Role,
    ScenarioStats,
    ScenarioVersion,
    Status,
    Team,
    Turn,
    utcnow,
)


class Storage(PeopleStore, AttemptStore, EventStore, LLMCallStore):
    """The application's SQLite database (WAL mode, migrated on open): every store on one
    connection. `Storage(db_path)`; raises `StorageError` if the file cannot be opened."""

    def __enter__(self) -> Storage:
        return self


__all__ = [
    "CHANNELS",
    "MODES",
    "ROLES",
    "Attempt",
    "Channel",
    "Finish",
    "LLMCall",
    "Mode",
    "NewTurn",
    "Person",
    "Role",
    "ScenarioStats",
    "ScenarioVersion",
    "Status",
    "Storage",
    "Team",
    "Turn",
    "utcnow",
]
