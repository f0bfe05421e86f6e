"""`WORKERS=N`: the receiver hands each update to its user's worker; a worker serves a pipe.

Real parts: real `Update`s through a real receiver `Dispatcher` into real worker processes (a
small Python program that writes down what it was handed), and a real worker dispatcher served
from a real OS pipe. The whole bot with workers against the Telegram emulator is in
tests/e2e/test_bot_e2e.py.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher
from tg_harness import Chat, RecordingSession

from bot.__main__ import amain, build_dispatcher
from bot.app import App
from bot.settings import Settings
from bot.workers import READY, Forward, WorkerFailed, Workers, parse_worker, serve, shard

RECORDER = (
    "import sys\n"
    "out = open(sys.argv[1], 'wb')\n"
    "sys.stdout.buffer.write(b'ready\\n'); sys.stdout.flush()\n"
    "for line in sys.stdin.buffer:\n"
    "    out.write(line); out.flush()\n"
)
"""A stand-in worker: says it is ready, then writes every line it is handed to a file."""


def recorders(folder: Path) -> tuple[Workers, list[Path]]:
    files = [folder / f"worker{k}.jsonl" for k in range(2)]

    def command(k: int, n: int) -> Sequence[str]:
        return (sys.executable, "-c", RECORDER, str(files[k]))

    return Workers(2, command), files


def handed(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_shard_is_the_user_id_modulo_the_workers_and_no_user_goes_to_the_first() -> None:
    assert [shard(uid, 3) for uid in (9, 10, 11, 12)] == [0, 1, 2, 0]
    assert shard(None, 3) == 0


@pytest.mark.parametrize("value", ["2/2", "-1/2", "a/2", "1", "1/0"])
def test_parse_worker_refuses_what_is_not_k_of_n(value: str) -> None:
    with pytest.raises(ValueError):
        parse_worker(value)
    assert parse_worker("1/2") == (1, 2)


async def test_each_users_updates_go_to_one_worker_in_the_order_received(
    tmp_path: Path, bot: Bot
) -> None:
    workers, files = recorders(tmp_path)
    receiver = Dispatcher()
    receiver.update.outer_middleware(Forward(workers))
    await workers.start(on_exit=lambda k, status: None)
    try:
        users = [Chat(receiver, bot, uid) for uid in (1001, 1002, 1003)]
        for i in range(4):
            for user in users:
                await user.feed(user.update(text=f"ответ {i} от {user.user_id}"))
    finally:
        await workers.stop(grace=5)
    by_worker = [handed(path) for path in files]
    for k, updates in enumerate(by_worker):
        senders = {u["message"]["from"]["id"] for u in updates}  # type: ignore[index]
        assert senders == {uid for uid in (1001, 1002, 1003) if uid % 2 == k}
    mine = [u["message"]["text"] for u in by_worker[1]  # type: ignore[index]
            if u["message"]["from"]["id"] == 1001]  # type: ignore[index]
    assert mine == [f"ответ {i} от 1001" for i in range(4)]
    assert [p.returncode for p in workers.procs] == [0, 0]  # input closed: they ended


async def test_a_worker_that_does_not_start_is_named_and_the_others_are_stopped(
    tmp_path: Path,
) -> None:
    def command(k: int, n: int) -> Sequence[str]:
        code = RECORDER if k == 0 else "import sys; sys.exit(3)"
        return (sys.executable, "-c", code, str(tmp_path / "w.jsonl"))

    workers = Workers(2, command)
    with pytest.raises(WorkerFailed, match="worker 1/2 did not start"):
        await workers.start(on_exit=lambda k, status: None)
    assert all(p.returncode is not None for p in workers.procs)


async def test_a_worker_exiting_while_running_is_reported(tmp_path: Path) -> None:
    workers, _ = recorders(tmp_path)
    exited: asyncio.Queue[tuple[int, int]] = asyncio.Queue()
    await workers.start(on_exit=lambda k, status: exited.put_nowait((k, status)))
    try:
        workers.procs[1].kill()
        k, status = await asyncio.wait_for(exited.get(), 10)
        assert k == 1 and status != 0
        with pytest.raises(WorkerFailed, match="worker 1/2 is gone"):
            for _ in range(100):  # the pipe reports the dead reader on a write or a drain
                await workers.send(1, b"{}")
    finally:
        await workers.stop(grace=5)


async def test_a_worker_serves_its_pipe_and_skips_a_line_that_is_not_an_update(
    app: App, bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    dp = await build_dispatcher(app, startup=False)
    read_end, write_end = os.pipe()
    source = Chat(dp, bot, 5001)
    lines = [b"not json at all\n", source.update(text="/start").model_dump_json(
        exclude_none=True, by_alias=True).encode() + b"\n"]
    ready = io.BytesIO()
    with os.fdopen(read_end, "rb", buffering=0) as stdin:
        serving = asyncio.create_task(serve(dp, bot, stdin=stdin, ready=ready))
        with caplog.at_level(logging.ERROR, logger="bot.workers"):
            for line in lines:
                os.write(write_end, line)
            os.close(write_end)  # the receiver is gone: finish and return
            await asyncio.wait_for(serving, 10)
    assert ready.getvalue() == READY
    assert "is not an update" in caplog.text
    session = bot.session
    assert isinstance(session, RecordingSession)
    assert any("Как вас подписывать" in s.text for s in session.sent)


async def test_workers_need_polling_mode() -> None:
    settings = Settings(_env_file=None, bot_token="1:x", workers=2, bot_mode="webhook")
    with pytest.raises(SystemExit, match="WORKERS > 1 needs BOT_MODE=polling"):
        await amain(settings)
