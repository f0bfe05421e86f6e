"""aiogram FSM states of the conversation (stored in SQLite by `bot.fsm_storage`)."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class Registration(StatesGroup):
    name = State()
    team = State()


class Play(StatesGroup):
    """A scenario is running; the FSM data holds `attempt_id`."""

    answering = State()


class Disputing(StatesGroup):
    """A trainee is writing the comment of a dispute; the FSM data holds `dispute` (attempt,
    turn, check) and, if a run was going on, its `attempt_id` to go back to."""

    comment = State()
