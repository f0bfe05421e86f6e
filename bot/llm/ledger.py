"""One turn's LLM work: its time budget and the record of every call made for it.

The service opens a ledger around the work of one turn (`with llm_turn(budget) as ledger:`);
every `LLMClient` call made inside it, in this task or in tasks it starts, takes its timeout from
what is left of the budget and appends a `CallRecord`. So however many calls a turn makes (the
judge, the client's next line, the coach), a trainee never waits more than the budget beyond
the rule path, and every call is stored with the turn. Outside a ledger a call has its own
timeout and is not recorded.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Literal

Outcome = Literal["ok", "invalid", "timeout", "error", "circuit_open", "budget"]
"""How a call ended: answered (`ok`), answered against the contract (`invalid`), ran out of time
(`timeout`), failed (`error`: HTTP or transport), was not made because the breaker is open
(`circuit_open`) or because the turn's budget was spent (`budget`)."""


@dataclass(slots=True)
class CallRecord:
    """One call to the LLM or speech endpoint (retries included), as stored with the turn."""

    purpose: str
    model: str
    prompt_version: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    latency_ms: int = 0
    outcome: Outcome = "ok"
    attempts: int = 0


@dataclass(slots=True)
class Ledger:
    """The budget and the calls of one turn."""

    deadline: float | None
    calls: list[CallRecord] = field(default_factory=list)

    def remaining(self) -> float | None:
        """Seconds left of the budget (never negative), None for no budget."""
        if self.deadline is None:
            return None
        return max(0.0, self.deadline - time.monotonic())


_current: ContextVar[Ledger | None] = ContextVar("llm_ledger", default=None)


@contextmanager
def llm_turn(budget: float | None) -> Iterator[Ledger]:
    """A ledger for one turn: `budget` seconds for all its LLM calls together (None: no cap)."""
    ledger = Ledger(None if budget is None else time.monotonic() + budget)
    token = _current.set(ledger)
    try:
        yield ledger
    finally:
        _current.reset(token)


def current() -> Ledger | None:
    """The ledger of the turn being handled, if any."""
    return _current.get()
