"""The code stays ruff- and mypy-clean: `make test` (and so CI) fails otherwise."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    found = BIN / name
    if found.exists():
        return str(found)
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed")
    return path


def test_ruff_is_clean() -> None:
    out = subprocess.run([_tool("ruff"), "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_mypy_is_clean() -> None:
    out = subprocess.run([_tool("mypy")], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_mypy_strict_is_clean_on_the_pure_packages() -> None:
    """`scoring` and `scenarios` are the seams everything builds on: no untyped or `Any` holes."""
    out = subprocess.run([_tool("mypy"), "--strict", "-p", "scoring", "-p", "scenarios"],
                         cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_no_any_in_the_llm_seams() -> None:
    """The LLM implementations are typed against the protocols they implement."""
    for path in sorted((ROOT / "bot" / "llm").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert ": Any" not in text and "-> Any" not in text, path.name
