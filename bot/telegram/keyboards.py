"""Inline keyboards built from texts and callback data (no handler logic here)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.telegram.callbacks import DisputeCb, HintCb, MenuCb, StartCb
from bot.texts import Texts


def main_menu(texts: Texts) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=texts("menu.train"), callback_data=MenuCb(action="train"))
    kb.button(text=texts("menu.exam"), callback_data=MenuCb(action="exam"))
    kb.button(text=texts("menu.progress"), callback_data=MenuCb(action="progress"))
    kb.button(text=texts("menu.help"), callback_data=MenuCb(action="help"))
    kb.adjust(2, 2)
    return kb.as_markup()


def back_to_menu(texts: Texts) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=texts("menu.back"), callback_data=MenuCb(action="menu"))
    return kb.as_markup()


def skip_team(texts: Texts) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=texts("register.skip_team"), callback_data=MenuCb(action="skip_team"))
    return kb.as_markup()


def hint(texts: Texts, attempt_id: int, cost: int) -> InlineKeyboardMarkup:
    """The hint button under a client line (its cost comes with the line). Built directly:
    it goes out with every client line, and the builder deep-copies what it exports."""
    button = _button(texts("play.hint_button", cost=cost), HintCb(attempt=attempt_id))
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


def under_line(
    texts: Texts, attempt_id: int, hint_cost: int | None, dispute_turn: int | None
) -> InlineKeyboardMarkup | None:
    """The buttons under a client line: the hint (when the run gives one) and «Оспорить» for
    the feedback on the reply before it (when feedback is shown). Built directly, as `hint`."""
    rows = hint(texts, attempt_id, hint_cost).inline_keyboard if hint_cost is not None else []
    if dispute_turn is not None:
        rows = [*rows, [_button(texts("dispute.btn"), DisputeCb(a=attempt_id, t=dispute_turn))]]
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def after_run(
    texts: Texts, scenario_id: str, mode: str, *, attempt_id: int | None = None,
    preview: bool = False,
) -> InlineKeyboardMarkup:
    """Under the score card: again / another scenario / menu, and «Оспорить» for the card. A
    trainer's preview offers no «Ещё раз» (that would start a counted attempt). Built directly,
    as `hint`: it goes out with every card."""
    rows: list[list[InlineKeyboardButton]] = []
    if not preview:
        rows.append([
            _button(texts("final.again"), StartCb(mode=mode, id=scenario_id)),
            _button(texts("final.other"), MenuCb(action="exam" if mode == "exam" else "train")),
        ])
    rows.append([_button(texts("menu.back"), MenuCb(action="menu"))])
    if attempt_id is not None:
        rows.append([_button(texts("dispute.btn"), DisputeCb(a=attempt_id, t=-1))])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())
