"""The report's figures from attempts played through the real engine agree with a hand count,
in the service, `roleplay report --json`, the workbook and the page."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from click.testing import CliRunner, Result
from report_helpers import TEAM_A, World, hand_checks, hand_count

from bot.app import App
from bot.cli import cli

FIGURES = ("people_active", "people_total", "attempts", "completed", "abandoned", "passed",
           "pass_rate", "avg_score", "hints")


async def roleplay(env: dict[str, str], *args: str) -> Result:
    """`roleplay ARGS` on the same database (in a thread: the command runs its own loop)."""
    return await asyncio.to_thread(CliRunner().invoke, cli, list(args), env=env)


async def cli_json(env: dict[str, str], *args: str) -> dict[str, Any]:
    result = await roleplay(env, "report", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


async def test_service_figures_match_a_hand_count(app: App, world: World) -> None:
    admin = app.service.people.identify(900)
    report = app.service.reports.report(admin, app.service.reports.period(30), world.team_a)
    team_a = [p for p in world.played if p.person_id != world.people["Глеб Орлов"]]
    figures = report.team(world.team_a).summary.figures
    expected = hand_count(team_a, total_people=4)
    got = {k: round(v, 1 if k == "avg_score" else 4) if isinstance(v, float) else v
           for k, v in vars_of(figures).items() if k in expected}
    assert got == expected
    assert figures.in_progress == 0 and figures.abandoned == 1


def vars_of(obj: object) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in obj.__slots__}  # type: ignore[attr-defined]


async def test_cli_json_matches_a_hand_count(env: dict[str, str], world: World) -> None:
    data = await cli_json(env, "--team", TEAM_A.upper())
    team_a = [p for p in world.played if p.person_id != world.people["Глеб Орлов"]]
    expected = hand_count(team_a, total_people=4)
    assert {k: data["figures"][k] for k in expected} == expected
    assert set(data) >= {"period", "people", "scenarios", "checks"}
    people = {p["name"]: p for p in data["people"]}
    assert set(people) == {"Анна Смирнова", "Борис Петров", "Вера Кузнецова",
                           "Евлампия Кукушкина"}
    anna = world.of("Анна Смирнова")
    row = people["Анна Смирнова"]
    assert (row["attempts"], row["completed"], row["team"]) == (3, 3, TEAM_A)
    assert row["passed"] == sum(p.passed for p in anna)
    assert row["first_score"] == anna[0].score
    assert row["best_score"] == max(p.score or 0 for p in anna)
    assert row["avg_score"] == round(sum(p.score or 0 for p in anna) / 3, 1)
    boris = people["Борис Петров"]
    assert (boris["attempts"], boris["completed"], boris["abandoned"]) == (2, 1, 1)
    assert people["Вера Кузнецова"]["attempts"] == 0
    assert data["not_trained"] == ["Вера Кузнецова"]
    checks = {c["check"]: c for c in data["checks"] if c["kind"] == "step"}
    for check, (missed, required) in hand_checks(team_a).items():
        assert (checks[check]["missed"], checks[check]["graded"]) == (missed, required), check
        assert checks[check]["rate"] == round(missed / required, 4)
    hold = {s["scenario"]: s for s in data["scenarios"]}["hold_request"]
    holds = [p for p in team_a if p.scenario_id == "hold_request"]
    assert hold["attempts"] == len(holds) and hold["completed"] == len(holds)
    assert hold["passed"] == sum(p.passed for p in holds)


async def test_abandoned_runs_count_as_abandoned_never_as_failures(
    env: dict[str, str], world: World
) -> None:
    data = await cli_json(env, "--team", TEAM_A)
    transfer = {s["scenario"]: s for s in data["scenarios"]}["transfer"]
    assert (transfer["attempts"], transfer["completed"], transfer["passed"]) == (1, 0, 0)
    assert transfer["pass_rate"] is None and transfer["completion_rate"] == 0
    figures = data["figures"]
    assert figures["pass_rate"] == round(figures["passed"] / figures["completed"], 4)


async def test_every_team_by_default_and_one_team_filtered(env: dict[str, str],
                                                           world: World) -> None:
    everyone = await cli_json(env)
    assert {t["name"] for t in everyone["teams"]} == {TEAM_A, "Отделение 2", "Кадры"}
    assert everyone["figures"]["attempts"] == len(world.played)
    only_b = await cli_json(env, "--team", "Отделение 2")
    assert [p["name"] for p in only_b["people"]] == ["Глеб Орлов"]


async def test_unknown_team_and_bad_period_are_clear_errors(env: dict[str, str],
                                                            world: World) -> None:
    unknown = await roleplay(env, "report", "--team", "Нет такой")
    assert unknown.exit_code == 1 and "Нет команды «Нет такой»" in unknown.output
    assert TEAM_A in unknown.output
    backwards = await roleplay(env, "report", "--since", "2026-05-02", "--until", "2026-05-01")
    assert backwards.exit_code == 2 and "Неверный период" in backwards.output
    garbage = await roleplay(env, "report", "--since", "вчера")
    assert garbage.exit_code == 2


async def test_text_report_names_the_figures(env: dict[str, str], world: World) -> None:
    result = await roleplay(env, "report", "--team", TEAM_A)
    assert result.exit_code == 0, result.output
    text = result.output
    assert "Тренировались: 3 из 4" in text and "Попыток: 7" in text
    assert "Не тренировались (1):" in text and "Вера Кузнецова" in text
    assert "Чаще всего упускают:" in text and "Как по стандарту:" in text
