"""Feedback after a reply and the score card, composed once for both doors.

The result is a list of `Line`s: plain text (from `bot.texts`) plus what the line is, so each door
formats it its own way (Telegram: HTML, bold headers; the terminal: colours) without composing the
content again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.service import CardView
from bot.texts import Texts
from scenarios import FinalCard, Scenario, TurnResult
from scenarios.examples import day_period
from scoring import Standard

Kind = Literal[
    "title", "good", "bad", "outcome", "section", "step_ok", "step_missed", "example",
    "violation", "note", "footer",
]
GAP_BEFORE: frozenset[Kind] = frozenset({"section", "footer"})
"""Kinds that start a block: a door leaves a blank line before them (once per run of footers)."""


@dataclass(frozen=True, slots=True)
class Line:
    kind: Kind
    text: str


def check_title(standard: Standard, check_id: str) -> str:
    spec = standard.checks.get(check_id)
    return spec.title if spec is not None else check_id


def violation_lines(
    texts: Texts, standard: Standard, check: str, quote: str, *, judged: bool = False
) -> Line:
    title = check_title(standard, check)
    if judged and quote:
        return Line("violation", texts("llm.fb.violation_judge", title=title, quote=quote))
    if quote:
        return Line("violation", texts("fb.violation", title=title, quote=quote))
    return Line("violation", texts("fb.violation_bare", title=title))


def paragraphs(text: str) -> str:
    """A text written in YAML with its lines broken for the editor, as flowing paragraphs:
    single line breaks become spaces, blank lines stay (each door wraps to its own width)."""
    blocks = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(" ".join(line.strip() for line in b.splitlines()) for b in blocks)


def briefing_facts(
    texts: Texts, standard: Standard, scenario: Scenario, agent_name: str | None = None
) -> list[tuple[str, str]]:
    """What the employee knows before the start, as (label, value) pairs for both doors: who
    they are, the channel, the time of the call with its part of the day (the greeting is graded
    against it), the client (name, mood), another person the scene is about, the steps expected."""
    ctx = scenario.context
    you = [part for part in (agent_name, ctx.agent_role or texts("brief.agent_default"),
                             ctx.company) if part]
    if ctx.time is None:
        when = texts("brief.time_unknown")
    else:
        period = day_period(standard, ctx.time)
        when = (texts("brief.time", time=ctx.time, period=period) if period
                else texts("brief.time_bare", time=ctx.time))
    client = ", ".join(part for part in (ctx.client_name or texts("brief.client_unnamed"),
                                         ctx.client_mood) if part)
    facts = [
        (texts("brief.fact.you"), ", ".join(you)),
        (texts("brief.fact.channel"), texts.get(f"channel.{ctx.channel}", "channel.phone")),
        (texts("brief.fact.time"), when),
        (texts("brief.fact.client"), client),
    ]
    if ctx.third_party:
        people = texts("brief.third_party_note", people=", ".join(ctx.third_party))
        facts.append((texts("brief.fact.third_party"), people))
    steps: list[str] = []
    for state in scenario.states.values():
        for check in state.expect:
            title = check_title(standard, check)
            if title not in steps:
                steps.append(title)
    facts.append((texts("brief.fact.steps"), ", ".join(steps) or "—"))
    return facts


def turn_feedback(
    texts: Texts, standard: Standard, turn: TurnResult, *, degraded: bool = False
) -> list[Line]:
    """Per-reply feedback (training mode): the score, each expected step ✅/❌ with an example
    that fits this run for the missed ones (`scenarios.examples`), every violation quoted."""
    score = turn.score
    lines = [
        Line("good", texts("fb.score_ok", score=score.score))
        if score.passed
        else Line("bad", texts("fb.score_bad", score=score.score))
    ]
    for step in score.passed_steps:
        key = "llm.fb.step_ok_judge" if turn.source(step) == "judge" else "fb.step_ok"
        lines.append(Line("step_ok", texts(key, title=check_title(standard, step))))
    for step in turn.already:
        lines.append(Line("step_ok", texts("fb.step_already", title=check_title(standard, step))))
    for step in turn.made_up:
        lines.append(Line("step_ok", texts("fb.step_made_up", title=check_title(standard, step))))
    for step in score.missed_steps:
        title = check_title(standard, step)
        lines.append(Line("step_missed", texts("fb.step_missed", title=title)))
        phrase = turn.examples.get(step)  # the example that fits this run, if any
        if phrase:
            lines.append(Line("example", texts("fb.example", phrase=phrase)))
    for verdict in score.violations:
        judged = turn.source(verdict.check) == "judge"
        for quote in verdict.quotes or [""]:
            lines.append(violation_lines(texts, standard, verdict.check, quote, judged=judged))
    lines += judge_notes(texts, turn)
    if turn.grade.too_long:
        lines.append(Line("note", texts("fb.too_long")))
    if degraded or turn.degraded:
        lines.append(Line("note", texts("fb.degraded")))
    return lines


def judge_marked(texts: Texts, line: Line, judged: bool) -> Line:
    """`line` marked as the judge's verdict (on the card) when `judged`."""
    return Line(line.kind, line.text + texts("llm.fb.judge_mark")) if judged else line


def judge_notes(texts: Texts, turn: TurnResult) -> list[Line]:
    """What the trainee is told about the judge: that a reply addressing the grader was graded
    by the rules alone, or what the «by the judge» marks mean."""
    if "manipulation" in turn.flags:
        return [Line("note", texts("llm.fb.manipulation"))]
    if "judge" in turn.sources.values():
        return [Line("note", texts("llm.fb.judge_note"))]
    return []


