"""Turn engine/service results into message texts (HTML). Pure functions: no I/O, no aiogram."""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import datetime

from bot.service import MemberSummary, Progress
from bot.storage import Team
from bot.texts import Texts
from scenarios import ClientLine, FinalCard, Scenario, TurnResult
from scoring import Standard


def esc(value: object) -> str:
    return html.escape(str(value), quote=False)


def check_title(standard: Standard, check_id: str) -> str:
    spec = standard.checks.get(check_id)
    return spec.title if spec is not None else check_id


def first_recommended(standard: Standard, check_id: str) -> str | None:
    spec = standard.checks.get(check_id)
    return spec.recommended[0] if spec is not None and spec.recommended else None


def kind_label(texts: Texts, kind: str) -> str:
    return texts.get(f"kind.{kind}", "kind.other", kind=kind)


def scenario_button(texts: Texts, scenario: Scenario, best: int | None) -> str:
    score = texts("choose.best", score=best) if best is not None else texts("choose.not_tried")
    return f"{scenario.title} · {texts(f'difficulty.{scenario.difficulty}')} · {score}"


def briefing(texts: Texts, standard: Standard, scenario: Scenario, mode: str) -> str:
    ctx = scenario.context
    steps: list[str] = []
    for state in scenario.states.values():
        for check in state.expect:
            title = check_title(standard, check)
            if title not in steps:
                steps.append(title)
    client = ctx.client_name or texts("brief.client_default")
    if ctx.client_mood:
        client = f"{client} ({ctx.client_mood})"
    text = texts(
        "brief.card",
        title=esc(scenario.title),
        mode=texts(f"mode.{mode}"),
        difficulty=texts(f"difficulty.{scenario.difficulty}"),
        briefing=esc(scenario.briefing),
        agent=esc(ctx.agent_role or texts("brief.agent_default")),
        company=esc(ctx.company),
        client=esc(client),
        steps=esc(", ".join(steps) or "—"),
    )
    if mode == "exam":
        text += texts("brief.exam_note")
    return text


def client_line(texts: Texts, line: ClientLine) -> str:
    text = texts("play.client", text=esc(line.text))
    if line.degraded:
        text += "\n" + texts("play.degraded")
    return text


def feedback(texts: Texts, standard: Standard, turn: TurnResult) -> str:
    """Per-reply feedback in training mode: score, steps ✅/❌ with the standard wording for the
    missed ones, quoted violations."""
    score = turn.score
    key = "play.feedback_ok" if score.passed else "play.feedback_bad"
    lines = [texts(key, score=score.score)]
    for step in score.passed_steps:
        lines.append(texts("play.step_ok", title=esc(check_title(standard, step))))
    for step in score.missed_steps:
        lines.append(texts("play.step_missed", title=esc(check_title(standard, step))))
        phrase = first_recommended(standard, step)
        if phrase:
            lines.append(texts("play.recommended", phrase=esc(phrase)))
    for verdict in score.violations:
        for quote in verdict.quotes or [""]:
            lines.append(texts("play.violation", title=esc(check_title(standard, verdict.check)),
                               quote=esc(quote)))
    if turn.grade.too_long:
        lines.append(texts("play.too_long"))
    if turn.degraded:
        lines.append(texts("play.degraded"))
    return "\n".join(lines)


def duration(started_at: str | None, finished_at: str | None) -> tuple[int, int]:
    """(minutes, seconds) between two ISO timestamps; (0, 0) if either is missing."""
    if not started_at or not finished_at:
        return 0, 0
    seconds = max(0, int((datetime.fromisoformat(finished_at)
                          - datetime.fromisoformat(started_at)).total_seconds()))
    return divmod(seconds, 60)


def final_card(
    texts: Texts,
    standard: Standard,
    title: str,
    card: FinalCard,
    *,
    started_at: str | None = None,
    finished_at: str | None = None,
    hints: int = 0,
) -> str:
    """The score card: total, outcome, per-step ✅/❌, quoted violations, the standard phrases
    for what was missed, time taken."""
    key = "final.score_passed" if card.passed else "final.score_failed"
    lines = [texts("final.title", title=esc(title)), texts(key, score=card.score)]
    if card.outcome:
        lines.append(texts.get(f"final.outcome.{card.outcome}", "final.outcome.resolved"))
    if card.steps:
        lines += ["", texts("final.steps")]
        for step, ok in card.steps.items():
            lines.append(texts("play.step_ok" if ok else "play.step_missed",
                               title=esc(check_title(standard, step))))
    if card.violations:
        lines += ["", texts("final.violations")]
        for check, quote in card.violations:
            lines.append(texts("play.violation", title=esc(check_title(standard, check)),
                               quote=esc(quote)))
    missed = {k: v for k, v in card.missed_recommended.items() if v}
    if missed:
        lines += ["", texts("final.missed")]
        for check, phrases in missed.items():
            lines.append(texts("final.missed_item", title=esc(check_title(standard, check)),
                               phrase=esc(phrases[0])))
    minutes, seconds = duration(started_at, finished_at)
    lines += ["", texts("final.time", minutes=minutes, seconds=seconds, turns=card.turns)]
    if hints:
        lines.append(texts("final.hints", hints=hints))
    return "\n".join(lines)


def progress(
    texts: Texts,
    standard: Standard,
    progress: Progress,
    library: Mapping[str, Scenario],
) -> str:
    """«Мой прогресс»: attempts, best and latest per scenario, the checks missed most."""
    rows = progress.scenarios
    missed = progress.most_missed
    if not rows:
        return texts("progress.empty")
    none = texts("progress.none")
    lines = [texts("progress.title")]
    for row in rows:
        scenario = library.get(row.scenario_id)
        title = scenario.title if scenario is not None else row.scenario_id
        lines.append(texts(
            "progress.row", title=esc(title), attempts=row.attempts,
            best=none if row.best_score is None else row.best_score,
            latest=none if row.latest_score is None else row.latest_score,
        ))
    if missed:
        lines += ["", texts("progress.missed")]
        for check, count in missed:
            lines.append(texts("progress.missed_row", title=esc(check_title(standard, check)),
                               count=count))
    return "\n".join(lines)


def team_report(texts: Texts, team: Team, members: list[MemberSummary]) -> str:
    """HR's `/team_report`: per member, attempts, finished ones and the average score."""
    lines = [texts("hr.report_title", team=esc(team.name), count=len(members))]
    none = texts("progress.none")
    for m in members:
        lines.append(texts("hr.report_row", name=esc(m.person.display_name), attempts=m.attempts,
                           finished=m.finished, avg=none if m.average is None else m.average))
    return "\n".join(lines)
