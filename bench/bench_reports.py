"""HR reports at scale: 1,000 people × 50 attempts × 8 turns, inserted directly (fast), then
the report, the charts, the workbook and the page through `service.reports`, as the doors call
them; the query plans; deleting one person's data (with VACUUM).

    make bench     # or: .venv/bin/python bench/bench_reports.py [--people 1000] [--json]
    .venv/bin/python bench/bench_reports.py --db /tmp/reports.db --xlsx-all   # the goal only

`--db` keeps the database (built once, ~12 s) for the next run; a whole run deletes one person's
data from it (`forget`), `--xlsx-all` only reads it.

Attempts are spread over the last 180 days (so 30 days hold about a sixth of them), 20 teams of
50 people; one HR person has one team, the admin has all. Every figure is the median of three
runs after one warm-up; peak memory is the Python heap's peak (tracemalloc) during one run and
the process's maximum resident size. Fails (exit 1) if a report query scans the attempts.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.reports import charts, html, summary, xlsx  # noqa: E402
from bot.service import TrainingService  # noqa: E402
from bot.storage import Storage  # noqa: E402
from bot.storage.reports import Scope  # noqa: E402
from bot.telegram.render import lines_html  # noqa: E402
from bot.texts import Texts  # noqa: E402
from scenarios import load_library  # noqa: E402
from scoring import Grader, default_standard  # noqa: E402

TEAM_SIZE = 50
ATTEMPTS = 50
TURNS = 8
DAYS = 180
REPLY = ("Доброе утро! Почта России, меня зовут Мария. Мне необходимо уточнить информацию, "
         "это займёт не более двух минут. Вы подождёте? Спасибо за ожидание!")
CLIENT = ("Меня зовут Ольга Николаевна. Неделю назад я отправила посылку в Казань, а она до сих "
          "пор не дошла. Посмотрите, пожалуйста, где она?")


def stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds")


def populate(storage: Storage, people: int, seed: int = 7) -> dict[str, int]:
    """Teams, people, one version per library scenario, attempts with cards and turns."""
    rng = random.Random(seed)
    standard = default_standard()
    library = load_library(None, standard)
    conn = storage.db.conn
    now = datetime.now(UTC)
    versions: list[tuple[int, str, list[str]]] = []
    for scenario in library.values():
        version = storage.ensure_scenario_version(
            scenario.id, scenario.version, standard.version,
            scenario.model_dump_json(by_alias=True), scenario.title)
        steps = list(dict.fromkeys(c for s in scenario.states.values() for c in s.expect))
        versions.append((version, scenario.id, steps))
    teams = [storage.create_team(f"Отделение {n + 1:02d}").id
             for n in range((people + TEAM_SIZE - 1) // TEAM_SIZE)]
    conn.executemany(
        "INSERT INTO people (id, display_name, telegram_id, team_id, roles, language, created_at)"
        " VALUES (?, ?, ?, ?, '[]', 'ru', ?)",
        [(i + 1, f"Сотрудник {i + 1:04d}", 10_000 + i, teams[i // TEAM_SIZE], stamp(now))
         for i in range(people)])
    attempt_rows: list[tuple[Any, ...]] = []
    turn_rows: list[tuple[Any, ...]] = []
    attempt_id = 0
    for person in range(1, people + 1):
        for _ in range(ATTEMPTS):
            attempt_id += 1
            version, scenario_id, steps = rng.choice(versions)
            started = now - timedelta(days=rng.uniform(0, DAYS))
            status = "abandoned" if rng.random() < 0.08 else "finished"
            finished = started + timedelta(seconds=rng.uniform(90, 600))
            card_steps = {c: rng.random() > 0.25 for c in steps[:10]}
            violations = [["forbidden_phrase", "Вы должны"]] if rng.random() < 0.1 else []
            score = max(0, round(100 * sum(card_steps.values()) / max(1, len(card_steps)))
                        - 20 * len(violations))
            card = {"score": score, "passed": score >= 70 and status == "finished",
                    "outcome": "resolved", "steps": card_steps, "violations": violations,
                    "missed_recommended": {}, "turns": TURNS, "hints": 0, "hint_cost": 0}
            run_state = json.dumps({"scenario_id": scenario_id, "scenario_version": "v",
                                    "seed": 1, "state": "resolved", "history": [
                                        {"reply": REPLY, "client": CLIENT}] * 2},
                                   ensure_ascii=False)
            attempt_rows.append((
                attempt_id, person, version, scenario_id, "training", "telegram", status, 1,
                run_state, TURNS, rng.randint(0, 2), score,
                int(card["passed"]), "resolved", json.dumps(card, ensure_ascii=False),
                stamp(started), stamp(finished)))
            for idx in range(TURNS):
                expect = steps[idx % max(1, len(steps)): idx % max(1, len(steps)) + 2]
                verdicts = {c: {"check": c, "kind": "step", "value": card_steps.get(c, True),
                                "evidence": {"quote": "Доброе утро", "start": 0, "end": 11,
                                             "rule": "=доброе =утро"}} for c in expect}
                turn_rows.append((
                    attempt_id, idx, "opening", CLIENT, REPLY,
                    json.dumps(verdicts, ensure_ascii=False), json.dumps(expect),
                    "[]", "[]", score, int(score >= 70), 0, rng.uniform(5, 60), 0,
                    stamp(started + timedelta(seconds=30 * idx))))
    with storage.transaction():
        conn.executemany(
            "INSERT INTO attempts (id, person_id, scenario_version_id, scenario_id, mode, "
            "channel, status, seed, run_state, turn_count, hints_used, score, passed, outcome, "
            "card, started_at, finished_at) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", attempt_rows)
        conn.executemany(
            "INSERT INTO turns (attempt_id, idx, state, client_line, reply_text, verdicts, "
            "passed_steps, missed_steps, violations, score, passed, too_long, "
            "elapsed_seconds, degraded, created_at) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", turn_rows)
    conn.execute("ANALYZE")
    conn.commit()
    return {"people": people, "teams": len(teams), "attempts": len(attempt_rows),
            "turns": len(turn_rows)}


def children_cpu() -> float:
    """CPU seconds of the finished child processes (the workbook's second process)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(fn: Callable[[], object], runs: int = 3) -> dict[str, float]:
    """Median wall and CPU seconds of `runs` runs after a warm-up (CPU time: the machine is
    shared; this process's and its children's, such as the workbook's second process), and the
    Python heap's peak during one more run (MB)."""
    fn()
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time() + children_cpu()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() + children_cpu() - cpu)
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"seconds": round(statistics.median(walls), 3),
            "cpu_seconds": round(statistics.median(cpus), 3), "peak_mb": round(peak / 2**20, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--populate", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help="keep the database here and use it again when "
                        "it exists (the 30 days end now: the figures move a little)")
    parser.add_argument("--xlsx-all", action="store_true", help="time only the company-wide "
                        "workbook of 30 days (median of three runs after a warm-up)")
    args = parser.parse_args()
    if args.populate is not None:  # the child process: insert, print the sizes, exit
        print(json.dumps(populate(Storage(args.populate), args.people)))
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    db = args.db or tmp / "bench.db"
    started = time.perf_counter()
    sizes: dict[str, Any] = {"reused": str(db)}
    if not db.exists():
        # Inserted by a child process, so the maximum resident size below is the reports' own.
        child = subprocess.run([sys.executable, __file__, "--populate", str(db), "--people",
                                str(args.people)], check=True, capture_output=True, text=True)
        sizes = json.loads(child.stdout)
        sizes["insert_seconds"] = round(time.perf_counter() - started, 1)
    sizes["db_mb"] = round(db.stat().st_size / 2**20)
    storage = Storage(db)
    standard = default_standard()
    service = TrainingService(storage, load_library(None, standard), Grader(standard),
                              standard=standard, admin_ids=[1])
    texts = Texts()
    reports = service.reports
    admin = service.people.identify(1)
    hr = service.people.who(storage.grant_role(1, "hr"))
    team = storage.get_person(1).team_id
    assert team is not None
    storage.assign_hr_team(1, team)
    month = reports.period(30)

    def telegram_report(who: Any, team_id: int | None) -> Callable[[], object]:
        def run() -> object:
            result = reports.report(who, month, team_id)
            return [lines_html(summary.team_lines(texts, month, part)) for part in result.teams]
        return run

    if args.xlsx_all:  # the one figure of the goal, from a kept database
        everything = reports.report(admin, month)
        result = measure(lambda: xlsx.workbook(texts, everything, reports.turns(admin, everything)))
        result["load"] = round(os.getloadavg()[0], 2)
        print(json.dumps({"data": sizes, "attempts": len(everything.attempts),
                          "xlsx_all_30d": result}, ensure_ascii=False))
        service.close()
        shutil.rmtree(tmp)
        return 0
    team_report = reports.report(hr, month, team)
    all_report = reports.report(admin, month)
    results: dict[str, Any] = {"data": sizes, "period_attempts": {
        "team": len(team_report.attempts), "all": len(all_report.attempts)}}
    results["report_team_30d"] = measure(telegram_report(hr, team))
    results["report_all_30d"] = measure(telegram_report(admin, None))
    results["report_all_alltime"] = measure(telegram_report(admin, None), runs=1)
    results["charts_team_30d"] = measure(lambda: charts.team_charts(texts, team_report, team),
                                         runs=1)
    results["xlsx_team_30d"] = measure(
        lambda: xlsx.workbook(texts, team_report, reports.turns(hr, team_report)), runs=1)
    results["xlsx_all_30d"] = measure(
        lambda: xlsx.workbook(texts, all_report, reports.turns(admin, all_report)), runs=1)
    results["html_team_30d"] = measure(lambda: html.page(
        texts, team_report, reports.turns(hr, team_report),
        charts.team_charts(texts, team_report, team)), runs=1)
    since, until = month.bounds()
    plans: dict[str, list[str]] = {}
    for name, scope in (("team", Scope((team,), since, until)),
                        ("all", Scope(tuple(t.id for t in storage.list_teams()), since, until))):
        queries = {"attempts": storage.attempts_sql(scope), "steps": storage.checks_sql(scope)[0],
                   "violations": storage.checks_sql(scope)[1], "turns": storage.turns_sql(scope)}
        for query, (sql, params) in queries.items():
            plans[f"{name}.{query}"] = storage.explain(sql, params)
    results["plans"] = plans
    scans = [f"{k}: {step}" for k, plan in plans.items() for step in plan
             if step.split()[:2] in (["SCAN", "a"], ["SCAN", "t"], ["SCAN", "p"])]
    started = time.perf_counter()
    reports.forget(admin, 2)
    results["forget_seconds"] = round(time.perf_counter() - started, 1)
    results["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    service.close()
    shutil.rmtree(tmp)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        print(f"data: {sizes}; in 30 days: {results['period_attempts']}")
        for key, value in results.items():
            if isinstance(value, dict) and "seconds" in value:
                print(f"{key:<22} {value['seconds']:>8.3f} s (CPU {value['cpu_seconds']:.3f} s)"
                      f"   peak heap {value['peak_mb']:>6.1f} MB")
        print(f"forget (with VACUUM)   {results['forget_seconds']:>8.1f} s")
        print(f"max RSS                {results['max_rss_mb']:>8} MB")
        for key, plan in plans.items():
            print(f"plan {key}: {' | '.join(plan)}")
    if scans:
        print("a report query scans a table:", *scans, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