def tip_lines(texts: Texts, view: CardView) -> list[Line]:
    """The coach's tip on the score card (both doors), if the card has one."""
    if view.tip is None:
        return []
    return [Line("section", texts("llm.card.tip")), Line("note", view.tip.text)]


def duration(started_at: str | None, finished_at: str | None) -> tuple[int, int]:
    """(minutes, seconds) between two ISO timestamps; (0, 0) if either is missing."""
    if not started_at or not finished_at:
        return 0, 0
    seconds = max(0, int((datetime.fromisoformat(finished_at)
                          - datetime.fromisoformat(started_at)).total_seconds()))
    return divmod(seconds, 60)


def arithmetic(texts: Texts, card: FinalCard) -> str:
    """The card's score as one line of arithmetic: the steps' share, each kind of penalty, the
    result and the pass mark («Шаги: 7 из 8 (88) − нарушения 25 − подсказки 5 = 58 из 100;
    зачёт от 70.»)."""
    deductions = ""
    for reason in ("violation", "hint"):
        points = sum(p.points for p in card.penalties if p.reason == reason)
        if points:
            deductions += texts(f"card.sum.{reason}s", points=points)
    raw = card.step_score - sum(p.points for p in card.penalties)
    values = {
        "done": sum(card.steps.values()), "total": len(card.steps), "share": card.step_score,
        "deductions": deductions, "score": card.score, "raw": raw, "pass_mark": card.pass_mark,
    }
    return texts("card.sum_floor" if raw < 0 else "card.sum", **values)


def fail_reasons(texts: Texts, standard: Standard, card: FinalCard) -> list[str]:
    """Why a run did not pass, each rule that failed (empty when it passed)."""
    if card.passed:
        return []
    reasons: list[str] = []
    if card.score < card.pass_mark:
        reasons.append(texts("card.why.score", score=card.score, pass_mark=card.pass_mark))
    for check in dict.fromkeys(v.check for v in card.violations if v.blocking):
        reasons.append(texts("card.why.blocking", title=check_title(standard, check)))
    if not card.outcome_passed:
        outcome = "abandoned" if card.abandoned or card.outcome is None else card.outcome
        reasons.append(texts.get(f"card.why.outcome.{outcome}", "card.why.outcome.abandoned"))
    return reasons


def step_line(texts: Texts, standard: Standard, card: FinalCard, step: str, ok: bool) -> Line:
    """A step on the card, saying when it was credited in another reply than expected."""
    title = check_title(standard, step)
    if not ok:
        return Line("step_missed", texts("fb.step_missed", title=title))
    turn, expected = card.credited_at.get(step), card.expected_at.get(step)
    if turn is not None and expected is not None and turn > expected:
        return Line("step_ok", texts("card.step_late", title=title, turn=turn, expected=expected))
    if turn is not None and expected is not None and turn < expected:
        return Line("step_ok", texts("card.step_early", title=title, turn=turn))
    return Line("step_ok", texts("fb.step_ok", title=title))


def score_card(texts: Texts, standard: Standard, view: CardView) -> list[Line]:
    """The score card: the total and its arithmetic, why it failed, the outcome, per-step ✅/❌
    (with the reply that made a step up), quoted violations, the standard phrases for what was
    missed, time taken and hints."""
    card = view.card
    key = "card.score_passed" if card.passed else "card.score_failed"
    lines = [
        Line("title", texts("card.title", title=view.title)),
        Line("good" if card.passed else "bad", texts(key, score=card.score)),
    ]
    if card.formula >= 2:
        lines.append(Line("note", arithmetic(texts, card)))
        reasons = fail_reasons(texts, standard, card)
        if reasons:
            lines.append(Line("bad", texts("card.why", reasons="; ".join(reasons))))
    outcome = card.outcome or "abandoned"
    general = f"card.outcome.{outcome}" if texts.has(f"card.outcome.{outcome}") else (
        "card.outcome.abandoned")
    lines.append(Line("outcome", texts.get(f"card.outcome.{outcome}.{view.channel}", general)))
    if card.steps:
        lines.append(Line("section", texts("card.steps")))
        lines += [judge_marked(texts, step_line(texts, standard, card, step, ok),
                               ok and (step, "") in view.judged)
                  for step, ok in card.steps.items()]
    if card.violations:
        lines.append(Line("section", texts("card.violations")))
        for v in card.violations:
            title = check_title(standard, v.check)
            if v.turn is None:
                line = violation_lines(texts, standard, v.check, v.quote)
            elif v.quote:
                line = Line("violation", texts(
                    "card.violation", title=title, turn=v.turn, quote=v.quote))
            else:
                line = Line("violation", texts("card.violation_bare", title=title, turn=v.turn))
            lines.append(judge_marked(texts, line, (v.check, v.quote) in view.judged))
    missed = {k: v for k, v in card.missed_recommended.items() if v}
    if missed:
        lines.append(Line("section", texts("card.missed")))
        for check, phrases in missed.items():
            lines.append(Line("example", texts(
                "card.missed_item", title=check_title(standard, check), phrase=phrases[0]
            )))
    minutes, seconds = duration(view.started_at, view.finished_at)
    lines.append(Line("footer", texts("card.time", minutes=minutes, seconds=seconds,
                                      turns=card.turns)))
    if card.hints:
        lines.append(Line("footer", texts("card.hints", hints=card.hints, cost=card.hint_cost)))
    return lines + tip_lines(texts, view)
