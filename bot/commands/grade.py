"""`roleplay grade`: the grading contract of checks.md, and a trainer's look at one phrase.

The `--jsonl` stream never stops at a bad line (checks.md «The grading contract»): input is read as
bytes and split on `\n` only (a raw CR is part of its line; a CRLF ending is accepted); each line
is decoded, parsed and validated on its own, and answered with one JSON line in the same order —
the verdicts, or `{"id": …, "line": N, "error": "…"}` naming what is wrong. Lines holding only
whitespace are not cases and get no answer. The output is always valid UTF-8 JSON.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Annotated, Any

import click
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
)

from bot.commands.localized import LocalizedCommand, cli_texts
from scoring import (
    Context,
    Grader,
    GradeResult,
    ScoringError,
    StandardError,
    default_grader,
    load_grader,
)
from scoring.cache import default_cache_dir

MAX_LINE_BYTES = 1_000_000
"""A longer line is answered with an error (and skipped to its end without being kept)."""

_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def _grader(standard: Path | None) -> Grader:
    try:
        if standard is None:
            return default_grader()
        return load_grader(standard, cache_dir=default_cache_dir())
    except StandardError as exc:
        raise click.ClickException(str(exc)) from exc


# --- one case ---------------------------------------------------------------------------------


def _text(value: str) -> str:
    """Text that can be written out as UTF-8: no lone UTF-16 surrogates (from `\\ud800`)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(
            f"holds a lone UTF-16 surrogate (\\u{ord(value[exc.start]):04x}), which is no text"
        ) from None
    return value


def _time(value: str) -> str:
    if not _TIME.match(value):
        raise ValueError(f'must be "HH:MM" between 00:00 and 23:59, not {json.dumps(value)[:40]}')
    return value


def _fact(value: object) -> object:
    """A third party's fact may be written as a number (a house or phone number): read as text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


Text = Annotated[StrictStr, AfterValidator(_text)]
Time = Annotated[StrictStr, AfterValidator(_time)]
Fact = Annotated[Text, BeforeValidator(_fact)]


class CaseContext(BaseModel):
    """`context` of a case: what a check may read (unknown keys are ignored)."""

    model_config = ConfigDict(extra="ignore")

    time: Time | None = None
    company: Text | None = None
    agent_name: Text | None = None
    client_name: Text | None = None
    third_party: list[Fact] | None = None


class Case(BaseModel):
    """One line of `roleplay grade --jsonl` (other keys, e.g. `expected`, are ignored)."""

    model_config = ConfigDict(extra="ignore")

    id: Text | StrictInt | StrictFloat | None = None
    text: Text
    checks: list[Text] | None = None
    context: CaseContext | None = None


_FIELD_RULES = {
    "id": "must be a string or a number",
    "text": "must be a string",
    "checks": "must be a list of check ids (strings)",
    "context": "must be an object",
    "time": 'must be "HH:MM" between 00:00 and 23:59',
    "third_party": "must be a list of strings (names or facts)",
}


def _field_errors(exc: ValidationError) -> str:
    """Plain words per field: "`context.time` must be "HH:MM" …; `text` is missing"."""
    out: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        loc = [p for p in error["loc"] if isinstance(p, str)]
        # union members show up as extra loc parts (e.g. id.str, id.int): keep the field only
        loc = loc[:2] if loc[:1] == ["context"] else loc[:1]
        name = ".".join(loc)
        if name in out:
            continue
        if error["type"] == "missing":
            out[name] = f"`{name}` is missing"
        elif error["type"] == "value_error":
            out[name] = f"`{name}` " + str(error["msg"]).removeprefix("Value error, ")
        else:
            out[name] = f"`{name}` " + _FIELD_RULES.get(loc[-1], "must be a string")
    return "; ".join(out.values())


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON value")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:20]} is too large")
    return value


def _parse(text: str) -> Any:
    """JSON as RFC 8259 has it (no NaN or Infinity; raw control characters inside strings are
    accepted). Raises ValueError with a plain message."""
    try:
        return json.loads(text, parse_constant=_reject_constant, parse_float=_finite, strict=False)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise ValueError("nested too deeply") from None
    except ValueError as exc:
        message = str(exc)
        if "integer string conversion" in message:
            message = "a number has more than 4,300 digits"
        raise ValueError(message) from None


def grade_line(grader: Grader, line: bytes | str | None, number: int) -> dict[str, Any] | None:
    """One JSONL case in, one result object out (an error object instead of raising).

    `None` for a line holding only whitespace (no case, no answer); a `None` line stands for
    one too long to read. Never raises for the content of the line.
    """

    def error(message: str, case_id: object = None) -> dict[str, Any]:
        return {"id": case_id, "line": number, "error": f"line {number}: {message}"}

    if line is None:
        return error(f"longer than {MAX_LINE_BYTES:,} bytes; not read")
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            return error(f"not UTF-8 text (byte 0x{line[exc.start]:02x} at byte {exc.start + 1})")
    if not line.strip():
        return None
    try:
        raw = _parse(line)
    except ValueError as exc:
        return error(f"invalid JSON: {exc}")
    if not isinstance(raw, dict):
        return error("a case must be a JSON object")
    try:
        case = Case.model_validate(raw)
    except ValidationError as exc:
        raw_id = raw.get("id")
        try:
            case_id = Case.model_validate({"id": raw_id, "text": ""}).id
        except ValidationError:
            case_id = None
        return error(_field_errors(exc), case_id)
    context = Context.model_validate(
        case.context.model_dump(exclude_none=True) if case.context else {}
    )
    try:
        result = grader.grade(case.text, case.checks, context)
    except ScoringError as exc:
        return error(str(exc), case.id)
    out: dict[str, Any] = {
        "id": case.id,
        "verdicts": {check: v.value for check, v in result.verdicts.items()},
    }
    if result.too_long:
        out["too_long"] = True
    return out


# --- the stream -------------------------------------------------------------------------------


def read_lines(source: IO[bytes]) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) for each line, split on `\n` only; None for an over-long line."""
    number = 0
    while True:
        chunk = source.readline(MAX_LINE_BYTES + 1)
        if not chunk:
            return
        number += 1
        if len(chunk) > MAX_LINE_BYTES and not chunk.endswith(b"\n"):
            while True:  # skip the rest of it without keeping it
                rest = source.readline(MAX_LINE_BYTES)
                if not rest or rest.endswith(b"\n"):
                    break
            yield number, None
            continue
        yield number, chunk.removesuffix(b"\n").removesuffix(b"\r")


