"""`roleplay play --jsonl` end to end through the installed console script (a subprocess),
with DB_PATH in tmp_path: a good run, a bad run, abandon on end of input."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from mini_scenario import BAD, GOOD, write_mini  # noqa: E402
from sqlite_utils import Database
from trainee import recompute

ROLEPLAY = Path(sys.executable).with_name("roleplay")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_", "BOT_"))}
    return base | {
        "DB_PATH": str(tmp_path / "data" / "roleplay.db"),
        "SCENARIOS_PATH": str(write_mini(tmp_path / "lib")),
        "PYTHONIOENCODING": "utf-8",
    }


def _run(
    args: list[str], env: dict[str, str], cwd: Path, stdin: str
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ROLEPLAY), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        encoding="utf-8",
    )


def _events(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines()]


def _attempts(env: dict[str, str]) -> list[dict[str, Any]]:
    db = Database(env["DB_PATH"])
    try:
        return list(db.table("attempts").rows)
    finally:
        db.close()


def test_good_run(env: dict[str, str], tmp_path: Path) -> None:
    proc = _run(
        ["play", "mini_call", "--jsonl", "--seed", "1"], env, tmp_path, "\n".join(GOOD) + "\n"
    )
    assert proc.returncode == 0, proc.stderr
    events = _events(proc.stdout)
    assert [e["event"] for e in events] == [
        "start",
        "client",
        "feedback",
        "client",
        "feedback",
        "end",
    ]
    start, client = events[0], events[1]
    assert start["scenario"] == "mini_call"
    assert start["context"]["company"] == "Почта России" and start["context"]["time"] == "10:30"
    assert client["state"] == "opening" and client["expect"] == ["greeting", "company_name"]
    feedback = events[2]
    assert feedback["verdicts"]["greeting"] is True and feedback["violations"] == []
    assert 0 <= feedback["score"] <= 100
    end = events[-1]
    assert end["passed"] is True and end["abandoned"] is False and end["score"] >= 70
    assert end["steps"]["greeting"] is True and end["violations"] == []
    assert recompute(end) == (end["score"], True) and end["pass_mark"] == 70
    (attempt,) = _attempts(env)
    assert (attempt["channel"], attempt["status"], attempt["score"]) == (
        "terminal",
        "finished",
        end["score"],
    )


def test_bad_run(env: dict[str, str], tmp_path: Path) -> None:
    replies = ["Вы должны были позвонить раньше.", BAD]
    proc = _run(
        ["play", "mini_call", "--jsonl", "--seed", "1"], env, tmp_path, "\n".join(replies) + "\n"
    )
    assert proc.returncode == 0, proc.stderr
    events = _events(proc.stdout)
    assert [e["event"] for e in events] == [
        "start",
        "client",
        "feedback",
        "client",
        "feedback",
        "end",
    ]
    violations = events[2]["violations"]
    assert {"check": "forbidden_phrase", "quote": "Вы должны"} in violations
    end = events[-1]
    assert end["passed"] is False and end["abandoned"] is False
    assert end["steps"]["greeting"] is False
    assert recompute(end) == (end["score"], False) and end["outcome_passed"] is False
    assert {"check": "forbidden_phrase", "quote": "Вы должны", "blocking": False, "turn": 1} in (
        end["violations"]
    )
    assert _attempts(env)[0]["outcome"] == "hung_up"


@pytest.mark.parametrize("replies", [[], [GOOD[0]]])
def test_end_of_input_abandons(env: dict[str, str], tmp_path: Path, replies: list[str]) -> None:
    stdin = "".join(f"{r}\n" for r in replies)
    proc = _run(["play", "mini_call", "--jsonl"], env, tmp_path, stdin)
    assert proc.returncode == 0, proc.stderr
    events = _events(proc.stdout)
    end = events[-1]
    assert end["event"] == "end" and end["abandoned"] is True and end["passed"] is False
    assert end["turns"] == len(replies)
    assert [e["event"] for e in events].count("feedback") == len(replies)
    (attempt,) = _attempts(env)
    assert attempt["status"] == "abandoned"


def test_events_are_flushed_line_by_line(env: dict[str, str], tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [str(ROLEPLAY), "play", "mini_call", "--jsonl", "--seed", "1"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=tmp_path,
    )
    assert proc.stdin is not None and proc.stdout is not None

    lines: queue.Queue[str] = queue.Queue()
    stdout = proc.stdout
    reader = threading.Thread(target=lambda: [lines.put(line) for line in stdout], daemon=True)
    reader.start()

    def next_event() -> dict[str, Any]:
        try:
            return json.loads(lines.get(timeout=60))
        except queue.Empty:
            raise AssertionError("no event within 60 s: output is not flushed") from None

    try:
        assert next_event()["event"] == "start"
        assert next_event()["event"] == "client"  # before any input was written
        proc.stdin.write(GOOD[0] + "\n")
        proc.stdin.flush()
        assert next_event()["event"] == "feedback"
        assert next_event()["state"] == "closing"
        proc.stdin.close()
        assert next_event()["abandoned"] is True
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        reader.join(timeout=10)
        proc.stdout.close()
        if proc.stderr is not None:
            proc.stderr.close()


def test_unknown_scenario_is_a_clear_error(env: dict[str, str], tmp_path: Path) -> None:
    proc = _run(["play", "no_such", "--jsonl"], env, tmp_path, "")
    assert proc.returncode == 1
    assert "no_such" in proc.stderr and proc.stdout == ""


def test_library_scenario_plays(env: dict[str, str], tmp_path: Path) -> None:
    env = {k: v for k, v in env.items() if k != "SCENARIOS_PATH"}
    proc = _run(["play", "hold_request", "--jsonl"], env, tmp_path, "")
    assert proc.returncode == 0, proc.stderr
    events = _events(proc.stdout)
    assert [e["event"] for e in events] == ["start", "client", "end"]
    assert events[1]["text"] and events[-1]["abandoned"] is True


def test_interactive_play_shows_feedback_and_card(env: dict[str, str], tmp_path: Path) -> None:
    replies = ["Вы должны были позвонить раньше.", *GOOD]
    proc = _run(["play", "mini_call", "--seed", "1"], env, tmp_path, "\n".join(replies) + "\n")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Мини-звонок" in out and "Клиент:" in out
    assert "✅" in out and "❌" in out
    assert "⛔ Запрещённая фраза: «Вы должны»" in out
    assert "Например: «" in out
    assert "Мини-звонок — итог" in out and "Результат:" in out
    assert "\x1b[" not in out  # no colour codes when the output is not a terminal


def test_interactive_hint_and_quit(env: dict[str, str], tmp_path: Path) -> None:
    proc = _run(["play", "mini_call", "--seed", "1"], env, tmp_path, "/hint\n/quit\n")
    assert proc.returncode == 0, proc.stderr
    assert "Подсказка: «Здравствуйте! Почта России, слушаю вас.»" in proc.stdout
    assert "прерван" in proc.stdout
    (attempt,) = _attempts(env)
    assert attempt["status"] == "abandoned" and attempt["hints_used"] == 1


def test_kill_9_mid_run_then_continue_in_the_terminal(env: dict[str, str], tmp_path: Path) -> None:
    """The process dies mid-scenario (SIGKILL); the next `roleplay play` offers to continue and
    goes on from the same state with the same history."""
    proc = subprocess.Popen(
        [str(ROLEPLAY), "play", "mini_call", "--seed", "1"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=tmp_path,
    )
    assert proc.stdin is not None and proc.stdout is not None
    lines: queue.Queue[str] = queue.Queue()
    stdout = proc.stdout
    reader = threading.Thread(target=lambda: [lines.put(line) for line in stdout], daemon=True)
    reader.start()
    try:
        proc.stdin.write(GOOD[0] + "\n")
        proc.stdin.flush()
        seen = ""
        while "Спасибо, всё понятно." not in seen:  # the next client line: the turn is stored
            seen += lines.get(timeout=60)
        proc.kill()
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        reader.join(timeout=10)
        proc.stdout.close()
        proc.stdin.close()
    (attempt,) = _attempts(env)
    assert (attempt["status"], attempt["turn_count"]) == ("active", 1)

    again = _run(["play", "mini_call"], env, tmp_path, "y\n" + GOOD[1] + "\n")
    assert again.returncode == 0, again.stderr
    assert "Продолжаем с того же места (уже 1 ответ)" in again.stdout
    assert "Спасибо, всё понятно." in again.stdout and "— итог" in again.stdout
    (attempt,) = _attempts(env)
    assert (attempt["status"], attempt["turn_count"], attempt["passed"]) == ("finished", 2, 1)


def test_commands_in_jsonl_are_answered_and_never_graded(
    env: dict[str, str], tmp_path: Path
) -> None:
    """cli.md «Commands inside a run»: /hint answers a hint event with its cost, an unknown
    command a notice; neither is a graded turn; the run goes on and /quit abandons it."""
    stdin = "/hint\n/foo bar\n/\n" + GOOD[0] + "\n/quit\n"
    proc = _run(["play", "mini_call", "--jsonl", "--seed", "1"], env, tmp_path, stdin)
    assert proc.returncode == 0, proc.stderr
    events = _events(proc.stdout)
    assert [e["event"] for e in events] == [
        "start", "client", "hint", "notice", "notice", "feedback", "client", "end",
    ]
    hint = events[2]
    assert hint["text"] == "«Здравствуйте! Почта России, слушаю вас.»" and hint["cost"] == 5
    assert "/foo" in events[3]["text"]
    end = events[-1]
    assert end["abandoned"] is True and end["turns"] == 1
    (attempt,) = _attempts(env)
    assert (attempt["turn_count"], attempt["hints_used"]) == (1, 1)


def test_hint_in_an_exam_is_a_notice(env: dict[str, str], tmp_path: Path) -> None:
    proc = _run(["play", "mini_call", "--jsonl", "--mode", "exam"], env, tmp_path, "/hint\n")
    events = _events(proc.stdout)
    assert [e["event"] for e in events] == ["start", "client", "notice", "end"]
    assert "Экзамен" in events[2]["text"]
    assert _attempts(env)[0]["hints_used"] == 0


def test_interactive_briefing_and_commands(env: dict[str, str], tmp_path: Path) -> None:
    proc = _run(["play", "mini_call", "--seed", "1", "--name", "Айгерим"], env, tmp_path,
                "/what\n/help\n/quit\n")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Время: 10:30 — утро" in out and "Канал: звонок" in out
    assert "Кто вы: Айгерим, сотрудник, Почта России" in out and "Клиент: Ирина" in out
    assert "Команда /what не оценивается" in out and "/hint — подсказка (−5 баллов)" in out
    (attempt,) = _attempts(env)
    assert (attempt["turn_count"], attempt["status"]) == (0, "abandoned")


def test_a_scenario_file_plays_without_being_in_the_library(
    env: dict[str, str], tmp_path: Path
) -> None:
    """`roleplay play FILE.yaml`: a trainer's own file; the attempt keeps its version."""
    env = {k: v for k, v in env.items() if k != "SCENARIOS_PATH"}  # the shipped library only
    own = write_mini(tmp_path / "drafts") / "mini_call.yaml"
    proc = _run(["play", str(own), "--jsonl", "--seed", "1"], env, tmp_path,
                "\n".join(GOOD) + "\n")
    assert proc.returncode == 0, proc.stderr
    events = _events(proc.stdout)
    assert events[0]["scenario"] == "mini_call" and events[-1]["passed"] is True
    from scenarios import load_scenario

    (attempt,) = _attempts(env)
    db = Database(env["DB_PATH"])
    try:
        version = db.table("scenario_versions").get(attempt["scenario_version_id"])["content_hash"]
    finally:
        db.close()
    assert version == load_scenario(own).version


