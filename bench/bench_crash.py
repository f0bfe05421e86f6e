"""Crash safety under load: `kill -9` the bot while N trainees play, restart it, repeat; then
check that no answered reply was lost or graded twice, every unfinished run can be resumed, and
the database is intact.

    make bench     # or: .venv/bin/python bench/bench_crash.py --trainees 50 --kills 5 [--json]

Each trainee answers every client line (after a short, random pause) with its state's standard
phrases, each reply made unique by a counter word, until the score card — waiting through the
bot's restarts (a reply sent while the bot is down stays in the emulator until the bot comes
back; an update the bot had not confirmed is delivered again). Meanwhile the bot is killed with
SIGKILL every `--every` seconds (± 40 %) and started again at once, `--kills` times. With
`--workers N` (the bot's WORKERS) the receiver and every worker are killed at the same instant,
as a machine or container dying would.

Checked at the end, from the database the bot wrote:
- every reply the trainee got an answer to is stored as a turn, exactly once (none lost);
- no reply is stored twice, and no turn holds a reply the trainee did not send;
- every run is finished, or active and resumable (`TrainingService.active_attempt` restores it);
- `PRAGMA integrity_check` answers `ok`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "e2e"), str(ROOT / "tests" / "helpers"), str(ROOT / "bench")]

from bench_load import (  # noqa: E402
    CARD,
    CLIENT,
    NO_FLOOD_CONTROL,
    SCENARIOS,
    Inbox,
    open_run,
    seed_people,
)
from play_helpers import good_reply, state_of_line  # noqa: E402
from tg_user import BotMessage, BotProcess, Emulator, TgUser, bot_env, children  # noqa: E402

from bot.texts import Texts  # noqa: E402
from scenarios import Scenario, load_library  # noqa: E402

COUNTERS = ("раз", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять", "десять",
            "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать")


async def trainee(
    user: TgUser, inbox: Inbox, scenario: Scenario, texts: Texts, cap: float,
    sent: dict[int, list[str]], answered: dict[int, list[str]],
) -> None:
    uid = user.user_id
    rng = random.Random(uid)
    line = await open_run(user, inbox, scenario, texts, cap)
    # a bot killed between sending an answer (or a run's first line) and noting it sent sends
    # it again at start-up, saying so; a trainee who has answered that line already waits for
    # the feedback (its reply is in the bot's inbox or still with Telegram)
    again = (texts("play.restarted"), texts("play.restarted_start"))

    def state_of(message: BotMessage) -> str | None:
        if CLIENT not in message.text:
            return None
        text = message.text.split(CLIENT, 1)[1].split("\n")[0].replace("</b>", "").strip()
        return state_of_line(scenario, text)
    for number in range(len(COUNTERS)):
        if CARD in line.text:
            return
        text = line.text.split(CLIENT, 1)[1].split("\n")[0].replace("</b>", "").strip()
        state = state_of_line(scenario, text)
        if scenario.states[state].final:
            return
        await asyncio.sleep(rng.uniform(0.2, 1.0))
        reply = f"{good_reply(scenario, state)} ({COUNTERS[number]})"
        sent[uid].append(reply)
        await user.send_text(reply)
        try:
            line = await inbox.wait(uid, (CLIENT, CARD), cap)
            while any(note in line.text for note in again) and state_of(line) == state:
                line = await inbox.wait(uid, (CLIENT, CARD), cap)  # not the answer: wait
        except TimeoutError:
            return  # no answer within the cap: counted below from the database
        answered[uid].append(reply)


def kill_tree(bot: BotProcess) -> None:
    """SIGKILL the bot's workers (children) and the bot itself, at once."""
    assert bot.proc is not None
    for child in children(bot.proc.pid):
        os.kill(child, signal.SIGKILL)
    bot.kill()


async def killer(bot: BotProcess, emulator: Emulator, http: httpx.AsyncClient, kills: int,
                 every: float, log: list[float]) -> None:
    rng = random.Random(7)
    for _ in range(kills):
        await asyncio.sleep(every * rng.uniform(0.6, 1.4))
        kill_tree(bot)
        log.append(time.monotonic())
        bot.start()
        await bot.wait_ready(emulator, http)


