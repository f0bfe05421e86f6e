"""Deleting a person's personal data on request (152-FZ): afterwards no report, export or byte
of the database files holds their name or the texts of their replies; the attempts stay as
anonymous numbers."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from report_helpers import FORGET_MARK, FORGET_NAME, TEAM_A, World
from test_figures import cli_json, roleplay

from bot.app import App
from bot.reports import summary
from bot.settings import Settings
from bot.texts import Texts

MARK = FORGET_MARK.strip(" .").encode()
NAME = FORGET_NAME.encode()
COMMENT = f"{FORGET_NAME} не согласна: я же поздоровалась{FORGET_MARK}"


def database_bytes(settings: Settings) -> bytes:
    """The database file and its write-ahead log and index, as they are on disk."""
    path = Path(settings.db_path)
    parts = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    return b"".join(p.read_bytes() for p in parts if p.exists())


def xlsx_text(path: Path) -> bytes:
    with zipfile.ZipFile(path) as book:
        return b"".join(book.read(name) for name in book.namelist())


def with_disputes_and_conversation(app: App, world: World) -> int:
    """A dispute of the person's (the trainer's workbench, m004) with their comment, and their
    aiogram conversation state; returns one of their attempts."""
    storage = app.storage
    attempt = next(p.attempt_id for p in world.played
                   if p.person_id == world.people[FORGET_NAME])
    turn = storage.turns(attempt)[0]
    storage.open_dispute(attempt_id=attempt, turn_id=turn.id, turn_idx=turn.idx,
                         check_id="greeting", original=False,
                         opened_by=world.people[FORGET_NAME], comment=COMMENT)
    storage.fsm_set_data("fsm:42:1003:1003:default", {"name": FORGET_NAME})
    # an update of theirs still waiting in the inbox (received, not handled yet)
    storage.inbox_keep([(5_000_001, json.dumps({
        "update_id": 5_000_001, "message": {"message_id": 1, "date": 0, "text": FORGET_MARK,
                                            "chat": {"id": 1003, "type": "private"},
                                            "from": {"id": 1003, "is_bot": False,
                                                     "first_name": FORGET_NAME}}},
        ensure_ascii=False))])
    return attempt


async def test_after_forget_nothing_holds_the_name_or_the_replies(
    app: App, world: World, env: dict[str, str], settings: Settings, tmp_path: Path
) -> None:
    attempt = with_disputes_and_conversation(app, world)
    before = await cli_json(env, "--team", TEAM_A)
    on_disk = database_bytes(settings)
    assert NAME in on_disk and MARK in on_disk  # the check below can fail
    admin = app.service.people.identify(900)
    person_id = world.people[FORGET_NAME]
    done = app.service.reports.forget(admin, person_id)
    assert done.compacted and done.counts.attempts == 2 and done.counts.fsm_rows == 1
    assert done.counts.disputes == 1

    after = await cli_json(env, "--team", TEAM_A)
    assert after["figures"] == before["figures"] and after["checks"] == before["checks"]
    names = [p["name"] for p in after["people"]]
    assert FORGET_NAME not in names and f"Удалённый сотрудник №{person_id}" in names
    book, page = tmp_path / "r.xlsx", tmp_path / "r.html"
    result = await roleplay(env, "report", "--team", TEAM_A, "--xlsx", str(book),
                            "--html", str(page), "--json")
    assert result.exit_code == 0, result.output
    for blob in (result.stdout.encode(), xlsx_text(book), page.read_bytes(),
                 database_bytes(settings)):
        assert NAME not in blob and MARK not in blob
    assert b"\xd0\x95\xd0\xb2\xd0\xbb\xd0\xb0\xd0\xbc" not in database_bytes(settings)  # «Евлам»

    person = app.storage.get_person(person_id)
    assert (person.display_name, person.telegram_id, person.roles) == ("", None, ())
    assert app.storage.person_by_telegram(1003) is None
    assert app.storage.fsm_get("fsm:42:1003:1003:default") == (None, {})
    assert app.storage.inbox_pending() == []
    view = app.service.reports.attempt(admin, attempt)
    assert view.turns and all(t.reply_text == "" and t.client_line == "" for t in view.turns)
    assert all(v.get("quote") == "" for t in view.turns for v in t.violations)
    text = "\n".join(line.text for line in
                     summary.transcript_lines(Texts(), app.service.standard, view))
    assert "текст удалён" in text and "Споры:" in text and FORGET_NAME not in text
    assert view.disputes is not None and view.disputes[0]["comment"] == ""


async def test_a_forgotten_person_can_register_again_as_someone_new(app: App,
                                                                    world: World) -> None:
    admin = app.service.people.identify(900)
    app.service.reports.forget(admin, world.people[FORGET_NAME])
    again = app.service.people.register(1003, "Новое Имя", team_name=TEAM_A)
    assert again.id != world.people[FORGET_NAME]
    assert app.service.people.identify(1003).person == again


async def test_cli_forget_finds_a_person_by_id_login_or_name_and_refuses_ambiguity(
    app: App, world: World, env: dict[str, str]
) -> None:
    register = app.service.people.register
    first, second = register(3001, "Иван Иванов").id, register(3002, "Иван Иванов").id
    terminal = app.service.people.terminal_person("ivanov", "Пётр Терминальный").id
    ambiguous = await roleplay(env, "forget", "иван иванов")
    assert ambiguous.exit_code == 1 and "подходит нескольким" in ambiguous.output
    assert f"№{first}" in ambiguous.output and f"№{second}" in ambiguous.output
    assert app.storage.get_person(first).display_name == "Иван Иванов"
    by_id = await roleplay(env, "forget", "3001")
    assert by_id.exit_code == 0, by_id.output
    assert app.storage.get_person(first).display_name == ""
    by_name = await roleplay(env, "forget", "Иван Иванов")  # only one left now
    assert by_name.exit_code == 0 and app.storage.get_person(second).display_name == ""
    by_login = await roleplay(env, "forget", "ivanov")
    assert by_login.exit_code == 0 and app.storage.get_person(terminal).terminal_login is None
    unknown = await roleplay(env, "forget", "Никто Никтович")
    assert unknown.exit_code == 1 and "Не нашёл" in unknown.output
    assert (await roleplay(env, "forget", "--help")).exit_code == 0
