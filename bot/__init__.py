"""The application: Telegram (aiogram 3), the CLI, storage (sqlite-utils), the LLM client."""

from bot.startup import defer_aiogram_schemas

defer_aiogram_schemas()  # before anything imports aiogram: its types are built when first used
