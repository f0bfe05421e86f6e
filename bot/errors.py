"""The application's exception tree: everything `bot/` raises on purpose derives from `BotError`.

Each class has a stable `key` that a renderer (the Telegram error router, the terminal) maps to a
user-facing text in one place (`bot/texts.py` / `bot/terminal_texts.py`); the message passed to
the constructor is for logs and developers (English).
"""

from __future__ import annotations


class BotError(Exception):
    """Root of the application's exceptions."""

    key = "error.internal"


# --- storage ---------------------------------------------------------------------------------


class StorageError(BotError):
    """The database could not be opened, migrated or written."""

    key = "error.storage"


class NotFound(StorageError):
    """A row that was asked for by id does not exist."""

    key = "error.not_found"


class PersonNotFound(NotFound):
    key = "error.person_not_found"


class TeamNotFound(NotFound):
    key = "error.team_not_found"


class AttemptNotFound(NotFound):
    key = "error.attempt_not_found"


class DuplicateEvent(StorageError):
    """The event (e.g. a Telegram update) was already recorded: its effect is already stored."""

    key = "error.duplicate_event"


# --- training service ------------------------------------------------------------------------


class ServiceError(BotError):
    """A request to the training service that cannot be carried out."""

    key = "error.service"


class UnknownScenario(ServiceError):
    key = "error.unknown_scenario"

    def __init__(self, scenario_id: str) -> None:
        super().__init__(f"unknown scenario: {scenario_id!r}")
        self.scenario_id = scenario_id


class InvalidMode(ServiceError):
    key = "error.invalid_mode"


class AttemptAlreadyActive(ServiceError):
    """The person already has an active attempt (a double tap, or a run left open)."""

    key = "error.attempt_active"

    def __init__(self, attempt_id: int) -> None:
        super().__init__(f"attempt {attempt_id} is still active")
        self.attempt_id = attempt_id


class AttemptClosed(ServiceError):
    """The attempt is finished or abandoned: a reply to it is refused, not graded again."""

    key = "error.attempt_closed"

    def __init__(self, attempt_id: int, status: str) -> None:
        super().__init__(f"attempt {attempt_id} is {status}")
        self.attempt_id = attempt_id
        self.status = status


class EmptyReply(ServiceError):
    """The reply has no text to grade (nothing is stored)."""

    key = "error.empty_reply"


class HintUnavailable(ServiceError):
    """No hint in exam mode (or for a closed attempt)."""

    key = "error.hint_unavailable"


class AlreadyAnswered(ServiceError):
    """This very message was already graded and stored (a redelivered update): nothing changes."""

    key = "error.already_answered"


class ConcurrentTurn(ServiceError):
    """Another process answered the same attempt at the same time; this reply was not stored."""

    key = "error.concurrent_turn"


# --- LLM -------------------------------------------------------------------------------------


class LLMUnavailable(BotError):
    """The LLM did not answer usefully: transport error, timeout, HTTP error, or bad JSON."""

    key = "error.llm_unavailable"
