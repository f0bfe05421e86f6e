"""aiogram FSM storage backed by the application's SQLite database (aiogram has none built in).

Conversation state survives a restart (`kill -9` included): every `set_state`/`set_data` is
committed before the handler goes on. Keys are built by aiogram's `DefaultKeyBuilder`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseStorage,
    DefaultKeyBuilder,
    KeyBuilder,
    StateType,
    StorageKey,
)

from bot.storage import Storage


class SQLiteStorage(BaseStorage):
    """`BaseStorage` over `bot.storage.Storage` (table `fsm_states`).

    `close()` does not close the shared `Storage`; its owner (the composition root) does.
    """

    def __init__(self, storage: Storage, key_builder: KeyBuilder | None = None) -> None:
        self.storage = storage
        self.key_builder = key_builder or DefaultKeyBuilder(with_bot_id=True, with_destiny=True)

    def _key(self, key: StorageKey) -> str:
        return self.key_builder.build(key)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        """Set (or clear with None) the state. Writes: yes."""
        value = state.state if isinstance(state, State) else state
        self.storage.fsm_set_state(self._key(key), value)

    async def get_state(self, key: StorageKey) -> str | None:
        """The current state or None. Writes: no."""
        state, _ = self.storage.fsm_get(self._key(key))
        return state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        """Replace the data. Writes: yes. Raises `TypeError` if not JSON-serialisable."""
        self.storage.fsm_set_data(self._key(key), dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        """A copy of the data ({} if none). Writes: no."""
        _, data = self.storage.fsm_get(self._key(key))
        return dict(data)

    async def close(self) -> None:
        """Nothing to release: the `Storage` is closed by its owner."""
