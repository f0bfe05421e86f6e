"""The user side of the Telegram emulator (`emulator.js` over telegram-test-api).

`Emulator` owns the node process; `TgUser` is one Telegram user talking to the bot through the
emulator's client API (`/sendMessage`, `/sendCommand`, `/sendCallback`, `/getUpdates`,
`/getUpdatesHistory`) and waiting for what the bot sends back.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
BOT_ID = 666


class Emulator:
    """A running `node emulator.js` on a free loopback port."""

    def __init__(self, proc: subprocess.Popen[str], port: int) -> None:
        self.proc = proc
        self.port = port
        self.url = f"http://127.0.0.1:{port}"

    @classmethod
    def start(cls, timeout: float = 15.0) -> Emulator:
        """Start the launcher and wait for its ready line; raises RuntimeError if it never comes."""
        if not (HERE / "node_modules" / "telegram-test-api").is_dir():
            raise RuntimeError("run `npm ci` in tests/e2e (make test does it)")
        proc = subprocess.Popen(
            ["node", str(HERE / "emulator.js"), "0"],
            cwd=HERE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        deadline = time.monotonic() + timeout
        line = proc.stdout.readline()
        if not line or time.monotonic() > deadline:
            proc.kill()
            err = proc.stderr.read() if proc.stderr else ""
            raise RuntimeError(f"emulator did not start: {err}")
        port = int(json.loads(line)["port"])
        emu = cls(proc, port)
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{emu.url}/_control/health", timeout=1).status_code == 200:
                    return emu
            except httpx.HTTPError:
                time.sleep(0.05)
        emu.stop()
        raise RuntimeError("emulator did not answer its health check")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()

    async def control(self, http: httpx.AsyncClient, name: str, **body: Any) -> Any:
        if body:
            resp = await http.post(f"{self.url}/_control/{name}", json=body)
        else:
            resp = await http.get(f"{self.url}/_control/{name}")
        resp.raise_for_status()
        return resp.json()["result"]

    async def flood(
        self, http: httpx.AsyncClient, method: str, count: int, retry_after: int
    ) -> None:
        """The next `count` calls of `method` get HTTP 429 with `retry_after` seconds."""
        await self.control(http, "flood", method=method, count=count, retry_after=retry_after)

    async def stats(self, http: httpx.AsyncClient) -> dict[str, Any]:
        result: dict[str, Any] = await self.control(http, "stats")
        return result


@dataclass
class BotMessage:
    """A message the bot sent (or edited), as stored by the emulator."""

    message_id: int
    text: str
    buttons: list[list[dict[str, Any]]] = field(default_factory=list)
    edited: bool = False
    file: dict[str, Any] | None = None
    """A document or photo the bot sent: `file_id`, `file_name` (`text` is the caption)."""

    @classmethod
    def from_stored(cls, stored: dict[str, Any]) -> BotMessage:
        msg = stored["message"]
        markup = msg.get("reply_markup") or {}
        if isinstance(markup, str):
            markup = json.loads(markup)
        return cls(
            message_id=int(stored["messageId"]),
            text=str(msg.get("text", "")),
            buttons=list(markup.get("inline_keyboard", [])),
            edited=bool(stored.get("edited")),
            file=msg.get("document") or msg.get("photo"),
        )

    def button(self, label_part: str) -> dict[str, Any]:
        """The first inline button whose text contains `label_part`; KeyError if none."""
        for row in self.buttons:
            for button in row:
                if label_part in button["text"]:
                    return button
        labels = [b["text"] for row in self.buttons for b in row]
        raise KeyError(f"no button with {label_part!r} in {labels}")


class TgUser:
    """One Telegram user in a private chat with the bot, driven through the emulator."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        emulator: Emulator,
        token: str,
        user_id: int,
        first_name: str = "Тест",
    ) -> None:
        self.http = http
        self.emu = emulator
        self.token = token
        self.user_id = user_id
        self.first_name = first_name
        self.received: list[BotMessage] = []
        self._unread: list[BotMessage] = []  # fetched but not yet looked at by `wait_for`

    # --- what the user sends -------------------------------------------------------------
    def _user(self) -> dict[str, Any]:
        return {"id": self.user_id, "is_bot": False, "first_name": self.first_name,
                "username": f"user{self.user_id}", "language_code": "ru"}

    def _chat(self) -> dict[str, Any]:
        return {"id": self.user_id, "type": "private", "first_name": self.first_name}

    def _message(self, **fields: Any) -> dict[str, Any]:
        return {"botToken": self.token, "from": self._user(), "chat": self._chat(),
                "date": int(time.time()), **fields}

    async def _post(self, path: str, body: dict[str, Any]) -> None:
        resp = await self.http.post(f"{self.emu.url}/{path}", json=body)
        resp.raise_for_status()

    async def send_text(self, text: str) -> None:
        await self._post("sendMessage", self._message(text=text))

    async def send_command(self, command: str, args: str = "") -> None:
        text = f"/{command}" + (f" {args}" if args else "")
        entity = {"offset": 0, "length": len(command) + 1, "type": "bot_command"}
        await self._post("sendCommand", self._message(text=text, entities=[entity]))

    async def send_document(self, name: str, data: bytes) -> None:
        """Send a file as a document (the emulator keeps it for the bot's getFile)."""
        import base64

        resp = await self.http.post(f"{self.emu.url}/_control/upload", json={
            "name": name, "content_b64": base64.b64encode(data).decode()})
        resp.raise_for_status()
        meta = resp.json()["result"]
        document = {**meta, "mime_type": "application/x-yaml"}
        await self._post("sendMessage", self._message(document=document))

    async def file(self, message: BotMessage) -> bytes:
        """The bytes of a document or photo the bot sent."""
        import base64

        assert message.file is not None, message
        resp = await self.http.get(f"{self.emu.url}/_control/file/{message.file['file_id']}")
        resp.raise_for_status()
        return base64.b64decode(resp.json()["result"]["content_b64"])

    async def send_sticker(self) -> None:
        sticker = {"file_id": "CAACAgIAAxkBAAE", "file_unique_id": "AgADBAADwDZPEw",
                   "type": "regular", "width": 512, "height": 512, "is_animated": False,
                   "is_video": False, "emoji": "👍"}
        await self._post("sendMessage", self._message(sticker=sticker))

    async def send_voice(self, audio: bytes, duration: int = 3) -> str:
        """Send a voice message whose audio the bot can download (getFile + file URL)."""
        import base64

        file_id = f"voice{self.user_id}x{int(time.time() * 1000)}"
        await self.emu.control(self.http, "file", file_id=file_id,
                               data=base64.b64encode(audio).decode("ascii"))
        voice = {"file_id": file_id, "file_unique_id": f"u{file_id}", "duration": duration,
                 "mime_type": "audio/ogg", "file_size": len(audio)}
        await self._post("sendMessage", self._message(voice=voice))
        return file_id

    async def press(self, message: BotMessage, label_part: str) -> None:
        """Tap the inline button of `message` whose text contains `label_part`."""
        button = message.button(label_part)
        bot_user = {"id": BOT_ID, "is_bot": True, "first_name": "Bot"}
        shown = {"message_id": message.message_id, "from": bot_user, "chat": self._chat(),
                 "date": int(time.time()), "text": message.text,
                 "reply_markup": {"inline_keyboard": message.buttons}}
        await self._post("sendCallback", {
            "botToken": self.token, "from": self._user(), "message": shown,
            "chat_instance": str(self.user_id), "data": button["callback_data"],
        })

    # --- what the bot sends --------------------------------------------------------------
    async def fetch(self) -> list[BotMessage]:
        """New (unread) bot messages in this chat, including edited ones."""
        resp = await self.http.post(f"{self.emu.url}/getUpdates",
                                    json={"token": self.token, "chatId": self.user_id})
        resp.raise_for_status()
        fresh = [BotMessage.from_stored(item) for item in resp.json()["result"]]
        self.received.extend(fresh)
        self._unread.extend(fresh)
        return fresh

    async def wait_for(
        self,
        predicate: Callable[[BotMessage], bool],
        timeout: float = 10.0,
    ) -> BotMessage:
        """Wait for a bot message matching `predicate`, oldest first; the messages before it are
        passed over, the ones after it (e.g. a card that came in the same poll as the closing
        line) stay unread for the next call. Raises TimeoutError with the texts seen so far.
        """
        seen: list[str] = []
        deadline = asyncio.get_running_loop().time() + timeout
        await self.fetch()
        while True:
            while self._unread:
                message = self._unread.pop(0)
                seen.append(message.text[:80])
                if predicate(message):
                    return message
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"user {self.user_id}: no matching bot message; saw {seen}")
            await asyncio.sleep(0.03)
            await self.fetch()

    async def wait_text(self, part: str, timeout: float = 10.0) -> BotMessage:
        return await self.wait_for(lambda m: part in m.text, timeout)

    async def history(self) -> list[dict[str, Any]]:
        resp = await self.http.post(f"{self.emu.url}/getUpdatesHistory", json={"token": self.token})
        resp.raise_for_status()
        result: list[dict[str, Any]] = resp.json()["result"]
        return result


