"""`roleplay grade`: the grading contract of checks.md, and a trainer's look at one phrase."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Any

import click

from scoring import Grader, GradeResult, ScoringError, StandardError, load_standard


def _grader(standard: Path | None) -> Grader:
    try:
        return Grader(load_standard(standard) if standard else None)
    except StandardError as exc:
        raise click.ClickException(str(exc)) from exc


def grade_line(grader: Grader, line: str, number: int) -> dict[str, Any]:
    """One JSONL case in, one result object out (an error object instead of raising)."""
    try:
        case = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "line": number, "error": f"line {number}: invalid JSON: {exc.msg}"}
    if not isinstance(case, dict):
        return {"id": None, "line": number, "error": f"line {number}: a case must be a JSON object"}
    case_id = case.get("id")
    checks = case.get("checks")
    context = case.get("context") or {}
    if checks is not None and (
        not isinstance(checks, list) or not all(isinstance(c, str) for c in checks)
    ):
        return {"id": case_id, "error": "`checks` must be a list of check ids"}
    if not isinstance(context, dict):
        return {"id": case_id, "error": "`context` must be an object"}
    try:
        result = grader.grade(case.get("text", ""), checks, context)
    except ScoringError as exc:
        return {"id": case_id, "error": str(exc)}
    out: dict[str, Any] = {
        "id": case_id,
        "verdicts": {check: v.value for check, v in result.verdicts.items()},
    }
    if result.too_long:
        out["too_long"] = True
    return out


def grade_stream(grader: Grader, source: IO[str], sink: IO[str]) -> None:
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        sink.write(json.dumps(grade_line(grader, line, number), ensure_ascii=False) + "\n")
        sink.flush()


def _render(result: GradeResult, grader: Grader) -> str:
    lines = []
    for check, verdict in result.verdicts.items():
        spec = grader.standard.checks[check]
        mark = (
            click.style("✔", fg="green") if verdict.value else click.style("·", fg="bright_black")
        )
        if verdict.kind == "violation" and verdict.value:
            mark = click.style("✘", fg="red")
        line = f"{mark} {check:<22} {spec.kind:<9} {str(verdict.value).lower():<5}"
        if verdict.evidence:
            line += f"  «{verdict.evidence.quote}»  [{verdict.evidence.rule}]"
        lines.append(line)
    if result.too_long:
        lines.append(
            click.style("(the text is longer than a reply may be; graded anyway)", fg="yellow")
        )
    return "\n".join(lines)


@click.command()
@click.argument("text", required=False)
@click.option(
    "--jsonl",
    "jsonl",
    type=click.File("r", encoding="utf-8"),
    default=None,
    help="Grade one JSON case a line (FILE or - for standard input).",
)
@click.option("--check", "checks", multiple=True, help="Only these check ids (repeatable).")
@click.option("--time", "time_", help="Local time HH:MM (for greeting_time_of_day).")
@click.option("--company", help="The organisation's name (for company_name).")
@click.option("--client-name", help="How the client wants to be addressed (for use_client_name).")
@click.option("--agent-name", help="The trainee's own name.")
@click.option(
    "--third-party",
    "third_party",
    multiple=True,
    help="A name or fact of another person that must not be disclosed (repeatable).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
@click.option(
    "--standard",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A standard file instead of the shipped default.",
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
    jsonl: IO[str] | None,
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
    """Grade replies against the standard.

    \b
    roleplay grade --jsonl cases.jsonl      one result a line, as ../shared/spec/checks.md says
    roleplay grade "Добрый день! Меня зовут Мария." --time 10:15
    """
    grader = _grader(standard)
    if jsonl is not None and use_judge:
        from bot.commands.judged import grade_with_judge

        grade_with_judge(grader, grade_line, jsonl, sys.stdout)
        return
    if jsonl is not None:
        grade_stream(grader, jsonl, sys.stdout)
        return
    if text is None:
        raise click.UsageError("give a TEXT to grade, or --jsonl FILE")
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
