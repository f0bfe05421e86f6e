"""The LLM's calls per turn: model, prompt version, tokens, latency and how each call ended."""

from __future__ import annotations

from collections.abc import Sequence

from bot.llm.ledger import CallRecord
from bot.storage.base import Connection
from bot.storage.rows import LLMCall, llm_call_from, utcnow


class LLMCallStore(Connection):
    """Records of the calls made to the LLM and the speech endpoint, by attempt and turn."""

    def record_llm_calls(
        self, attempt_id: int, turn_idx: int | None, calls: Sequence[CallRecord]
    ) -> None:
        """Store the calls made while handling turn `turn_idx` of an attempt (None: its start).
        Writes: yes, one transaction (nothing for no calls). Raises `StorageError` if the
        attempt does not exist."""
        if not calls:
            return
        now = utcnow()
        with self.transaction():
            self._table("llm_calls").insert_all(
                {
                    "attempt_id": attempt_id,
                    "turn_idx": turn_idx,
                    "purpose": call.purpose,
                    "model": call.model,
                    "prompt_version": call.prompt_version,
                    "prompt_tokens": call.prompt_tokens,
                    "completion_tokens": call.completion_tokens,
                    "latency_ms": call.latency_ms,
                    "outcome": call.outcome,
                    "attempts": call.attempts,
                    "created_at": now,
                }
                for call in calls
            )

    def llm_calls(self, attempt_id: int) -> list[LLMCall]:
        """The calls made for an attempt, in order. Writes: no."""
        rows = self._table("llm_calls").rows_where("attempt_id = ?", [attempt_id], order_by="id")
        return [llm_call_from(row) for row in rows]