def bot_env(emulator: Emulator, token: str, db_path: Path, **extra: str) -> dict[str, str]:
    """Environment for `python -m bot` pointed at the emulator."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_", "WEBHOOK_"))}
    env.update({"TELEGRAM_API_URL": emulator.url, "BOT_TOKEN": token, "DB_PATH": str(db_path),
                "BOT_MODE": "polling", "LLM_BASE_URL": "", "PYTHONUNBUFFERED": "1", **extra})
    return env


@asynccontextmanager
async def running_bot(
    emulator: Emulator, token: str, folder: Path, http: httpx.AsyncClient, **extra: str
) -> AsyncIterator[BotProcess]:
    """`python -m bot` on `folder/bot.db` against the emulator, ready to poll; stopped after."""
    proc = BotProcess(bot_env(emulator, token, folder / "bot.db", **extra), folder / "bot.log")
    proc.start()
    await proc.wait_ready(emulator, http)
    try:
        yield proc
    finally:
        proc.stop()


def children(pid: int) -> list[int]:
    """The child processes of `pid` (the bot's workers, `WORKERS`), from Linux /proc."""
    return [int(child) for task in Path(f"/proc/{pid}/task").iterdir()
            for child in (task / "children").read_text().split()]


class BotProcess:
    """`python -m bot` as a subprocess against the emulator (so it can be killed with -9)."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = env
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [os.environ.get("E2E_PYTHON", _python()), "-m", "bot"],
            cwd=HERE.parent.parent,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

    async def wait_ready(self, emulator: Emulator, http: httpx.AsyncClient,
                         timeout: float = 40.0) -> None:
        """Wait until the bot has registered its commands and started polling."""
        token = self.env["BOT_TOKEN"]
        deadline = asyncio.get_running_loop().time() + timeout
        start_calls = (await emulator.stats(http))["calls"].get("getUpdates", 0)
        while asyncio.get_running_loop().time() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"bot exited with {self.proc.returncode}:\n{self.log()}")
            stats = await emulator.stats(http)
            if stats["calls"].get("getUpdates", 0) > start_calls and token in stats["commands"]:
                return
            await asyncio.sleep(0.05)
        raise TimeoutError(f"bot did not start polling:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL: no graceful shutdown, like a crash."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM and wait for a graceful exit; returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        return self.proc.returncode

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-4000:]


def _python() -> str:
    import sys

    return sys.executable
