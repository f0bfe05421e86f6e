"""Inline keyboards built from texts and callback data (no handler logic here)."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.telegram.callbacks import HintCb, MenuCb, StartCb
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
    button = InlineKeyboardButton(text=texts("play.hint_button", cost=cost),
                                  callback_data=HintCb(attempt=attempt_id).pack())
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


def after_run(texts: Texts, scenario_id: str, mode: str) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=texts("final.again"), callback_data=StartCb(mode=mode, id=scenario_id))
    kb.button(text=texts("final.other"), callback_data=MenuCb(action=mode == "exam" and "exam"
                                                               or "train"))
    kb.button(text=texts("menu.back"), callback_data=MenuCb(action="menu"))
    kb.adjust(2, 1)
    return kb.as_markup()
