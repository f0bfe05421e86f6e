"""The shipped library: every scenario loads, is grounded in the seeds, and branches on quality."""

from __future__ import annotations

import re

import pytest

from scenarios import LIBRARY_PATH, Scenario, load_scenario, validate_paths

FILES = sorted(LIBRARY_PATH.glob("*.yaml"))
MODELINE = "# yaml-language-server: $schema=../schema.json"


def test_library_validates_without_problems() -> None:
    assert [str(p) for p in validate_paths([LIBRARY_PATH])] == []


def test_library_has_the_required_scenarios(library: dict[str, Scenario]) -> None:
    assert len(library) >= 8
    kinds = {s.kind for s in library.values()}
    assert {"difficult_client", "system_failure", "hold", "complaint"} <= kinds
    assert {"opening", "transfer", "corporate_client", "confidentiality"} <= kinds
    assert list(library) == sorted(library)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_library_file_loads_and_is_grounded(path) -> None:  # type: ignore[no-untyped-def]
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == MODELINE
    assert re.search(r"^# Grounded in: seed 00[0-4]", text, re.MULTILINE), "cite the seed section"
    scenario = load_scenario(path)
    assert scenario.id == path.stem
    assert len(scenario.states) >= 4
    assert scenario.context.company in {"Почта России", "Казпочта"}
    assert scenario.context.client_name and scenario.context.time
    outcomes = {s.outcome for s in scenario.states.values() if s.final}
    assert "resolved" in outcomes and outcomes - {"resolved"}
    branching = [sid for sid, state in scenario.states.items() if len(set(state.targets())) >= 2]
    assert len(branching) >= 2, f"{scenario.id}: branches on reply quality in {branching}"
    for sid, state in scenario.states.items():
        assert state.client, f"{scenario.id}.{sid} has client lines"
        if not state.final:
            assert state.hint, f"{scenario.id}.{sid} has a hint"


def test_the_example_in_the_trainer_docs_is_valid(tmp_path) -> None:  # type: ignore[no-untyped-def]
    docs = (LIBRARY_PATH.parents[1] / "docs" / "SCENARIOS.md").read_text(encoding="utf-8")
    example = docs.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "hold_short.yaml"
    path.write_text(example, encoding="utf-8")
    assert [str(p) for p in validate_paths([path])] == []
    assert load_scenario(path).states["request"].expect == [
        "hold_reason",
        "hold_duration",
        "hold_consent",
    ]
