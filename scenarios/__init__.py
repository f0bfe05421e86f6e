"""Scenarios: YAML role-play scenarios, validated, run as `transitions` state machines.

Pure: imports `scoring`, pydantic, ruamel.yaml and transitions only (no aiogram, httpx, sqlite).
"""

from scenarios.credit import Credit, credit, open_steps
from scenarios.diagram import to_dot, to_mermaid
from scenarios.engine import Engine, machine_config
from scenarios.errors import NoHint, Problem, RunError, ScenarioError
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
    Rule,
    Scenario,
    ScenarioContext,
    State,
)
from scenarios.protocols import ClientVoice, Judge, SeamUnavailable
from scenarios.run import (
    CardViolation,
    ClientLine,
    FinalCard,
    Hint,
    Penalty,
    RunState,
    Turn,
    TurnResult,
)

__all__ = [
    "LIBRARY_PATH",
    "CardViolation",
    "Channel",
    "ClientLine",
    "ClientVoice",
    "Condition",
    "Credit",
    "Engine",
    "FinalCard",
    "Flow",
    "Library",
    "Hint",
    "Judge",
    "Mode",
    "NoHint",
    "Outcome",
    "Penalty",
    "Problem",
    "Rule",
    "RunError",
    "RunState",
    "Scenario",
    "ScenarioContext",
    "ScenarioError",
    "SeamUnavailable",
    "State",
    "Turn",
    "TurnResult",
    "credit",
    "library_paths",
    "load_library",
    "load_scenario",
    "machine_config",
    "open_steps",
    "to_dot",
    "to_mermaid",
    "validate_paths",
]
