"""`roleplay run`: the terminal menu without BOT_TOKEN, the Telegram bot with it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from mini_scenario import GOOD, write_mini  # noqa: E402
from sqlite_utils import Database

ROLEPLAY = Path(sys.executable).with_name("roleplay")


def _env(tmp_path: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_", "BOT_"))}
    return base | {
        "DB_PATH": str(tmp_path / "roleplay.db"),
        "SCENARIOS_PATH": str(write_mini(tmp_path / "lib")),
        "PYTHONIOENCODING": "utf-8",
    }


def _menu_number(tmp_path: Path, scenario_id: str) -> int:
    from scenarios import library_paths, load_library

    return list(load_library(library_paths(tmp_path / "lib"))).index(scenario_id) + 1


def test_without_token_the_menu_plays_a_scenario(tmp_path: Path) -> None:
    env = _env(tmp_path)  # the shipped library plus the mini scenario of SCENARIOS_PATH
    number = _menu_number(tmp_path, "mini_call")
    stdin = "\n".join(["70", str(number), *GOOD, "q"]) + "\n"
    proc = subprocess.run(
        [str(ROLEPLAY), "run"],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "BOT_TOKEN не задан" in out
    assert f"{number}. Мини-звонок" in out and "ещё не пробовали" in out
    assert "Нет такого номера" in out  # "70" is refused, nothing started
    assert "Мини-звонок — итог" in out and "До встречи!" in out
    db = Database(tmp_path / "roleplay.db")
    try:
        (attempt,) = db.table("attempts").rows
    finally:
        db.close()
    assert attempt["status"] == "finished" and attempt["channel"] == "terminal"


@pytest.mark.parametrize("token", ["123:abc"])
def test_with_token_the_bot_is_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, token: str
) -> None:
    import bot.__main__ as telegram
    from bot.cli import cli

    calls: list[str] = []
    monkeypatch.setattr(telegram, "main", lambda: calls.append("bot"))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["run"], env={"BOT_TOKEN": token})
    assert result.exit_code == 0, result.output
    assert calls == ["bot"]
    assert "BOT_TOKEN не задан" not in result.output
