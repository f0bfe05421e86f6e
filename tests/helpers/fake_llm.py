"""A real local HTTP server speaking the OpenAI chat-completions protocol, with injectable faults.

async with FakeLLM() as llm:            # aiohttp app on a free loopback port
    llm.base_url                        # "http://127.0.0.1:<port>/v1"
    llm.fault = "500" | "slow" | "garbage" | "not_json_content" | None
    llm.voice_reply = "..."             # what a persona (non-JSON) request gets back
    llm.judge_reply = {"greeting": False}   # what a JSON-mode request gets back
    llm.judge_raw = "```json ...```"    # or this exact content for a JSON-mode request
    llm.requests                        # every request body received
FakeLLM.refused_url()                   # a loopback URL where nothing listens
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
        self.slow_seconds = slow_seconds
        self.voice_reply = "Алло! Это клиент из LLM, слушаю вас."
        self.judge_reply: dict[str, bool] = {}
        self.judge_raw: str | None = None  # overrides judge_reply with this exact content
        self.requests: list[dict[str, Any]] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    async def __aenter__(self) -> FakeLLM:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._completions)
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

    def _is_judge(self, body: dict[str, Any]) -> bool:
        return body.get("response_format", {}).get("type") == "json_object"

    async def _completions(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append(body)
        if self.fault == "500":
            return web.json_response({"error": {"message": "boom"}}, status=500)
        if self.fault == "slow":
            await asyncio.sleep(self.slow_seconds)
        if self.fault == "garbage":
            return web.Response(text="<html>not json at all", content_type="application/json")
        if self._is_judge(body):
            if self.fault == "not_json_content":
                content = "это не JSON, извините"
            elif self.judge_raw is not None:
                content = self.judge_raw
            else:
                content = json.dumps({"verdicts": self.judge_reply}, ensure_ascii=False)
        else:
            content = self.voice_reply
        return web.json_response(
            {
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "model": body.get("model", "fake"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
            }
        )