def test_a_broken_scenario_file_is_refused_with_its_line(
    env: dict[str, str], tmp_path: Path
) -> None:
    own = write_mini(tmp_path / "drafts") / "mini_call.yaml"
    text = own.read_text(encoding="utf-8").replace("[greeting, company_name]", "[greting]")
    own.write_text(text, encoding="utf-8")
    proc = _run(["play", str(own), "--jsonl"], env, tmp_path, GOOD[0] + "\n")
    assert proc.returncode == 1 and proc.stdout == ""
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "greting" in row)
    assert f"{own}:{line}:" in proc.stderr and "неизвестная проверка «greting»" in proc.stderr
    assert "Error:" not in proc.stderr
    assert not Path(env["DB_PATH"]).exists() or _attempts(env) == []


def test_name_and_team_register_the_terminal_trainee(env: dict[str, str], tmp_path: Path) -> None:
    """cli.md: `--name` is the trainee's own name, `--team` their team (created if new)."""
    args = ["play", "mini_call", "--jsonl", "--name", "Айгерим Сапарова", "--team", "Отделение 7"]
    assert _run(args, env, tmp_path, "").returncode == 0
    assert _run(args[:-1] + ["отделение 7"], env, tmp_path, "").returncode == 0  # same team
    db = Database(env["DB_PATH"])
    try:
        teams = list(db.table("teams").rows)
        (person,) = [p for p in db.table("people").rows if p["telegram_id"] is None]
    finally:
        db.close()
    assert [t["name"] for t in teams] == ["Отделение 7"]
    assert person["display_name"] == "Айгерим Сапарова" and person["team_id"] == teams[0]["id"]


