"""Disputed verdicts (`TrainingService.disputes`): the trainee contests one verdict of one of
their turns; the trainers of their team (or, if it has none, the admins) rule on it.

An accepted dispute overrides that verdict for that attempt: the attempt's score is recomputed
once, by the engine's own formula on the turns as they were played (`Engine.regrade`), in the
same transaction as the ruling, and the attempt is marked reviewed; the turn's stored verdict
stays as graded (the dispute says who changed it and when). Rulings wait until the run is over.
Accepted and rejected disputes export as labelled cases of the grading contract
(`../shared/spec/checks.md`), so `score_eval.py --set` measures the standard against them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.errors import (
    AttemptNotFound,
    AttemptStillActive,
    ConcurrentReview,
    DisputeNotFound,
    Forbidden,
)
from bot.service.people import Who
from bot.storage import Attempt, Dispute, DisputeStatus, Finish, Person, Turn

if TYPE_CHECKING:
    from bot.service.training import TrainingService

RETRIES = 3


@dataclass(frozen=True, slots=True)
class VerdictChoice:
    """A verdict a trainee may dispute: of which turn, which check, what it said."""

    turn_idx: int
    check: str
    kind: str
    value: bool


@dataclass(frozen=True, slots=True)
class DisputeView:
    """A dispute with everything a trainer needs to rule on it."""

    dispute: Dispute
    scenario_title: str
    trainee_name: str
    team_name: str | None
    client_line: str
    reply: str
    kind: str
    evidence: dict[str, Any] | None
    reviewers: list[int]
    """Telegram ids of the people who rule on it (the team's trainers, else the admins)."""


@dataclass(frozen=True, slots=True)
class RulingView:
    """What a ruling did: the dispute, whom to tell, the attempt's score before and after."""

    view: DisputeView
    trainee_telegram_id: int | None
    score_before: int | None
    score_after: int | None
    passed_after: bool | None

    @property
    def dispute(self) -> Dispute:
        return self.view.dispute


class DisputeService:
    """Opening, ruling on and exporting disputes. Ownership and roles are checked here."""

    def __init__(self, service: TrainingService) -> None:
        self._service = service
        self._storage = service.storage

    # --- the trainee -------------------------------------------------------------------------

    def choices(self, attempt_id: int, turn_idx: int | None, *, person_id: int
                ) -> list[VerdictChoice]:
        """The verdicts a trainee may dispute: of one turn (its expected steps and the
        violations found), or of the whole attempt for the score card (`turn_idx` None: the
        missed steps and the violations of every turn). Writes: no. Raises `AttemptNotFound`
        (also for another person's attempt or a turn it does not have)."""
        self._service._own_attempt(attempt_id, person_id)
        turns = self._storage.turns(attempt_id)
        if turn_idx is not None:
            chosen = [t for t in turns if t.idx == turn_idx]
            if not chosen:
                raise AttemptNotFound(f"attempt {attempt_id} has no turn {turn_idx}")
            return _of_turn(chosen[0], steps="all")
        out: list[VerdictChoice] = []
        for turn in turns:
            out += _of_turn(turn, steps="missed")
        return out

    def open(self, attempt_id: int, turn_idx: int, check: str, *, person_id: int,
             comment: str | None = None) -> DisputeView:
        """Dispute one verdict of one's own turn. Writes: yes. Raises `AttemptNotFound` (also
        for another person's attempt), `DisputeNotFound` for a verdict that cannot be disputed
        there, `DisputeExists` when it is disputed already."""
        choices = self.choices(attempt_id, turn_idx, person_id=person_id)
        found = [c for c in choices if c.check == check]
        if not found:
            raise DisputeNotFound(f"turn {turn_idx} of attempt {attempt_id} has no verdict {check}")
        turn = self._turn(attempt_id, turn_idx)
        dispute = self._storage.open_dispute(
            attempt_id=attempt_id, turn_id=turn.id, turn_idx=turn_idx, check_id=check,
            original=found[0].value, opened_by=person_id,
            comment=(comment or "").strip()[:1000] or None,
        )
        return self._view(dispute)

    # --- the trainer -------------------------------------------------------------------------

    def get(self, who: Who, dispute_id: int) -> DisputeView:
        """One dispute, for someone who rules on it. Writes: no. Raises `DisputeNotFound`,
        `Forbidden`."""
        view = self._view(self._storage.get_dispute(dispute_id))
        self._require_reviewer(who, view.dispute)
        return view

    def disputes(self, who: Who, status: DisputeStatus | None = None) -> list[DisputeView]:
        """The disputes `who` rules on (an admin: all), oldest first. Writes: no.
        Raises `Forbidden` without the trainer role."""
        self._service.trainer.require(who)
        views = [self._view(d) for d in self._storage.list_disputes(status=status)]
        return [v for v in views if self._may_rule(who, v.dispute)]

    def rule(self, who: Who, dispute_id: int, *, accept: bool) -> RulingView:
        """Accept or reject an open dispute. Accepting recomputes the attempt's score with every
        accepted dispute of it and marks it reviewed, once. Writes: yes.

        Raises `DisputeNotFound`, `Forbidden` (not a trainer of the trainee's team, nor an
        admin), `AttemptStillActive` while the run goes on, `DisputeClosed` when it was ruled
        on already (nothing changes a second time).
        """
        dispute = self._storage.get_dispute(dispute_id)
        self._require_reviewer(who, dispute)
        attempt = self._storage.get_attempt(dispute.attempt_id)
        if attempt.status == "active":
            raise AttemptStillActive(f"attempt {attempt.id} is still being played")
        ruler = who.person.id if who.person is not None else 0
        for _ in range(RETRIES):
            attempt = self._storage.get_attempt(dispute.attempt_id)
            finish, before = (self._rescored(attempt, dispute) if accept else (None, frozenset()))
            try:
                ruled = self._storage.rule_dispute(dispute_id, accept=accept, ruled_by=ruler,
                                                   finish=finish, accepted_before=before)
                break
            except ConcurrentReview:
                continue
        else:
            raise ConcurrentReview(f"attempt {attempt.id} kept changing; try again")
        after = self._storage.get_attempt(dispute.attempt_id)
        trainee = self._storage.get_person(dispute.opened_by)
        return RulingView(self._view(ruled), trainee.telegram_id, attempt.score, after.score,
                          after.passed)

    def export(self, who: Who, status: DisputeStatus | None = None) -> list[dict[str, Any]]:
        """Accepted and rejected disputes as labelled cases of the grading contract
        (`{"id", "scenario", "client", "text", "checks", "context", "expected"}`, one per
        dispute; the expected verdict is the one that stands). Open disputes have no label yet
        and a turn whose text was forgotten has nothing to grade: both are left out.
        Writes: no. Raises `Forbidden`."""
        cases: list[dict[str, Any]] = []
        for view in self.disputes(who, status):
            dispute = view.dispute
            if dispute.status == "open" or not view.reply:
                continue
            attempt = self._storage.get_attempt(dispute.attempt_id)
            _, engine, run = self._service._restore(attempt)
            context = engine.context(run).model_dump(exclude_none=True)
            if not context.get("third_party"):
                context.pop("third_party", None)
            cases.append({
                "id": f"dispute-{dispute.id}",
                "scenario": dispute.scenario_id,
                "client": view.client_line,
                "text": view.reply,
                "checks": [dispute.check_id],
                "context": context,
                "expected": {dispute.check_id: dispute.value},
            })
        return cases

    # --- helpers -----------------------------------------------------------------------------

    def _turn(self, attempt_id: int, turn_idx: int) -> Turn:
        for turn in self._storage.turns(attempt_id):
            if turn.idx == turn_idx:
                return turn
        raise AttemptNotFound(f"attempt {attempt_id} has no turn {turn_idx}")

    def _rescored(self, attempt: Attempt, dispute: Dispute) -> tuple[Finish, frozenset[int]]:
        """The attempt's card with every accepted dispute and this one applied to the turns as
        graded, by the standard the attempt was played on (when it is still known)."""
        accepted = self._storage.list_disputes(attempt_id=attempt.id, status="accepted")
        overrides: dict[int, dict[str, bool]] = {}
        for d in [*accepted, dispute]:
            overrides.setdefault(d.turn_idx, {})[d.check_id] = not d.original
        scenario, engine, run = self._service._restore(attempt)
        version = self._storage.get_scenario_version(attempt.scenario_version_id)
        played_on = self._service.published.standard_by_version(version.standard_version)
        if played_on is not None:
            engine = self._service.engine(scenario, standard=played_on)
        card = engine.regrade(run, overrides)
        finish = Finish(card.score, card.passed, card.outcome, card.model_dump(mode="json"),
                        formula=card.formula)
        return finish, frozenset(d.id for d in accepted)

    def _view(self, dispute: Dispute) -> DisputeView:
        attempt = self._storage.get_attempt(dispute.attempt_id)
        turn = self._turn(dispute.attempt_id, dispute.turn_idx)
        trainee = self._storage.get_person(dispute.opened_by)
        team = self._storage.get_team(trainee.team_id).name if trainee.team_id else None
        verdict = turn.verdicts.get(dispute.check_id, {})
        return DisputeView(
            dispute=dispute,
            scenario_title=self._service._title(attempt.scenario_id),
            trainee_name=trainee.display_name,
            team_name=team,
            client_line=turn.client_line,
            reply=turn.reply_text,
            kind=str(verdict.get("kind", "step")),
            evidence=verdict.get("evidence"),
            reviewers=[p.telegram_id for p in self._reviewers(trainee)
                       if p.telegram_id is not None],
        )

    def _reviewers(self, trainee: Person) -> list[Person]:
        found = self._storage.reviewers(trainee.team_id)
        if found and any(p.team_id == trainee.team_id and "trainer" in p.roles for p in found):
            return found
        admins = {p.id: p for p in found}
        for telegram_id in self._service.people.admin_ids:
            person = self._storage.person_by_telegram(telegram_id)
            if person is not None:
                admins.setdefault(person.id, person)
        return list(admins.values())

    def _may_rule(self, who: Who, dispute: Dispute) -> bool:
        if who.can("admin"):
            return True
        if not who.can("trainer") or who.person is None:
            return False
        trainee = self._storage.get_person(dispute.opened_by)
        return trainee.team_id is not None and who.person.team_id == trainee.team_id

    def _require_reviewer(self, who: Who, dispute: Dispute) -> None:
        if not self._may_rule(who, dispute):
            raise Forbidden("only the trainers of the trainee's team (or an admin) rule on it")


def _of_turn(turn: Turn, *, steps: str) -> list[VerdictChoice]:
    """A turn's disputable verdicts: its expected steps (all, or the missed ones) in order,
    then the violations found."""
    wanted = [*turn.passed_steps, *turn.missed_steps] if steps == "all" else turn.missed_steps
    out = [
        VerdictChoice(turn.idx, check, "step", bool(turn.verdicts.get(check, {}).get("value")))
        for check in wanted
    ]
    found = dict.fromkeys(v.get("check", "") for v in turn.violations)
    out += [VerdictChoice(turn.idx, check, "violation", True) for check in found if check]
    return out
