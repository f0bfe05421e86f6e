"""SQLite storage through sqlite-utils: WAL mode, schema from `migrations/` applied at start.

One `Storage` owns one connection to one file. It is composed of one store per aggregate, each in
its own module (`people`, `attempts`, `events`, `library` (the published library), `disputes`;
HR's report queries get a room of their own beside them); every method is synchronous and short,
a method that writes several rows does it in one transaction, and rows come back as frozen
dataclasses (`bot.storage.rows`) with JSON columns already decoded. Only `bot.service` (and the
aiogram FSM adapter) use it: handlers and commands go through `TrainingService`.
"""

from __future__ import annotations

import bot.storage._sqlite_utils  # noqa: F401  (first: sqlite-utils without numpy)
from bot.storage.attempts import AttemptStore
from bot.storage.disputes import DisputeStore
from bot.storage.events import EventStore
from bot.storage.library import LibraryStore
from bot.storage.llm_calls import LLMCallStore
from bot.storage.people import PeopleStore
from bot.storage.privacy import PrivacyStore
from bot.storage.reports import ReportStore
from bot.storage.rows import (
    CHANNELS,
    DISPUTE_STATUSES,
    MODES,
    ROLES,
    Attempt,
    AttemptPath,
    Channel,
    Dispute,
    DisputeStatus,
    Finish,
    LibraryEntry,
    LLMCall,
    Mode,
    NewTurn,
    Person,
    PublishedScenario,
    PublishedStandard,
    Role,
    ScenarioStats,
    ScenarioVersion,
    Source,
    Status,
    Team,
    Turn,
    TurnStep,
    utcnow,
)


class Storage(PeopleStore, AttemptStore, EventStore, LLMCallStore, ReportStore, PrivacyStore,
              LibraryStore, DisputeStore):
    """The application's SQLite database (WAL mode, migrated on open): every store on one
    connection. `Storage(db_path)`; raises `StorageError` if the file cannot be opened."""

    def __enter__(self) -> Storage:
        return self


__all__ = [
    "CHANNELS",
    "DISPUTE_STATUSES",
    "MODES",
    "ROLES",
    "Attempt",
    "AttemptPath",
    "Channel",
    "Dispute",
    "DisputeStatus",
    "Finish",
    "LLMCall",
    "LibraryEntry",
    "Mode",
    "NewTurn",
    "Person",
    "PublishedScenario",
    "PublishedStandard",
    "Role",
    "ScenarioStats",
    "ScenarioVersion",
    "Source",
    "Status",
    "Storage",
    "Team",
    "Turn",
    "TurnStep",
    "utcnow",
]
