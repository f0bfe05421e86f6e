"""A small scenario written by the tests (independent of the shipped library's wording)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.service import TrainingService
from bot.storage import Storage
from scenarios import ClientLine

MINI_YAML = """\
id: mini_call
title: Мини-звонок
kind: opening
difficulty: 1
briefing: Ответьте на звонок по стандарту и попрощайтесь.
context:
  company: Почта России
  client_name: Ирина
  time: "10:30"
mode: {mode}
patience: 2
states:
  opening:
    client: ["Алло, здравствуйте!", "Алло? Это почта?", "Добрый день, я по поводу посылки."]
    expect: [greeting, company_name]
    hint: "«Здравствуйте! Почта России, слушаю вас.»"
    transitions:
      - when: {{score_at_least: 70, any_violation: false}}
        to: closing
    else: opening
  closing:
    client: ["{closing}"]
    expect: [thank_client, farewell]
    else: resolved
  resolved:
    client: ["До свидания!"]
    outcome: resolved
  hung_up:
    client: ["(Короткие гудки.)"]
    outcome: hung_up
"""

GOOD = ["Здравствуйте! Почта России, меня зовут Анна.", "Спасибо за обращение! До свидания!"]
BAD = "ну"


def write_mini(
    folder: Path, *, mode: str = "training", closing: str = "Спасибо, всё понятно."
) -> Path:
    """Write `mini_call.yaml` into `folder` (created) and return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mini_call.yaml").write_text(
        MINI_YAML.format(mode=mode, closing=closing), encoding="utf-8"
    )
    return folder


def make_service(db_path: Path, library_dir: Path, **kwargs: Any) -> TrainingService:
    """A fresh Storage + library + grader + service on the same file (one 'process')."""
    from scenarios import load_library
    from scoring import Grader, default_standard

    standard = default_standard()
    library = load_library(library_dir, standard)
    return TrainingService(Storage(db_path), library, Grader(standard), standard=standard, **kwargs)


async def started(service: TrainingService, *args: Any, **kwargs: Any) -> tuple[int, ClientLine]:
    """`TrainingService.start` as (attempt id, first client line), for short test code."""
    view = await service.start(*args, **kwargs)
    return view.attempt_id, view.line
