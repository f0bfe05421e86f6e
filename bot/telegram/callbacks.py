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


class LibCb(CallbackData, prefix="lib"):
    """A trainer's button on a library scenario: `action` is open, on, off, yaml, png, play,
    stats, test or list; `v` is a published version id of it (short, unlike a scenario id)."""

    action: str
    v: int


class PublishCb(CallbackData, prefix="pub"):
    """Publish the file just sent despite the self-test's warnings (`ok` 1), or not (0)."""

    ok: int


class DisputeCb(CallbackData, prefix="dsp"):
    """«Оспорить» under feedback (`t` the turn index) or under the score card (`t` = -1)."""

    a: int
    t: int


class DisputePickCb(CallbackData, prefix="dpk"):
    """One verdict chosen to dispute: the `i`-th of the list `DisputeCb` showed."""

    a: int
    t: int
    i: int


class DisputeSkipCb(CallbackData, prefix="dsk"):
    """Send the dispute without a comment."""


class RuleCb(CallbackData, prefix="rule"):
    """A trainer's ruling on dispute `d`: accept (`ok` 1) or reject (0)."""

    d: int
    ok: int
