"""A real headless browser for the tests: Debian's `chromium`, driven over the DevTools
protocol (aiohttp's WebSocket client), so a test can ask the rendered page what it shows.

`make test` installs chromium when it is missing (Makefile target `chromium`)."""

from __future__ import annotations

import asyncio
import base64
import json
import shutil
import socket
from pathlib import Path
from typing import Any

import aiohttp

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-dev-shm-usage"]


def chromium() -> str:
    """The chromium executable; AssertionError (not a skip) when it is not installed."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "chromium is not installed: run `make test` (it installs Debian's chromium)"
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def evaluate_page(page: Path, expression: str, profile: Path,
                        screenshot: Path | None = None, timeout: float = 60.0) -> dict[str, Any]:
    """Open `page` (a local file) in headless chromium, wait for its load event, and return
    `{"value": <expression's JSON value>, "requests": [every URL the page asked for]}`;
    optionally save a screenshot. The browser is stopped before returning."""
    port = _free_port()
    proc = await asyncio.create_subprocess_exec(
        chromium(), *FLAGS, f"--user-data-dir={profile}", f"--remote-debugging-port={port}",
        "--remote-allow-origins=*", "about:blank",
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        return await asyncio.wait_for(
            _drive(port, page, expression, screenshot), timeout)
    finally:
        if proc.returncode is None:
            proc.terminate()
        await proc.wait()


async def _drive(port: int, page: Path, expression: str,
                 screenshot: Path | None) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http:
        target = await _page_target(http, port)
        async with http.ws_connect(target, max_msg_size=0) as ws:
            ids = iter(range(1, 1_000_000))
            requests: list[str] = []

            async def call(method: str, **params: Any) -> dict[str, Any]:
                call_id = next(ids)
                await ws.send_str(json.dumps({"id": call_id, "method": method,
                                              "params": params}))
                while True:
                    message = json.loads((await ws.receive()).data)
                    if message.get("method") == "Network.requestWillBeSent":
                        requests.append(message["params"]["request"]["url"])
                    if message.get("id") == call_id:
                        assert "error" not in message, message
                        return dict(message.get("result", {}))

            await call("Page.enable")
            await call("Network.enable")
            await call("Page.navigate", url=page.resolve().as_uri())
            while True:
                message = json.loads((await ws.receive()).data)
                if message.get("method") == "Network.requestWillBeSent":
                    requests.append(message["params"]["request"]["url"])
                if message.get("method") == "Page.loadEventFired":
                    break
            result = await call("Runtime.evaluate", expression=expression, returnByValue=True,
                                awaitPromise=True)
            if screenshot is not None:
                shot = await call("Page.captureScreenshot", format="png")
                screenshot.write_bytes(base64.b64decode(shot["data"]))
            return {"value": result["result"].get("value"), "requests": requests}


async def _page_target(http: aiohttp.ClientSession, port: int) -> str:
    for _ in range(200):
        try:
            async with http.get(f"http://127.0.0.1:{port}/json/list") as response:
                targets = await response.json(content_type=None)
            pages = [t for t in targets if t.get("type") == "page"]
            if pages:
                return str(pages[0]["webSocketDebuggerUrl"])
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError("chromium did not open its DevTools port")
