"""Publishing a scenario or a standard through the service: validated exactly as `roleplay
validate` does a file, rejected with nothing changed, or published as a new version."""

from __future__ import annotations

from pathlib import Path

import pytest
from mini_scenario import GOOD, started
from trainer_helpers import make_who, mini_yaml

from bot.errors import Forbidden
from bot.service import TrainingService, Who
from bot.service.library import standard_key
from bot.texts import Texts
from bot.workbench import problem_line
from scenarios import validate_paths

BROKEN = mini_yaml().replace("expect: [greeting, company_name]", "expect: [greting, company_name]")


def _snapshot(service: TrainingService) -> tuple[int, list[tuple[str, int, str]]]:
    entries = service.storage.library_entries()
    return (service.storage.library_revision(),
            [(e.scenario_id, e.current.number, e.current.content_hash) for e in entries])


async def test_a_broken_file_is_rejected_with_the_line_and_field_and_nothing_changes(
    service: TrainingService, trainer: Who, tmp_path: Path
) -> None:
    before = _snapshot(service)
    outcome = await service.trainer.publish(trainer, "mini_call.yaml", BROKEN.encode())
    assert outcome.status == "rejected" and outcome.kind == "scenario"
    assert _snapshot(service) == before
    [located] = outcome.problems
    line = next(i for i, text in enumerate(BROKEN.splitlines(), 1) if "greting" in text)
    assert (located.problem.file, located.problem.line) == ("mini_call.yaml", line)
    assert located.field == "states.opening.expect[1]"
    # the same problem `roleplay validate` reports for the same file
    path = tmp_path / "mini_call.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    [same] = validate_paths([path])
    assert (same.line, same.col, same.message) == (
        located.problem.line, located.problem.col, located.problem.message)
    russian = problem_line(Texts(), located)
    assert russian.startswith(f"mini_call.yaml:{line}:{same.col}: ")
    assert "неизвестная проверка «greting» (может быть, «greeting»?)" in russian
    assert "states.opening.expect[1]" in russian


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("notes.txt", mini_yaml().encode(), "only .yaml or .yml"),
        ("big.yaml", b"#" * 1_000_001, "at most 1,000,000"),
        ("latin1.yaml", mini_yaml().encode("utf-8").replace("Мини".encode(), b"\xcc\xe8\xed\xe8"),
         "UTF-8"),
        ("tags.yaml", mini_yaml().replace("difficulty: 1", 'difficulty: !!int "x"').encode(),
         "tag"),
        ("syntax.yaml", mini_yaml().replace('client: ["Алло, здравствуйте!"', 'client: ["Алло').encode(),
         "YAML syntax error"),
    ],
)
async def test_limits_on_type_size_and_safe_yaml(
    service: TrainingService, trainer: Who, name: str, data: bytes, expected: str
) -> None:
    before = _snapshot(service)
    outcome = await service.trainer.publish(trainer, name, data)
    assert outcome.status == "rejected", outcome
    assert any(expected in p.problem.message for p in outcome.problems), outcome.problems
    assert _snapshot(service) == before
    for located in outcome.problems:  # every problem reads in Russian
        assert not problem_line(Texts(), located).split(": ", 1)[1].startswith(
            ("unknown", "YAML syntax", "the ", "only", "cannot")), located


async def test_a_valid_file_becomes_a_new_version_trainees_see_and_old_attempts_keep_theirs(
    service: TrainingService, trainer: Who, trainee: Who
) -> None:
    assert trainee.person is not None
    old_id, _ = await started(service, trainee.person.id, "mini_call", "training", "telegram", 1)
    old_version = service.storage.get_attempt(old_id).scenario_version_id
    text = "# Новая версия от тренера\n" + mini_yaml(closing="Всё ясно, спасибо!")
    outcome = await service.trainer.publish(trainer, "mini_call.yaml", text.encode())
    assert outcome.status == "published" and outcome.number == 2, outcome
    assert outcome.scenario_id == "mini_call" and outcome.version == service.scenario(
        "mini_call").version
    assert service.scenario("mini_call").states["closing"].texts() == ["Всё ясно, спасибо!"]
    # the attempt started before goes on, and ends, on the version it was started on
    first = await service.answer(old_id, GOOD[0], person_id=trainee.person.id)
    assert first.line is not None and first.line.text == "Спасибо, всё понятно."
    assert service.storage.get_attempt(old_id).scenario_version_id == old_version
    new_id, _ = await started(service, trainee.person.id, "mini_call", "training", "telegram",
                              1, replace_active=True)
    assert service.storage.get_attempt(new_id).scenario_version_id != old_version
    # the download is the file exactly as uploaded, comment and all
    name, data = service.trainer.download(trainer, "mini_call")
    assert (name, data) == ("mini_call.yaml", text.encode())
    versions = service.trainer.versions(trainer, "mini_call")
    assert [(v.number, v.source, v.published_by_name) for v in versions] == [
        (1, "seed", None), (2, "telegram", "Ирина Тренер")]


