"""What a report rests on: stored attempts and the versions they were played on (a past
period never changes when the scenario or the standard is edited), the period before, the one
`counted` predicate (previews), and indexed query plans."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from mini_scenario import write_mini
from report_helpers import play_run

from bot.errors import AttemptNotFound
from bot.reports.jsonout import report_json
from bot.reports.period import Period
from bot.service import TrainingService
from bot.storage import Storage
from bot.storage.reports import Scope
from bot.texts import Texts
from scenarios import load_library
from scoring import Grader, load_standard

ADMIN = 900


def service_on(db: Path, library: Path, standard_file: Path | None = None) -> TrainingService:
    standard = load_standard(standard_file)
    return TrainingService(Storage(db), load_library(library, standard), Grader(standard),
                           standard=standard, admin_ids=[ADMIN])


def shift(storage: Storage, attempt_ids: list[int], days: int) -> None:
    """Move attempts (and their turns) `days` days into the past, as if played then."""
    marks = ", ".join("?" * len(attempt_ids))
    for column in ("started_at", "finished_at", "line_shown_at"):
        storage.db.execute(
            f"UPDATE attempts SET {column} = strftime('%Y-%m-%dT%H:%M:%f000+00:00', "
            f"{column}, '-{days} days') WHERE id IN ({marks}) AND {column} IS NOT NULL",
            attempt_ids)
    storage.db.execute(
        "UPDATE turns SET created_at = strftime('%Y-%m-%dT%H:%M:%f000+00:00', created_at, "
        f"'-{days} days') WHERE attempt_id IN ({marks})", attempt_ids)
    storage.db.conn.commit()


async def played_team(service: TrainingService) -> list[int]:
    people = [service.people.register(100 + i, f"Сотрудник {i}", team_name="Смена").id
              for i in range(3)]
    runs = [await play_run(service, people[0], "mini_call", quality="good"),
            await play_run(service, people[0], "mini_call", quality="bad"),
            await play_run(service, people[1], "mini_call", quality="good", hints=1)]
    return [r.attempt_id for r in runs]


async def test_a_past_period_never_changes_when_scenario_or_standard_is_edited(
    tmp_path: Path,
) -> None:
    db, library = tmp_path / "r.db", write_mini(tmp_path / "lib")
    first = service_on(db, library)
    shift(first.storage, await played_team(first), 40)
    admin = first.people.identify(ADMIN)
    today = datetime.now(UTC).date()
    past = Period.between(today - timedelta(days=45), today - timedelta(days=35),
                          first.reports.tz)
    before = report_json(Texts(), first.reports.report(admin, past))
    assert before["figures"]["attempts"] == 3 and before["scenarios"][0]["versions"] == [1]
    first.close()

    yaml = (library / "mini_call.yaml").read_text(encoding="utf-8")
    edited = (yaml.replace("title: Мини-звонок", "title: Мини-звонок, новая редакция")
              .replace("expect: [greeting, company_name]", "expect: [greeting]")
              .replace("score_at_least: 70", "score_at_least: 95"))
    assert edited != yaml
    (library / "mini_call.yaml").write_text(edited, encoding="utf-8")
    strict = tmp_path / "strict.yaml"
    strict.write_text("extends: default\nname: strict\npass_mark: 95\nhint_penalty: 30\n",
                      encoding="utf-8")
    second = service_on(db, library, strict)
    try:
        people = second.people
        await play_run(second, people.register(100, "x").id, "mini_call", quality="good")
        after = report_json(Texts(), second.reports.report(people.identify(ADMIN), past))
        assert after == before
        now = report_json(Texts(), second.reports.report(people.identify(ADMIN),
                                                         second.reports.period(7)))
        assert now["scenarios"][0]["title"] == "Мини-звонок, новая редакция"
        assert now["scenarios"][0]["versions"] == [2]
        everything = second.reports.report(people.identify(ADMIN), second.reports.period(None))
        assert everything.overall.scenarios[0].versions == (1, 2)
    finally:
        second.close()


async def test_the_period_before_gives_the_changes(tmp_path: Path) -> None:
    service = service_on(tmp_path / "r.db", write_mini(tmp_path / "lib"))
    try:
        old = await played_team(service)
        shift(service.storage, old, 40)
        person = service.people.register(100, "x").id
        await play_run(service, person, "mini_call", quality="good")
        admin = service.people.identify(ADMIN)
        report = service.reports.report(admin, service.reports.period(30))
        summary = report.teams[0].summary
        assert summary.figures.attempts == 1 and summary.previous is not None
        assert summary.previous.attempts == 3  # 40 days ago: in the 30 days before
        wide = service.reports.report(admin, service.reports.period(60)).teams[0].summary
        assert wide.figures.attempts == 4 and wide.previous is not None
        assert wide.previous.attempts == 0
        month = service.reports.report(admin, service.reports.period(35)).teams[0].summary
        assert (month.figures.attempts, month.previous and month.previous.attempts) == (1, 3)
        assert month.previous is not None and month.previous.hints == 1
        assert service.reports.report(admin, service.reports.period(None)).teams[0] \
            .summary.previous is None
    finally:
        service.close()


async def test_preview_attempts_are_left_out_when_the_schema_marks_them(tmp_path: Path) -> None:
    service = service_on(tmp_path / "r.db", write_mini(tmp_path / "lib"))
    try:
        attempts = await played_team(service)
        admin = service.people.identify(ADMIN)
        assert service.reports.report(admin, service.reports.period(7)).previews == 0
        # the trainer's workbench (m004) marks a preview attempt
        service.storage.db.execute("UPDATE attempts SET preview = 1 WHERE id = ?", [attempts[0]])
        service.storage.db.conn.commit()
        report = service.reports.report(admin, service.reports.period(7))
        assert report.previews == 1 and report.overall.figures.attempts == 2
        assert attempts[0] not in [a.id for a in report.attempts]
        with pytest.raises(AttemptNotFound):
            service.reports.attempt(admin, attempts[0])
        assert service.storage.counted("a") == "coalesce(a.[preview], 0) = 0"
    finally:
        service.close()


@pytest.mark.parametrize("since", [True, False], ids=["period", "all_time"])
async def test_report_queries_search_by_index(tmp_path: Path, since: bool) -> None:
    service = service_on(tmp_path / "r.db", write_mini(tmp_path / "lib"))
    try:
        await played_team(service)
        team_ids = tuple(t.id for t in service.storage.list_teams())
        scope = Scope(team_ids, "2026-01-01T00:00:00" if since else None, None)
        storage = service.storage
        queries = [storage.attempts_sql(scope), *storage.checks_sql(scope),
                   storage.turns_sql(scope)]
        for sql, args in queries:
            plan = storage.explain(sql, args)
            assert not [step for step in plan if step.split()[:2] in (["SCAN", "a"],
                                                                     ["SCAN", "t"])], plan
            assert any(step.startswith("SEARCH a USING") and "INDEX idx_attempts_" in step
                       for step in plan), plan
        everyone = Scope(team_ids, "2026-01-01T00:00:00", "2026-02-01T00:00:00")
        plan = storage.explain(*storage.attempts_sql(everyone))
        assert any("INDEX idx_attempts_" in step for step in plan), plan
    finally:
        service.close()
