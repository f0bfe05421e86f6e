"""Helpers for the trainer's workbench tests: people with roles, scenario files to publish."""

from __future__ import annotations

from mini_scenario import MINI_YAML

from bot.service import TrainingService, Who


def make_who(service: TrainingService, telegram_id: int, name: str, *roles: str,
             team: str | None = None) -> Who:
    person = service.people.register(telegram_id, name, team_name=team)
    for role in roles:
        person = service.storage.grant_role(person.id, role)
    return service.people.identify(telegram_id)


def mini_yaml(*, closing: str = "Спасибо, всё понятно.", mode: str = "training") -> str:
    """The mini scenario's YAML text (another closing line makes another version)."""
    return MINI_YAML.format(mode=mode, closing=closing)
