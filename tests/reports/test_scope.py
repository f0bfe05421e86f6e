"""HR sees only their own teams: every service call that names a team, person or attempt by
id is checked in the service, whatever a door passes."""

from __future__ import annotations

import pytest
from report_helpers import HR_TELEGRAM, TEAM_A, World

from bot.app import App
from bot.errors import (
    AttemptNotFound,
    Forbidden,
    NotAMember,
    PersonNotFound,
    TeamNotFound,
)


async def test_hr_sees_only_the_assigned_team(app: App, world: World) -> None:
    reports = app.service.reports
    hr = app.service.people.identify(HR_TELEGRAM)
    assert [t.name for t in reports.teams(hr)] == [TEAM_A]
    report = reports.report(hr, reports.period(30))
    assert [p.team.id for p in report.teams] == [world.team_a]
    names = {r.member.name for r in report.overall.people}
    assert "Глеб Орлов" not in names and "Анна Смирнова" in names
    assert all(a.person_id != world.people["Глеб Орлов"] for a in report.attempts)


async def test_hr_of_team_a_gets_nothing_of_team_b(app: App, world: World) -> None:
    reports = app.service.reports
    hr = app.service.people.identify(HR_TELEGRAM)
    period = reports.period(30)
    gleb = world.people["Глеб Орлов"]
    [gleb_attempt] = [p.attempt_id for p in world.played if p.person_id == gleb]
    with pytest.raises(TeamNotFound):
        reports.report(hr, period, world.team_b)
    with pytest.raises(TeamNotFound):
        reports.team(hr, world.team_b)
    with pytest.raises(TeamNotFound):
        reports.team_named(hr, "Отделение 2")
    with pytest.raises(PersonNotFound):
        reports.person(hr, gleb, period)
    with pytest.raises(PersonNotFound):
        reports.person(hr, 999_999, period)
    with pytest.raises(AttemptNotFound):
        reports.attempt(hr, gleb_attempt)
    admin = app.service.people.identify(900)
    everything = reports.report(admin, period)
    with pytest.raises(TeamNotFound):  # a report of another team handed back for its texts
        list(reports.turns(hr, everything))
    assert reports.attempt(admin, gleb_attempt).member.name == "Глеб Орлов"


async def test_trainees_and_strangers_are_forbidden(app: App, world: World) -> None:
    reports = app.service.reports
    trainee = app.service.people.identify(1001)
    stranger = app.service.people.identify(424242)
    for who in (trainee, stranger):
        with pytest.raises(Forbidden):
            reports.teams(who)
        with pytest.raises(Forbidden):
            reports.report(who, reports.period(7))
        with pytest.raises(Forbidden):
            reports.attempt(who, world.played[0].attempt_id)
        with pytest.raises(Forbidden):
            reports.assign(who, 1001, TEAM_A)
        with pytest.raises(Forbidden):
            reports.forget(who, world.people["Анна Смирнова"])
    hr = app.service.people.identify(HR_TELEGRAM)
    with pytest.raises(Forbidden):  # HR does not assign teams nor delete data
        reports.assign(hr, HR_TELEGRAM, "Отделение 2")
    with pytest.raises(Forbidden):
        reports.forget(hr, world.people["Анна Смирнова"])


async def test_admins_assign_and_untie_teams(app: App, world: World) -> None:
    reports, people = app.service.reports, app.service.people
    admin = people.identify(900)
    person, team = reports.assign(admin, 1001, "отделение 2")  # a trainee becomes HR
    assert team.id == world.team_b and "hr" in person.roles
    anna = people.identify(1001)
    assert [t.id for t in reports.teams(anna)] == [world.team_b]
    _, _, was = reports.untie(admin, 1001, "Отделение 2")
    assert was and reports.teams(people.identify(1001)) == []
    with pytest.raises(NotAMember):
        reports.report(people.identify(1001), reports.period(30))
    with pytest.raises(TeamNotFound):
        reports.assign(admin, 1001, "Нет такой")
    with pytest.raises(PersonNotFound):
        reports.assign(admin, 31337, TEAM_A)


async def test_granting_hr_assigns_the_own_team(app: App, world: World) -> None:
    admin = app.service.people.identify(900)
    app.service.people.grant(admin, 2001, "hr")
    glebs = app.service.reports.teams(app.service.people.identify(2001))
    assert [t.id for t in glebs] == [world.team_b]
