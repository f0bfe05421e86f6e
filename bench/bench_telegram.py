"""Telegram round trips: the real bot (`python -m bot`, polling) against the Telegram API emulator.

    make bench     # or: .venv/bin/python bench/bench_telegram.py [--users 50] [--json]

Measures (1) `/help` round trips from many users at once — bounded on purpose by the bot's flood
control (about 30 messages a second in total, as Telegram allows); (2) graded turns: the time from
a trainee's reply to the feedback with the client's next line (grade + store + send), per user
playing `hold_request` with a 1.5 s pause before each reply (a real trainee takes far longer;
without it the per-chat limit of one message a second is what you measure).
Needs `npm ci` in tests/e2e (done by `make test`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "e2e"), str(ROOT / "tests" / "helpers")]

from play_helpers import good_reply, state_of_line  # noqa: E402
from test_bot_e2e import client_text, is_client, open_and_start, register  # noqa: E402
from tg_user import BotProcess, Emulator, TgUser, bot_env  # noqa: E402

from scenarios import load_library  # noqa: E402

THINK = 1.5  # seconds between the client's line and the trainee's reply


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))]


async def run(users: int, rounds: int) -> dict[str, object]:
    emulator = Emulator.start()
    tmp = Path(tempfile.mkdtemp(prefix="bench-tg-"))
    token = "424242:bench-token"
    bot = BotProcess(bot_env(emulator, token, tmp / "bot.db"), tmp / "bot.log")
    try:
        async with httpx.AsyncClient(timeout=30) as http:
            started = time.monotonic()
            bot.start()
            await bot.wait_ready(emulator, http)
            startup = time.monotonic() - started

            # (1) /help from many users at once
            latencies: list[float] = []

            async def helper(user: TgUser) -> None:
                for _ in range(rounds):
                    t0 = time.monotonic()
                    await user.send_command("help")
                    await user.wait_text("Как это работает", timeout=60)
                    latencies.append(time.monotonic() - t0)

            people = [TgUser(http, emulator, token, 90_000 + i) for i in range(users)]
            t0 = time.monotonic()
            await asyncio.gather(*(helper(u) for u in people))
            burst = time.monotonic() - t0

            # (2) graded turns: a few trainees play hold_request well, at the same time
            scenario = load_library()["hold_request"]
            turns: list[float] = []

            async def trainee(user: TgUser) -> None:
                line = await open_and_start(user, await register(user, "Тест Бенч"), scenario)
                for _ in range(3):
                    state = state_of_line(scenario, client_text(line))
                    if scenario.states[state].final:
                        return
                    await asyncio.sleep(
                        THINK
                    )  # a trainee reads and types (refills the chat's bucket)
                    t1 = time.monotonic()
                    await user.send_text(good_reply(scenario, state))
                    line = await user.wait_for(
                        lambda m: is_client(m) or "Результат:" in m.text, timeout=60
                    )
                    turns.append(time.monotonic() - t1)
                    if not is_client(line):
                        return

            players = [TgUser(http, emulator, token, 95_000 + i) for i in range(10)]
            await asyncio.gather(*(trainee(u) for u in players))
    finally:
        bot.stop()
        emulator.stop()
    return {
        "bot_startup_s": round(startup, 2),
        "help_users": users,
        "help_round_trips": len(latencies),
        "help_round_trips_per_s": round(len(latencies) / burst, 1),
        "help_p50_ms": round(statistics.median(latencies) * 1000, 1),
        "help_p99_ms": round(pct(latencies, 0.99) * 1000, 1),
        "graded_turns": len(turns),
        "turn_p50_ms": round(statistics.median(turns) * 1000, 1),
        "turn_p99_ms": round(pct(turns, 0.99) * 1000, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(run(args.users, args.rounds))
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>24}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
