"""`bot.startup.defer_aiogram_schemas`: aiogram's types and methods built on first use validate
as before."""

from __future__ import annotations

import json
import subprocess
import sys

CODE = """
import hashlib, json, sys, warnings
if sys.argv[1] == "deferred":
    import bot  # installs the deferral before aiogram is imported
import aiogram
from aiogram import types
assert ("bot" in sys.modules) == (sys.argv[1] == "deferred")
complete = sum(1 for n in types.__all__ if getattr(getattr(types, n), "__pydantic_complete__", True))
update = types.Update.model_validate({
    "update_id": 7,
    "message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"},
                "from": {"id": 1, "is_bot": False, "first_name": "Мария"}, "text": "/start"},
})
callback = types.Update.model_validate({
    "update_id": 8,
    "callback_query": {"id": "c", "from": {"id": 2, "is_bot": False, "first_name": "Б"},
                       "chat_instance": "i", "data": "h:1",
                       "message": {"message_id": 2, "date": 0, "chat": {"id": 2, "type": "private"},
                                   "text": "x", "reply_markup": {"inline_keyboard": [[
                                       {"text": "Ещё раз", "callback_data": "again"}]]}}},
})
from aiogram import methods
methods_complete = sum(
    1 for n in methods.__all__ if getattr(getattr(methods, n), "__pydantic_complete__", True)
)
calls = [
    methods.SetMyCommands(commands=[types.BotCommand(command="start", description="Начать")],
                          scope=types.BotCommandScopeChat(chat_id=5)).model_dump(),
    methods.SendMessage(chat_id=5, text="Привет", reply_markup=types.InlineKeyboardMarkup(
        inline_keyboard=[[types.InlineKeyboardButton(text="Да", callback_data="y")]]
    )).model_dump(),
    methods.SendDocument(chat_id=5, document="file-id", caption="Отчёт").model_dump(),
    methods.EditMessageText(chat_id=5, message_id=3, text="Готово").model_dump(),
]
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    schemas = {n: types.__dict__[n].model_json_schema() for n in
               ("Update", "Message", "CallbackQuery", "InlineKeyboardMarkup", "ReplyKeyboardMarkup")}
    schemas |= {n: methods.__dict__[n].model_json_schema() for n in
                ("GetUpdates", "DeleteWebhook", "SetMyCommands", "SendMessage",
                 "AnswerCallbackQuery", "SendChatAction", "GetFile", "DeleteMessage")}
print(json.dumps({
    "complete_at_import": complete,
    "methods_complete_at_import": methods_complete,
    "update": update.model_dump(mode="json", exclude_none=True),
    "callback": callback.model_dump(mode="json", exclude_none=True),
    "calls": repr(calls),
    "schemas": hashlib.sha256(json.dumps(schemas, sort_keys=True).encode()).hexdigest(),
}))
"""


def _run(mode: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", CODE, mode], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out)


def test_deferred_types_are_the_same_types() -> None:
    eager, deferred = _run("eager"), _run("deferred")
    assert deferred["complete_at_import"] < eager["complete_at_import"] / 4  # really deferred
    assert deferred["methods_complete_at_import"] < eager["methods_complete_at_import"] / 4
    for key in ("update", "callback", "calls", "schemas"):
        assert deferred[key] == eager[key], key


RESPONSE = """
import gc, sys, weakref
import bot
from aiogram.methods.base import Response
from aiogram.types import Message
answer = {"ok": True, "result": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"},
                                 "text": "x"}}
def check_response():  # as aiogram's session does with every answer
    Response[Message].model_validate(answer)
    return weakref.ref(Response[Message])
built = check_response()
gc.collect()
print(built() is not None and built().__pydantic_complete__)
"""


def test_a_built_response_type_survives_a_garbage_collection() -> None:
    """pydantic keeps `Response[Message]` weakly; the bot keeps it, so a full collection does
    not make the next answer build its schema again (0.2 s each time)."""
    out = subprocess.run([sys.executable, "-c", RESPONSE], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "True"
