"""The application: Telegram (aiogram 3), the CLI, storage (sqlite-utils), the LLM client."""
