"""Helpers shared by the scenario tests (plain functions and texts, not fixtures)."""

from __future__ import annotations

TINY = """\
id: tiny
title: Тест
kind: hold
difficulty: 1
briefing: Коротко.
context:
  company: Почта России
  time: "10:30"
patience: 2
states:
  start:
    client: ["Алло?", "Алло, это почта?"]
    expect: [greeting]
    transitions:
      - when: {score_at_least: 80}
        to: done
    else: start
  done:
    client: ["Спасибо!"]
    outcome: resolved
  gone:
    client: ["(Гудки.)"]
    outcome: hung_up
"""


def line_of(text: str, marker: str) -> tuple[int, int]:
    """1-based (line, col) of the first occurrence of `marker` in `text`."""
    for number, line in enumerate(text.splitlines(), start=1):
        col = line.find(marker)
        if col >= 0:
            return number, col + 1
    raise AssertionError(f"{marker!r} not in text")
