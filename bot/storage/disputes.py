"""Disputed verdicts: a trainee contests one verdict of one turn, a trainer accepts or rejects it;
an accepted dispute changes the attempt's score in the same transaction as the ruling."""

from __future__ import annotations

import sqlite3
from typing import Any

from bot.errors import ConcurrentReview, DisputeClosed, DisputeExists, DisputeNotFound
from bot.storage.base import Connection
from bot.storage.rows import (
    Dispute,
    DisputeStatus,
    Finish,
    Person,
    dispute_from,
    dumps,
    person_from,
    utcnow,
)

_DISPUTES = """
    SELECT d.*, a.scenario_id AS scenario_id, o.display_name AS person_name,
           r.display_name AS ruled_by_name
      FROM disputes d
      JOIN attempts a ON a.id = d.attempt_id
      LEFT JOIN people o ON o.id = d.opened_by
      LEFT JOIN people r ON r.id = d.ruled_by
"""


class DisputeStore(Connection):
    """Disputes and the rulings on them."""

    def open_dispute(
        self,
        *,
        attempt_id: int,
        turn_id: int,
        turn_idx: int,
        check_id: str,
        original: bool,
        opened_by: int,
        comment: str | None = None,
    ) -> Dispute:
        """Record a trainee's dispute of one verdict. Writes: yes.

        Raises `DisputeExists` when that verdict of that turn is disputed already.
        """
        try:
            with self.transaction():
                table = self._table("disputes")
                table.insert({
                    "attempt_id": attempt_id, "turn_id": turn_id, "turn_idx": turn_idx,
                    "check_id": check_id, "original": int(original), "comment": comment,
                    "status": "open", "opened_by": opened_by, "opened_at": utcnow(),
                })
                dispute_id = self._last_id(table)
        except sqlite3.IntegrityError as exc:
            raise DisputeExists(
                f"verdict {check_id} of turn {turn_id} is disputed already") from exc
        return self.get_dispute(dispute_id)

    def get_dispute(self, dispute_id: int) -> Dispute:
        """One dispute. Writes: no. Raises `DisputeNotFound`."""
        rows = list(self.db.query(f"{_DISPUTES} WHERE d.id = ?", [dispute_id]))
        if not rows:
            raise DisputeNotFound(f"dispute {dispute_id} not found")
        return dispute_from(rows[0])

    def list_disputes(
        self, *, status: DisputeStatus | None = None, attempt_id: int | None = None
    ) -> list[Dispute]:
        """Disputes, oldest first, optionally of one status or one attempt. Writes: no."""
        where: list[str] = []
        args: list[object] = []
        if status is not None:
            where.append("d.status = ?")
            args.append(status)
        if attempt_id is not None:
            where.append("d.attempt_id = ?")
            args.append(attempt_id)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        return [dispute_from(r) for r in self.db.query(f"{_DISPUTES}{clause} ORDER BY d.id", args)]

    def rule_dispute(
        self,
        dispute_id: int,
        *,
        accept: bool,
        ruled_by: int,
        finish: Finish | None = None,
        accepted_before: frozenset[int] = frozenset(),
    ) -> Dispute:
        """Accept or reject an open dispute. Writes: yes, in one transaction.

        Accepting with `finish` (the attempt's score recomputed with every accepted dispute,
        this one included) writes the new score, passed flag and card on the attempt, marks it
        reviewed and keeps its score from before the first review. `accepted_before` is the set
        of the attempt's disputes accepted when `finish` was computed: if another ruling landed
        meanwhile, nothing is written and `ConcurrentReview` is raised (compute again).
        Raises `DisputeNotFound`, `DisputeClosed` when it was ruled on already (nothing is
        changed a second time).
        """
        dispute = self.get_dispute(dispute_id)
        now = utcnow()
        with self.transaction() as db:
            if finish is not None:
                accepted = {
                    int(r[0]) for r in db.execute(
                        "SELECT id FROM disputes WHERE attempt_id = ? AND status = 'accepted'",
                        [dispute.attempt_id],
                    ).fetchall()
                }
                if accepted != set(accepted_before):
                    raise ConcurrentReview(
                        f"attempt {dispute.attempt_id} was reviewed meanwhile")
            cursor = db.execute(
                "UPDATE disputes SET status = ?, ruled_by = ?, ruled_at = ? "
                "WHERE id = ? AND status = 'open'",
                ["accepted" if accept else "rejected", ruled_by, now, dispute_id],
            )
            if cursor.rowcount != 1:
                raise DisputeClosed(dispute_id, self.get_dispute(dispute_id).status)
            if accept and finish is not None:
                changes: dict[str, Any] = {
                    "score": finish.score, "passed": int(finish.passed),
                    "card": dumps(finish.card), "reviewed_at": now,
                }
                if finish.formula is not None:  # the card is recomputed by today's formula
                    changes["formula"] = finish.formula
                db.execute(
                    "UPDATE attempts SET original_score = coalesce(original_score, score), "
                    + ", ".join(f"[{k}] = :{k}" for k in changes)
                    + " WHERE id = :attempt_id",
                    {**changes, "attempt_id": dispute.attempt_id},
                )
        return self.get_dispute(dispute_id)

    def reviewers(self, team_id: int | None) -> list[Person]:
        """Who rules on a dispute of a trainee of `team_id`: the team's trainers, or, when it
        has none (or the trainee is in no team), every admin. Writes: no."""
        def with_role(role: str, team: int | None) -> list[Person]:
            clause = "AND p.team_id = ?" if team is not None else ""
            args: list[Any] = [role, *([team] if team is not None else [])]
            rows = self.db.query(
                "SELECT p.* FROM people p WHERE EXISTS (SELECT 1 FROM json_each(p.roles) r "
                f"WHERE r.value = ?) {clause} ORDER BY p.id", args)
            return [person_from(r) for r in rows]

        found = with_role("trainer", team_id) if team_id is not None else []
        return found or with_role("admin", None)
