"""Disputed verdicts (`TrainingService.disputes`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.service.training import TrainingService


class DisputeService:
    def __init__(self, service: TrainingService) -> None:
        self._service = service
