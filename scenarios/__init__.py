"""Scenarios: YAML role-play scenarios, validated, run as `transitions` state machines.

Pure: imports `scoring`, pydantic, ruamel.yaml and transitions only (no aiogram, httpx, sqlite).
"""

from scenarios.credit import Credit, credit, open_steps
from scenarios.diagram import to_mermaid
from scenarios.engine import Engine, machine_config
from scenarios.errors import NoHint, Problem, RunError, ScenarioError
from scenarios.judging import Review, combine, find_quote, judged_checks
from scenarios.loader import (
    LIBRARY_PATH,
    Library,
    library_paths,
    load_library,
    load_scenario,
    validate_paths,
)
from scenarios.model import (
    Channel,
    Condition,
    Flow,
    Mode,
    Outcome,
    Persona,
    Rule,
    Scenario,
    ScenarioContext,
    State,
)
from scenarios.mood import ClientMood
from scenarios.protocols import (
    ClientVoice,
    Exchange,
    Judge,
    JudgeCheck,
    JudgeVerdict,
    SeamUnavailable,
    VoiceRequest,
)
from scenarios.run import (
    CardViolation,
    ClientLine,
    FinalCard,
    Hint,
    Penalty,
    RunState,
    Source,
    Turn,
    TurnResult,
)

__all__ = [
    "LIBRARY_PATH",
    "CardViolation",
    "Channel",
    "ClientLine",
    "ClientMood",
    "ClientVoice",
    "Condition",
    "Credit",
    "Engine",
    "Exchange",
    "FinalCard",
    "Flow",
    "Library",
    "Hint",
    "Judge",
    "JudgeCheck",
    "JudgeVerdict",
    "Mode",
    "NoHint",
    "Outcome",
    "Penalty",
    "Persona",
    "Problem",
    "Review",
    "Rule",
    "RunError",
    "RunState",
    "Scenario",
    "ScenarioContext",
    "ScenarioError",
    "SeamUnavailable",
    "Source",
    "State",
    "Turn",
    "TurnResult",
    "VoiceRequest",
    "combine",
    "credit",
    "find_quote",
    "judged_checks",
    "library_paths",
    "load_library",
    "load_scenario",
    "machine_config",
    "open_steps",
    "to_mermaid",
    "validate_paths",
]
