"""Teams and people: registration, roles, team membership."""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterable
from typing import Any

from sqlite_utils.db import NotFoundError

from bot.errors import PersonNotFound, StorageError, TeamNotFound
from bot.storage.base import Connection
from bot.storage.rows import ROLES, Person, Team, dumps, person_from, team_from, utcnow


class PeopleStore(Connection):
    """Teams and the people in them (trainees, trainers, HR, admins)."""

    # --- teams -------------------------------------------------------------------------------

    def create_team(self, name: str, invite_code: str | None = None) -> Team:
        """Create a team with a fresh (or the given) invite code. Writes: yes.

        Raises `StorageError` if the invite code is already taken.
        """
        code = invite_code or secrets.token_urlsafe(6).replace("-", "x").replace("_", "y")
        try:
            with self.transaction():
                table = self._table("teams")
                table.insert({"name": name, "invite_code": code, "created_at": utcnow()})
                team_id = self._last_id(table)
        except sqlite3.IntegrityError as exc:
            raise StorageError(f"invite code {code!r} is taken") from exc
        return self.get_team(int(team_id))

    def get_team(self, team_id: int) -> Team:
        """The team with this id. Writes: no. Raises `TeamNotFound`."""
        try:
            return team_from(self._table("teams").get(team_id))
        except NotFoundError as exc:
            raise TeamNotFound(f"team {team_id} not found") from exc

    def team_by_invite(self, invite_code: str) -> Team | None:
        """The team with this invite code, or None. Writes: no."""
        rows = list(self._table("teams").rows_where("invite_code = ?", [invite_code], limit=1))
        return team_from(rows[0]) if rows else None

    def list_teams(self) -> list[Team]:
        """Every team, by name. Writes: no."""
        return [team_from(r) for r in self._table("teams").rows_where(order_by="name")]

    # --- people ------------------------------------------------------------------------------

    def create_person(
        self,
        display_name: str,
        *,
        telegram_id: int | None = None,
        terminal_login: str | None = None,
        team_id: int | None = None,
        roles: Iterable[str] = (),
        language: str = "ru",
    ) -> Person:
        """Create a person. Writes: yes.

        Raises `ValueError` for an unknown role, `StorageError` if the Telegram id or terminal
        login is already registered or the team does not exist.
        """
        role_list = self._check_roles(roles)
        try:
            with self.transaction():
                table = self._table("people")
                table.insert(
                    {
                        "display_name": display_name,
                        "telegram_id": telegram_id,
                        "terminal_login": terminal_login,
                        "team_id": team_id,
                        "roles": dumps(role_list),
                        "language": language,
                        "created_at": utcnow(),
                    }
                )
                person_id = self._last_id(table)
        except sqlite3.IntegrityError as exc:
            raise StorageError(f"cannot create person {display_name!r}: {exc}") from exc
        return self.get_person(int(person_id))

    def get_person(self, person_id: int) -> Person:
        """The person with this id. Writes: no. Raises `PersonNotFound`."""
        row = self._one("SELECT * FROM people WHERE id = ?", [person_id])
        if row is None:
            raise PersonNotFound(f"person {person_id} not found")
        return person_from(row)

    def person_by_telegram(self, telegram_id: int) -> Person | None:
        """The person registered with this Telegram user id, or None. Writes: no."""
        row = self._one("SELECT * FROM people WHERE telegram_id = ? LIMIT 1", [telegram_id])
        return person_from(row) if row is not None else None

    def terminal_person(self, login: str, display_name: str | None = None) -> Person:
        """The terminal user with this login, created on first use. Writes: only when creating."""
        rows = list(self._table("people").rows_where("terminal_login = ?", [login], limit=1))
        if rows:
            return person_from(rows[0])
        return self.create_person(display_name or login, terminal_login=login)

    def update_person(
        self,
        person_id: int,
        *,
        display_name: str | None = None,
        team_id: int | None = None,
        language: str | None = None,
    ) -> Person:
        """Change a person's name, team or language (None = keep). Writes: yes.

        Raises `PersonNotFound`, `StorageError` if the team does not exist.
        """
        self.get_person(person_id)
        changes: dict[str, Any] = {}
        if display_name is not None:
            changes["display_name"] = display_name
        if team_id is not None:
            changes["team_id"] = team_id
        if language is not None:
            changes["language"] = language
        if changes:
            try:
                with self.transaction():
                    self._table("people").update(person_id, changes)
            except sqlite3.IntegrityError as exc:
                raise StorageError(f"cannot update person {person_id}: {exc}") from exc
        return self.get_person(person_id)

    def set_roles(self, person_id: int, roles: Iterable[str]) -> Person:
        """Replace a person's granted roles. Writes: yes. Raises `PersonNotFound`, `ValueError`."""
        role_list = self._check_roles(roles)
        self.get_person(person_id)
        with self.transaction():
            self._table("people").update(person_id, {"roles": dumps(role_list)})
        return self.get_person(person_id)

    def grant_role(self, person_id: int, role: str) -> Person:
        """Add one role. Writes: yes. Raises `PersonNotFound`, `ValueError` for an unknown role."""
        person = self.get_person(person_id)
        return self.set_roles(person_id, [*person.roles, role])

    def revoke_role(self, person_id: int, role: str) -> Person:
        """Take one granted role away (no-op if not granted). Writes: yes.

        Raises `PersonNotFound`, `ValueError` for an unknown role."""
        self._check_roles([role])
        person = self.get_person(person_id)
        return self.set_roles(person_id, [r for r in person.roles if r != role])

    def list_people(self, team_id: int | None = None) -> list[Person]:
        """Everyone (or one team's members), by name. Writes: no."""
        where, args = ("team_id = ?", [team_id]) if team_id is not None else (None, None)
        rows = self._table("people").rows_where(where, args, order_by="display_name, id")
        return [person_from(r) for r in rows]

    @staticmethod
    def _check_roles(roles: Iterable[str]) -> list[str]:
        result: list[str] = []
        for role in roles:
            if role not in ROLES:
                raise ValueError(f"unknown role {role!r}; known: {', '.join(ROLES)}")
            if role != "trainee" and role not in result:
                result.append(role)
        return sorted(result)
