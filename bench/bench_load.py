"""Load: N simulated trainees playing whole scenarios at once through the real bot and the
Telegram API emulator on loopback.

    make bench     # or: .venv/bin/python bench/bench_load.py --trainees 10 100 300 [--json]
    .venv/bin/python bench/bench_load.py --trainees 300 --workers 2 --repeat 3
    .venv/bin/python bench/bench_load.py --trainees 300 --limits --think 5 15

Two modes:
- capacity (default): flood control out of the way (FLOOD_* raised far above Telegram's limits)
  and no pause before a reply: graded turns a second is the bot's own capacity;
- `--limits`: the bot's real flood control (30 messages a second in total, 1 a second per chat
  after a short burst) and trainees who read and type for `--think` seconds (uniform) before
  each reply, as Telegram would see them.

Each trainee is a person already in the bot's database (registration is not measured); it opens
the menu with /start, picks training → the scenario's kind → the scenario → «Начать»; when every
trainee has its first client line, all start answering at once, every client line with the
standard's phrases of that state's hint, until the score card. Only that phase is measured
(turns, latencies, CPU). One
poller drains every bot message of the run from the emulator (`/_control/drain`) and hands each
to its chat, so the load generator is not the bottleneck. Reported: graded turns per second,
reply→feedback latency p50/p99 (the time from sending a reply to receiving the message with the
next client line or the card), lost replies (a reply with no answer within the time cap), peak
memory of the bot (VmHWM), CPU seconds of the bot, the emulator and the load generator. With
`--workers N` the bot is a receiver and N worker processes (`WORKERS`, bot/workers.py): its CPU
and peak memory are summed over them, and `cpu_s_bot_split` gives the receiver's, then each
worker's. The turn phase of 300 trainees lasts a few seconds, so one run is at the mercy of
what else the machine does: `--repeat R` runs each N R times and adds a line of medians.
Bounded in count (each trainee plays one scenario) and in time (`--cap` seconds).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import aiohttp
import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "e2e"), str(ROOT / "tests" / "helpers")]

from play_helpers import good_reply, state_of_line  # noqa: E402
from tg_user import BotMessage, BotProcess, Emulator, TgUser, bot_env, children  # noqa: E402

from bot.storage import Storage  # noqa: E402
from bot.texts import Texts  # noqa: E402
from scenarios import Scenario, load_library  # noqa: E402

CLIENT = "🗣 <b>Клиент:</b>"  # the client line (a briefing says «Клиент:» too)
CARD = "Результат:"
SCENARIOS = ("hold_request", "complaint", "system_failure", "difficult_client", "transfer")


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))] if values else float("nan")


def calibration_ms() -> float:
    """CPU milliseconds of a fixed pure-Python loop, measured before a run: this machine (a VM)
    runs the same code up to ~40 % slower at some hours than at others, with no steal time
    reported, so a figure is only comparable with one of a similar calibration."""
    started = time.process_time()
    x = 0
    for i in range(2_000_000):
        x += i * i % 7
    return round((time.process_time() - started) * 1000, 1)


def tree(pid: int) -> list[int]:
    """`pid` and its descendants (the bot's worker processes, `WORKERS`), from Linux /proc."""
    found = [pid]
    for child in children(pid):
        found += tree(child)
    return found


def cpu_split(pid: int) -> list[float]:
    """utime + stime of a process, then of each of its descendants (Linux /proc), in seconds."""
    split = []
    for p in tree(pid):
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        split.append((int(fields[11]) + int(fields[12])) / 100.0)
    return split


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process and its descendants, in seconds."""
    return sum(cpu_split(pid))


def peak_rss_mb(pid: int) -> float:
    """The sum of the peak resident sizes (VmHWM) of a process and its descendants."""
    total = 0
    for p in tree(pid):
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1])
    return total / 1024


class Reply:
    """What `Http.post`/`get` return: the status and body read, as httpx's response offers them."""

    def __init__(self, status: int, body: bytes) -> None:
        self.status_code, self.body = status, body

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            raise RuntimeError(f"HTTP {self.status_code}: {self.body[:200]!r}")

    def json(self) -> Any:
        return json.loads(self.body)


class Http:
    """The load generator's HTTP client: aiohttp behind the two calls `tests/e2e/tg_user.py`
    makes of an `httpx.AsyncClient` (`post(url, json=…)`, `get(url)`). With httpx the load
    generator spent ~4 ms of CPU a graded turn — as much as the bot — on the same 2 cores."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def post(self, url: str, json: Any = None) -> Reply:
        async with self.session.post(url, json=json) as resp:
            return Reply(resp.status, await resp.read())

    async def get(self, url: str) -> Reply:
        async with self.session.get(url) as resp:
            return Reply(resp.status, await resp.read())


class Inbox:
    """Every bot message of the run, routed to its chat by one long-polling drainer."""

    def __init__(self, http: Any, emulator: Emulator, token: str) -> None:
        self.http, self.emulator, self.token = http, emulator, token
        self.queues: dict[int, asyncio.Queue[BotMessage]] = defaultdict(asyncio.Queue)
        self.stopped = False

    async def run(self) -> None:
        while not self.stopped:
            try:
                resp = await self.http.post(f"{self.emulator.url}/_control/drain",
                                            json={"token": self.token, "timeout_ms": 500})
            except (aiohttp.ClientError, httpx.HTTPError) as exc:
                # the emulator closed a kept-alive connection as it was reused (seen once in
                # ~50 runs): the drain did not happen, ask again
                print(f"drain: {exc!r}; again", file=sys.stderr)
                await asyncio.sleep(0.05)
                continue
            for item in resp.json()["result"]:
                self.queues[item["chat_id"]].put_nowait(BotMessage(
                    message_id=int(item["message_id"]), text=str(item["text"]),
                    buttons=item["buttons"]))

    async def wait(self, chat_id: int, part: str | tuple[str, ...], timeout: float) -> BotMessage:
        parts = (part,) if isinstance(part, str) else part
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"chat {chat_id}: nothing with {parts}")
            message = await asyncio.wait_for(self.queues[chat_id].get(), left)
            if any(p in message.text for p in parts):
                return message


NO_FLOOD_CONTROL = {"FLOOD_GLOBAL_RATE": "100000", "FLOOD_CHAT_RATE": "100000",
                    "FLOOD_CHAT_BURST": "100000"}


def seed_people(db: Path, team: str, first_id: int, count: int) -> None:
    """`count` registered trainees (Telegram ids from `first_id`) in one team."""
    with Storage(db) as storage:
        team_id = storage.create_team(team).id
        for i in range(count):
            storage.create_person(f"Стажёр {i:04d}", telegram_id=first_id + i, team_id=team_id)


async def open_run(
    user: TgUser, inbox: Inbox, scenario: Scenario, texts: Texts, cap: float
) -> BotMessage:
    """/start → training → the scenario's kind → the scenario → «Начать»: the first line."""
    uid = user.user_id
    await user.send_command("start")
    await user.press(await inbox.wait(uid, "Главное меню", cap), "Тренировка")
    await user.press(await inbox.wait(uid, "тип ситуации", cap), texts.kind(scenario.kind))
    await user.press(await inbox.wait(uid, "сценарий", cap), scenario.title)
    await user.press(await inbox.wait(uid, scenario.title, cap), "Начать")
    return await inbox.wait(uid, CLIENT, cap)


async def trainee(
    user: TgUser, inbox: Inbox, scenario: Scenario, texts: Texts, think: tuple[float, float],
    cap: float, latencies: list[float], lost: list[int], window: list[float],
    ready: asyncio.Barrier,
) -> None:
    uid = user.user_id
    line = await open_run(user, inbox, scenario, texts, cap)
    await ready.wait()  # every trainee has its first client line: the turns start together
    rng = random.Random(uid)
    while CARD not in line.text:
        text = line.text.split(CLIENT, 1)[1]
        state = state_of_line(scenario, text.split("\n")[0].replace("</b>", "").strip())
        if scenario.states[state].final:
            return
        if think[1] > 0:
            await asyncio.sleep(rng.uniform(*think))
        sent = time.monotonic()
        window.append(sent)
        await user.send_text(good_reply(scenario, state))
        try:
            line = await inbox.wait(uid, (CLIENT, CARD), cap)
        except TimeoutError:
            lost.append(uid)
            return
        latencies.append(time.monotonic() - sent)
        window.append(time.monotonic())


async def run(
    trainees: int, limits: bool, think: tuple[float, float], cap: float, workers: int = 1
) -> dict[str, Any]:
    calibration = calibration_ms()
    library = load_library().scenarios
    texts = Texts()
    emulator = Emulator.start()
    tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
    token = f"{500000 + trainees}:bench-load"
    db = tmp / "bot.db"
    seed_people(db, "Нагрузка", 700_000, trainees)
    extra = {"WORKERS": str(workers), **({} if limits else NO_FLOOD_CONTROL)}
    bot = BotProcess(bot_env(emulator, token, db, **extra), tmp / "bot.log")
    latencies: list[float] = []
    lost: list[int] = []
    window: list[float] = []  # when replies were sent and answered: the span of graded turns
    try:
        async with aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=cap + 30),
            connector=aiohttp.TCPConnector(limit=200),
        ) as session:
            http: Any = Http(session)  # duck-typed as the httpx client tg_user.py expects
            bot.start()
            await bot.wait_ready(emulator, http)
            assert bot.proc is not None
            inbox = Inbox(http, emulator, token)
            drainer = asyncio.create_task(inbox.run())
            users = [TgUser(http, emulator, token, 700_000 + i) for i in range(trainees)]
            ready = asyncio.Barrier(trainees + 1)
            playing = asyncio.gather(*(
                trainee(u, inbox, library[SCENARIOS[i % len(SCENARIOS)]], texts, think, cap,
                        latencies, lost, window, ready)
                for i, u in enumerate(users)
            ))
            await asyncio.wait_for(ready.wait(), timeout=cap * 2)  # menus, choice, briefing
            cpu_bot, cpu_emu = cpu_split(bot.proc.pid), cpu_seconds(emulator.proc.pid)
            own = resource.getrusage(resource.RUSAGE_SELF)
            started = time.monotonic()
            await asyncio.wait_for(playing, timeout=cap * 4)
            elapsed = time.monotonic() - started
            own_after = resource.getrusage(resource.RUSAGE_SELF)
            result: dict[str, Any] = {
                "trainees": trainees,
                "workers": workers,
                "calibration_ms": calibration,
                "mode": "limits" if limits else "capacity",
                "think_s": list(think),
                "graded_turns": len(latencies),
                "turns_per_s": round(len(latencies) / max(1e-9, max(window) - min(window)), 1)
                if window else 0.0,
                "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
                "p99_ms": round(pct(latencies, 0.99) * 1000, 1) if latencies else None,
                "lost_replies": len(lost),
                "wall_s": round(elapsed, 1),
                "bot_peak_mb": round(peak_rss_mb(bot.proc.pid), 1),
                "cpu_s_bot": round(sum(cpu_split(bot.proc.pid)) - sum(cpu_bot), 2),
                # the receiver's share, then each worker's (one process: just its own)
                "cpu_s_bot_split": [round(after - before, 2) for after, before in zip(
                    cpu_split(bot.proc.pid), cpu_bot, strict=True)],
                "cpu_s_emulator": round(cpu_seconds(emulator.proc.pid) - cpu_emu, 2),
                "cpu_s_load": round(own_after.ru_utime + own_after.ru_stime
                                    - own.ru_utime - own.ru_stime, 2),
            }
            turns = max(1, len(latencies))
            result["bot_cpu_ms_per_turn"] = round(result["cpu_s_bot"] * 1000 / turns, 2)
            inbox.stopped = True
            await drainer
    finally:
        bot.stop()
        emulator.stop()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--trainees", type=int, nargs="+", default=[10, 100, 300])
    parser.add_argument("--limits", action="store_true", help="Telegram's limits and think time.")
    parser.add_argument("--think", type=float, nargs=2, default=None, metavar=("MIN", "MAX"),
                        help="seconds before each reply (default 0 0, or 5 15 with --limits)")
    parser.add_argument("--cap", type=float, default=120.0, help="seconds to wait for an answer")
    parser.add_argument("--workers", type=int, default=1,
                        help="the bot's WORKERS (1: one process; N: a receiver and N workers)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs per N; with more than one, a line of medians follows")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    think = tuple(args.think) if args.think else ((5.0, 15.0) if args.limits else (0.0, 0.0))
    for n in args.trainees:
        results = []
        for _ in range(args.repeat):
            result = asyncio.run(run(n, args.limits, (think[0], think[1]), args.cap,
                                     args.workers))
            results.append(result)
            show(result, args.json)
        if len(results) > 1:
            show(medians(results), args.json)
    return 0


MEDIANS = ("turns_per_s", "p50_ms", "p99_ms", "bot_cpu_ms_per_turn", "bot_peak_mb",
           "calibration_ms")


def medians(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The median of each figure over repeated runs, and the range of turns a second."""
    first = results[0]
    summary: dict[str, Any] = {"trainees": first["trainees"], "workers": first["workers"],
                               "mode": first["mode"], "runs": len(results)}
    for key in MEDIANS:
        values = [r[key] for r in results if r[key] is not None]
        summary[f"median_{key}"] = round(statistics.median(values), 1) if values else None
    rates = [r["turns_per_s"] for r in results]
    summary["turns_per_s_range"] = [min(rates), max(rates)]
    summary["lost_replies"] = sum(r["lost_replies"] for r in results)
    return summary


def show(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(result), flush=True)
    else:
        print(" · ".join(f"{k} {v}" for k, v in result.items()), flush=True)


if __name__ == "__main__":
    sys.exit(main())
