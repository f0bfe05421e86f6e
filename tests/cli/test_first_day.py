"""A first day without traps: `.env.example` copied to `.env` works as it is, in both doors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bot.settings import Settings
from scenarios import load_library

ROOT = Path(__file__).resolve().parents[2]
ROLEPLAY = Path(sys.executable).with_name("roleplay")


def _first_day(tmp_path: Path) -> dict[str, str]:
    """A folder as a newcomer has it: `.env` copied from the example, and other YAML lying around
    (an npm package's FUNDING.yml, a company standard) that is no scenario."""
    (tmp_path / ".env").write_text((ROOT / ".env.example").read_text(encoding="utf-8"), "utf-8")
    funding = tmp_path / "node_modules" / "some-package" / ".github"
    funding.mkdir(parents=True, exist_ok=True)
    (funding.parent / "FUNDING.yml").write_text("github: [someone]\n", encoding="utf-8")
    (tmp_path / "standard.yaml").write_text(
        (ROOT / "scoring" / "standards" / "company_example.yaml").read_text("utf-8"), "utf-8"
    )
    settings = {name.upper() for name in Settings.model_fields}
    env = {k: v for k, v in os.environ.items() if k not in settings}
    return env | {"PYTHONIOENCODING": "utf-8"}


def test_list_reads_the_shipped_library_only(tmp_path: Path) -> None:
    proc = subprocess.run(
        [str(ROLEPLAY), "list", "--json"],
        capture_output=True, text=True, encoding="utf-8", env=_first_day(tmp_path),
        cwd=tmp_path, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert [row["id"] for row in json.loads(proc.stdout)] == list(load_library())


def test_the_terminal_door_opens_and_closes(tmp_path: Path) -> None:
    for stdin in ("", "q\n"):
        proc = subprocess.run(
            [str(ROLEPLAY), "run"],
            input=stdin, capture_output=True, text=True, encoding="utf-8",
            env=_first_day(tmp_path), cwd=tmp_path, timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        assert "BOT_TOKEN не задан" in proc.stdout
        assert "Где моя посылка? Постановка на удержание" in proc.stdout
        assert "Traceback" not in proc.stderr
    assert (tmp_path / "data" / "roleplay.db").exists()  # DB_PATH=./data/roleplay.db, as shipped
