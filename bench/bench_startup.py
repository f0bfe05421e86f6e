"""Start-up: `roleplay grade` on one line, and the Telegram bot from process start to polling.

    make bench     # or: .venv/bin/python bench/bench_startup.py [--runs 5] [--json]

(1) `roleplay grade --jsonl -` with one case, wall time of the whole process: the first run with
an empty cache (it compiles the standard and stores it), then warm runs, and runs whose cache
cannot be written (every run compiles: what start-up cost before the cache).
(2) What a start consists of, measured inside one fresh process with a warm cache: imports,
the standard, pymorphy3, the scenario library, the database, the dispatcher.
(3) `python -m bot` against the Telegram API emulator: process start until it has registered its
commands and called getUpdates (polling), on an existing database. Needs `npm ci` in tests/e2e
(done by `make test` / `make bench`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "e2e")]

from tg_user import BotProcess, Emulator, bot_env  # noqa: E402

ROLEPLAY = Path(sys.executable).with_name("roleplay")
CASE = json.dumps(
    {"id": "b", "text": "Добрый день! Меня зовут Мария.", "context": {"time": "13:00"}},
    ensure_ascii=False,
).encode() + b"\n"

PHASES = r"""
import json, sys, tempfile, time
from pathlib import Path
marks = {}
t0 = time.perf_counter()
def mark(name):
    marks[name] = time.perf_counter() - t0
import scoring; mark("import scoring (pydantic, pymorphy3)")
import bot; mark("import bot (installs the aiogram deferral)")
from scoring import default_grader
default_grader(); mark("the default standard's grader (cached)")
from scoring.text import default_lexicon
default_lexicon().lemma("день"); mark("pymorphy3 dictionaries (loaded on first use)")
import aiogram; mark("import aiogram (types deferred)")
import bot.__main__ as main; mark("import the rest of the bot")
from bot.settings import Settings
folder = Path(tempfile.mkdtemp())
settings = Settings(_env_file=None, db_path=folder / "bot.db")
from scenarios import load_library
from scoring.cache import default_cache_dir
load_library(cache_dir=default_cache_dir()); mark("the scenario library (8 files, cached)")
app = main.build_app(settings); mark("build_app (storage, migrations, service)")
import asyncio
dp = asyncio.run(main.build_dispatcher(app)); mark("the dispatcher")
app.storage.close()
import shutil
shutil.rmtree(folder)
print(json.dumps(marks))
"""


CPU: list[float] = []  # CPU seconds (user + system) of each process `timed` ran


def timed(cmd: list[str], env: dict[str, str], stdin: bytes = b"") -> float:
    """Wall seconds of one run of `cmd`; its CPU seconds are appended to CPU."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, input=stdin, env=env, check=True, capture_output=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a running process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def grade_runs(runs: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="bench-cache-") as folder:
        return _grade_runs(runs, Path(folder))


def _grade_runs(runs: int, cache: Path) -> dict[str, object]:
    env = os.environ | {"XDG_CACHE_HOME": str(cache)}
    cmd = [str(ROLEPLAY), "grade", "--jsonl", "-"]
    cold = timed(cmd, env, CASE)
    CPU.clear()
    warm = [timed(cmd, env, CASE) for _ in range(runs)]
    warm_cpu = list(CPU)
    blocker = cache / "a-file"  # a cache folder inside a file: it can never be written
    blocker.write_text("", encoding="utf-8")
    blocked = os.environ | {"XDG_CACHE_HOME": str(blocker / "x")}
    CPU.clear()
    uncached = [timed(cmd, blocked, CASE) for _ in range(max(2, runs // 2))]
    return {
        "cold (compiles, fills the cache)": round(cold, 3),
        "warm min": round(min(warm), 3),
        "warm median": round(statistics.median(warm), 3),
        "warm, CPU seconds (median)": round(statistics.median(warm_cpu), 3),
        "no usable cache, median": round(statistics.median(uncached), 3),
        "no usable cache, CPU seconds (median)": round(statistics.median(CPU), 3),
    }


def phases() -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", PHASES], check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout
    marks: dict[str, float] = json.loads(out)
    eager = timed([sys.executable, "-c", "import aiogram"], dict(os.environ))
    steps, last = {}, 0.0
    for name, at in marks.items():
        steps[name] = round(at - last, 3)
        last = at
    steps["total"] = round(last, 3)
    steps["(for comparison) `python -c 'import aiogram'`, types built at import"] = round(eager, 3)
    return steps


async def bot_runs(runs: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="bench-start-") as folder:
        return await _bot_runs(runs, Path(folder))


async def _bot_runs(runs: int, tmp: Path) -> dict[str, object]:
    emulator = Emulator.start()
    token = "424242:bench-start"
    times: list[float] = []
    cpu: list[float] = []
    try:
        async with httpx.AsyncClient(timeout=30) as http:
            for n in range(runs + 1):
                bot = BotProcess(bot_env(emulator, token, tmp / "bot.db"), tmp / "bot.log")
                started = time.monotonic()
                bot.start()
                try:
                    await bot.wait_ready(emulator, http)
                    times.append(time.monotonic() - started)
                    assert bot.proc is not None
                    cpu.append(process_cpu(bot.proc.pid))
                finally:
                    bot.stop()
                if n == 0:
                    first = times.pop()  # creates the database: not what a restart costs
                    cpu.pop()
    finally:
        emulator.stop()
    return {
        "first start (new database)": round(first, 2),
        "restart min": round(min(times), 2),
        "restart median": round(statistics.median(times), 2),
        "restart, CPU seconds of the bot until polling (median)": round(statistics.median(cpu), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = {
        "roleplay grade, one line (s)": grade_runs(args.runs),
        "inside a start (s)": phases(),
        "bot: process start → polling (s)": asyncio.run(bot_runs(max(2, args.runs // 2))),
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    for section, rows in result.items():
        print(section)
        for name, value in rows.items():  # type: ignore[attr-defined]
            print(f"  {name:<66} {value}")


if __name__ == "__main__":
    main()
