"""TrainingService on a real SQLite file: round trips, refusals, restart, versions, hints."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from mini_scenario import BAD, GOOD, make_service, started, write_mini

from bot.errors import (
    AttemptAlreadyActive,
    AttemptClosed,
    AttemptNotFound,
    BotError,
    DuplicateEvent,
    EmptyReply,
    HintUnavailable,
    InvalidMode,
    UnknownScenario,
)
from bot.service import Receipt, TrainingService


@pytest.fixture
def person_id(service: TrainingService) -> int:
    return service.storage.create_person("Анна", telegram_id=1001).id


async def _play(service: TrainingService, attempt_id: int, replies: list[str]):
    owner = service.storage.get_attempt(attempt_id).person_id
    views = []
    for reply in replies:
        views.append(await service.answer(attempt_id, reply, person_id=owner))
    return views


async def test_good_run_round_trip(service: TrainingService, person_id: int) -> None:
    attempt_id, line = await started(service,
        person_id, "mini_call", "training", "telegram", 1
    )
    assert line.state == "opening" and line.expect == ["greeting", "company_name"]
    first, second = await _play(service, attempt_id, GOOD)
    assert first.result.score.passed and first.line is not None
    assert first.line.state == "closing" and not first.finished
    assert second.finished and second.card is not None and second.card.passed
    assert second.line is not None and second.line.text == "До свидания!"
    attempt = service.storage.get_attempt(attempt_id)
    assert (attempt.status, attempt.outcome, attempt.passed) == ("finished", "resolved", True)
    stored = dict(attempt.card or {})
    assert stored.pop("tip") == {"text": second.final.tip.text, "source": "rules"}  # type: ignore[union-attr]
    assert attempt.score == second.card.score and stored == second.card.model_dump(mode="json")
    turns = service.turns(attempt_id, person_id=person_id)
    assert [t.idx for t in turns] == [0, 1]
    assert turns[0].client_line == line.text and turns[0].reply_text == GOOD[0]
    assert turns[0].verdicts["greeting"]["value"] is True
    assert turns[0].verdicts["greeting"]["evidence"]["quote"]
    assert turns[0].elapsed_seconds is not None and 0 <= turns[0].elapsed_seconds < 30
    assert turns[0].degraded is False
    snapshot = json.loads(attempt.run_state)
    assert snapshot["finished"] is True and len(snapshot["history"]) == 2


async def test_bad_run_ends_with_client_hanging_up(
    service: TrainingService, person_id: int
) -> None:
    attempt_id, _ = await started(service, person_id, "mini_call", "training", "terminal", 1)
    views = await _play(service, attempt_id, [BAD, BAD])
    assert views[0].line is not None and views[0].line.state == "opening"
    assert not views[0].result.score.passed
    last = views[-1]
    assert last.finished and last.card is not None
    assert last.card.outcome == "hung_up" and last.card.passed is False
    assert service.storage.get_attempt(attempt_id).outcome == "hung_up"
    assert service.storage.missed_checks(person_id)[0] in (("company_name", 2), ("greeting", 2))


async def test_good_run_scores_above_bad_run(service: TrainingService, person_id: int) -> None:
    good_id, _ = await started(service, person_id, "mini_call", seed=3)
    await _play(service, good_id, GOOD)
    bad_id, _ = await started(service, person_id, "mini_call", seed=3)
    await _play(service, bad_id, [BAD, BAD])
    good, bad = service.storage.get_attempt(good_id), service.storage.get_attempt(bad_id)
    assert good.score is not None and bad.score is not None and good.score > bad.score


async def test_finished_attempt_refuses_a_reply(service: TrainingService, person_id: int) -> None:
    attempt_id, _ = await started(service, person_id, "mini_call", seed=1)
    await _play(service, attempt_id, GOOD)
    before = service.storage.get_attempt(attempt_id)
    with pytest.raises(AttemptClosed) as info:
        await service.answer(attempt_id, GOOD[1], person_id=person_id)
    assert info.value.status == "finished" and isinstance(info.value, BotError)
    after = service.storage.get_attempt(attempt_id)
    assert after == before and len(service.turns(attempt_id, person_id=person_id)) == 2


async def test_abandon_closes_and_refuses_further_replies(
    service: TrainingService, person_id: int
) -> None:
    attempt_id, _ = await started(service, person_id, "mini_call", seed=1)
    await service.answer(attempt_id, GOOD[0], person_id=person_id)
    closed = await service.abandon(attempt_id, person_id=person_id)
    assert closed.turns == 1 and closed.card.passed is False
    attempt = service.storage.get_attempt(attempt_id)
    assert attempt.status == "abandoned" and attempt.finished_at is not None
    assert await service.active_attempt(person_id) is None
    with pytest.raises(AttemptClosed):
        await service.answer(attempt_id, GOOD[1], person_id=person_id)
    with pytest.raises(AttemptClosed):
        await service.abandon(attempt_id, person_id=person_id)


@pytest.mark.parametrize("text", ["", "   ", "\n"])
async def test_empty_reply_is_refused_and_not_stored(
    service: TrainingService, person_id: int, text: str
) -> None:
    attempt_id, _ = await started(service, person_id, "mini_call", seed=1)
    with pytest.raises(EmptyReply):
        await service.answer(attempt_id, text, person_id=person_id)
    assert service.turns(attempt_id, person_id=person_id) == []
    assert service.storage.get_attempt(attempt_id).turn_count == 0


async def test_unknown_scenario_mode_and_attempt(service: TrainingService, person_id: int) -> None:
    with pytest.raises(UnknownScenario):
        await started(service, person_id, "no_such")
    with pytest.raises(InvalidMode):
        await started(service, person_id, "mini_call", "party")
    with pytest.raises(AttemptNotFound):
        await service.answer(999, "Здравствуйте", person_id=person_id)
    assert service.storage.list_attempts(person_id) == []


async def test_double_start_does_not_make_two_runs(
    service: TrainingService, person_id: int
) -> None:
    results = await asyncio.gather(
        started(service, person_id, "mini_call", seed=1),
        started(service, person_id, "mini_call", seed=1),
        return_exceptions=True,
    )
    ok = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, AttemptAlreadyActive)]
    assert len(ok) == 1 and len(refused) == 1
    assert refused[0].attempt_id == ok[0][0]
    assert len(service.storage.list_attempts(person_id)) == 1


async def test_replace_active_abandons_the_old_run(
    service: TrainingService, person_id: int
) -> None:
    old_id, _ = await started(service, person_id, "mini_call", seed=1)
    new_id, _ = await started(service, person_id, "mini_call", seed=2, replace_active=True)
    assert service.storage.get_attempt(old_id).status == "abandoned"
    active = await service.active_attempt(person_id)
    assert active is not None and active.attempt.id == new_id


async def test_two_replies_at_once_are_handled_in_order_each_once(
    service: TrainingService, person_id: int
) -> None:
    attempt_id, _ = await started(service, person_id, "mini_call", seed=1)
    first, second = await asyncio.gather(
        service.answer(attempt_id, GOOD[0], person_id=person_id),
        service.answer(attempt_id, GOOD[1], person_id=person_id),
    )
    assert (first.turn_index, second.turn_index) == (0, 1)
    assert [t.reply_text for t in service.turns(attempt_id, person_id=person_id)] == GOOD
    assert second.finished


async def test_restart_continues_from_same_state_and_history(
    db_path: Path, library_dir: Path
) -> None:
    before = make_service(db_path, library_dir)
    person = before.storage.create_person("Вера", telegram_id=7)
    attempt_id, _ = await started(before, person.id, "mini_call", seed=5)
    view = await before.answer(attempt_id, GOOD[0], person_id=person.id)
    assert view.line is not None
    snapshot = before.storage.get_attempt(attempt_id).run_state
    before.storage.close()  # the process dies; nothing is kept in memory

    after = make_service(db_path, library_dir)
    try:
        active = await after.active_attempt(person.id)
        assert active is not None and active.attempt.id == attempt_id
        assert active.line == view.line
        assert active.attempt.run_state == snapshot
        assert [t.reply_text for t in active.history] == [GOOD[0]]
        done = await after.answer(attempt_id, GOOD[1], person_id=person.id)
        assert done.turn_index == 1 and done.finished and done.card is not None
        assert done.card.turns == 2 and done.card.passed
    finally:
        after.storage.close()


async def test_same_seed_same_lines(service: TrainingService, person_id: int) -> None:
    first_id, first = await started(service, person_id, "mini_call", seed=11)
    await service.abandon(first_id, person_id=person_id)
    _, again = await started(service, person_id, "mini_call", seed=11)
    assert first.text == again.text


async def test_editing_a_scenario_creates_a_new_version_and_keeps_old_attempts(
    db_path: Path, tmp_path: Path
) -> None:
    folder = write_mini(tmp_path / "lib", closing="Спасибо, всё понятно.")
    v1 = make_service(db_path, folder)
    person = v1.storage.create_person("Галя", telegram_id=9)
    finished_id, _ = await started(v1, person.id, "mini_call", seed=1)
    await _play(v1, finished_id, GOOD)
    running_id, _ = await started(v1, person.id, "mini_call", seed=1)
    await v1.answer(running_id, GOOD[0], person_id=person.id)
    old_finished = v1.storage.get_attempt(finished_id)
    v1.storage.close()

    write_mini(folder, closing="Понятно. А сколько стоит доставка?")  # the trainer edits it
    v2 = make_service(db_path, folder)
    try:
        # the run started on v1 goes on on v1, as it was played
        running = await v2.active_attempt(person.id)
        assert running is not None and running.line.text == "Спасибо, всё понятно."
        await v2.answer(running_id, GOOD[1], person_id=person.id)
        new_id, _ = await started(v2, person.id, "mini_call", seed=1)
        first_view = await v2.answer(new_id, GOOD[0], person_id=person.id)
        assert first_view.line is not None
        assert first_view.line.text == "Понятно. А сколько стоит доставка?"

        versions = v2.storage.scenario_versions("mini_call")
        assert len(versions) == 2 and versions[0].content_hash != versions[1].content_hash
        assert "Спасибо, всё понятно." in versions[0].content
        old = v2.storage.get_attempt(finished_id)
        assert old == old_finished and old.scenario_version_id == versions[0].id
        assert v2.storage.get_attempt(running_id).scenario_version_id == versions[0].id
        assert v2.storage.get_attempt(new_id).scenario_version_id == versions[1].id
    finally:
        v2.storage.close()


async def test_hint_in_training_costs_points(service: TrainingService, person_id: int) -> None:
    plain_id, _ = await started(service, person_id, "mini_call", seed=1)
    plain = (await _play(service, plain_id, GOOD))[-1].card
    hinted_id, _ = await started(service, person_id, "mini_call", seed=1)
    hint = await service.hint(hinted_id, person_id=person_id)
    assert hint.text == "«Здравствуйте! Почта России, слушаю вас.»"
    assert (await service.hint(hinted_id, person_id=person_id)).hints_used == 2
    hinted = (await _play(service, hinted_id, GOOD))[-1].card
    assert plain is not None and hinted is not None
    assert hinted.score == max(0, plain.score - 2 * service.standard.hint_penalty)
    assert hinted.hints == 2 and hinted.hint_cost == 2 * service.standard.hint_penalty
    assert service.storage.get_attempt(hinted_id).hints_used == 2
    with pytest.raises(AttemptClosed):
        await service.hint(hinted_id, person_id=person_id)


async def test_exam_has_no_hints(service: TrainingService, person_id: int) -> None:
    attempt_id, line = await started(service, person_id, "mini_call", "exam", seed=1)
    assert line.hint is None
    with pytest.raises(HintUnavailable):
        await service.hint(attempt_id, person_id=person_id)
    view = await service.answer(attempt_id, GOOD[0], person_id=person_id)
    assert view.mode == "exam" and view.show_feedback is False


async def test_exam_scenario_is_always_an_exam(tmp_path: Path, db_path: Path) -> None:
    service = make_service(db_path, write_mini(tmp_path / "exam", mode="exam"))
    try:
        person = service.storage.create_person("Дина")
        view = await service.start(person.id, "mini_call", "training", "terminal", 1)
        assert view.mode == "exam"
        assert service.storage.get_attempt(view.attempt_id).mode == "exam"
    finally:
        service.storage.close()


async def test_progress(service: TrainingService, person_id: int) -> None:
    for replies in (GOOD, [BAD, BAD], GOOD):
        attempt_id, _ = await started(service, person_id, "mini_call", seed=1)
        await _play(service, attempt_id, replies)
    progress = service.progress(person_id)
    assert len(progress.attempts) == 3
    (stats,) = progress.scenarios
    assert stats.attempts == 3 and stats.finished == 3
    assert stats.best_score == stats.latest_score
    assert stats.latest_passed is True
    assert {check for check, _ in progress.most_missed} <= {"greeting", "company_name"}
    assert progress.most_missed and progress.most_missed[0][1] == 2
    assert service.best_scores(person_id) == {"mini_call": stats.best_score}


async def test_a_redelivered_message_is_graded_once(service: TrainingService, person_id: int) -> None:
    """The update id is stored with the turn: a message delivered again changes nothing."""
    attempt_id, _ = await started(service, person_id, "mini_call", seed=1)
    first = Receipt("update", "1001")
    await service.answer(attempt_id, GOOD[0], person_id=person_id, receipt=first)
    assert first.recorded
    with pytest.raises(DuplicateEvent):
        await service.answer(attempt_id, GOOD[0], person_id=person_id,
                             receipt=Receipt("update", "1001"))
    turns = service.turns(attempt_id, person_id=person_id)
    assert [t.reply_text for t in turns] == [GOOD[0]]
    assert service.receipt("update", 1001) is None


async def test_an_interrupted_message_is_not_marked_and_is_graded_on_redelivery(
    service: TrainingService, person_id: int
) -> None:
    """A reply whose turn was never written (the bot died first) is not lost."""
    attempt_id, _ = await started(service, person_id, "mini_call", seed=1)
    receipt = service.receipt("update", 2002)
    assert receipt is not None and not service.storage.is_processed("update", 2002)
    view = await service.answer(attempt_id, GOOD[0], person_id=person_id, receipt=receipt)
    assert view.turn_index == 0 and service.storage.is_processed("update", 2002)


def test_register_is_idempotent_and_finds_teams_by_name(service: TrainingService) -> None:
    first = service.people.register(9001, "Анна", team_name="Отделение 5")
    again = service.people.register(9001, "Анна Другая", team_name="другое")
    other = service.people.register(9002, "Борис", team_name="ОТДЕЛЕНИЕ 5")
    assert again.id == first.id and again.display_name == "Анна"
    assert other.team_id == first.team_id is not None
    assert len(service.storage.list_teams()) == 1


async def test_answer_time_is_measured_from_the_line_shown(
    service: TrainingService, person_id: int
) -> None:
    from datetime import datetime, timedelta

    attempt_id, _ = await started(service, person_id, "mini_call", seed=1)
    shown = datetime.fromisoformat(service.storage.get_attempt(attempt_id).line_shown_at or "")
    await service.answer(attempt_id, GOOD[0], person_id=person_id,
                         sent_at=shown + timedelta(seconds=4.25))
    assert service.turns(attempt_id, person_id=person_id)[0].elapsed_seconds == 4.25


async def test_another_persons_attempt_is_not_found(
    service: TrainingService, person_id: int
) -> None:
    """Hint, answer, abandon and turns name an attempt by id: someone else's is refused."""
    attempt_id, _ = await started(service, person_id, "mini_call", seed=1)
    other = service.storage.create_person("Чужой", telegram_id=1002).id
    with pytest.raises(AttemptNotFound):
        await service.hint(attempt_id, person_id=other)
    with pytest.raises(AttemptNotFound):
        await service.answer(attempt_id, GOOD[0], person_id=other)
    with pytest.raises(AttemptNotFound):
        await service.abandon(attempt_id, person_id=other)
    with pytest.raises(AttemptNotFound):
        service.turns(attempt_id, person_id=other)
    attempt = service.storage.get_attempt(attempt_id)
    assert (attempt.hints_used, attempt.turn_count, attempt.status) == (0, 0, "active")
