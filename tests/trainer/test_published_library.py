"""The published library lives in the database: seeded from the files, every version kept,
enabled per scenario, the same for every process, kept across restarts."""

from __future__ import annotations

from pathlib import Path

import pytest
from mini_scenario import GOOD, make_service, started, write_mini
from trainer_helpers import make_who, mini_yaml

from bot.errors import AlreadyPublished, NotFound, UnknownScenario
from bot.service import TrainingService, Who
from bot.storage import Storage
from scenarios import load_library


def test_a_first_start_seeds_the_shipped_library_as_version_one(
    shipped: TrainingService,
) -> None:
    files = load_library()
    entries = shipped.storage.library_entries()
    assert [e.scenario_id for e in entries] == sorted(files)
    for entry in entries:
        assert entry.enabled and entry.versions == 1 and entry.current.number == 1
        assert entry.current.source == "seed" and entry.current.published_by is None
        original = Path(files.files[entry.scenario_id]).read_text(encoding="utf-8")
        assert entry.current.yaml == original  # the text as written, comments included
        assert entry.current.content_hash == files[entry.scenario_id].version
    assert sorted(shipped.library) == sorted(files)
    assert shipped.storage.current_standard() is not None


def test_a_restart_seeds_nothing_again(db_path: Path, library_dir: Path) -> None:
    first = make_service(db_path, library_dir)
    revision = first.storage.library_revision()
    first.close()
    again = make_service(db_path, library_dir)
    try:
        assert again.storage.library_revision() == revision
        assert again.storage.library_entry("mini_call").versions == 1
    finally:
        again.close()


def test_versions_are_numbered_and_the_same_content_is_not_published_twice(
    service: TrainingService,
) -> None:
    store = service.storage
    scenario = service.scenario("mini_call")
    with pytest.raises(AlreadyPublished) as caught:
        store.publish_scenario(scenario_id="mini_call", content_hash=scenario.version,
                               title="x", kind="opening", file_name="m.yaml", yaml="…",
                               content=scenario.model_dump_json(), source="terminal",
                               published_by=None)
    assert caught.value.number == 1
    second = store.publish_scenario(scenario_id="mini_call", content_hash="other", title="x",
                                    kind="opening", file_name="m.yaml", yaml="v2",
                                    content=scenario.model_dump_json(), source="terminal",
                                    published_by=None)
    assert second is not None and second.number == 2
    assert [v.number for v in store.published_versions("mini_call")] == [1, 2]
    assert store.library_entry("mini_call").current.id == second.id


def test_a_changed_file_reseeds_only_over_a_seeded_version(
    db_path: Path, library_dir: Path, tmp_path: Path
) -> None:
    """A shipped file that changed becomes a new version, unless a trainer published one."""
    make_service(db_path, library_dir).close()
    write_mini(library_dir, closing="Всё ясно, спасибо.")
    updated = make_service(db_path, library_dir)
    assert updated.storage.library_entry("mini_call").current.number == 2
    who = make_who(updated, 7001, "Тренер", "trainer")
    updated.storage.publish_scenario(
        scenario_id="mini_call", content_hash="trainers", title="t", kind="opening",
        file_name="m.yaml", yaml=mini_yaml(closing="Тренерская версия."),
        content=updated.scenario("mini_call").model_dump_json(), source="telegram",
        published_by=who.person.id if who.person else None)
    updated.close()
    write_mini(library_dir, closing="Опять другое.")
    later = make_service(db_path, library_dir)
    try:
        current = later.storage.library_entry("mini_call").current
        assert current.number == 3 and current.source == "telegram"
        assert current.published_by_name == "Тренер"
    finally:
        later.close()


def test_a_disabled_scenario_is_hidden_from_trainees_and_every_process_sees_it(
    db_path: Path, library_dir: Path, service: TrainingService, trainer: Who
) -> None:
    other = make_service(db_path, library_dir)  # another bot process on the same file
    try:
        assert "mini_call" in other.library
        service.trainer.set_enabled(trainer, "mini_call", False)
        assert "mini_call" not in other.library and other.scenarios() == []
        with pytest.raises(UnknownScenario):
            other.scenario("mini_call")
        assert not other.trainer.item(trainer, "mini_call").entry.enabled
        other.trainer.set_enabled(trainer, "mini_call", True)
        assert [s.id for s in service.scenarios()] == ["mini_call"]
    finally:
        other.close()


def test_the_revision_moves_with_every_change_made_by_any_connection(db_path: Path,
                                                                      library_dir: Path) -> None:
    service = make_service(db_path, library_dir)
    reader = Storage(db_path)
    try:
        before = reader.library_revision()
        assert reader.library_revision() == before  # nothing changed: the same answer
        service.storage.set_scenario_enabled("mini_call", False, changed_by=None)
        assert reader.library_revision() == before + 1
        service.storage.set_scenario_enabled("mini_call", False, changed_by=None)  # no change
        assert reader.library_revision() == before + 1
        with pytest.raises(NotFound):
            service.storage.set_scenario_enabled("nope", True, changed_by=None)
    finally:
        reader.close()
        service.close()


async def test_an_attempt_in_progress_goes_on_when_its_scenario_is_disabled(
    service: TrainingService, trainer: Who, trainee: Who
) -> None:
    assert trainee.person is not None
    attempt_id, _ = await started(service, trainee.person.id, "mini_call", "training",
                                  "telegram", 1)
    service.trainer.set_enabled(trainer, "mini_call", False)
    first = await service.answer(attempt_id, GOOD[0], person_id=trainee.person.id)
    assert first.result.score.passed and not first.finished


async def test_a_preview_attempt_counts_in_no_report(
    service: TrainingService, trainer: Who
) -> None:
    assert trainer.person is not None
    service.trainer.set_enabled(trainer, "mini_call", False)  # a trainer previews it anyway
    view = await service.trainer.preview(trainer, "mini_call")
    assert view.preview
    for reply in GOOD:
        turn = await service.answer(view.attempt_id, reply, person_id=trainer.person.id)
    assert turn.finished and turn.preview
    attempt = service.storage.get_attempt(view.attempt_id)
    assert attempt.preview and attempt.status == "finished"
    assert service.progress(trainer.person.id).scenarios == []
    assert service.best_scores(trainer.person.id) == {}
    assert service.attempts(trainer.person.id) == []
    admin = service.people.who(trainer.person, admin=True)
    report = service.reports.report(admin, service.reports.period(7))  # HR's report
    assert report.previews == 1 and report.overall.figures.attempts == 0
    assert service.trainer.stats(trainer, "mini_call").runs == 0


def test_scenario_yaml_of_an_object_round_trips_to_the_same_version() -> None:
    from bot.service.library import scenario_from_bytes, scenario_yaml
    from scoring import default_standard

    for scenario in load_library().values():
        text = scenario_yaml(scenario)
        again = scenario_from_bytes(text.encode("utf-8"), f"{scenario.id}.yaml",
                                    default_standard())
        assert again.version == scenario.version
