"""The one door to the data for handlers and commands: `TrainingService` and what it returns.

Rooms: `training` (the trainee's runs and results), `people` (registration, teams, roles),
`reports` (HR: reports, drill-down, exports' data, deleting personal data), `views` (the frozen
results handed to the doors). The trainer's workbench gets a room of its own here (`trainer`) and
hangs off `TrainingService` like `people` and `reports` do.
"""

from bot.service.people import GRANTABLE, PeopleService, Who
from bot.service.reports import Forgotten, ReportService
from bot.service.training import TrainingService, violation_quotes
from bot.service.views import (
    AbandonView,
    ActiveRun,
    CardView,
    HintView,
    Progress,
    Receipt,
    StartView,
    TurnView,
    Undelivered,
)

__all__ = [
    "GRANTABLE",
    "AbandonView",
    "ActiveRun",
    "CardView",
    "Forgotten",
    "HintView",
    "PeopleService",
    "Progress",
    "Receipt",
    "ReportService",
    "StartView",
    "TrainingService",
    "TurnView",
    "Undelivered",
    "Who",
    "violation_quotes",
]