def grade_stream(grader: Grader, source: IO[bytes], sink: IO[bytes]) -> None:
    """Answer every case of `source` on `sink`, one JSON line each, flushed after each."""
    for number, line in read_lines(source):
        out = grade_line(grader, line, number)
        if out is None:
            continue
        sink.write(json.dumps(out, ensure_ascii=False, allow_nan=False).encode("utf-8") + b"\n")
        sink.flush()


def _time_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not _TIME.match(value):
        raise click.BadParameter(cli_texts()("cli.grade.bad_time", value=value))
    return value


def _render(result: GradeResult, grader: Grader) -> str:
    texts = cli_texts()
    lines = []
    for check, verdict in result.verdicts.items():
        spec = grader.standard.checks[check]
        mark = (
            click.style("✔", fg="green") if verdict.value else click.style("·", fg="bright_black")
        )
        if verdict.kind == "violation" and verdict.value:
            mark = click.style("✘", fg="red")
        kind = texts(f"cli.grade.kind.{spec.kind}")
        value = texts("cli.grade.yes" if verdict.value else "cli.grade.no")
        line = f"{mark} {check:<22} {kind:<10} {value:<3}"
        if verdict.evidence:
            line += f"  «{verdict.evidence.quote}»  [{verdict.evidence.rule}]"
        lines.append(line)
    if result.too_long:
        lines.append(click.style(texts("cli.grade.too_long"), fg="yellow"))
    return "\n".join(lines)


@click.command(cls=LocalizedCommand, help="cli.grade")
@click.argument("text", required=False, metavar=cli_texts()("cli.grade.metavar"))
@click.option(
    "--jsonl",
    "jsonl",
    type=click.File("rb"),
    default=None,
    metavar=cli_texts()("cli.file.metavar"),
    help="cli.grade.jsonl",
)
@click.option("--check", "checks", multiple=True, metavar="ID", help="cli.grade.check")
@click.option(
    "--time", "time_", callback=_time_option, metavar="ЧЧ:ММ", help="cli.grade.time"
)
@click.option("--company", metavar="ТЕКСТ", help="cli.grade.company")
@click.option("--client-name", metavar="ИМЯ", help="cli.grade.client_name")
@click.option("--agent-name", metavar="ИМЯ", help="cli.grade.agent_name")
@click.option(
    "--third-party",
    "third_party",
    multiple=True,
    metavar="ТЕКСТ",
    help="cli.grade.third_party",
)
@click.option("--json", "as_json", is_flag=True, help="cli.grade.json")
@click.option(
    "--standard",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar=cli_texts()("cli.file.metavar"),
    help="cli.grade.standard",
)
@click.option(
    "--judge",
    "use_judge",
    is_flag=True,
    help="With --jsonl: rules OR the LLM judge of LLM_BASE_URL (checks marked `judge: true`; a "
    "judge verdict counts only with a quote from the reply).",
)
def grade(
    text: str | None,
    jsonl: IO[bytes] | None,
    checks: tuple[str, ...],
    time_: str | None,
    company: str | None,
    client_name: str | None,
    agent_name: str | None,
    third_party: tuple[str, ...],
    as_json: bool,
    standard: Path | None,
    use_judge: bool,
) -> None:
    """Grade replies against the standard: one TEXT with each check shown, or a `--jsonl`
    stream, one result a line (../shared/spec/checks.md). Help text: `cli.grade`."""
    grader = _grader(standard)
    if jsonl is not None and use_judge:
        from bot.commands.judged import grade_with_judge

        grade_with_judge(grader, grade_line, read_lines(jsonl), sys.stdout.buffer)
        return
    if jsonl is not None:
        grade_stream(grader, jsonl, sys.stdout.buffer)
        return
    if text is None:
        raise click.UsageError(cli_texts()("cli.grade.need_text"))
    context: dict[str, object] = {
        "time": time_,
        "company": company,
        "client_name": client_name,
        "agent_name": agent_name,
        "third_party": list(third_party),
    }
    try:
        result = grader.grade(text, checks or None, {k: v for k, v in context.items() if v})
    except ScoringError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(result.model_dump_json(indent=2))
    else:
        click.echo(_render(result, grader))
