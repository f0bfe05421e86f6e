"""Start-up: each `roleplay` command imports only what it needs (speed is in bench_startup.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = ("aiogram", "aiohttp", "sqlite_utils", "sqlite3", "httpx", "matplotlib", "openpyxl",
         "transitions", "bot.service", "bot.storage", "bot.settings", "scenarios", "ruamel")


def _imported(args: list[str], cache: Path) -> list[str]:
    code = (
        "import json, sys\n"
        "from bot.cli import cli\n"
        "try:\n"
        f"    cli({args!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        env={"XDG_CACHE_HOME": str(cache), "PATH": "", "PYTHONIOENCODING": "utf-8",
             "DB_PATH": str(cache / "roleplay.db")},
    )
    return json.loads(proc.stderr.strip().splitlines()[-1])


def test_grade_imports_nothing_of_the_bot(tmp_path: Path) -> None:
    _imported(["grade", "Добрый день"], tmp_path)  # the first run fills the standard's cache
    modules = _imported(["grade", "Добрый день"], tmp_path)
    assert "scoring.grader" in modules
    loaded = [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)]
    assert loaded == []


def test_list_and_validate_import_no_telegram_and_validate_no_database(tmp_path: Path) -> None:
    """`validate` reads files only; `list` reads the published library, which lives in the
    database (cli.md: published scenarios are seen by `roleplay list --json`) through the
    service (which imports the LLM room, httpx), but neither loads Telegram or the charts."""
    for args, database in ((["list", "--json"], True), (["validate"], False)):
        modules = _imported(args, tmp_path)
        assert "scenarios.loader" in modules
        banned = ("aiogram", "aiohttp", "matplotlib", "openpyxl")
        if not database:
            banned += ("sqlite_utils", "httpx", "bot.service", "bot.storage")
        assert [m for m in modules if m.split(".")[0] in banned or m in banned] == []
        assert ("bot.storage" in modules) == database
