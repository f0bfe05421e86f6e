"""The one door to the data for handlers and commands: `TrainingService` and what it returns.

Rooms: `training` (the trainee's runs and results), `people` (registration, teams, roles), `views`
(the frozen results handed to the doors). The trainer's workbench and HR's reports get rooms of
their own here (`trainer`, `reports`) and hang off `TrainingService` like `people` does.
"""

from bot.service.people import GRANTABLE, PeopleService, Who
from bot.service.training import TrainingService, violation_quotes
from bot.service.views import (
    AbandonView,
    ActiveRun,
    CardView,
    HintView,
    MemberSummary,
    Progress,
    Receipt,
    StartView,
    TeamSummary,
    TurnView,
    Undelivered,
)

__all__ = [
    "GRANTABLE",
    "AbandonView",
    "ActiveRun",
    "CardView",
    "HintView",
    "MemberSummary",
    "PeopleService",
    "Progress",
    "Receipt",
    "StartView",
    "TeamSummary",
    "TrainingService",
    "TurnView",
    "Undelivered",
    "Who",
    "violation_quotes",
]
