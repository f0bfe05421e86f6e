"""Handler-level harness: real `Update`s through the real `Dispatcher`, outgoing calls recorded.

`RecordingSession` is an aiogram `BaseSession` that answers every Bot API call locally (a
Message for sends/edits, True for the rest) and records it, so the handlers run unchanged without
a network. `Chat` is one Telegram user talking to the dispatcher.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.base import BaseSession
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    GetFile,
    GetMe,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    Document,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    Sticker,
    Update,
    User,
)
from aiogram.types import (
    Chat as TgChat,
)
from pydantic import TypeAdapter

ADMIN_ID = 900  # in ADMIN_IDS of the handler-test settings
BOT_USER = User(id=42, is_bot=True, first_name="Тренажёр", username="trainer_bot")
_update_ids = itertools.count(1)
_message_ids = itertools.count(1)


@dataclass
class Sent:
    """One message the bot sent or edited."""

    chat_id: int
    message_id: int
    text: str
    markup: InlineKeyboardMarkup | None
    edited: bool = False
    file_name: str | None = None
    """For a document or photo sent: its file name (`text` is the caption) and bytes."""
    data: bytes | None = None

    def buttons(self) -> list[tuple[str, str]]:
        if self.markup is None:
            return []
        return [(b.text, b.callback_data or "") for row in self.markup.inline_keyboard
                for b in row]

    def button(self, label_part: str) -> str:
        """callback_data of the first button whose label contains `label_part`; KeyError if none."""
        for text, data in self.buttons():
            if label_part in text:
                return data
        raise KeyError(f"no button {label_part!r} in {self.buttons()}")


class RecordingSession(BaseSession):
    """Answers Bot API calls locally and records them (`calls`, `sent`)."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[TelegramMethod[Any]] = []
        self.sent: list[Sent] = []
        self._texts: dict[tuple[int, int], Sent] = {}
        self.files: dict[str, bytes] = {}  # file_id -> content a user uploaded

    async def close(self) -> None:
        return None

    def upload(self, data: bytes) -> str:
        """Keep a file a user sends; return its file_id (getFile and the download find it)."""
        file_id = f"file{next(_message_ids)}"
        self.files[file_id] = data
        return file_id

    async def stream_content(
        self, url: str, headers: dict[str, Any] | None = None, timeout: int = 30,
        chunk_size: int = 65536, raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        yield self.files.get(url.rsplit("/", 1)[-1], b"")

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        self.calls.append(method)
        result: Any = True
        if isinstance(method, GetMe):
            result = BOT_USER
        elif isinstance(method, GetFile):
            data = self.files[method.file_id]
            result = {"file_id": method.file_id, "file_unique_id": method.file_id,
                      "file_size": len(data), "file_path": f"documents/{method.file_id}"}
        elif isinstance(method, SendDocument | SendPhoto):
            upload = method.document if isinstance(method, SendDocument) else method.photo
            assert isinstance(upload, BufferedInputFile), upload
            markup = method.reply_markup if isinstance(method.reply_markup,
                                                       InlineKeyboardMarkup) else None
            sent = Sent(int(method.chat_id), next(_message_ids), method.caption or "", markup,
                        file_name=upload.filename, data=upload.data)
            self.sent.append(sent)
            result = self._message(sent)
        elif isinstance(method, SendMessage):
            if len(method.text) > 4096:
                raise AssertionError(f"message over 4096 characters: {len(method.text)}")
            markup = method.reply_markup if isinstance(method.reply_markup,
                                                       InlineKeyboardMarkup) else None
            sent = Sent(int(method.chat_id), next(_message_ids), method.text, markup)
            self.sent.append(sent)
            self._texts[(sent.chat_id, sent.message_id)] = sent
            result = self._message(sent)
        elif isinstance(method, EditMessageText | EditMessageReplyMarkup):
            assert method.chat_id is not None and method.message_id is not None
            old = self._texts[(int(method.chat_id), method.message_id)]
            text = method.text if isinstance(method, EditMessageText) else old.text
            markup = method.reply_markup if isinstance(method.reply_markup,
                                                       InlineKeyboardMarkup) else None
            sent = Sent(old.chat_id, old.message_id, text, markup, edited=True)
            self.sent.append(sent)
            self._texts[(sent.chat_id, sent.message_id)] = sent
            result = self._message(sent)
        if isinstance(result, bool):
            return result  # type: ignore[return-value]
        # `Message | bool` for edits: a TypeAdapter validates unions as well as models
        return TypeAdapter(method.__returning__).validate_python(  # type: ignore[no-any-return]
            result, context={"bot": bot})

    @staticmethod
    def _message(sent: Sent) -> dict[str, Any]:
        return {
            "message_id": sent.message_id,
            "date": int(datetime.now(UTC).timestamp()),
            "chat": {"id": sent.chat_id, "type": "private"},
            "from": BOT_USER.model_dump(),
            "text": sent.text,
            "reply_markup": sent.markup.model_dump() if sent.markup else None,
        }

    def answers(self) -> list[AnswerCallbackQuery]:
        return [c for c in self.calls if isinstance(c, AnswerCallbackQuery)]


@dataclass
class Chat:
    """One user in a private chat with the bot under test."""

    dp: Dispatcher
    bot: Bot
    user_id: int
    first_name: str = "Тест"
    seen: int = 0
    log: list[Sent] = field(default_factory=list)

    @property
    def session(self) -> RecordingSession:
        session = self.bot.session
        assert isinstance(session, RecordingSession)
        return session

    def _user(self) -> User:
        return User(id=self.user_id, is_bot=False, first_name=self.first_name, language_code="ru")

    def _chat(self) -> TgChat:
        return TgChat(id=self.user_id, type="private", first_name=self.first_name)

    def update(self, **message_fields: Any) -> Update:
        message = Message(message_id=next(_message_ids), date=datetime.now(UTC),
                          chat=self._chat(), from_user=self._user(), **message_fields)
        return Update(update_id=next(_update_ids), message=message)

    async def feed(self, update: Update) -> list[Sent]:
        """Feed one update; return what the bot sent to this chat meanwhile."""
        await self.dp.feed_update(self.bot, update)
        return self.new()

    def new(self) -> list[Sent]:
        mine = [s for s in self.session.sent if s.chat_id == self.user_id]
        fresh = mine[self.seen:]
        self.seen = len(mine)
        self.log.extend(fresh)
        return fresh

    async def send(self, text: str) -> list[Sent]:
        return await self.feed(self.update(text=text))

    def command_update(self, command: str, args: str = "") -> Update:
        text = f"/{command}" + (f" {args}" if args else "")
        entity = MessageEntity(type="bot_command", offset=0, length=len(command) + 1)
        return self.update(text=text, entities=[entity])

    async def command(self, command: str, args: str = "") -> list[Sent]:
        return await self.feed(self.command_update(command, args))

    def document_update(self, file_name: str, data: bytes) -> Update:
        """A message with a document (the file is kept by the recording session)."""
        file_id = self.session.upload(data)
        document = Document(file_id=file_id, file_unique_id=file_id, file_name=file_name,
                            mime_type="application/x-yaml", file_size=len(data))
        return self.update(document=document)

    async def document(self, file_name: str, data: bytes) -> list[Sent]:
        return await self.feed(self.document_update(file_name, data))

    async def sticker(self) -> list[Sent]:
        sticker = Sticker(file_id="CAAC", file_unique_id="AgAD", type="regular", width=512,
                          height=512, is_animated=False, is_video=False, emoji="👍")
        return await self.feed(self.update(sticker=sticker))

    def press_update(self, message: Sent, label_part: str) -> Update:
        data = message.button(label_part)
        shown = Message(message_id=message.message_id, date=datetime.now(UTC), chat=self._chat(),
                        from_user=BOT_USER, text=message.text, reply_markup=message.markup)
        call = CallbackQuery(id=str(next(_update_ids)), from_user=self._user(),
                             chat_instance=str(self.user_id), message=shown, data=data)
        return Update(update_id=next(_update_ids), callback_query=call)

    async def press(self, message: Sent, label_part: str) -> list[Sent]:
        return await self.feed(self.press_update(message, label_part))

    def last(self) -> Sent:
        return self.log[-1]

    def find(self, part: str) -> Sent:
        """The latest message of this chat containing `part`; KeyError if none."""
        for sent in reversed(self.log):
            if part in sent.text:
                return sent
        raise KeyError(f"no message with {part!r}; got {[s.text[:60] for s in self.log[-5:]]}")
