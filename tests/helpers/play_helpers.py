"""What a good and a bad trainee would answer, derived from the scenario itself (no fixed texts):
a good reply says the phrases quoted in the state's hint; a bad one says nothing useful."""

from __future__ import annotations

import re

from scenarios import Scenario
from scenarios.examples import fill, situation
from scoring import default_standard

BAD_REPLY = "да"


def state_of_line(scenario: Scenario, client_text: str) -> str:
    """The state whose client variants include `client_text`; KeyError if none does."""
    for name, state in scenario.states.items():
        if any(variant.strip() in client_text for variant in state.texts()):
            return name
    raise KeyError(f"no state of {scenario.id} says {client_text!r}")


def good_reply(scenario: Scenario, state_id: str, agent_name: str = "Мария Иванова") -> str:
    """The phrases quoted «…» in the state's hint, joined (the hint's own text if none), with its
    placeholders filled for this scenario and trainee (as the trainee would read the hint)."""
    raw = scenario.states[state_id].hint or ""
    ctx = scenario.context
    where = situation(default_standard(), channel=ctx.channel, kind=scenario.kind, time=ctx.time,
                      company=ctx.company, client_name=ctx.client_name, agent_name=agent_name)
    hint = fill(raw, where) or raw
    quoted = re.findall(r"«([^»]+)»", hint)
    return " ".join(quoted) if quoted else hint
