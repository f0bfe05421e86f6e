"""`scoring` is pure: importing it pulls in no aiogram, httpx or sqlite."""

from __future__ import annotations

import subprocess
import sys

FORBIDDEN = ("aiogram", "httpx", "sqlite3", "sqlite_utils", "aiohttp", "scenarios", "bot")


def test_scoring_imports_no_io_frameworks() -> None:
    code = (
        "import sys, scoring; from scoring import Grader; Grader().grade('Здравствуйте');"
        f"print(','.join(m for m in {FORBIDDEN!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
