"""The one door to the data: handlers, commands and the dispatcher reach storage only through
`TrainingService` (docs/ENGINEERING.md)."""

from __future__ import annotations

import ast
import inspect
import typing
from pathlib import Path

import pytest
from aiogram import Dispatcher

from bot.storage import Storage

ROOT = Path(__file__).resolve().parents[1]
DOORS = [*sorted((ROOT / "bot" / "telegram").glob("*.py")),
         *sorted((ROOT / "bot" / "commands").glob("*.py"))]


def _functions(path: Path) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


@pytest.mark.parametrize("path", DOORS, ids=lambda p: p.name)
def test_no_handler_or_command_takes_storage(path: Path) -> None:
    for func in _functions(path):
        for arg in [*func.args.args, *func.args.kwonlyargs]:
            annotation = ast.unparse(arg.annotation) if arg.annotation is not None else ""
            assert arg.arg != "storage" and "Storage" not in annotation, (
                f"{path.name}:{func.lineno} {func.name} takes {arg.arg}: {annotation}"
            )


@pytest.mark.parametrize("path", DOORS, ids=lambda p: p.name)
def test_no_door_reaches_through_the_service_to_storage(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("storage", "_storage"):
            raise AssertionError(f"{path.name}:{node.lineno} reaches `.{node.attr}`")
        if isinstance(node, ast.ImportFrom) and node.module == "bot.storage":
            names = {a.name for a in node.names}
            assert "Storage" not in names, f"{path.name}:{node.lineno} imports Storage"


async def test_the_dispatcher_holds_the_service_and_no_storage(tmp_path: Path) -> None:
    from bot.__main__ import build_dispatcher
    from bot.app import build_app
    from bot.settings import Settings

    app = build_app(Settings(_env_file=None, db_path=tmp_path / "a.db"))  # type: ignore[call-arg]
    try:
        dp: Dispatcher = await build_dispatcher(app)
        values = dict(dp.workflow_data)
        assert "service" in values
        assert not [k for k, v in values.items() if isinstance(v, Storage)], values.keys()
        assert "storage" not in values and "library" not in values
    finally:
        await app.close()


def test_handler_signatures_resolve_without_storage() -> None:
    """The same rule on resolved annotations of every router's handlers."""
    from bot.telegram import build_routers

    for router in build_routers():
        for observer in router.observers.values():
            for handler in observer.handlers:
                hints = typing.get_type_hints(handler.callback)
                assert Storage not in hints.values(), inspect.getsourcefile(handler.callback)
