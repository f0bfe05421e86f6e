"""Examples that fit: the standard's recommended wordings, and a state's own, filled from the run.

Pure templating (no I/O). The same example is used for «Например» after a reply, for «Как можно
было сказать» on the score card and for a hint when the state gives none.

**Placeholders** (`scoring.standard.TEMPLATE_FIELDS`): `{client_name}` (the scenario's client),
`{company}`, `{agent_name}` (the trainee's own name, as registered) and `{greeting}` (the greeting
right for the call's time: the standard's time-of-day check's recommended wording for that period,
«Доброе утро» at 10:30, «Добрый день» at 14:00; «Здравствуйте» when the time is not given; a
capital letter only at the start of a sentence).

**Which example a run shows** for check C in state S (docs/SCENARIOS.md «Examples»):
1. S's own example for C (`examples:` in the scenario file), when every placeholder is known;
2. else the standard's recommended entries for C, in order, that fit the situation: a `channels`
   tag holds the scenario's channel, a `kinds` tag the scenario's kind, a `periods` tag the period
   of the call's time (an untagged entry fits everywhere), and every placeholder is known;
3. else none — no example rather than one from another situation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from scoring import Standard
from scoring.grader import _minutes  # the grader's reading of "HH:MM", so both agree
from scoring.standard import Example, template_errors, template_fields

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_SENTENCE_END = re.compile(r"(^|[.!?…]\s*)$")
_TRAILING = ".!?,;: "


@dataclass(frozen=True, slots=True)
class Situation:
    """What an example must fit: where the conversation happens and the values to fill in."""

    channel: str = "phone"
    kind: str = ""
    time: str | None = None
    period: str | None = None
    values: Mapping[str, str] = field(default_factory=dict)


def day_period(standard: Standard, time: str | None) -> str | None:
    """The label of the standard's time-of-day period holding `time` («утро» for 10:30), or None.

    The periods of the first check that defines them; a period runs from its start up to (not
    including) its end, so 12:00 is «день» (the grader accepts either greeting at a boundary).
    """
    now = _minutes(time)
    if now is None:
        return None
    for spec in standard.checks.values():
        for period in spec.periods:
            low, high = _minutes(period.start), _minutes(period.end)
            if low is not None and high is not None and low <= now < high:
                return period.label
        if spec.periods:
            return None
    return None


def greeting(standard: Standard, period: str | None) -> str | None:
    """The greeting for a period: the time-of-day check's first recommended wording tagged with
    it (an untagged one without a period), without its final «!». None if the standard has none."""
    for spec in standard.checks.values():
        if not spec.periods:
            continue
        for example in spec.recommended:
            tagged = period in example.periods if period else not example.periods
            if tagged and not example.channels and not example.kinds:
                text = example.text.strip().rstrip(_TRAILING)
                if text and not template_fields(text):
                    return text
        return None
    return None


def situation(
    standard: Standard,
    *,
    channel: str,
    kind: str,
    time: str | None,
    company: str | None,
    client_name: str | None,
    agent_name: str | None,
) -> Situation:
    """The situation of a run, with every placeholder value the run knows."""
    period = day_period(standard, time)
    raw = {
        "client_name": client_name,
        "company": company,
        "agent_name": agent_name,
        "greeting": greeting(standard, period) or greeting(standard, None),
    }
    values = {k: v.strip() for k, v in raw.items() if v is not None and v.strip()}
    return Situation(channel=channel, kind=kind, time=time, period=period, values=values)


def fill(template: str, where: Situation) -> str | None:
    """The template with its placeholders filled, or None when one is unknown in this run
    (or the template is malformed). `{greeting}` is capitalised only where a sentence starts."""
    if template_errors(template):
        return None
    missing = [name for name in template_fields(template) if name not in where.values]
    if missing:
        return None

    def put(match: re.Match[str]) -> str:
        name = match.group(1)
        value = where.values[name]
        if name == "greeting":
            start = _SENTENCE_END.search(template[: match.start()]) is not None
            value = value[:1].upper() + value[1:] if start else value[:1].lower() + value[1:]
        return value

    return _PLACEHOLDER.sub(put, template)


def fits(example: Example, where: Situation) -> bool:
    """Whether an entry's tags allow this situation (an untagged entry fits every one)."""
    return (
        (not example.channels or where.channel in example.channels)
        and (not example.kinds or where.kind in example.kinds)
        and (not example.periods or where.period in example.periods)
    )


def examples(
    standard: Standard, check: str, where: Situation, own: Mapping[str, str] | None = None
) -> list[str]:
    """Every example of `check` that fits, best first: the state's own (`own[check]`), then the
    standard's fitting recommended wordings, filled. Empty when none fits."""
    out: list[str] = []
    candidates: list[str] = []
    if own and check in own:
        candidates.append(own[check])
    spec = standard.checks.get(check)
    if spec is not None:
        candidates += [e.text for e in spec.recommended if fits(e, where)]
    for template in candidates:
        text = fill(template, where)
        if text is not None and text not in out:
            out.append(text)
    return out


def example(
    standard: Standard, check: str, where: Situation, own: Mapping[str, str] | None = None
) -> str | None:
    """The one example shown for `check` (see `examples`), or None."""
    found = examples(standard, check, where, own)
    return found[0] if found else None


def hint(
    standard: Standard,
    steps: Sequence[str],
    where: Situation,
    *,
    own_hint: str | None = None,
    own: Mapping[str, str] | None = None,
) -> str | None:
    """A hint for a client line: the state's own hint filled (when it can be), else one fitting
    example per expected step, «Title: «example»» a line. None when there is nothing to say."""
    if own_hint:
        filled = fill(own_hint, where)
        if filled is not None:
            return filled
    lines = []
    for step in steps:
        found = example(standard, step, where, own)
        spec = standard.checks.get(step)
        if found is not None and spec is not None:
            lines.append(f"{spec.title}: «{found}»")
    return "\n".join(lines) or None
