"""Package rules: `scenarios` stays pure, and the committed JSON Schema is up to date."""

from __future__ import annotations

import json
import subprocess
import sys

from scenarios.schema import SCHEMA_PATH, schema_text

FORBIDDEN = ("aiogram", "httpx", "sqlite3", "sqlite_utils", "aiohttp", "bot")


def test_scenarios_imports_no_application_libraries() -> None:
    code = (
        "import sys, scenarios, scenarios.engine, scenarios.loader, scenarios.diagram; "
        f"print([m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_committed_schema_equals_the_generated_one() -> None:
    committed = SCHEMA_PATH.read_text(encoding="utf-8")
    assert committed == schema_text(), "run `python -m scenarios.schema` and commit schema.json"


def test_schema_forbids_unknown_fields_and_knows_else() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["additionalProperties"] is False
    state = schema["$defs"]["State"]
    assert "else" in state["properties"] and state["additionalProperties"] is False
    assert set(state["properties"]["outcome"]["anyOf"][0]["enum"]) == {
        "resolved",
        "hung_up",
        "escalated",
    }
