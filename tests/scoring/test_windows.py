"""Each step check's window in the standard (docs/SCORING.md «Windows»)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring import StandardError, default_standard, load_standard
from scoring.standard import DEFAULT_WINDOW

OPENING = ["greeting", "greeting_time_of_day", "self_intro", "company_name", "offer_help"]
CLOSING = ["further_questions", "summary", "thank_client", "farewell"]


def test_the_default_standard_gives_every_step_a_window() -> None:
    standard = default_standard()
    windows = {c: standard.checks[c].window for c in standard.steps}
    assert None not in windows.values(), "the default states each window, none by default"
    assert {c: windows[c] for c in OPENING} == dict.fromkeys(OPENING, "first")
    assert {c: windows[c] for c in CLOSING} == dict.fromkeys(CLOSING, "closing")
    assert windows["apology"] == windows["empathy"] == "from_expected"
    assert windows["register_complaint"] == windows["ask_name"] == "any"


def test_a_check_without_a_window_gets_the_documented_default(tmp_path: Path) -> None:
    path = tmp_path / "company.yaml"
    path.write_text(
        "extends: default\nchecks:\n  politeness:\n    kind: step\n    title: Вежливость\n"
        "    phrases: [пожалуйста]\n",
        encoding="utf-8",
    )
    spec = load_standard(path).checks["politeness"]
    assert spec.window is None and spec.step_window == DEFAULT_WINDOW == "from_expected"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("    kind: violation\n    title: Т\n    window: any\n    phrases: [ну]\n",
         "`window` is for step checks"),
        ("    kind: step\n    title: Т\n    window: later\n    phrases: [ну]\n",
         "'first', 'from_expected', 'closing' or 'any'"),
    ],
)
def test_a_bad_window_is_named_at_its_line(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "company.yaml"
    path.write_text(f"extends: default\nchecks:\n  mine:\n{body}", encoding="utf-8")
    with pytest.raises(StandardError) as caught:
        load_standard(path)
    text = str(caught.value)
    assert f"{path}:" in text and message in text, text
