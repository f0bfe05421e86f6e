"""Keep every outgoing message within Telegram's 4096-character limit."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup, Message

TELEGRAM_LIMIT = 4096


def split_text(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split `text` into chunks of at most `limit` characters; does not write anything.

    Cuts at the last paragraph break, else line break, else space before the limit; a word longer
    than the limit is cut hard. Joining the chunks with the separators they were cut at gives the
    text back (whitespace at the cut is dropped). An empty text gives one empty chunk.
    Raises ValueError if `limit` < 1.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = -1
        for sep in ("\n\n", "\n", " "):
            pos = window.rfind(sep, 0, limit + 1)
            if pos > 0:
                cut = pos
                break
        if cut <= 0:
            chunks.append(rest[:limit])
            rest = rest[limit:]
            continue
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    chunks.append(rest)
    return [c for c in chunks if c] or [""]


async def send_long(
    message: Message, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> None:
    """Answer `message` with `text` in ≤ 4096-character parts; a keyboard goes with the last
    part only. The one way the bot sends a text that may be long."""
    chunks = split_text(text)
    for i, chunk in enumerate(chunks):
        await message.answer(chunk, reply_markup=reply_markup if i == len(chunks) - 1 else None)


async def send_long_to(
    bot: Bot, chat_id: int, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> None:
    """`send_long` for a chat the bot writes to first (no message to answer)."""
    chunks = split_text(text)
    for i, chunk in enumerate(chunks):
        await bot.send_message(chat_id, chunk,
                               reply_markup=reply_markup if i == len(chunks) - 1 else None)
