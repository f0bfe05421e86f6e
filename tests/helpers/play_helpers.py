"""What a good and a bad trainee would answer, derived from the scenario itself (no fixed texts):
a good reply says the phrases quoted in the state's hint; a bad one says nothing useful."""

from __future__ import annotations

import re

from scenarios import Scenario

BAD_REPLY = "да"


def state_of_line(scenario: Scenario, client_text: str) -> str:
    """The state whose client variants include `client_text`; KeyError if none does."""
    for name, state in scenario.states.items():
        if any(variant.strip() in client_text for variant in state.texts()):
            return name
    raise KeyError(f"no state of {scenario.id} says {client_text!r}")


def good_reply(scenario: Scenario, state_id: str) -> str:
    """The phrases quoted «…» in the state's hint, joined (the hint's own text if none)."""
    hint = scenario.states[state_id].hint or ""
    quoted = re.findall(r"«([^»]+)»", hint)
    return " ".join(quoted) if quoted else hint
