"""`roleplay publish`, `selftest`, `stats` (and `list`) as in ../shared/spec/cli.md, through
click's CliRunner on a database in tmp_path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from trainer_helpers import mini_yaml

from bot.cli import cli
from bot.storage import Storage

BROKEN = mini_yaml().replace("expect: [greeting, company_name]", "expect: [greting, company_name]")
BAD_CLOSING = mini_yaml().replace(
    "    expect: [thank_client, farewell]\n    else: resolved",
    "    expect: [thank_client, farewell]\n    transitions:\n"
    "      - when: {score_below: 50}\n        to: resolved\n    else: hung_up")


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.db"
    monkeypatch.setenv("DB_PATH", str(path))
    return path


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def state_of(db: Path) -> list[tuple[str, int, bool]]:
    with Storage(db) as storage:
        return [(e.scenario_id, e.current.number, e.enabled) for e in storage.library_entries()]


def test_publish_a_broken_file_prints_what_validate_prints_and_changes_nothing(
    db: Path, tmp_path: Path
) -> None:
    path = write(tmp_path, "mini_call.yaml", BROKEN)
    CliRunner().invoke(cli, ["list"])  # the library is seeded
    before = state_of(db)
    result = CliRunner().invoke(cli, ["publish", str(path)])
    assert result.exit_code == 1
    validate = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.stdout == validate.stdout and result.stdout.startswith(f"{path}:")
    assert state_of(db) == before and "mini_call" not in [s for s, _, _ in before]


def test_publish_a_valid_file_makes_a_new_version_both_doors_see(db: Path, tmp_path: Path
                                                                 ) -> None:
    first = CliRunner().invoke(cli, ["publish", str(write(tmp_path, "m.yaml", mini_yaml())),
                                     "--by", "Ирина Тренер"])
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("опубликовано: mini_call, версия 1 (")
    second = CliRunner().invoke(cli, ["publish", str(write(
        tmp_path, "m2.yaml", mini_yaml(closing="Всё ясно, спасибо!")))])
    assert second.exit_code == 0 and "опубликовано: mini_call, версия 2" in second.stdout
    listed = json.loads(CliRunner().invoke(cli, ["list", "--json"]).stdout)
    row = next(r for r in listed if r["id"] == "mini_call")
    with Storage(db) as storage:
        current = storage.library_entry("mini_call").current
        assert row["version"] == current.content_hash and current.number == 2
        assert current.source == "terminal"
        assert storage.published_versions("mini_call")[0].published_by_name == "Ирина Тренер"
    again = CliRunner().invoke(cli, ["publish", str(tmp_path / "m2.yaml")])
    assert again.exit_code == 0 and "уже текущая" in again.stdout


def test_publish_warns_on_stderr_and_strict_refuses(db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "mini_call.yaml", BAD_CLOSING)
    strict = CliRunner().invoke(cli, ["publish", str(path), "--strict"])
    assert strict.exit_code == 1 and "«closing»" in strict.stderr and strict.stdout == ""
    assert "mini_call" not in [s for s, _, _ in state_of(db)]
    loose = CliRunner().invoke(cli, ["publish", str(path)])
    assert loose.exit_code == 0 and "«closing»" in loose.stderr
    assert ("mini_call", 1, True) in state_of(db)


def test_list_all_shows_disabled_scenarios(db: Path) -> None:
    CliRunner().invoke(cli, ["list"])
    with Storage(db) as storage:
        storage.set_scenario_enabled("transfer", False, changed_by=None)
    shown = [r["id"] for r in json.loads(CliRunner().invoke(cli, ["list", "--json"]).stdout)]
    assert "transfer" not in shown and "hold_request" in shown
    every = json.loads(CliRunner().invoke(cli, ["list", "--json", "--all"]).stdout)
    assert {r["id"]: r["enabled"] for r in every}["transfer"] is False


def test_selftest_of_a_library_scenario_passes(db: Path) -> None:
    result = CliRunner().invoke(cli, ["selftest", "hold_request", "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["ok"] is True and body["scenario_id"] == "hold_request"
    assert [r["trainee"] for r in body["runs"]] == ["strong", "missed", "forbidden", "rude"]
    plain = CliRunner().invoke(cli, ["selftest", "hold_request"])
    assert plain.exit_code == 0 and "Самопроверка пройдена" in plain.stdout


def test_selftest_of_a_broken_file_exits_1_and_names_the_state(db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "bad_closing.yaml", BAD_CLOSING)
    result = CliRunner().invoke(cli, ["selftest", str(path), "--json"])
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    bad = [f for f in findings if f["code"] == "strong_bad_outcome"]
    assert bad and bad[0]["state"] == "closing" and "«closing»" in bad[0]["message"]
    assert "mini_call" not in [s for s, _, _ in state_of(db)]  # a self-test publishes nothing
    invalid = CliRunner().invoke(cli, ["selftest", str(write(tmp_path, "b.yaml", BROKEN))])
    assert invalid.exit_code == 1 and invalid.stdout.startswith(f"{tmp_path / 'b.yaml'}:")


def test_selftest_of_an_unknown_scenario_is_an_error(db: Path) -> None:
    result = CliRunner().invoke(cli, ["selftest", "nope"])
    assert result.exit_code == 1 and "нет сценария «nope»" in result.output


def test_stats_json_and_png(db: Path, tmp_path: Path) -> None:
    png = tmp_path / "stats.png"
    result = CliRunner().invoke(cli, ["stats", "hold_request", "--json", "--png", str(png)])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["scenario_id"] == "hold_request" and body["runs"] == 0
    assert [s["state"] for s in body["states"]][:2] == ["opening", "request_cold"]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_disputes_lists_and_exports_labelled_cases(db: Path) -> None:
    import asyncio

    from mini_scenario import make_service, write_mini
    from test_disputes import CLOSING, OPENING, played
    from trainer_helpers import make_who

    async def two_disputes() -> None:
        service = make_service(db, write_mini(db.parent / "lib"))
        try:
            trainer = make_who(service, 5001, "Ирина Тренер", "trainer", team="Отделение 7")
            trainee = make_who(service, 5002, "Пётр Стажёр", team="Отделение 7")
            assert trainee.person is not None
            attempt_id = await played(service, trainee, [OPENING, OPENING, CLOSING])
            done = service.disputes.open(attempt_id, 0, "company_name",
                                         person_id=trainee.person.id)
            service.disputes.open(attempt_id, 1, "company_name", person_id=trainee.person.id)
            service.disputes.rule(trainer, done.dispute.id, accept=True)
        finally:
            service.close()

    asyncio.run(two_disputes())
    listed = CliRunner().invoke(cli, ["disputes"])
    assert listed.exit_code == 0, listed.output
    assert "принят: Ирина Тренер" in listed.stdout and "(открыт)" in listed.stdout
    opened = CliRunner().invoke(cli, ["disputes", "--status", "open"])
    assert len(opened.stdout.splitlines()) == 1
    exported = CliRunner().invoke(cli, ["disputes", "--jsonl"])
    assert exported.exit_code == 0
    [case] = [json.loads(line) for line in exported.stdout.splitlines()]
    assert case["expected"] == {"company_name": True} and case["text"] == OPENING
    assert "Не выведено споров: 1" in exported.stderr
