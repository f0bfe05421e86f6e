"""Callback data of every inline button (aiogram `CallbackData` factories, ≤ 64 bytes)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class MenuCb(CallbackData, prefix="m"):
    """Main-menu buttons: action is train, exam, progress, help, menu, skip_team."""

    action: str


class KindCb(CallbackData, prefix="k"):
    """A kind of scenario chosen, in a mode."""

    mode: str
    kind: str


class ScenarioCb(CallbackData, prefix="s"):
    """A scenario chosen (shows the briefing)."""

    mode: str
    id: str


class StartCb(CallbackData, prefix="go"):
    """Start the scenario (from the briefing or «Ещё раз»)."""

    mode: str
    id: str


class HintCb(CallbackData, prefix="h"):
    """A hint for the current client line of an attempt."""

    attempt: int


class ReportCb(CallbackData, prefix="rp"):
    """HR report buttons (`bot/telegram/hr.py`): action is team, period, people, person,
    attempt, charts or files; `days` 0 = all time; `page` pages a list. Every id is checked
    against the HR person's own teams in `service.reports`."""

    action: str
    team: int = 0
    days: int = 30
    person: int = 0
    attempt: int = 0
    page: int = 0


class ForgetCb(CallbackData, prefix="fg"):
    """Confirm (ok=1) or cancel (ok=0) deleting a person's personal data (admins)."""

    person: int
    ok: int
