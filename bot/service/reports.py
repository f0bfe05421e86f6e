"""HR reports: which teams an HR person sees, the report of a period, the drill-down to a person
and an attempt, the turns for the exports, and deleting a person's personal data on request.

Part of the one door to the data (`TrainingService.reports`); framework-free. Every call takes
the acting person (`who`) and checks, here, whatever a handler or a crafted callback asks for:
without the hr role → `Forbidden`; a team, person or attempt outside the HR person's teams is as
if it did not exist (`TeamNotVisible`, `PersonNotVisible`, `AttemptNotVisible`: subclasses of
`TeamNotFound`, `PersonNotFound`, `AttemptNotFound`). Admins see every team.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from bot.errors import (
    AmbiguousPerson,
    AttemptNotVisible,
    Forbidden,
    NotAMember,
    PersonNotFound,
    PersonNotVisible,
    TeamNotFound,
    TeamNotVisible,
)
from bot.reports import figures
from bot.reports.figures import CheckInfo, PersonReport, Report, ReportData, TeamRef, Transcript
from bot.reports.period import Period
from bot.service.people import Who
from bot.storage import Person, Storage, Team
from bot.storage.privacy import ForgetCounts
from bot.storage.reports import Scope, TurnFact
from bot.texts import Texts
from scenarios import examples
from scoring import Standard


@dataclass(frozen=True, slots=True)
class Forgotten:
    """What deleting a person's data changed; `compacted` = the files hold no old bytes now."""

    counts: ForgetCounts
    compacted: bool


