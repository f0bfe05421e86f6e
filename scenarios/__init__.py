"""Scenarios: YAML role-play scenarios, validated, run as `transitions` state machines.

Pure: imports `scoring`, pydantic, ruamel.yaml and transitions only (no aiogram, httpx, sqlite).
"""

from scenarios.diagram import to_dot, to_mermaid
from scenarios.engine import (
    ClientLine,
    ClientVoice,
    Engine,
    FinalCard,
    RunState,
    Turn,
    TurnResult,
    machine_config,
)
from scenarios.errors import Problem, RunError, ScenarioError, ScenarioNotFound
from scenarios.loader import (
    LIBRARY_PATH,
    Library,
    library_paths,
    load_library,
    load_scenario,
    validate_paths,
)
from scenarios.model import Condition, Flow, Rule, Scenario, ScenarioContext, State

__all__ = [
    "LIBRARY_PATH",
    "ClientLine",
    "ClientVoice",
    "Condition",
    "Engine",
    "FinalCard",
    "Flow",
    "Library",
    "Problem",
    "Rule",
    "RunError",
    "RunState",
    "Scenario",
    "ScenarioContext",
    "ScenarioError",
    "ScenarioNotFound",
    "State",
    "Turn",
    "TurnResult",
    "library_paths",
    "load_library",
    "load_scenario",
    "machine_config",
    "to_dot",
    "to_mermaid",
    "validate_paths",
]
