"""The one composition root of the Telegram bot: `python -m bot`.

settings → `bot.app.build_app` (Storage, standard, library, Grader, LLM seams, TrainingService)
→ Bot (session with flood control) → Dispatcher (SQLite FSM storage, middlewares, routers, and
every dependency in `dp[...]`). Tests reuse `build_dispatcher` and `create_bot`.
"""

from __future__ import annotations

import gc

if __name__ == "__main__":  # `python -m bot`: no collections while it starts (`settle_memory`)
    gc.disable()

import asyncio
import contextlib
import logging
import os
import secrets
import signal
import string
import sys
from collections.abc import AsyncIterator, Sequence

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import BotCommand, BotCommandScopeDefault
from aiohttp import web

from bot.app import App, build_app
from bot.fsm_storage import SQLiteStorage
from bot.service import TrainingService
from bot.settings import Settings
from bot.telegram import build_routers
from bot.telegram.inbox import Inbox, replay
from bot.telegram.middlewares import Dedup, Identity, InFlight, UserLock
from bot.telegram.ratelimit import FloodControl
from bot.telegram.redelivered import deliver_pending
from bot.texts import Texts
from bot.workers import Forward, Workers, parse_worker, serve

logger = logging.getLogger("bot")

COMMANDS = ("start", "hint", "progress", "cancel", "help")
PROCESSED_TTL_DAYS = 2.0  # Telegram keeps undelivered updates for 24 hours
SHUTDOWN_GRACE = 20.0  # seconds to let turns in progress finish on shutdown
GC_GEN0 = 10_000  # allocations between young collections (CPython's default: 700)
SETTLE_AFTER = 0.5  # seconds after start-up: the first getUpdates is waiting by then


def create_bot(
    token: str,
    api_url: str | None = None,
    flood_control: FloodControl | None = None,
    timeout: float = 15.0,
) -> Bot:
    """A Bot with HTML parse mode, pointed at `api_url` (another Bot API server) if given, with
    the flood-control request middleware on its session and `timeout` seconds per call (long
    polling adds its own wait to it)."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_url), timeout=timeout) if (
        api_url) else AiohttpSession(timeout=timeout)
    session.middleware(flood_control or FloodControl())
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


async def build_dispatcher(app: App, *, startup: bool = True) -> Dispatcher:
    """A Dispatcher wired to `app`: SQLite FSM storage, middlewares, routers, dependencies;
    without `startup` (a worker, `bot.workers`), the start-up work is left to the receiver."""
    dp = Dispatcher(storage=SQLiteStorage(app.storage))
    dp["service"] = app.service
    dp["texts"] = app.texts
    dp["settings"] = app.settings
    in_flight = InFlight()
    dp["in_flight"] = in_flight
    dp.update.outer_middleware(in_flight)
    dp.update.outer_middleware(UserLock())
    dp.update.outer_middleware(Dedup(app.service))
    dp.update.outer_middleware(Identity(app.service))
    dp.include_routers(*build_routers())
    if startup:
        dp.startup.register(on_startup)
    dp.shutdown.register(on_shutdown)
    return dp


async def on_startup(
    bot: Bot, texts: Texts, service: TrainingService, dispatcher: Dispatcher
) -> None:
    """Register the commands (in Russian) shown in Telegram's menu; forget old update ids;
    send the answers a crash left stored but unsent; replay the updates it left unhandled
    (`bot.telegram.inbox`)."""
    service.forget_receipts(PROCESSED_TTL_DAYS)
    await deliver_pending(bot, service, texts, dispatcher)
    dispatcher["replays"] = set(replay(dispatcher, bot, service))
    commands = [BotCommand(command=c, description=texts(f"cmd.{c}")) for c in COMMANDS]
    await bot.set_my_commands(commands, scope=BotCommandScopeDefault())
    # its full collection takes ~0.1 s: done while the first long poll waits, not before it
    asyncio.get_running_loop().call_later(SETTLE_AFTER, settle_memory)
    logger.info("bot started; commands registered")


def settle_memory() -> None:
    """Move what start-up built (the library, the compiled standard, aiogram's types) out of
    the garbage collector's sight, and collect the young generation less often: a full
    collection then walks only what the turns allocate, instead of stopping the loop for
    ~0.2 s every few seconds under load (bench/bench_load.py). Turns the collector on when
    `python -m bot` started without it (collecting during start-up was ~0.13 s of its CPU)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_GEN0, 20, 20)
    gc.enable()


