"""A scenario's state machine as a diagram: Mermaid text, and a layered layout
(`layout`) that `bot.diagram` draws as a PNG with matplotlib (no Graphviz needed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from scenarios.engine import describe
from scenarios.model import Condition, Scenario

_OUTCOME_STYLE = {
    "resolved": "fill:#d4f7d4,stroke:#2e7d32",
    "hung_up": "fill:#fbd5d5,stroke:#c62828",
    "escalated": "fill:#fff1c2,stroke:#b7791f",
}


@dataclass(frozen=True)
class Arrow:
    """One transition of the machine: a rule (with its condition), the `else`, or the way to
    the patience state."""

    source: str
    dest: str
    kind: Literal["rule", "else", "patience"]
    when: Condition | None = None


def arrows(scenario: Scenario) -> list[Arrow]:
    """Every transition, in the order the engine tries them."""
    out: list[Arrow] = []
    lost = scenario.patience_state
    for sid, state in scenario.states.items():
        if state.final:
            continue
        out += [Arrow(sid, rule.to, "rule", rule.when) for rule in state.transitions]
        if state.else_ is not None:
            out.append(Arrow(sid, state.else_, "else"))
        if lost is not None:
            out.append(Arrow(sid, lost, "patience"))
    return out


def layout(scenario: Scenario) -> dict[str, tuple[int, int]]:
    """State → (column, row): columns by the fewest replies from the initial state along the
    scenario's own rules (patience aside); final states in one last column (resolved first);
    rows in the order the file lists the states."""
    depth = {scenario.initial_state: 0}
    todo = [scenario.initial_state]
    while todo:
        sid = todo.pop(0)
        state = scenario.states[sid]
        for nxt in state.targets():
            if nxt in scenario.states and nxt not in depth and not scenario.states[nxt].final:
                depth[nxt] = depth[sid] + 1
                todo.append(nxt)
    last = max(depth.values(), default=0) + 1
    rank = {"resolved": 0, "escalated": 1, "hung_up": 2}
    columns: dict[int, list[str]] = {}
    finals = sorted(
        (sid for sid, st in scenario.states.items() if st.final),
        key=lambda sid: (rank.get(scenario.states[sid].outcome or "", 3),
                         list(scenario.states).index(sid)),
    )
    for sid in scenario.states:
        if not scenario.states[sid].final:
            columns.setdefault(depth.get(sid, last - 1), []).append(sid)
    columns[last] = finals
    return {sid: (col, row) for col, sids in columns.items() for row, sid in enumerate(sids)}


def _edges(scenario: Scenario) -> list[tuple[str, str, str]]:
    """(source, destination, label) for every transition, in the order the engine tries them."""
    labels = {"else": "else", "patience": "patience lost"}
    return [
        (a.source, a.dest, describe(a.when) if a.when is not None else labels[a.kind])
        for a in arrows(scenario)
    ]


def _mermaid_label(text: str) -> str:
    # ':' and ';' end a Mermaid label; '#' starts an entity code.
    return text.replace(":", " ").replace(";", ",").replace("#", "")


def to_mermaid(scenario: Scenario) -> str:
    """Mermaid `stateDiagram-v2` text of the scenario (paste into any Mermaid viewer)."""
    lines = ["stateDiagram-v2", f"    %% {scenario.id} v{scenario.version}: {scenario.title}"]
    lines.append(f"    [*] --> {scenario.initial_state}")
    for src, dest, label in _edges(scenario):
        lines.append(f"    {src} --> {dest} : {_mermaid_label(label)}")
    for sid, state in scenario.states.items():
        if state.outcome is not None:
            lines.append(f"    {sid} --> [*]")
    for outcome, style in _OUTCOME_STYLE.items():
        members = [sid for sid, st in scenario.states.items() if st.outcome == outcome]
        if members:
            lines.append(f"    classDef {outcome} {style}")
            lines.append(f"    class {', '.join(members)} {outcome}")
    return "\n".join(lines) + "\n"
