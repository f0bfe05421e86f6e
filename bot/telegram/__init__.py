"""The Telegram adapter: one router per module, composed in one explicit list.

Order matters: errors first (it only handles errors), then updates delivered again after they
were handled (nothing else may see them), then registration (`/start` must win over
everything), the role-guarded routers, the refusal for privileged commands, the menu and help,
scenario choice, disputes (before the play loop: a dispute's comment is not an answer), the play
loop (it takes any message of a registered person), and the fallback for people not registered
yet.
"""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Router

from bot.telegram import (
    admin,
    choose,
    denied,
    disputes,
    errors,
    fallback,
    hr,
    hr_admin,
    menu,
    play,
    redelivered,
    registration,
    trainer,
)

ROUTER_FACTORIES: list[Callable[[], Router]] = [
    errors.make_router,
    redelivered.make_router,
    registration.make_router,
    admin.make_router,
    trainer.make_router,
    hr.make_router,
    hr_admin.make_router,
    denied.make_router,
    menu.make_router,
    choose.make_router,
    disputes.make_router,
    play.make_router,
    fallback.make_router,
]


def build_routers() -> list[Router]:
    """Fresh routers (a router can belong to one dispatcher only)."""
    return [factory() for factory in ROUTER_FACTORIES]
