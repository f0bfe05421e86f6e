"""Turn engine/service results into message texts (HTML). Pure functions: no I/O, no aiogram."""

from __future__ import annotations

import html
from collections.abc import Sequence

from bot.feedback import (
    GAP_BEFORE,
    Line,
    briefing_facts,
    check_title,
    paragraphs,
    score_card,
    turn_feedback,
)
from bot.service import CardView, Progress
from bot.texts import Texts
from scenarios import ClientLine, Scenario, TurnResult
from scoring import Standard


def esc(value: object) -> str:
    return html.escape(str(value), quote=False)


def kind_label(texts: Texts, kind: str) -> str:
    return texts.kind(kind)


def scenario_button(texts: Texts, scenario: Scenario, best: int | None) -> str:
    score = texts("choose.best", score=best) if best is not None else texts("choose.not_tried")
    return f"{scenario.title} · {texts(f'difficulty.{scenario.difficulty}')} · {score}"


def briefing(
    texts: Texts, standard: Standard, scenario: Scenario, mode: str, agent_name: str | None = None
) -> str:
    """The briefing card: title, mode, the task, then what the employee knows (`briefing_facts`:
    who they are, the channel, the time of the call, the client, the steps expected)."""
    facts = "\n".join(
        texts("brief.fact", label=esc(label), value=esc(value))
        for label, value in briefing_facts(texts, standard, scenario, agent_name)
    )
    text = texts(
        "brief.card",
        title=esc(scenario.title),
        mode=texts(f"mode.{mode}"),
        difficulty=texts(f"difficulty.{scenario.difficulty}"),
        briefing=esc(paragraphs(scenario.briefing)),
        facts=facts,
    )
    if mode == "exam":
        text += texts("brief.exam_note")
    return text


def hint(texts: Texts, text: str, cost: int) -> str:
    """A hint taken (button or `/hint`) and what it costs."""
    return texts("play.hint", hint=esc(text)) + "\n" + texts("play.hint_cost", cost=cost)


def client_line(texts: Texts, line: ClientLine) -> str:
    text = texts("play.client", text=esc(line.text))
    if line.degraded:
        text += "\n" + esc(texts("fb.degraded"))
    return text


def lines_html(lines: Sequence[Line]) -> str:
    """Door-neutral feedback lines as Telegram HTML: escaped, headers bold, sections spaced."""
    out: list[str] = []
    previous = ""
    for line in lines:
        text = esc(line.text)
        if line.kind in ("title", "section"):
            text = f"<b>{text}</b>"
        if out and line.kind in GAP_BEFORE and not (line.kind == "footer" and previous == "footer"):
            out.append("")
        out.append(text)
        previous = line.kind
    return "\n".join(out)


def feedback(texts: Texts, standard: Standard, turn: TurnResult) -> str:
    """Per-reply feedback in training mode (composed by `bot.feedback`)."""
    return lines_html(turn_feedback(texts, standard, turn))


def final_card(texts: Texts, standard: Standard, view: CardView) -> str:
    """The score card (composed by `bot.feedback`)."""
    return lines_html(score_card(texts, standard, view))


def progress(texts: Texts, standard: Standard, progress: Progress) -> str:
    """«Мой прогресс»: attempts, best and latest per scenario, the checks missed most."""
    if not progress.scenarios:
        return texts("progress.empty")
    none = texts("progress.none")
    lines = [texts("progress.title")]
    for row in progress.scenarios:
        title = progress.titles.get(row.scenario_id, row.scenario_id)
        lines.append(texts(
            "progress.row", title=esc(title), attempts=row.attempts,
            best=none if row.best_score is None else row.best_score,
            latest=none if row.latest_score is None else row.latest_score,
        ))
    if progress.most_missed:
        lines += ["", texts("progress.missed")]
        for check, count in progress.most_missed:
            lines.append(texts("progress.missed_row",
                               title=esc(check_title(standard, check)), count=count))
    return "\n".join(lines)
