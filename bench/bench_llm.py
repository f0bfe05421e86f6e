"""LLM benchmark: graded turns of 50 concurrent trainees through `TrainingService` (SQLite in a
temp folder) with every LLM seam (voice, judge, coach) over a real local OpenAI-compatible
server (`tests/helpers/fake_llm.py`).

1. rules  — no LLM: the rule path's own time per turn;
2. healthy — the LLM answers every call in 1 s: p99 of a graded turn must stay within
   LLM_TIMEOUT + 200 ms (the turn's LLM calls share one budget);
3. down   — the LLM refuses connections, then hangs past the timeout: turns take the rule
   path's time plus at most one timeout per cool-down (the circuit breaker lets one probe
   through per cool-down).

    .venv/bin/python bench/bench_llm.py [--trainees 50] [--timeout 2.5] [--cooldown 2] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "helpers")]

from collections.abc import AsyncIterator  # noqa: E402
from contextlib import asynccontextmanager  # noqa: E402

from fake_llm import FakeLLM  # noqa: E402
from play_helpers import good_reply  # noqa: E402

from bot.llm import LLMClient, LLMCoach, LLMJudge, LLMVoice  # noqa: E402
from bot.service import TrainingService  # noqa: E402
from bot.storage import Storage  # noqa: E402
from scenarios import load_library  # noqa: E402
from scoring import Grader, default_standard  # noqa: E402

SCENARIO = "complaint"


@dataclass
class Sample:
    at: float  # seconds since the phase started
    seconds: float


@dataclass
class Phase:
    name: str
    samples: list[Sample] = field(default_factory=list)

    def figures(self) -> dict[str, float]:
        values = sorted(s.seconds for s in self.samples)
        if not values:
            return {"turns": 0}
        p99 = values[min(len(values) - 1, round(0.99 * (len(values) - 1)))]
        return {"turns": len(values), "p50_ms": 1000 * statistics.median(values),
                "p99_ms": 1000 * p99, "max_ms": 1000 * values[-1]}


def service(db: Path, url: str | None, http: httpx.AsyncClient, timeout: float,
            cooldown: float) -> TrainingService:
    standard = default_standard()
    library = load_library(None, standard)
    storage = Storage(db)
    if url is None:
        return TrainingService(storage, library, Grader(standard), standard=standard)
    llm = LLMClient(http, base_url=url, model="bench", timeout=timeout, cooldown=cooldown)
    return TrainingService(storage, library, Grader(standard), LLMVoice(llm), LLMJudge(llm),
                           standard=standard, llm_timeout=timeout, coach=LLMCoach(llm))


async def trainee(svc: TrainingService, n: int, phase: Phase, started: float,
                  until: float | None, runs: int) -> None:
    """Play the scenario well (`runs` times, or until `until`), timing every graded turn."""
    scenario = svc.library[SCENARIO]
    person = svc.storage.create_person(f"Стажёр {n}")
    done = 0
    while (until is None and done < runs) or (until is not None and time.monotonic() < until):
        t0 = time.monotonic()  # the first line is a wait too (the voice speaks it)
        view = await svc.start(person.id, SCENARIO, seed=n, replace_active=True)
        phase.samples.append(Sample(t0 - started, time.monotonic() - t0))
        state = view.line.state
        while True:
            t0 = time.monotonic()
            turn = await svc.answer(view.attempt_id, good_reply(scenario, state),
                                    person_id=person.id)
            phase.samples.append(Sample(t0 - started, time.monotonic() - t0))
            if turn.finished or turn.line is None:
                break
            state = turn.line.state
            if until is not None and time.monotonic() >= until:
                break
        done += 1


async def run_phase(name: str, trainees: int, url: str | None, http: httpx.AsyncClient,
                    timeout: float, cooldown: float, *, seconds: float | None = None,
                    runs: int = 1) -> Phase:
    phase = Phase(name)
    with tempfile.TemporaryDirectory() as folder:
        svc = service(Path(folder) / "bench.db", url, http, timeout, cooldown)
        started = time.monotonic()
        until = None if seconds is None else started + seconds
        await asyncio.gather(*(trainee(svc, n, phase, started, until, runs)
                               for n in range(trainees)))
        svc.close()
    return phase


def slow_turns(phase: Phase, threshold: float, cooldown: float) -> dict[str, float]:
    """How many turns waited for a timeout, in all and per cool-down window after the first."""
    slow = [s for s in phase.samples if s.seconds >= threshold]
    windows: dict[int, int] = {}
    for s in slow:
        windows[int(s.at // cooldown)] = windows.get(int(s.at // cooldown), 0) + 1
    later = [count for window, count in windows.items() if window > 0]
    return {"slow_turns": len(slow), "first_window": windows.get(0, 0),
            "max_per_later_window": max(later, default=0),
            "windows": int(max((s.at for s in phase.samples), default=0) // cooldown) + 1}


@asynccontextmanager
async def llm_server(delay: float, fault: str | None, slow: float) -> AsyncIterator[str]:
    """The fake OpenAI server in its own process (as a real LLM is: its work is not on the
    bot's event loop); yields its base URL, stopped on the way out."""
    args = [sys.executable, str(ROOT / "tests" / "helpers" / "fake_llm.py"), "--delay",
            str(delay), "--slow-seconds", str(slow)] + (["--fault", fault] if fault else [])
    proc = await asyncio.create_subprocess_exec(
        *args, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL)
    assert proc.stdout is not None and proc.stdin is not None
    try:
        yield (await proc.stdout.readline()).decode().strip()
    finally:
        proc.stdin.close()
        try:
            await asyncio.wait_for(proc.wait(), 5)
        except TimeoutError:
            proc.kill()
            await proc.wait()


async def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trainees", type=int, default=50)
    ap.add_argument("--timeout", type=float, default=2.5, help="LLM_TIMEOUT, seconds")
    ap.add_argument("--cooldown", type=float, default=2.0, help="LLM_COOLDOWN, seconds")
    ap.add_argument("--latency", type=float, default=1.0, help="the LLM's answer time, seconds")
    ap.add_argument("--down-seconds", type=float, default=8.0)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    limits = httpx.Limits(max_connections=4 * args.trainees,
                          max_keepalive_connections=args.trainees)
    report: dict[str, dict[str, float]] = {}
    async with httpx.AsyncClient(limits=limits) as http:
        rules = await run_phase("rules", args.trainees, None, http, args.timeout, args.cooldown)
        report["rules"] = rules.figures()
        async with llm_server(args.latency, None, 60) as url:
            healthy = await run_phase("healthy", args.trainees, url, http, args.timeout,
                                      args.cooldown)
        figures = healthy.figures()
        report["healthy"] = figures | {"budget_ms": 1000 * args.timeout + 200,
                                       "ok": float(figures["p99_ms"] <= 1000 * args.timeout + 200)}
        threshold = report["rules"]["p99_ms"] / 1000 + args.timeout / 2
        refused = await run_phase("down_refused", args.trainees, FakeLLM.refused_url(), http,
                                  args.timeout, args.cooldown, seconds=args.down_seconds)
        report["down_refused"] = refused.figures() | slow_turns(refused, threshold,
                                                                args.cooldown)
        async with llm_server(0.0, "slow", 60) as url:
            hanging = await run_phase("down_hanging", args.trainees, url, http, args.timeout,
                                      args.cooldown, seconds=args.down_seconds)
        report["down_hanging"] = hanging.figures() | slow_turns(hanging, threshold,
                                                                args.cooldown)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(f"{args.trainees} concurrent trainees, LLM_TIMEOUT {args.timeout} s, "
              f"cool-down {args.cooldown} s, LLM answer time {args.latency} s")
        for name, figures in report.items():
            print(f"  {name:<13} " + ", ".join(
                f"{k} {v:.0f}" if isinstance(v, float) else f"{k} {v}" for k, v in figures.items()))
    return 0 if report["healthy"]["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