async def on_shutdown(in_flight: InFlight) -> None:
    """Let the turns in progress finish (their replies get graded, stored and answered)."""
    if not await in_flight.drained(SHUTDOWN_GRACE):
        logger.warning("shutdown: %d updates still in progress after %s s",
                       in_flight.count, SHUTDOWN_GRACE)


async def run_polling(dp: Dispatcher, bot: Bot, allowed_updates: list[str] | None = None) -> None:
    """Long polling; every batch of updates is kept in the inbox before it is confirmed."""
    bot.session.middleware(Inbox(dp["service"]))
    await bot.delete_webhook(drop_pending_updates=False)
    await dp.start_polling(bot, handle_signals=True, close_bot_session=True,
                           allowed_updates=allowed_updates or dp.resolve_used_update_types())


def worker_command(index: int, count: int) -> Sequence[str]:
    """How the receiver starts worker `index` of `count`: this Python, `-m bot --worker K/N`."""
    return (sys.executable, "-m", "bot", "--worker", f"{index}/{count}")


async def run_receiver(app: App, bot: Bot, count: int) -> None:
    """Polling for `count` worker processes (`bot.workers`): updates are kept in the inbox and
    handed to the worker of their user; the start-up work is done here, once. Raises
    `SystemExit(1)` if a worker failed (after stopping the others)."""
    workers = Workers(count, worker_command)
    failed: list[int] = []
    stopper: list[asyncio.Task[None]] = []
    dp = Dispatcher(storage=SQLiteStorage(app.storage))  # `deliver_pending` sets chats' state
    dp["service"], dp["texts"] = app.service, app.texts
    dp.update.outer_middleware(Forward(workers))

    def on_exit(k: int, status: int) -> None:
        failed.append(k)
        stopper.append(asyncio.create_task(dp.stop_polling()))

    async def start_workers() -> None:
        await workers.start(on_exit)

    dp.startup.register(start_workers)  # before on_startup: its replays go to the workers
    dp.startup.register(on_startup)
    allowed = (await build_dispatcher(app, startup=False)).resolve_used_update_types()
    try:
        await run_polling(dp, bot, allowed)
    finally:  # polling stopped (a signal, a dead worker) or failed: let them finish
        await workers.stop(SHUTDOWN_GRACE + 5)
    if failed:
        raise SystemExit(1)


async def run_worker(app: App, bot: Bot) -> None:
    """One worker of a receiver: the whole dispatcher fed from standard input."""
    dp = await build_dispatcher(app, startup=False)
    asyncio.get_running_loop().call_later(SETTLE_AFTER, settle_memory)
    try:
        await serve(dp, bot)
    finally:
        await bot.session.close()


MIN_SECRET_LENGTH = 32
SECRET_ALPHABET = frozenset(string.ascii_letters + string.digits + "_-")


def webhook_secret(configured: str | None) -> str:
    """The secret Telegram must send with every update in webhook mode.

    Without `WEBHOOK_SECRET` a random one is generated for this process (we register it with
    `setWebhook` ourselves, so nothing else needs to know it). A configured secret shorter than
    32 characters, or with characters Telegram does not allow (A–Z, a–z, 0–9, _ and -), is
    refused: anyone who reaches the port could otherwise post updates as any user.
    Raises `SystemExit` with the reason.
    """
    if not configured:
        logger.warning("WEBHOOK_SECRET is empty: generated a random secret for this run")
        return secrets.token_urlsafe(48)
    if len(configured) < MIN_SECRET_LENGTH or not set(configured) <= SECRET_ALPHABET:
        raise SystemExit(
            f"WEBHOOK_SECRET must be at least {MIN_SECRET_LENGTH} characters of A-Z, a-z, 0-9, "
            "_ and - (or empty, to generate one); refusing to start webhook mode"
        )
    return configured