async def run(trainees: int, kills: int, every: float, cap: float, workers: int = 1
              ) -> dict[str, Any]:
    library = load_library().scenarios
    texts = Texts()
    emulator = Emulator.start()
    tmp = Path(tempfile.mkdtemp(prefix="bench-crash-"))
    token = f"{600000 + trainees}:bench-crash"
    db = tmp / "bot.db"
    seed_people(db, "Сбой", 800_000, trainees)
    env = bot_env(emulator, token, db, WORKERS=str(workers), **NO_FLOOD_CONTROL)
    bot = BotProcess(env, tmp / "bot.log")
    sent: dict[int, list[str]] = {800_000 + i: [] for i in range(trainees)}
    answered: dict[int, list[str]] = {800_000 + i: [] for i in range(trainees)}
    kill_times: list[float] = []
    try:
        async with httpx.AsyncClient(timeout=cap + 30,
                                     limits=httpx.Limits(max_connections=200)) as http:
            bot.start()
            await bot.wait_ready(emulator, http)
            inbox = Inbox(http, emulator, token)
            drainer = asyncio.create_task(inbox.run())
            started = time.monotonic()
            murder = asyncio.create_task(killer(bot, emulator, http, kills, every, kill_times))
            users = [TgUser(http, emulator, token, 800_000 + i) for i in range(trainees)]
            await asyncio.gather(*(
                trainee(u, inbox, library[SCENARIOS[i % len(SCENARIOS)]], texts, cap, sent,
                        answered)
                for i, u in enumerate(users)
            ))
            await murder
            elapsed = time.monotonic() - started
            await asyncio.sleep(2)  # redelivered updates of the last restart
            inbox.stopped = True
            await drainer
    finally:
        bot.stop()
        emulator.stop()
    return {"trainees": trainees, "workers": workers, "kills": len(kill_times),
            "wall_s": round(elapsed, 1),
            **check(db, sent, answered), "active_resumable": await resumable(db)}


def check(db: Path, sent: dict[int, list[str]], answered: dict[int, list[str]]) -> dict[str, Any]:
    """What the database holds against what the trainees sent and were answered."""
    conn = sqlite3.connect(db)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        rows = conn.execute(
            "SELECT p.telegram_id, t.reply_text FROM turns t JOIN attempts a ON a.id = t.attempt_id"
            " JOIN people p ON p.id = a.person_id"
        ).fetchall()
        statuses = Counter(s for (s,) in conn.execute("SELECT status FROM attempts"))
    finally:
        conn.close()
    stored: dict[int, Counter[str]] = {}
    for uid, reply in rows:
        stored.setdefault(uid, Counter())[reply] += 1
    lost_replies = [(uid, r) for uid, replies in answered.items() for r in replies
                    if stored.get(uid, Counter())[r] == 0]
    lost = len(lost_replies)
    if lost_replies:
        print("answered but not stored:", lost_replies[:5], file=sys.stderr)
    twice = sum(n - 1 for counts in stored.values() for n in counts.values() if n > 1)
    foreign = sum(1 for uid, counts in stored.items() for r in counts if r not in sent[uid])
    unanswered = sum(len(sent[u]) - len(answered[u]) for u in sent)
    return {
        "replies_sent": sum(len(v) for v in sent.values()),
        "replies_answered": sum(len(v) for v in answered.values()),
        "replies_unanswered": unanswered,
        "turns_stored": len(rows),
        "answered_but_lost": lost,
        "graded_twice": twice,
        "stored_not_sent": foreign,
        "attempts": dict(statuses),
        "integrity_check": integrity,
    }


async def resumable(db: Path) -> str:
    """Every active attempt restores through the service: "k of n"."""
    from bot.app import build_app
    from bot.settings import Settings

    app = build_app(Settings(_env_file=None, db_path=db))  # type: ignore[call-arg]
    try:
        people = [p for p in app.storage.list_people() if app.storage.active_attempt(p.id)]
        ok = 0
        for person in people:
            active = await app.service.active_attempt(person.id)
            ok += active is not None and bool(active.line.text)
        return f"{ok} of {len(people)}"
    finally:
        await app.close()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--trainees", type=int, default=50)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--every", type=float, default=3.0, help="seconds between kills (±40 %)")
    parser.add_argument("--cap", type=float, default=60.0, help="seconds to wait for an answer")
    parser.add_argument("--workers", type=int, default=1, help="the bot's WORKERS")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(run(args.trainees, args.kills, args.every, args.cap, args.workers))
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for key, value in result.items():
            print(f"{key:>20}: {value}")
    bad = (result["answered_but_lost"] or result["graded_twice"] or result["stored_not_sent"]
           or result["integrity_check"] != "ok")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
