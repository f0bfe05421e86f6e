"""Start-up of the bot: aiogram's ~440 types get their pydantic schemas when first used.

`import aiogram` rebuilds the pydantic schema of every Telegram type (a loop of
`model_rebuild(_types_namespace=...)` at the end of `aiogram/types/__init__.py`). That is ~2 s of
the bot's ~3 s start on this project's machine (`bench/bench_startup.py`), for types of which a
bot validates a few dozen. aiogram declares them `defer_build=True`; `defer_aiogram_schemas()`
lets them stay deferred: each call from that loop records the namespace it was given as the
class's parent namespace — the namespace pydantic itself uses when it completes a deferred model
on its first use — and returns; aiogram's methods and responses completed on first use get the
same namespace. The schemas built later are the same (a test compares them).

aiogram's ~170 methods (`SendMessage`, ...) are built at import too, each schema taking in those
of the types it names (~0.1 s of CPU in all). `defer_aiogram_schemas()` also makes them deferred:
when `aiogram.methods.base` has run, its `TelegramMethod` gets `defer_build=True` in its config,
which every method inherits, so a method's schema is built when the bot first calls it (with the
types' namespace, as above). The schemas are the same (the test compares them too).

The generic responses aiogram validates every answer with (`Response[Message]`,
`Response[list[Update]]`, …) are kept alive once built. pydantic caches a parametrised generic
only weakly, so after a full garbage collection the next `sendMessage` built `Response[Message]`
again — 0.2 s of CPU each time (docs/RELIABILITY.md «Load and crash figures»).

Installed by `bot/__init__.py`, so it is in place before anything imports aiogram. Every other
call of `model_rebuild` (any other class, `force=True`, no namespace given) is untouched.
"""

from __future__ import annotations

import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from pydantic import BaseModel

_MARK = "_roleplay_defers_aiogram"
_METHODS_BASE = "aiogram.methods.base"


class _DeferMethods:
    """A one-shot import hook: `aiogram.methods.base` loads as usual, then its `TelegramMethod`
    is made deferred before any method class is defined (they import it first)."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != _METHODS_BASE:
            return None
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        loader = spec.loader if spec is not None else None
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        load = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            load(module)
            method = getattr(module, "TelegramMethod", None)
            if isinstance(method, type) and issubclass(method, BaseModel):
                method.model_config["defer_build"] = True

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _defer_aiogram_methods() -> None:
    if _METHODS_BASE in sys.modules or any(isinstance(f, _DeferMethods) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _DeferMethods())


def defer_aiogram_schemas() -> None:
    """Install the deferral (idempotent). Writes nothing; changes `BaseModel.model_rebuild`."""
    current = BaseModel.__dict__["model_rebuild"]
    if getattr(current.__func__, _MARK, False):
        return
    _defer_aiogram_methods()
    original = current.__func__
    types_namespace: dict[str, Any] = {}
    built_generics: set[type[BaseModel]] = set()  # strong references: pydantic's are weak

    def model_rebuild(
        cls: type[BaseModel],
        *,
        force: bool = False,
        raise_errors: bool = True,
        _parent_namespace_depth: int = 2,
        _types_namespace: Any = None,
    ) -> bool | None:
        aiogram = cls.__module__.startswith("aiogram.")
        if (
            _types_namespace is not None
            and not force
            and cls.__module__.startswith("aiogram.types.")
            and not cls.__pydantic_complete__
        ):
            types_namespace.update(_types_namespace)
            cls.__pydantic_parent_namespace__ = dict(_types_namespace)
            return None
        if aiogram and _types_namespace is None and types_namespace:
            # a method or generic response completed on first use resolves the types' names too
            _types_namespace = types_namespace
        depth = _parent_namespace_depth + 1 if _parent_namespace_depth > 0 else 0
        result: bool | None = original(
            cls,
            force=force,
            raise_errors=raise_errors,
            _parent_namespace_depth=depth,
            _types_namespace=_types_namespace,
        )
        if aiogram and cls.__pydantic_generic_metadata__["origin"] is not None:
            built_generics.add(cls)
        return result

    setattr(model_rebuild, _MARK, True)
    model_rebuild.__doc__ = original.__doc__
    BaseModel.model_rebuild = classmethod(model_rebuild)  # type: ignore[assignment,method-assign]