async def run_webhook(dp: Dispatcher, bot: Bot, settings: Settings) -> None:
    """aiohttp server receiving updates; Telegram's secret-token header is checked."""
    if not settings.webhook_url:
        raise SystemExit("BOT_MODE=webhook needs WEBHOOK_URL")
    secret = webhook_secret(
        settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    )
    async with webhook_server(dp, bot, settings.webhook_host, settings.webhook_port,
                              path=_webhook_path(settings.webhook_url), secret=secret):
        await bot.set_webhook(settings.webhook_url, secret_token=secret,
                              allowed_updates=dp.resolve_used_update_types())
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()


def _webhook_path(url: str) -> str:
    from urllib.parse import urlparse

    return urlparse(url).path or "/webhook"


@contextlib.asynccontextmanager
async def webhook_server(
    dp: Dispatcher, bot: Bot, host: str, port: int, path: str, secret: str
) -> AsyncIterator[web.AppRunner]:
    """Serve `dp` over aiohttp at `path`; requests without the right
    X-Telegram-Bot-Api-Secret-Token header get 401. Startup/shutdown hooks run with the app."""
    from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application

    web_app = web.Application()
    # the answer to Telegram waits for the update to be handled: a bot that dies mid-turn never
    # answered, so Telegram delivers the update again (the receipts keep it graded once)
    SimpleRequestHandler(dispatcher=dp, bot=bot, secret_token=secret,
                         handle_in_background=False).register(web_app, path=path)
    setup_application(web_app, dp, bot=bot)
    runner = web.AppRunner(web_app)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    try:
        yield runner
    finally:
        await runner.cleanup()


async def amain(settings: Settings | None = None, worker: tuple[int, int] | None = None) -> None:
    """The bot as `settings` say: one process (polling or webhook), a receiver of
    `WORKERS` worker processes, or (`worker` = (K, N)) worker K of N."""
    settings = settings or Settings()
    if settings.bot_token is None or not settings.bot_token.get_secret_value():
        raise SystemExit("BOT_TOKEN is not set (see .env.example)")
    if settings.workers > 1 and settings.bot_mode == "webhook":
        raise SystemExit("WORKERS > 1 needs BOT_MODE=polling (a webhook is one process)")
    app = build_app(settings)
    try:
        share = worker[1] if worker else 1  # a worker sends 1/N of the bot's messages
        flood = FloodControl(
            global_rate=settings.flood_global_rate / share,
            chat_rate=settings.flood_chat_rate,
            chat_burst=settings.flood_chat_burst,
        )
        bot = create_bot(settings.bot_token.get_secret_value(), settings.telegram_api_url, flood,
                         settings.telegram_timeout)
        if worker is not None:
            await run_worker(app, bot)
        elif settings.workers > 1:
            await run_receiver(app, bot, settings.workers)
        elif settings.bot_mode == "webhook":
            try:
                await run_webhook(await build_dispatcher(app), bot, settings)
            finally:
                await bot.session.close()
        else:
            await run_polling(await build_dispatcher(app), bot)
    finally:
        await app.close()


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m bot` (the bot), or `python -m bot --worker K/N` (started by the receiver)."""
    args = list(sys.argv[1:] if argv is None else argv)
    worker = None
    if args[:1] == ["--worker"] and len(args) == 2:
        worker = parse_worker(args[1])
    elif args:
        raise SystemExit("usage: python -m bot   (settings: .env, see .env.example)")
    logging.basicConfig(level=logging.INFO,
                        format=f"%(asctime)s %(levelname)s {_process_name(worker)}%(name)s: "
                               "%(message)s")
    # Per-update chatter, ~2 % of the bot's CPU under load: transitions logs every state entry and
    # exit, aiogram one "Update id=… is handled" line per update. Their warnings still show.
    for chatty in ("transitions", "aiogram.event"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    asyncio.run(amain(worker=worker))


def _process_name(worker: tuple[int, int] | None) -> str:
    return f"[worker {worker[0]}/{worker[1]} pid {os.getpid()}] " if worker else ""


if __name__ == "__main__":
    main()