def test_kill_9_mid_jsonl_run_then_resume(env: dict[str, str], tmp_path: Path) -> None:
    """A script's run killed mid-scenario continues with `--resume`: same attempt, same state,
    the answered turn kept, graded once; without `--resume` a new run replaces it."""
    proc = subprocess.Popen(
        [str(ROLEPLAY), "play", "mini_call", "--jsonl", "--seed", "1"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True, encoding="utf-8", env=env, cwd=tmp_path,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        proc.stdin.write(GOOD[0] + "\n")
        proc.stdin.flush()
        events = []
        while not events or events[-1]["event"] != "client" or len(events) < 4:
            events.append(json.loads(proc.stdout.readline()))
        proc.kill()
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stdin.close()
    first_id = events[0]["attempt_id"]
    (attempt,) = _attempts(env)
    assert (attempt["id"], attempt["status"], attempt["turn_count"]) == (first_id, "active", 1)

    again = _run(["play", "mini_call", "--jsonl", "--resume"], env, tmp_path, GOOD[1] + "\n")
    assert again.returncode == 0, again.stderr
    resumed = _events(again.stdout)
    assert resumed[0]["event"] == "start" and resumed[0]["resumed"] is True
    assert resumed[0]["attempt_id"] == first_id and resumed[0]["turns"] == 1
    assert resumed[1]["event"] == "client" and resumed[1]["state"] == events[-1]["state"]
    assert resumed[-1]["event"] == "end" and resumed[-1]["abandoned"] is False
    (attempt,) = _attempts(env)
    assert (attempt["status"], attempt["turn_count"]) == ("finished", 2)

    fresh = _run(["play", "mini_call", "--jsonl"], env, tmp_path, "")
    assert "resumed" not in _events(fresh.stdout)[0]
