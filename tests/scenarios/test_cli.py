"""`roleplay list`, `validate`, `diagram` through click's CliRunner."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from scenario_helpers import TINY, line_of

from bot.cli import cli
from scenarios import Scenario


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.mark.parametrize("command", ["list", "validate", "diagram"])
def test_every_command_has_help(runner: CliRunner, command: str) -> None:
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert f"Использование: cli {command}" in result.output


def test_list_json_is_the_cli_contract(runner: CliRunner, library: dict[str, Scenario]) -> None:
    result = runner.invoke(cli, ["list", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [row["id"] for row in rows] == sorted(library)
    for row in rows:
        assert set(row) == {"id", "title", "kind", "difficulty", "version"}
        scenario = library[row["id"]]
        assert row["version"] == scenario.version and row["difficulty"] in (1, 2, 3)
    assert "Где моя посылка? Постановка на удержание" in result.stdout  # UTF-8, not \u escapes


def test_list_plain_shows_titles(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["list"])
    assert result.exit_code == 0 and "hold_request" in result.output


def test_scenarios_path_adds_to_the_shipped_library(
    runner: CliRunner, write: Callable[[str, str], Path], tmp_path: Path,
    library: dict[str, Scenario],
) -> None:
    write("lib/tiny.yaml", TINY)
    result = runner.invoke(cli, ["list", "--json"], env={"SCENARIOS_PATH": str(tmp_path / "lib")})
    assert result.exit_code == 0, result.output
    assert [row["id"] for row in json.loads(result.stdout)] == sorted([*library, "tiny"])


def test_a_folder_holds_scenario_files_only(
    runner: CliRunner, write: Callable[[str, str], Path], tmp_path: Path,
    library: dict[str, Scenario],
) -> None:
    """Every *.yaml / *.yml of the folder and its subfolders with a field of the scenario format;
    hidden folders and node_modules are not read; other YAML (a standard, a list) is ignored."""
    write("lib/team/tiny.yml", TINY)
    write("lib/node_modules/pkg/tiny.yaml", TINY.replace("id: tiny", "id: from_npm"))
    write("lib/.git/tiny.yaml", TINY.replace("id: tiny", "id: from_git"))
    write("lib/FUNDING.yml", "github: [someone]\n")
    write("lib/list.yaml", "- a\n- b\n")
    write("lib/company.yaml", "extends: default\nchecks: {}\n")
    write("lib/notes.txt", "id: not_yaml\n")
    env = {"SCENARIOS_PATH": str(tmp_path / "lib")}
    result = runner.invoke(cli, ["list", "--json"], env=env)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert [row["id"] for row in json.loads(result.stdout)] == sorted([*library, "tiny"])
    result = runner.invoke(cli, ["validate"], env=env)
    assert result.exit_code == 0, result.output


def test_an_id_clash_with_the_library_names_both_files(
    runner: CliRunner, write: Callable[[str, str], Path], tmp_path: Path
) -> None:
    from scenarios import LIBRARY_PATH

    mine = write("lib/mine.yaml", TINY.replace("id: tiny", "id: hold_request"))
    env = {"SCENARIOS_PATH": str(tmp_path / "lib")}
    expected = (
        f"{mine}:1:5: id сценария «hold_request» уже занят: "
        f"{LIBRARY_PATH / 'hold_request.yaml'}:"
    )
    result = runner.invoke(cli, ["validate"], env=env)
    assert result.exit_code == 1
    assert result.stdout.startswith(expected), result.stdout
    result = runner.invoke(cli, ["list", "--json"], env=env)
    assert result.exit_code == 0
    assert expected in result.stderr
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    assert rows["hold_request"]["title"] != "Тест"  # the shipped one stays


def test_an_id_clash_between_two_files_of_the_folder(
    runner: CliRunner, write: Callable[[str, str], Path], tmp_path: Path
) -> None:
    first = write("lib/a.yaml", TINY)
    second = write("lib/sub/b.yaml", TINY)
    result = runner.invoke(cli, ["validate"], env={"SCENARIOS_PATH": str(tmp_path / "lib")})
    assert result.exit_code == 1
    assert result.stdout == (
        f"{second}:1:5: id сценария «tiny» уже занят: {first}:1\n"
    )


def test_validate_library_by_default_exits_0(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


def test_validate_prints_every_problem_and_exits_1(
    runner: CliRunner, write: Callable[[str, str], Path], tmp_path: Path
) -> None:
    text = TINY.replace("expect: [greeting]", "expect: [greting]").replace("to: done", "to: dnoe")
    bad = write("bad.yaml", text)
    write("good.yaml", TINY.replace("id: tiny", "id: tiny_ok"))
    result = runner.invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    line, col = line_of(text, "greting")
    assert f"{bad}:{line}:{col}: states.start.expect: неизвестная проверка «greting»" in lines[0]
    line, col = line_of(text, "dnoe")
    assert f"{bad}:{line}:{col}: to: состояния «dnoe» нет" in result.stdout
    line, col = line_of(text, "done:")
    assert f"{bad}:{line}:{col}: до состояния «done» нельзя дойти из «start»" in result.stdout
    assert len(lines) == 3


def test_validate_single_good_file_exits_0(
    runner: CliRunner, write: Callable[[str, str], Path]
) -> None:
    result = runner.invoke(cli, ["validate", str(write("tiny.yaml", TINY))])
    assert result.exit_code == 0, result.output


def test_diagram_prints_mermaid(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["diagram", "complaint"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("stateDiagram-v2\n")
    assert "wants_complaint --> closing" in result.stdout


def test_diagram_writes_file(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "flow.mmd"
    result = runner.invoke(cli, ["diagram", "transfer", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("stateDiagram-v2")
    png = out.with_suffix(".png")
    assert "PNG:" in result.stderr and png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_diagram_unknown_scenario_fails_clearly(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["diagram", "nope"])
    assert result.exit_code == 1
    assert "нет сценария «nope» в библиотеке" in result.output
