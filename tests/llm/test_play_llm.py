"""`roleplay play --llm` (a trainer hears the persona before publishing) through the installed
console script against a real local OpenAI-compatible server; `--no-llm` and a missing URL."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from fake_llm import FakeLLM
from mini_scenario import GOOD, write_mini

ROLEPLAY = Path(sys.executable).with_name("roleplay")


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_", "BOT_", "STT_"))}
    return base | {"DB_PATH": str(tmp_path / "roleplay.db"), "PYTHONIOENCODING": "utf-8",
                   "SCENARIOS_PATH": str(write_mini(tmp_path / "lib")), **extra}


async def _play(args: list[str], env: dict[str, str], stdin: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        str(ROLEPLAY), "play", *args, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env,
    )
    out, err = await asyncio.wait_for(proc.communicate(stdin.encode()), timeout=60)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_play_llm_speaks_through_the_llm(fake_llm: FakeLLM, tmp_path: Path) -> None:
    fake_llm.voice_reply = "Алло, это почта? Голос из модели."
    env = _env(tmp_path, LLM_BASE_URL=fake_llm.base_url, LLM_TIMEOUT="2")
    code, out, err = await _play(["mini_call", "--llm", "--jsonl"], env, "\n".join(GOOD) + "\n")
    assert code == 0, err
    events = [json.loads(line) for line in out.splitlines()]
    clients = [e["text"] for e in events if e["event"] == "client"]
    assert clients[0] == "Алло, это почта? Голос из модели."
    assert events[-1]["event"] == "end" and events[-1]["passed"] is True
    assert fake_llm.of_kind("voice") and fake_llm.of_kind("coach")


async def test_no_llm_keeps_the_scripted_lines(fake_llm: FakeLLM, tmp_path: Path) -> None:
    env = _env(tmp_path, LLM_BASE_URL=fake_llm.base_url)
    code, out, err = await _play(["mini_call", "--no-llm", "--jsonl", "--seed", "1"], env,
                                 "\n".join(GOOD) + "\n")
    assert code == 0, err
    first = next(json.loads(line) for line in out.splitlines() if '"client"' in line)
    assert "модели" not in first["text"] and fake_llm.requests == []


async def test_llm_without_a_url_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = await _play(["mini_call", "--llm"], _env(tmp_path), "")
    assert code == 2 and "LLM_BASE_URL" in err
