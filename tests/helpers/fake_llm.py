"""A real local HTTP server speaking the OpenAI protocol, with injectable faults.

async with FakeLLM() as llm:               # aiohttp app on a free loopback port
    llm.base_url                           # "http://127.0.0.1:<port>/v1"
    llm.fault = "500" | "429" | "slow" | "garbage" | "truncated" | "not_json_content" | None
    llm.fault_times = 2                    # the fault hits the next 2 requests only (None: all)
    llm.retry_after = "1"                  # the Retry-After header of a 429
    llm.delay = 1.0                        # every answer takes this long (benchmarks)
    llm.voice_reply = "..."                # what the client's voice gets back
    llm.coach_reply = "..."                # what the coach gets back
    llm.judge_verdicts = [{"check": "rudeness", "value": True, "quote": "..."}]
    llm.judge_raw = ["```json ...```", ...] # or these exact contents, one per judge request
    llm.transcript = "..."                 # what /audio/transcriptions answers
    llm.requests                           # every chat request body received
    llm.kinds                              # "voice" | "judge" | "coach" per chat request
    llm.stt_requests                       # (form fields, file bytes) per transcription
FakeLLM.refused_url()                      # a loopback URL where nothing listens
"""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any

from aiohttp import web


class FakeLLM:
    def __init__(self, *, slow_seconds: float = 5.0) -> None:
        self.fault: str | None = None
        self.fault_times: int | None = None
        self.retry_after: str | None = "0"
        self.slow_seconds = slow_seconds
        self.delay = 0.0
        self.voice_reply = "Алло! Это клиент из LLM, слушаю вас."
        self.coach_reply = "Совет от модели."
        self.judge_verdicts: list[dict[str, Any]] | None = None
        self.judge_raw: list[str] = []
        self.finish_reason = "stop"
        self.transcript = "Здравствуйте, чем могу помочь?"
        self.requests: list[dict[str, Any]] = []
        self.kinds: list[str] = []
        self.stt_requests: list[tuple[dict[str, str], bytes]] = []
        self.faults_served = 0
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    async def __aenter__(self) -> FakeLLM:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._completions)
        app.router.add_post("/v1/audio/transcriptions", self._transcriptions)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and server.sockets  # type: ignore[attr-defined]
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @staticmethod
    def refused_url() -> str:
        """A loopback URL on a port that was just free: connecting to it is refused."""
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        return f"http://127.0.0.1:{port}/v1"

    # --- what a request is ---------------------------------------------------------------

    @staticmethod
    def kind_of(body: dict[str, Any]) -> str:
        if body.get("response_format", {}).get("type") == "json_object":
            return "judge"
        system = next((m["content"] for m in body.get("messages", [])
                       if m.get("role") == "system"), "")
        return "coach" if "наставник" in system else "voice"

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        """The chat requests of one kind (voice, judge, coach), in order."""
        return [body for body, k in zip(self.requests, self.kinds, strict=True) if k == kind]

    def _take_fault(self) -> str | None:
        if self.fault is None:
            return None
        if self.fault_times is not None:
            if self.fault_times <= 0:
                return None
            self.fault_times -= 1
        self.faults_served += 1
        return self.fault

    # --- the endpoints -------------------------------------------------------------------

    async def _completions(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        kind = self.kind_of(body)
        self.requests.append(body)
        self.kinds.append(kind)
        fault = self._take_fault()
        early = await self._fault_response(request, fault)
        if early is not None:
            return early
        if self.delay:
            await asyncio.sleep(self.delay)
        if kind == "judge":
            content = self._judge_content(fault, body)
        else:
            content = self.coach_reply if kind == "coach" else self.voice_reply
        return web.json_response(
            {
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "model": body.get("model", "fake"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": self.finish_reason,
                    }
                ],
                "usage": {"prompt_tokens": 100 + len(str(body)) // 10, "completion_tokens": 20,
                          "total_tokens": 120 + len(str(body)) // 10},
            }
        )

    async def _fault_response(
        self, request: web.Request, fault: str | None
    ) -> web.StreamResponse | None:
        if fault == "500":
            return web.json_response({"error": {"message": "boom"}}, status=500)
        if fault == "429":
            headers = {"Retry-After": self.retry_after} if self.retry_after is not None else {}
            return web.json_response({"error": {"message": "rate limited"}}, status=429,
                                     headers=headers)
        if fault == "slow":
            await asyncio.sleep(self.slow_seconds)
        if fault == "garbage":
            return web.Response(text="<html>not json at all", content_type="application/json")
        if fault == "truncated":
            response = web.StreamResponse(headers={"Content-Type": "application/json",
                                                   "Content-Length": "400"})
            await response.prepare(request)
            await response.write(b'{"id": "chatcmpl-fake", "choices": [{"message": {"con')
            assert request.transport is not None
            request.transport.close()  # the body is cut off mid-JSON
            return response
        return None

    def _judge_content(self, fault: str | None, body: dict[str, Any]) -> str:
        if fault == "not_json_content":
            return "это не JSON, извините"
        if self.judge_raw:
            return self.judge_raw.pop(0)
        if self.judge_verdicts is not None:
            verdicts = self.judge_verdicts
        else:  # a verdict `false` for every check the prompt lists
            prompt = body["messages"][-1]["content"]
            listed = [line.split()[1] for line in prompt.splitlines() if line.startswith("- ")]
            verdicts = [{"check": c, "value": False, "quote": None} for c in listed]
        return json.dumps({"verdicts": verdicts}, ensure_ascii=False)

    async def _transcriptions(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        audio = b""
        fields: dict[str, str] = {}
        for name, value in form.items():
            if hasattr(value, "file"):
                audio = value.file.read()
            else:
                fields[name] = str(value)
        self.stt_requests.append((fields, audio))
        fault = self._take_fault()
        early = await self._fault_response(request, fault)
        if early is not None:
            return early
        return web.json_response({"text": self.transcript})


async def _serve(delay: float, fault: str | None, slow_seconds: float) -> None:
    """Serve until stdin closes, printing the base URL (for benchmarks: a separate process)."""
    import sys

    async with FakeLLM(slow_seconds=slow_seconds) as server:
        server.delay, server.fault = delay, fault
        print(server.base_url, flush=True)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.read)


if __name__ == "__main__":
    import argparse
    import logging

    logging.disable(logging.CRITICAL)  # a client that gives up mid-answer is expected here
    parser = argparse.ArgumentParser(description="A fake OpenAI-compatible server.")
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--fault", default=None)
    parser.add_argument("--slow-seconds", type=float, default=60.0)
    ns = parser.parse_args()
    asyncio.run(_serve(ns.delay, ns.fault, ns.slow_seconds))
