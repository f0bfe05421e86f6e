"""The aiogram FSM storage over SQLite keeps state and data across a restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey

from bot.fsm_storage import SQLiteStorage
from bot.storage import Storage


class Play(StatesGroup):
    answering = State()


KEY = StorageKey(bot_id=1, chat_id=10, user_id=10)
OTHER = StorageKey(bot_id=1, chat_id=11, user_id=11)


async def test_empty_key_has_no_state_and_no_data(tmp_path: Path) -> None:
    with Storage(tmp_path / "f.db") as storage:
        fsm = SQLiteStorage(storage)
        assert await fsm.get_state(KEY) is None
        assert await fsm.get_data(KEY) == {}


@pytest.mark.parametrize("state", [Play.answering, "Play:answering"])
async def test_state_and_data_survive_restart(tmp_path: Path, state: State | str) -> None:
    path = tmp_path / "f.db"
    with Storage(path) as storage:
        fsm = SQLiteStorage(storage)
        await fsm.set_state(KEY, state)
        await fsm.set_data(KEY, {"attempt_id": 3, "name": "Анна"})
        assert await fsm.update_data(KEY, {"mode": "exam"}) == {
            "attempt_id": 3,
            "name": "Анна",
            "mode": "exam",
        }
        await fsm.close()
    with Storage(path) as storage:
        fsm = SQLiteStorage(storage)
        assert await fsm.get_state(KEY) == "Play:answering"
        assert await fsm.get_value(KEY, "name") == "Анна"
        assert await fsm.get_data(OTHER) == {}


async def test_clearing_state_keeps_data_and_keys_are_separate(tmp_path: Path) -> None:
    with Storage(tmp_path / "f.db") as storage:
        fsm = SQLiteStorage(storage)
        await fsm.set_data(KEY, {"a": 1})
        await fsm.set_state(KEY, Play.answering)
        await fsm.set_state(KEY, None)
        assert await fsm.get_state(KEY) is None
        assert await fsm.get_data(KEY) == {"a": 1}
        await fsm.set_state(OTHER, "x")
        assert await fsm.get_state(KEY) is None


async def test_data_that_is_not_json_is_refused(tmp_path: Path) -> None:
    with Storage(tmp_path / "f.db") as storage:
        fsm = SQLiteStorage(storage)
        with pytest.raises(TypeError):
            await fsm.set_data(KEY, {"x": object()})
        assert await fsm.get_data(KEY) == {}
