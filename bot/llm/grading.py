"""`roleplay grade --jsonl FILE --judge`: the grading contract with the rules OR an evidenced
judge, so `score_eval.py` measures the combination on any labelled set with any model.

Each case is graded by the rules exactly as without `--judge` (`grade_line`); then the checks
among it that the standard marks `judge: true` go to the judge with the case's text and its
optional `client` line, and `scenarios.combine` adds the verdicts the judge evidences with a
quote. A reply that addresses the grader is graded by the rules alone (`"flagged": true`). A
judge that fails leaves the rule verdicts (`"degraded": true`). Output order is input order.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any

from bot.llm.ledger import llm_turn
from scenarios import Judge, SeamUnavailable, combine, judged_checks
from scenarios.guard import addresses_grader
from scoring import Grader

Result = dict[str, Any]
"""One line of the grading contract's output (an id and verdicts, or an error)."""
GradeLine = Callable[[Grader, bytes | str | None, int], Result | None]
"""`bot.commands.grade.grade_line`: one raw line → its result (None for a blank line)."""
CONCURRENCY = 8


async def judge_case(
    grader: Grader, judge: Judge, line: bytes | str, out: Result, timeout: float
) -> Result:
    """The rule result `out` of one case with the judge's evidenced verdicts added (a line the
    rules answered with an error is returned as it is)."""
    if "verdicts" not in out:
        return out
    case = json.loads(line)
    text = case.get("text", "")
    result = grader.grade(text, case.get("checks"), case.get("context") or {})
    if addresses_grader(str(text)) is not None:
        return out | {"flagged": True}
    checks = judged_checks(grader.standard, result.verdicts)
    if not checks:
        return out
    client = case.get("client") if isinstance(case.get("client"), str) else ""
    try:
        with llm_turn(timeout):
            answer = await asyncio.wait_for(judge.review(client, str(text), checks), timeout)
    except (SeamUnavailable, TimeoutError):
        return out | {"degraded": True}
    review = combine(result, answer, checks)
    verdicts = {check: v.value for check, v in review.grade.verdicts.items()}
    extra: Result = {"verdicts": verdicts}
    if review.added:
        extra["sources"] = {check: "judge" for check in review.added}
    if review.rejected:
        extra["rejected"] = [v.model_dump() for v in review.rejected]
    return out | extra


async def judge_stream(
    grader: Grader, judge: Judge, grade_line: GradeLine,
    lines: Iterable[tuple[int, bytes | None]], sink: IO[bytes], timeout: float,
) -> None:
    """Grade every line (rules + judge, a few at a time), one result a line, in input order."""
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(out: Result, line: bytes) -> Result:
        async with gate:
            return await judge_case(grader, judge, line, out, timeout)

    tasks: list[asyncio.Task[Result]] = []
    for number, line in lines:
        out = grade_line(grader, line, number)
        if out is None:
            continue
        tasks.append(asyncio.ensure_future(one(out, line or b"")))
    done: Sequence[asyncio.Task[Result]] = tasks
    for task in done:
        sink.write(json.dumps(await task, ensure_ascii=False, allow_nan=False).encode() + b"\n")
        sink.flush()
