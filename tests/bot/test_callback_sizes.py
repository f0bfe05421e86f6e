"""Every inline button's data fits Telegram's 64 bytes with the longest values it can carry:
scenario ids and kinds at their limit (`scenarios.model.MAX_ID`), modes, every action, and row
ids far beyond what a database here will reach (a billion)."""

from __future__ import annotations

import inspect
import typing

import pytest
from aiogram.filters.callback_data import CallbackData

from bot.telegram import callbacks
from scenarios.model import MAX_ID

BIG_ID = 10**9  # a billion rows: beyond what one SQLite file here will hold
LONGEST_ACTION = "x" * 12  # longer than any action the bot uses (a test below checks that)
FACTORIES = [c for _, c in inspect.getmembers(callbacks, inspect.isclass)
             if issubclass(c, CallbackData) and c is not CallbackData]


def _longest(name: str, annotation: object) -> object:
    if annotation is int:
        return {"days": 3650, "page": 999, "ok": 1}.get(name, BIG_ID)
    if name in ("id", "kind"):
        return "a" * MAX_ID
    if name == "mode":
        return "training"
    return LONGEST_ACTION


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda c: c.__name__)
def test_every_button_fits_in_64_bytes(factory: type[CallbackData]) -> None:
    hints = typing.get_type_hints(factory)
    values = {name: _longest(name, hints[name]) for name in factory.model_fields}
    packed = factory(**values).pack()
    assert len(packed.encode()) <= 64, (factory.__name__, len(packed.encode()))


def test_no_action_is_longer_than_the_one_measured() -> None:
    import re
    from pathlib import Path

    source = "\n".join(p.read_text(encoding="utf-8")
                       for p in Path(callbacks.__file__).parent.glob("*.py"))
    actions = re.findall(r'action=["\']([a-z_]+)["\']', source)
    assert actions and max(map(len, actions)) <= len(LONGEST_ACTION)


def test_a_scenario_id_too_long_for_a_button_is_refused_by_validation(tmp_path) -> None:
    from scenarios import validate_paths

    long_id = "a" * (MAX_ID + 1)
    path = tmp_path / "long.yaml"
    path.write_text(
        f"id: {long_id}\ntitle: T\nkind: opening\ndifficulty: 1\nbriefing: B\n"
        "context: {company: Почта России}\nstates:\n  s: {client: [Алло], else: e}\n"
        "  e: {client: [Пока], outcome: resolved}\n  h: {client: [x], outcome: hung_up}\n",
        encoding="utf-8",
    )
    problems = [str(p) for p in validate_paths([path])]
    assert any("long.yaml:1:" in p and "id" in p for p in problems), problems
