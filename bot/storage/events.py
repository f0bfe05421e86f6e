"""Handled events (idempotency), the inbox of received updates not yet handled (nothing is lost
when the bot dies between confirming an update to Telegram and handling it), and aiogram's FSM
rows (used by bot/fsm_storage.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.storage.base import Connection
from bot.storage.rows import dumps, loads, utcnow


class EventStore(Connection):
    """Which incoming events were handled, and the conversation state of each chat."""

    # --- idempotency -------------------------------------------------------------------------

    def mark_processed(self, kind: str, key: str | int) -> bool:
        """Record that an event (e.g. kind "update", key = update_id; kind "callback", key =
        callback query id) is being handled. Return True the first time, False if it was
        already recorded — the caller then skips it. Writes: yes (first time only).
        """
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO processed_events (kind, key, processed_at) VALUES (?, ?, ?)",
                [kind, str(key), utcnow()],
            )
            if kind == "update":
                db.execute("DELETE FROM inbox WHERE update_id = ?", [int(key)])
            return cursor.rowcount == 1

    # --- the inbox ---------------------------------------------------------------------------

    def inbox_keep(self, updates: Sequence[tuple[int, str]]) -> None:
        """Keep received updates (update id, the update as JSON) until they are handled; in one
        transaction, before the bot confirms them to Telegram. Writes: yes."""
        if not updates:
            return
        now = utcnow()
        with self.transaction() as db:
            db.conn.executemany(
                "INSERT OR IGNORE INTO inbox (update_id, body, received_at) VALUES (?, ?, ?)",
                [(update_id, body, now) for update_id, body in updates],
            )

    def inbox_pending(self) -> list[tuple[int, str]]:
        """Updates received but never handled (the bot died first), oldest first; the handled
        ones left behind are dropped. Writes: yes (drops handled rows)."""
        with self.transaction() as db:
            db.execute(
                "DELETE FROM inbox WHERE EXISTS (SELECT 1 FROM processed_events p "
                "WHERE p.kind = 'update' AND p.key = CAST(inbox.update_id AS TEXT))"
            )
        rows = self._all("SELECT update_id, body FROM inbox ORDER BY update_id")
        return [(int(r["update_id"]), str(r["body"])) for r in rows]

    def is_processed(self, kind: str, key: str | int) -> bool:
        """Whether the event was recorded by `mark_processed`. Writes: no."""
        rows = self.db.query(
            "SELECT 1 FROM processed_events WHERE kind = ? AND key = ?", [kind, str(key)]
        )
        return any(True for _ in rows)

    def prune_processed(self, older_than: timedelta) -> int:
        """Forget idempotency records older than `older_than`; return how many. Writes: yes."""
        cutoff = (datetime.now(UTC) - older_than).isoformat(timespec="microseconds")
        with self.transaction() as db:
            cursor = db.execute("DELETE FROM processed_events WHERE processed_at < ?", [cutoff])
            return cursor.rowcount

    # --- aiogram FSM rows (used by bot/fsm_storage.py) ---------------------------------------

    def fsm_get(self, key: str) -> tuple[str | None, dict[str, Any]]:
        """The FSM state and data stored under `key` ((None, {}) if none). Writes: no."""
        row = self._one("SELECT state, data FROM fsm_states WHERE key = ?", [key])
        if row is None:
            return None, {}
        return row["state"], loads(row["data"], {})

    def fsm_set_state(self, key: str, state: str | None) -> None:
        """Set the FSM state under `key` (data kept). Writes: yes."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO fsm_states (key, state, data, updated_at) VALUES (?, ?, '{}', ?) "
                "ON CONFLICT(key) DO UPDATE SET state = excluded.state, "
                "updated_at = excluded.updated_at",
                [key, state, utcnow()],
            )

    def fsm_set_data(self, key: str, data: dict[str, Any]) -> None:
        """Replace the FSM data under `key` (state kept). Writes: yes.

        Raises `TypeError` if the data is not JSON-serialisable.
        """
        payload = dumps(data)
        with self.transaction() as db:
            db.execute(
                "INSERT INTO fsm_states (key, state, data, updated_at) VALUES (?, NULL, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET data = excluded.data, "
                "updated_at = excluded.updated_at",
                [key, payload, utcnow()],
            )