async def test_the_same_file_again_changes_nothing(service: TrainingService, trainer: Who
                                                   ) -> None:
    data = mini_yaml(closing="Ещё одна версия.").encode()
    assert (await service.trainer.publish(trainer, "m.yaml", data)).status == "published"
    before = _snapshot(service)
    again = await service.trainer.publish(trainer, "m.yaml", data)
    assert again.status == "unchanged" and again.number == 2
    assert _snapshot(service) == before


async def test_a_trainee_is_refused_every_trainer_action(
    service: TrainingService, trainee: Who
) -> None:
    before = _snapshot(service)
    trainer = service.trainer
    actions = [
        lambda: trainer.library(trainee),
        lambda: trainer.item(trainee, "mini_call"),
        lambda: trainer.versions(trainee, "mini_call"),
        lambda: trainer.set_enabled(trainee, "mini_call", False),
        lambda: trainer.download(trainee, "mini_call"),
        lambda: trainer.stats(trainee, "mini_call"),
    ]
    for action in actions:
        with pytest.raises(Forbidden):
            action()
    for coroutine in (trainer.publish(trainee, "m.yaml", mini_yaml(closing="x").encode()),
                      trainer.preview(trainee, "mini_call"),
                      trainer.selftest(trainee, "mini_call"),
                      trainer.selftest_file(trainee, "m.yaml", mini_yaml().encode())):
        with pytest.raises(Forbidden):
            await coroutine
    assert _snapshot(service) == before
    assert trainee.person is not None and service.storage.active_attempt(trainee.person.id) is None


STANDARD_PASS_80 = "name: strict\nextends: default\npass_mark: 80\n"
STANDARD_WITHOUT_GREETING = """\
name: tiny
checks:
  farewell:
    kind: step
    title: Прощание
    phrases: ["до свидания"]
"""


async def test_a_standard_is_validated_against_every_published_scenario(
    shipped: TrainingService
) -> None:
    trainer = make_who(shipped, 6001, "Тренер", "trainer")
    before = _snapshot(shipped)
    outcome = await shipped.trainer.publish(trainer, "tiny.yaml", STANDARD_WITHOUT_GREETING.encode())
    assert outcome.status == "rejected" and outcome.kind == "standard"
    files = {p.problem.file for p in outcome.problems}
    assert files == {f"{sid}.yaml" for sid in shipped.library}  # every scenario is named
    assert all(p.field for p in outcome.problems)
    assert any("unknown check id 'greeting'" in p.problem.message for p in outcome.problems)
    assert _snapshot(shipped) == before and shipped.standard.pass_mark == 70


async def test_a_valid_standard_is_published_and_grades_from_then_on(
    service: TrainingService, trainer: Who, trainee: Who, db_path: Path, library_dir: Path
) -> None:
    from mini_scenario import make_service

    outcome = await service.trainer.publish(trainer, "strict.yaml", STANDARD_PASS_80.encode(),
                                            accept_warnings=True)
    assert outcome.status == "published" and outcome.kind == "standard", outcome
    assert outcome.number == 2 and outcome.checked == ["mini_call"]
    assert service.standard.pass_mark == 80 and service.grader.standard.pass_mark == 80
    other = make_service(db_path, library_dir)  # another process (and a restart) agrees
    try:
        assert other.standard.pass_mark == 80
        assert standard_key(other.standard) == outcome.version
    finally:
        other.close()


BROKEN_FLOW = mini_yaml().replace(  # a good closing hangs up, a poor one is resolved
    "    expect: [thank_client, farewell]\n    else: resolved",
    "    expect: [thank_client, farewell]\n    transitions:\n"
    "      - when: {score_below: 50}\n        to: resolved\n    else: hung_up",
)


async def test_self_test_warnings_ask_first_and_strict_refuses(
    service: TrainingService, trainer: Who
) -> None:
    before = _snapshot(service)
    asked = await service.trainer.publish(trainer, "mini_call.yaml", BROKEN_FLOW.encode())
    assert asked.status == "confirm" and _snapshot(service) == before
    assert [(w.finding.code, w.finding.state) for w in asked.warnings if
            w.finding.code == "strong_bad_outcome"] == [("strong_bad_outcome", "closing")]
    strict = await service.trainer.publish(trainer, "mini_call.yaml", BROKEN_FLOW.encode(),
                                           strict=True, accept_warnings=True)
    assert strict.status == "rejected" and not strict.problems and strict.warnings
    assert _snapshot(service) == before
    done = await service.trainer.publish(trainer, "mini_call.yaml", BROKEN_FLOW.encode(),
                                         accept_warnings=True)
    assert done.status == "published"
    stored = service.storage.library_entry("mini_call").current
    assert {w["code"] for w in stored.warnings} >= {"strong_bad_outcome"}
