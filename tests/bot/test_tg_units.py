"""Pieces of the Telegram adapter that need no dispatcher: splitting, texts, flood control."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import SendChatAction, SendMessage
from tg_harness import RecordingSession

from bot.telegram.ratelimit import FloodControl, TokenBucket
from bot.telegram.split import TELEGRAM_LIMIT, split_text
from bot.texts import TEXTS, Texts, placeholders


@pytest.mark.parametrize(
    "text",
    [
        "",
        "короткий текст",
        "слово " * 2000,
        ("абзац " * 300 + "\n\n") * 10,
        ("строка " * 50 + "\n") * 200,
        "я" * 10_000,
    ],
)
def test_split_text_keeps_every_chunk_within_the_limit(text: str) -> None:
    chunks = split_text(text)
    assert all(len(c) <= TELEGRAM_LIMIT for c in chunks)
    assert "".join("".join(c.split()) for c in chunks) == "".join(text.split())


def test_split_text_prefers_paragraph_breaks() -> None:
    first, second = "а" * 3000, "б" * 3000
    assert split_text(f"{first}\n\n{second}") == [first, second]


def test_split_text_rejects_a_zero_limit() -> None:
    with pytest.raises(ValueError):
        split_text("x", limit=0)


def test_every_language_has_every_key_with_the_same_placeholders() -> None:
    reference = TEXTS["ru"]
    for lang, table in TEXTS.items():
        assert set(table) == set(reference), lang
        for key, template in table.items():
            assert placeholders(template) == placeholders(reference[key]), (lang, key)


@pytest.mark.parametrize("value", [7, 1, 21, "текст"])
def test_every_text_formats_the_same_through_str_format_and_the_agreeing_formatter(
    value: object,
) -> None:
    """`Texts` formats a template without a word to agree with by `str.format` (faster): the
    same text as its formatter gives, for every template; a word still agrees."""
    texts = Texts("ru")
    formatter = texts._formatter  # noqa: SLF001 (the reference it must agree with)
    for key, template in TEXTS["ru"].items():
        fields = placeholders(template)
        if not fields:
            continue
        values = dict.fromkeys(fields, value)
        try:
            expected: object = formatter.format(template, **values)
        except (ValueError, TypeError) as exc:  # a number format given a text
            expected = type(exc)
        try:
            got: object = texts(key, **values)
        except (ValueError, TypeError) as exc:
            got = type(exc)
        assert got == expected, key
    assert texts("play.hint_button", cost=5) == "💡 Подсказка (−5 баллов)"


def test_error_keys_of_bot_errors_have_texts() -> None:
    import bot.errors as errors

    texts = Texts("ru")
    for value in vars(errors).values():
        if isinstance(value, type) and issubclass(value, errors.BotError):
            assert texts.has(value.key), value.key


def test_texts_fall_back_to_russian_for_an_unknown_language() -> None:
    assert Texts("kk")("menu.title") == TEXTS["ru"]["menu.title"]


async def test_token_bucket_spaces_out_calls_beyond_the_burst() -> None:
    bucket = TokenBucket(rate=10, capacity=2)
    started = time.monotonic()
    for _ in range(5):
        await bucket.take()
    # 2 from the burst, 3 more at 10/s
    assert 0.25 <= time.monotonic() - started < 1.0


class _FloodOnce(RecordingSession):
    """Answers the first `floods` sendMessage calls with 429."""

    def __init__(self, floods: int, retry_after: int = 1) -> None:
        super().__init__()
        self.floods = floods
        self.retry_after = retry_after

    async def make_request(self, bot: Bot, method: Any, timeout: int | None = None) -> Any:
        if isinstance(method, SendMessage) and self.floods > 0:
            self.floods -= 1
            self.calls.append(method)
            raise TelegramRetryAfter(method=method, message="Too Many Requests",
                                     retry_after=self.retry_after)
        return await super().make_request(bot, method, timeout)


async def test_flood_control_waits_out_retry_after_and_delivers_the_message() -> None:
    session = _FloodOnce(floods=1, retry_after=1)
    control = FloodControl()
    session.middleware(control)
    bot = Bot("1:x", session=session)
    started = time.monotonic()
    sent = await bot.send_message(7, "не потеряйся")
    assert sent.text == "не потеряйся"
    assert time.monotonic() - started >= 1.0
    assert control.retries == 1
    assert [s.text for s in session.sent] == ["не потеряйся"]


async def test_flood_control_gives_up_after_max_retries() -> None:
    session = _FloodOnce(floods=5, retry_after=0)
    session.middleware(FloodControl(max_retries=2))
    bot = Bot("1:x", session=session)
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(7, "x")


async def test_flood_control_limits_one_chat_but_not_chat_actions() -> None:
    session = RecordingSession()
    session.middleware(FloodControl(chat_rate=20, chat_burst=1, global_rate=1000))
    bot = Bot("1:x", session=session)
    started = time.monotonic()
    await asyncio.gather(*(bot.send_message(5, f"m{i}") for i in range(5)))
    limited = time.monotonic() - started
    assert limited >= 4 / 20 * 0.9  # 1 immediately, 4 more at 20/s
    started = time.monotonic()
    await asyncio.gather(*(bot.send_chat_action(5, "typing") for _ in range(20)))
    assert time.monotonic() - started < 0.1
    assert sum(isinstance(c, SendChatAction) for c in session.calls) == 20
    assert [s.text for s in session.sent] == [f"m{i}" for i in range(5)]


async def test_shutdown_waits_for_the_update_in_progress() -> None:
    from bot.__main__ import on_shutdown
    from bot.telegram.middlewares import InFlight

    in_flight = InFlight()
    finished: list[str] = []

    async def slow_handler(event: Any, data: dict[str, Any]) -> None:
        await asyncio.sleep(0.3)
        finished.append("turn stored")

    task = asyncio.create_task(in_flight(slow_handler, object(), {}))  # type: ignore[arg-type]
    await asyncio.sleep(0.01)
    assert in_flight.count == 1
    await on_shutdown(in_flight)
    assert finished == ["turn stored"] and in_flight.count == 0
    await task
    assert await in_flight.drained(0.01)


def test_team_report_escapes_names_and_shows_averages() -> None:
    from zoneinfo import ZoneInfo

    from bot.reports import figures, summary
    from bot.reports.period import Period
    from bot.storage.reports import AttemptFact, Member
    from bot.telegram.render import lines_html

    period = Period.last(30, ZoneInfo("UTC"))
    since, _ = period.bounds()
    assert since is not None
    attempt = AttemptFact(id=1, person_id=1, team_id=1, scenario_id="s", version_id=1,
                          version_no=1, version_hash="h", title="<i>Сценарий</i>",
                          mode="training", status="finished", score=85, passed=True,
                          outcome="resolved", hints=0, turns=3, started_at=since,
                          finished_at=since)
    report = figures.build(figures.ReportData(
        period=period, teams=(figures.TeamRef(1, "<Отдел>"),),
        members=(Member(1, "<b>Вася</b>", 1, False), Member(2, "<b>Петя</b>", 1, False)),
        attempts=(attempt,), checks=(), previous=None, previews=0, check_info={},
    ))
    text = lines_html(summary.team_lines(Texts(), period, report.team(1)))
    assert "&lt;b&gt;Петя&lt;/b&gt;" in text and "<b>Петя" not in text
    assert "&lt;Отдел&gt;" in text and "&lt;i&gt;Сценарий" in text and "85" in text


def test_every_library_kind_has_a_russian_label() -> None:
    from scenarios import load_library

    texts = Texts()
    for scenario in load_library().values():
        assert f"kind.{scenario.kind}" in TEXTS["ru"], scenario.kind
        assert "Другое" not in texts(f"kind.{scenario.kind}")
