"""Where trainees fail: the funnel of a scenario from stored attempts (preview ones excluded)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mini_scenario import BAD, GOOD, started
from trainer_helpers import make_who

from bot.service import TrainingService, Who
from bot.texts import Texts
from bot.workbench import stats_lines


async def _run(service: TrainingService, who: Who, replies: list[str], *,
               abandon: bool = False, hints: int = 0, wait: float = 0.0) -> None:
    assert who.person is not None
    attempt_id, _ = await started(service, who.person.id, "mini_call", "training", "telegram", 1,
                                  replace_active=True)
    for _ in range(hints):
        await service.hint(attempt_id, person_id=who.person.id)
    for reply in replies:
        sent = datetime.now(UTC) + timedelta(seconds=wait)
        view = await service.answer(attempt_id, reply, person_id=who.person.id, sent_at=sent)
        if view.finished:
            return
    if abandon:
        await service.abandon(attempt_id, person_id=who.person.id)


async def test_the_funnel_counts_reaching_dropping_hanging_up_and_failing(
    service: TrainingService, trainer: Who
) -> None:
    people = [make_who(service, 8000 + i, f"Стажёр {i}") for i in range(4)]
    await _run(service, people[0], GOOD, wait=10)  # resolved
    await _run(service, people[1], [BAD, GOOD[0], GOOD[1]], hints=2, wait=20)  # a retry, then ok
    await _run(service, people[2], [BAD, BAD], wait=30)  # patience 2: the client hangs up
    await _run(service, people[3], [GOOD[0]], abandon=True, wait=30)  # left at closing
    await _run(service, trainer, [BAD], abandon=True, wait=30)  # a trainer playing normally counts
    preview = await service.trainer.preview(trainer, "mini_call", replace_active=True)
    assert trainer.person is not None
    await service.answer(preview.attempt_id, BAD, person_id=trainer.person.id)  # not counted

    result = service.trainer.stats(trainer, "mini_call")
    # the retried run passes too: every step is credited in the end, minus two hints
    assert (result.runs, result.finished, result.passed, result.abandoned) == (5, 3, 2, 2)
    assert result.outcomes == {"hung_up": 1, "resolved": 2}
    assert (result.runs_with_hints, result.hints) == (1, 2)
    by_state = {s.state: s for s in result.states}
    opening, closing = by_state["opening"], by_state["closing"]
    assert opening.reached == 5 and opening.reached_share == 1.0
    assert opening.replies == 7 and opening.failed == 4  # BAD ×4 (one is the trainer's)
    assert opening.failure_rate == round(4 / 7, 3)
    assert opening.hung_up == 1 and opening.dropped == 1
    assert opening.missed[0].check in ("company_name", "greeting") and opening.missed[0].count == 4
    assert closing.reached == 3 and closing.dropped == 1 and closing.failed == 0
    assert by_state["resolved"].reached == 2 and by_state["hung_up"].reached == 1
    # answer times 10, 20, 20, 30, 30, 30, 30 s
    assert opening.median_answer_seconds is not None
    assert 29.9 <= opening.median_answer_seconds <= 30.5
    assert result.failure_rates()["opening"] == opening.failure_rate

    lines = stats_lines(Texts(), service.standard, result)
    assert lines[0].startswith("📊 Мини-звонок (mini_call)")
    assert any(line.startswith("• opening: дошли 5 (100 %)") for line in lines)
    assert any("чаще пропускают" in line for line in lines)