class ReportService:
    """HR's reports over `Storage`, labelled with `standard`'s check titles and examples
    (`texts` fills their blanks), dated in `tz`."""

    def __init__(self, storage: Storage, standard: Standard, texts: Texts, tz: ZoneInfo) -> None:
        self._storage = storage
        self._standard = standard
        self._texts = texts
        self.tz = tz

    # --- periods -------------------------------------------------------------------------------

    def period(self, days: int | None) -> Period:
        """The last `days` days up to today (None = all time). Raises `ValueError` if < 1."""
        return Period.last(days, self.tz)

    def between(self, since: date | None, until: date | None) -> Period:
        """The days `since`..`until` (None = from the first attempt / today).
        Raises `ValueError` if `since` is after `until`."""
        return Period.between(since, until, self.tz)

    # --- scope ---------------------------------------------------------------------------------

    def teams(self, who: Who) -> list[Team]:
        """The teams `who` reports on: every team for an admin, the assigned ones for HR.
        Writes: no. Raises `Forbidden` without the hr role."""
        if not who.can("hr"):
            raise Forbidden("the hr role is needed")
        if who.can("admin"):
            return self._storage.list_teams()
        if who.person is None:
            return []
        return [self._storage.get_team(i) for i in self._storage.hr_team_ids(who.person.id)]

    def team(self, who: Who, team_id: int) -> Team:
        """One of `who`'s teams. Writes: no. Raises `Forbidden`, `TeamNotFound` (also for a team
        that is not theirs)."""
        for team in self.teams(who):
            if team.id == team_id:
                return team
        raise TeamNotVisible(f"team {team_id} is not among the teams of this HR person")

    def team_named(self, who: Who, name: str) -> Team:
        """One of `who`'s teams by name (case-insensitive). Raises as `team`."""
        wanted = name.strip().casefold()
        for team in self.teams(who):
            if team.name.strip().casefold() == wanted:
                return team
        raise TeamNotVisible(f"no team {name!r} among the teams of this HR person")

    def _team_ids(self, who: Who) -> set[int]:
        return {t.id for t in self.teams(who)}

    # --- the report ----------------------------------------------------------------------------

    def report(self, who: Who, period: Period, team_id: int | None = None) -> Report:
        """The report of `period` for one of `who`'s teams, or all of them (None). Writes: no.
        Raises `Forbidden`, `TeamNotFound`, `NotAMember` when `who` has no team at all."""
        teams = self.teams(who) if team_id is None else [self.team(who, team_id)]
        if not teams:
            raise NotAMember("no team is assigned to this HR person")
        ids = tuple(t.id for t in teams)
        since, until = period.bounds()
        scope = Scope(ids, since, until)
        previous = period.previous()
        earlier = None
        if previous is not None:
            before, after = previous.bounds()
            earlier = tuple(self._storage.report_attempts(Scope(ids, before, after)))
        return figures.build(ReportData(
            period=period,
            teams=tuple(TeamRef(t.id, t.name) for t in teams),
            members=tuple(self._storage.members(ids)),
            attempts=tuple(self._storage.report_attempts(scope)),
            checks=tuple(self._storage.report_checks(scope)),
            previous=earlier,
            previews=self._storage.previews(scope),
            check_info=self.check_info(),
        ))

    def check_info(self) -> dict[str, CheckInfo]:
        """Check id -> its title, kind and recommended wording in the current standard: the
        first untagged example (it fits any situation), names and the company shown as
        «[имя клиента]», «[компания]»…, `{greeting}` as «Здравствуйте»; else the first one with
        its blanks shown as «…»."""
        values = {name: self._texts(f"report.placeholder.{name}")
                  for name in ("client_name", "company", "agent_name")}
        values["greeting"] = examples.greeting(self._standard, None) or ""
        where = examples.Situation(channel="", values=values)
        info = {}
        for check_id, spec in self._standard.checks.items():
            phrase = examples.example(self._standard, check_id, where)
            if phrase is None and spec.recommended:
                phrase = re.sub(r"\{[a-z_]+\}", "…", spec.recommended[0].text)
            info[check_id] = CheckInfo(spec.title, spec.kind, phrase)
        return info

    def turns(self, who: Who, report: Report) -> Iterator[TurnFact]:
        """The stored turns of the attempts of `report` (for the exports), streamed. Writes: no.
        Raises `Forbidden`, `TeamNotFound` when a team of the report is not `who`'s."""
        visible = self._team_ids(who)
        ids = tuple(part.team.id for part in report.teams)
        if not set(ids) <= visible:
            raise TeamNotVisible("the report covers a team that is not this HR person's")
        since, until = report.period.bounds()
        return self._storage.report_turns(Scope(ids, since, until))

    def person(self, who: Who, person_id: int, period: Period) -> PersonReport:
        """One person of `who`'s teams: their attempts in `period`, newest first. Writes: no.
        Raises `Forbidden`, `PersonNotFound` (also for a person of another team)."""
        team = self._team_of(who, person_id)
        report = self.report(who, period, team.id)
        rows = [r for r in report.team(team.id).summary.people if r.member.id == person_id]
        if not rows:
            raise PersonNotVisible(f"person {person_id} not found")
        attempts = [a for a in report.attempts if a.person_id == person_id]
        return PersonReport(period, rows[0].team, rows[0], tuple(reversed(attempts)))

    def _team_of(self, who: Who, person_id: int) -> Team:
        visible = {t.id: t for t in self.teams(who)}
        try:
            person = self._storage.get_person(person_id)
        except PersonNotFound:
            raise PersonNotVisible(f"person {person_id} not found") from None
        if person.team_id not in visible:
            raise PersonNotVisible(f"person {person_id} not found")
        return visible[person.team_id]

    def attempt(self, who: Who, attempt_id: int) -> Transcript:
        """One counted attempt of a person of `who`'s teams, with its turns and disputes.
        Writes: no. Raises `Forbidden`, `AttemptNotFound` (also for another team's attempt)."""
        teams = {t.id: t for t in self.teams(who)}
        facts = self._storage.report_attempts(Scope(tuple(teams), attempt_id=attempt_id))
        if not facts:
            raise AttemptNotVisible(f"attempt {attempt_id} not found")
        fact = facts[0]
        members = [m for m in self._storage.members([fact.team_id or 0]) if m.id == fact.person_id]
        card = self._storage.get_attempt(attempt_id).card or {}
        disputes = self._storage.disputes(attempt_id)
        team = teams[fact.team_id or 0]
        return Transcript(
            attempt=fact,
            member=members[0],
            team=TeamRef(team.id, team.name),
            turns=tuple(self._storage.turns(attempt_id)),
            steps=dict(card.get("steps", {})),
            violations=tuple(_violation(v) for v in card.get("violations", [])),
            disputes=None if disputes is None else tuple(disputes),
            tz=self.tz,
        )

    # --- HR assignments (admins) ---------------------------------------------------------------

    def assign(self, who: Who, telegram_id: int, team_name: str) -> tuple[Person, Team]:
        """Make the registered user `telegram_id` HR for the team called `team_name` (granting
        the hr role if they lack it; unlike `/grant`, their own team is not added).
        Writes: yes. Raises `Forbidden` unless `who` is an admin, `PersonNotFound`,
        `TeamNotFound`."""
        person, team = self._target(who, telegram_id, team_name)
        if not person.has_role("hr"):
            person = self._storage.grant_role(person.id, "hr")
        self._storage.assign_hr_team(person.id, team.id, by=_id(who))
        return person, team

    def untie(self, who: Who, telegram_id: int, team_name: str) -> tuple[Person, Team, bool]:
        """Take the team `team_name` away from HR person `telegram_id`; the bool says whether it
        was assigned. Writes: yes. Raises as `assign`."""
        person, team = self._target(who, telegram_id, team_name)
        return person, team, self._storage.untie_hr_team(person.id, team.id)

    def assigned(self, who: Who, telegram_id: int) -> tuple[Person, list[Team]]:
        """An HR person and the teams assigned to them (admins only). Writes: no."""
        person = self._admin_target(who, telegram_id)
        teams = [self._storage.get_team(i) for i in self._storage.hr_team_ids(person.id)]
        return person, teams

    def _admin_target(self, who: Who, telegram_id: int) -> Person:
        if not who.can("admin"):
            raise Forbidden("only admins assign teams and delete personal data")
        person = self._storage.person_by_telegram(telegram_id)
        if person is None:
            raise PersonNotFound(f"nobody registered with Telegram id {telegram_id}")
        return person

    def _target(self, who: Who, telegram_id: int, team_name: str) -> tuple[Person, Team]:
        person = self._admin_target(who, telegram_id)
        try:
            return person, self.team_named(who, team_name)
        except TeamNotVisible as exc:  # an admin sees every team: it does not exist
            raise TeamNotFound(str(exc)) from None

    # --- personal data (152-FZ) ----------------------------------------------------------------

    def find_person(self, who: Who, ref: str) -> Person:
        """The one person whose Telegram id, terminal login or display name is `ref` (admins
        only). Writes: no. Raises `Forbidden`, `PersonNotFound`, `AmbiguousPerson`."""
        if not who.can("admin"):
            raise Forbidden("only admins delete personal data")
        found = self._storage.people_matching(ref)
        if not found:
            raise PersonNotFound(f"nobody is {ref!r}")
        if len(found) > 1:
            raise AmbiguousPerson(ref, list(found))
        return found[0]

    def by_telegram(self, who: Who, telegram_id: int) -> Person:
        """The registered user `telegram_id` (admins only). Raises `Forbidden`,
        `PersonNotFound`."""
        return self._admin_target(who, telegram_id)

    def forget(self, who: Who, person_id: int) -> Forgotten:
        """Delete a person's personal data on request (admins only): name, Telegram id, login,
        roles, HR teams, conversation state and every text of their attempts; the attempts stay
        as anonymous numbers. Then the database file is rewritten without the freed pages and
        the write-ahead log emptied, so the bytes are gone from disk too (docs/REPORTS.md).
        Writes: yes. Raises `Forbidden`, `PersonNotFound`."""
        if not who.can("admin"):
            raise Forbidden("only admins delete personal data")
        counts = self._storage.forget_person(person_id)
        return Forgotten(counts, self._storage.compact())


def _violation(value: Any) -> tuple[str, str]:
    if isinstance(value, dict):
        return str(value.get("check", "")), str(value.get("quote", ""))
    check, quote = (list(value) + ["", ""])[:2]
    return str(check), str(quote)


def _id(who: Who) -> int | None:
    return who.person.id if who.person is not None else None
