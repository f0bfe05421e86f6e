"""The application's exception tree: everything `bot/` raises on purpose derives from `BotError`.

Each class has a stable `key` that a renderer (the Telegram error router, the terminal) maps to a
user-facing text in one place (`bot/texts.py` / `bot/terminal_texts.py`); the message passed to
the constructor is for logs and developers (English).
"""

from __future__ import annotations

from scenarios.protocols import SeamUnavailable


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


class TeamNotVisible(TeamNotFound):
    """A team outside the acting HR person's teams, or none (reports: as if it did not exist)."""

    key = "error.report_not_found"


class PersonNotVisible(PersonNotFound):
    """A person outside the acting HR person's teams, or none."""

    key = "error.report_not_found"


class AttemptNotVisible(AttemptNotFound):
    """An attempt outside the acting HR person's teams (or a preview), or none."""

    key = "error.report_not_found"


class DuplicateEvent(StorageError):
    """The event (e.g. a Telegram update) was already recorded: its effect is already stored
    (a redelivered message is neither graded twice nor lost)."""

    key = "error.duplicate_event"


class AttemptClosed(StorageError):
    """The attempt is finished or abandoned: a reply, hint or abandon is refused, nothing is
    written. Raised by storage, where the fact is known (`status` says which)."""

    key = "error.attempt_closed"

    def __init__(self, attempt_id: int, status: str) -> None:
        super().__init__(f"attempt {attempt_id} is {status}")
        self.attempt_id = attempt_id
        self.status = status


class AttemptAlreadyActive(StorageError):
    """The person already has an active attempt (a double tap, or a run left open)."""

    key = "error.attempt_active"

    def __init__(self, attempt_id: int) -> None:
        super().__init__(f"attempt {attempt_id} is still active")
        self.attempt_id = attempt_id


class StaleTurn(StorageError):
    """Another writer answered the same attempt meanwhile (the turn count moved on); this reply
    was not stored."""

    key = "error.concurrent_turn"


class InvalidMode(StorageError, ValueError):
    """A mode or channel that is not one of the known values."""

    key = "error.invalid_mode"


# --- training service ------------------------------------------------------------------------


class ServiceError(BotError):
    """A request to the training service that cannot be carried out."""

    key = "error.service"


class UnknownScenario(ServiceError):
    key = "error.unknown_scenario"

    def __init__(self, scenario_id: str) -> None:
        super().__init__(f"unknown scenario: {scenario_id!r}")
        self.scenario_id = scenario_id


class Forbidden(ServiceError):
    """The acting person lacks the role, or the thing named by id is not theirs."""

    key = "error.forbidden"


class NotAMember(ServiceError):
    """The acting HR person has no team to report on (an admin assigns them: `/hr_team`)."""

    key = "error.no_team"


class AmbiguousPerson(ServiceError):
    """A name (or id) that fits several people: the caller must say which (`.people`)."""

    key = "error.ambiguous_person"

    def __init__(self, ref: str, people: list[object]) -> None:
        super().__init__(f"{len(people)} people match {ref!r}")
        self.ref = ref
        self.people = people


class EmptyReply(ServiceError):
    """The reply has no text to grade (nothing is stored)."""

    key = "error.empty_reply"


class HintUnavailable(ServiceError):
    """No hint in exam mode (or for a closed attempt)."""

    key = "error.hint_unavailable"


# --- LLM -------------------------------------------------------------------------------------


class LLMUnavailable(BotError, SeamUnavailable):
    """The LLM did not answer usefully: transport error, timeout, HTTP error, or bad JSON.

    A `scenarios.SeamUnavailable`, so the engine falls back to scripted lines / rule grading."""

    key = "error.llm_unavailable"


class SpeechUnavailable(ServiceError):
    """A voice answer could not be transcribed (no speech endpoint, or it failed): the trainee
    is asked to answer in text; nothing is stored."""

    key = "llm.voice.failed"


class NothingHeard(ServiceError):
    """The transcription of a voice answer holds no words; nothing is stored."""

    key = "llm.voice.empty"


# --- the trainer's workbench (published library, disputes) ----------------------------------


class AlreadyPublished(StorageError):
    """The file is the scenario's (or the standard's) current version already: nothing new is
    published. `number` is that version's number."""

    key = "error.already_published"

    def __init__(self, what: str, number: int) -> None:
        super().__init__(f"{what} is already the current version ({number})")
        self.what = what
        self.number = number


class DisputeNotFound(NotFound):
    key = "error.dispute_not_found"


class DisputeExists(StorageError):
    """This verdict of this turn is disputed already (one dispute per verdict)."""

    key = "error.dispute_exists"


class DisputeClosed(StorageError):
    """The dispute was ruled on already (`status` says how); nothing is changed again."""

    key = "error.dispute_closed"

    def __init__(self, dispute_id: int, status: str) -> None:
        super().__init__(f"dispute {dispute_id} is {status}")
        self.dispute_id = dispute_id
        self.status = status


class AttemptStillActive(ServiceError):
    """A ruling on an attempt still being played: it can be decided once the run is over."""

    key = "error.attempt_still_active"


class ConcurrentReview(StorageError):
    """Another ruling changed the attempt's score meanwhile: nothing was written (recompute)."""

    key = "error.concurrent_turn"
