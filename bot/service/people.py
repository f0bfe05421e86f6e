"""People, teams and roles: who is writing, registration, invites, granting roles.

Part of the one door to the data (`TrainingService.people`); framework-free. Role checks happen
here, whatever a handler or a crafted callback asks for.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from bot.errors import Forbidden, PersonNotFound
from bot.storage import ROLES, Person, Storage, Team

GRANTABLE: tuple[str, ...] = tuple(r for r in ROLES if r != "trainee")


@dataclass(frozen=True, slots=True)
class Who:
    """Who is acting: the registered person (None if not registered yet) and their roles.

    Everyone is a trainee; admins are people granted "admin" plus the Telegram ids of
    `ADMIN_IDS`; an admin has every role.
    """

    person: Person | None
    roles: frozenset[str]

    def can(self, role: str) -> bool:
        return role in self.roles


class PeopleService:
    """Registration, teams and roles over `Storage`. Writes only where a docstring says so."""

    def __init__(self, storage: Storage, admin_ids: Collection[int] = ()) -> None:
        self._storage = storage
        self.admin_ids = frozenset(admin_ids)

    # --- who ---------------------------------------------------------------------------------

    def identify(self, telegram_id: int | None) -> Who:
        """The person behind a Telegram user id and their roles. Writes: no."""
        person = self._storage.person_by_telegram(telegram_id) if telegram_id is not None else None
        return self.who(person, admin=telegram_id in self.admin_ids)

    @staticmethod
    def who(person: Person | None, *, admin: bool = False) -> Who:
        roles = {"trainee"}
        if person is not None:
            roles.update(person.roles)
        if admin:
            roles.add("admin")
        if "admin" in roles:
            roles.update(ROLES)
        return Who(person, frozenset(roles))

    def terminal_person(
        self, login: str, display_name: str | None = None, team_name: str | None = None
    ) -> Person:
        """The terminal user with this login (created on first use); their display name updated
        to `display_name` and their team to the one called `team_name` (case-insensitive;
        created if new) when given. Writes: when creating, renaming or moving."""
        person = self._storage.terminal_person(login, display_name)
        if display_name and person.display_name != display_name:
            person = self._storage.update_person(person.id, display_name=display_name)
        if team_name and team_name.strip():
            team = self._team_named(team_name.strip())
            if person.team_id != team.id:
                person = self._storage.update_person(person.id, team_id=team.id)
        return person

    def _team_named(self, name: str) -> Team:
        """The team called `name` (case-insensitive), created if new. Writes: when creating."""
        same = [t for t in self._storage.list_teams() if t.name.casefold() == name.casefold()]
        return same[0] if same else self._storage.create_team(name)

    # --- registration and teams ----------------------------------------------------------------

    def team_by_invite(self, invite_code: str) -> Team | None:
        """The team of an invite code (`team_<code>` deep links), or None. Writes: no."""
        return self._storage.team_by_invite(invite_code) if invite_code else None

    def register(
        self,
        telegram_id: int,
        name: str,
        *,
        team_id: int | None = None,
        team_name: str | None = None,
        language: str = "ru",
    ) -> Person:
        """Register a Telegram user in the team `team_id` (an invite), or the team called
        `team_name` (case-insensitive; created if new), or none. Idempotent: a double submit
        returns the person registered first. Writes: yes."""
        found = self._storage.person_by_telegram(telegram_id)
        if found is not None:
            return found
        if team_id is None and team_name:
            team_id = self._team_named(team_name).id
        return self._storage.create_person(
            name, telegram_id=telegram_id, team_id=team_id, language=language
        )

    def join_team(self, person_id: int, team: Team) -> Person:
        """Move a person into `team` (they followed its invite link). Writes: yes.
        Raises `PersonNotFound`."""
        return self._storage.update_person(person_id, team_id=team.id)

    # --- roles ---------------------------------------------------------------------------------

    def grant(self, who: Who, telegram_id: int, role: str) -> Person:
        """Grant `role` to the registered user `telegram_id` (admins only); an HR person's own
        team becomes one they report on (`service.reports.assign` adds more). Writes: yes.

        Raises `Forbidden` unless `who` is an admin, `ValueError` for a role not in `GRANTABLE`,
        `PersonNotFound` if nobody registered with that id."""
        return self._set_role(who, telegram_id, role, grant=True)

    def revoke(self, who: Who, telegram_id: int, role: str) -> Person:
        """Take `role` away from the user `telegram_id` (admins only). Writes: yes. Raises as
        `grant`; roles given by `ADMIN_IDS` cannot be revoked here (they come from settings)."""
        return self._set_role(who, telegram_id, role, grant=False)

    def _set_role(self, who: Who, telegram_id: int, role: str, *, grant: bool) -> Person:
        if not who.can("admin"):
            raise Forbidden("only admins change roles")
        if role not in GRANTABLE:
            raise ValueError(f"unknown role {role!r}; known: {', '.join(GRANTABLE)}")
        target = self._storage.person_by_telegram(telegram_id)
        if target is None:
            raise PersonNotFound(f"nobody registered with Telegram id {telegram_id}")
        if grant:
            if role == "hr" and target.team_id is not None:
                by = who.person.id if who.person is not None else None
                self._storage.assign_hr_team(target.id, target.team_id, by=by)
            return self._storage.grant_role(target.id, role)
        return self._storage.revoke_role(target.id, role)
