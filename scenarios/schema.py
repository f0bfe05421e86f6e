"""The JSON Schema of the scenario format, generated from the pydantic models.

`python -m scenarios.schema` rewrites `scenarios/schema.json`; a test checks the committed file is
up to date. Editors (yaml-language-server) use it for completion and errors.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scenarios.model import Flow, Scenario

SCHEMA_PATH = Path(__file__).resolve().parent / "schema.json"


def schema() -> dict[str, Any]:
    out = Scenario.model_json_schema(by_alias=True)
    # a scenario's own fields first, then the machine's (`Flow`), in the order a file is written
    props = out["properties"]
    order = [n for n in props if n not in Flow.model_fields] + [
        n for n in props if n in Flow.model_fields
    ]
    out["properties"] = {name: props[name] for name in order}
    return out


def schema_text() -> str:
    return json.dumps(schema(), ensure_ascii=False, indent=2) + "\n"


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    """Write the schema file (overwrites it). Returns the path."""
    path.write_text(schema_text(), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write_schema())
