"""More than one core: one receiver and N worker processes (`WORKERS=N`, polling mode).

One bot process is bound to one core: grading, aiogram and SQLite all run on its event loop,
and the GIL keeps Python threads from helping (docs/BENCHMARKS.md «Load»). With `WORKERS=N`,
`python -m bot` becomes the *receiver*: it long-polls Telegram, keeps every batch in the inbox
before the next `getUpdates` confirms it (`bot.telegram.inbox`, as a single process does), and
hands each update, as one JSON line on a pipe, to the worker that owns its user (`shard`: the
Telegram user id modulo N). A *worker* (`python -m bot --worker K/N`) is the whole bot but for
polling: the same dispatcher, middlewares, routers and service on the same SQLite file; it
sends its own answers. What stays true with workers:

- A user's updates all go to one worker, in the order they were received: `UserLock` (in
  memory) still handles them one at a time, and each private chat's messages keep their order.
- Nothing is lost or done twice: the inbox and the receipts live in the database; a worker drops
  an update from the inbox when it has handled it, like a single process. Transactions begin
  IMMEDIATE (`bot.storage.base.Connection.transaction`), so processes writing the same file
  wait for each other instead of failing.
- Start-up work is done once, by the receiver, before it polls: forget old receipts, send the
  answers a crash left unsent, register the commands, and replay the updates left unhandled,
  each to its worker.
- Flood control: each worker gets 1/N of the global rate (`FLOOD_GLOBAL_RATE`); a chat's own
  rate is kept by the worker that owns the chat.
- A worker that dies stops the receiver (exit status 1): the bot is restarted as a whole, by
  systemd or docker, and the updates the worker had not handled are replayed. A receiver that is
  killed closes its workers' input: they finish the turns in progress and exit.

Webhook mode stays one process (Telegram's webhook delivers to one address).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import IO, Any

from aiogram import BaseMiddleware, Bot, Dispatcher
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import TelegramObject, Update, User

logger = logging.getLogger(__name__)

READY = b"ready\n"
"""What a worker writes on its standard output once it can handle updates."""
LINE_LIMIT = 16 * 1024 * 1024
"""The longest update line a worker reads (Telegram's updates are a few kilobytes)."""
READY_TIMEOUT = 120.0
"""Seconds a worker may take to start."""

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class WorkerFailed(RuntimeError):
    """A worker could not start, or exited while the receiver was running."""


def shard(user_id: int | None, count: int) -> int:
    """The worker (0 … count-1) that handles the updates of Telegram user `user_id`; an update
    from no user (rare: a channel post) goes to worker 0."""
    return 0 if user_id is None else user_id % count


def parse_worker(value: str) -> tuple[int, int]:
    """`"K/N"` (worker K of N, from 0) as (K, N). Raises ValueError if it is not that."""
    index, _, count = value.partition("/")
    k, n = int(index), int(count)
    if not 0 <= k < n:
        raise ValueError(f"worker {value!r}: expected K/N with 0 <= K < N")
    return k, n


class Workers:
    """The worker processes of a receiver: started, fed one JSON line per update, stopped."""

    def __init__(self, count: int, command: Callable[[int, int], Sequence[str]]) -> None:
        self.count = count
        self._command = command
        self.procs: list[asyncio.subprocess.Process] = []
        self.stopping = False
        self._watchers: list[asyncio.Task[None]] = []

    async def start(self, on_exit: Callable[[int, int], None]) -> None:
        """Start every worker and wait until each is ready; `on_exit(k, status)` is called if
        worker k exits before `stop`. Raises `WorkerFailed` if one does not start."""
        for k in range(self.count):
            self.procs.append(await asyncio.create_subprocess_exec(
                *self._command(k, self.count),
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            ))
        for k, proc in enumerate(self.procs):
            assert proc.stdout is not None
            try:
                line = await asyncio.wait_for(proc.stdout.readline(), READY_TIMEOUT)
            except TimeoutError:
                line = b""
            if line != READY:
                await self.stop(grace=0)
                raise WorkerFailed(f"worker {k}/{self.count} did not start "
                                   f"(exit status {proc.returncode}); see its log above")
        self._watchers = [asyncio.create_task(self._watch(k, proc, on_exit))
                          for k, proc in enumerate(self.procs)]
        logger.info("%d workers started", self.count)

    async def _watch(self, k: int, proc: asyncio.subprocess.Process,
                     on_exit: Callable[[int, int], None]) -> None:
        status = await proc.wait()
        if not self.stopping:
            logger.error("worker %d/%d exited with status %s", k, self.count, status)
            on_exit(k, status)

    async def send(self, k: int, line: bytes) -> None:
        """Hand one update (a JSON line, no newline) to worker k; waits while its pipe is full.
        Raises `WorkerFailed` if the worker is gone (the update stays in the inbox)."""
        stdin = self.procs[k].stdin
        assert stdin is not None
        try:
            stdin.write(line + b"\n")
            await stdin.drain()
        except (BrokenPipeError, ConnectionResetError) as exc:
            raise WorkerFailed(f"worker {k}/{self.count} is gone") from exc

    async def stop(self, grace: float) -> None:
        """Close every worker's input and wait up to `grace` seconds for them to finish the
        updates they have (then kill what is left)."""
        self.stopping = True
        for proc in self.procs:
            if proc.stdin is not None and not proc.stdin.is_closing():
                proc.stdin.close()
        waits = [proc.wait() for proc in self.procs]
        try:
            await asyncio.wait_for(asyncio.gather(*waits), grace or None)
        except TimeoutError:
            for k, proc in enumerate(self.procs):
                if proc.returncode is None:
                    logger.warning("worker %d/%d did not finish in %s s: killed", k,
                                   self.count, grace)
                    proc.kill()
            await asyncio.gather(*(proc.wait() for proc in self.procs))
        for watcher in self._watchers:
            watcher.cancel()


class Forward(BaseMiddleware):
    """The receiver's one outer middleware: each update goes to the worker of its user,
    nothing else is done with it here (the inbox already holds it)."""

    def __init__(self, workers: Workers) -> None:
        self.workers = workers

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        user: User | None = data.get("event_from_user")
        k = shard(user.id if user is not None else None, self.workers.count)
        try:
            await self.workers.send(k, event.model_dump_json(exclude_none=True, by_alias=True)
                                    .encode())
        except WorkerFailed as exc:  # replayed from the inbox after the restart
            logger.warning("update %s not handed over: %s", event.update_id, exc)
        return UNHANDLED


async def serve(dp: Dispatcher, bot: Bot, stdin: IO[bytes] | None = None,
                ready: IO[bytes] | None = None) -> None:
    """A worker's loop: read updates (one JSON line each) from `stdin` until it ends or SIGTERM
    comes, handle each as a task like the polling loop does, then let those in progress finish
    (`dp`'s shutdown hooks). SIGINT is left to the receiver (a terminal's Ctrl-C reaches both).
    Writes: via the handlers."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=LINE_LIMIT)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader),
                                 stdin or sys.stdin.buffer)
    tasks: set[asyncio.Task[Any]] = set()

    async def read() -> None:
        while line := await reader.readline():
            try:
                update = Update.model_validate_json(line, context={"bot": bot})
            except ValueError:  # pydantic's ValidationError: left in the inbox
                logger.error("worker: an input line is not an update (%d bytes)", len(line))
                continue
            task = asyncio.create_task(dp.feed_update(bot, update))
            tasks.add(task)
            task.add_done_callback(_finished(tasks))

    reading = asyncio.create_task(read())
    loop.add_signal_handler(signal.SIGTERM, reading.cancel)
    loop.add_signal_handler(signal.SIGINT, lambda: None)
    out = ready or sys.stdout.buffer
    out.write(READY)
    out.flush()
    if ready is None:  # nobody reads it from now on: anything printed goes to the log
        os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    try:
        await reading
    except asyncio.CancelledError:
        logger.info("worker: SIGTERM, finishing the updates in progress")
    finally:
        loop.remove_signal_handler(signal.SIGTERM)
        loop.remove_signal_handler(signal.SIGINT)
    await dp.emit_shutdown(bot=bot, dispatcher=dp, **dp.workflow_data)
    await asyncio.gather(*tasks, return_exceptions=True)


def _finished(tasks: set[asyncio.Task[Any]]) -> Callable[[asyncio.Task[Any]], None]:
    def done(task: asyncio.Task[Any]) -> None:
        tasks.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            logger.error("update handling failed", exc_info=exc)
    return done
