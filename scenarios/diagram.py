"""A scenario's state machine as a diagram: Mermaid text (and Graphviz DOT for a PNG)."""

from __future__ import annotations

from scenarios.engine import describe
from scenarios.model import Scenario

_OUTCOME_STYLE = {
    "resolved": "fill:#d4f7d4,stroke:#2e7d32",
    "hung_up": "fill:#fbd5d5,stroke:#c62828",
    "escalated": "fill:#fff1c2,stroke:#b7791f",
}
_DOT_COLOUR = {"resolved": "#d4f7d4", "hung_up": "#fbd5d5", "escalated": "#fff1c2"}


def _edges(scenario: Scenario) -> list[tuple[str, str, str]]:
    """(source, destination, label) for every transition, in the order the engine tries them."""
    edges: list[tuple[str, str, str]] = []
    lost = scenario.patience_state
    for sid, state in scenario.states.items():
        if state.final:
            continue
        for rule in state.transitions:
            edges.append((sid, rule.to, describe(rule.when)))
        if state.else_ is not None:
            edges.append((sid, state.else_, "else"))
        if lost is not None:
            edges.append((sid, lost, "patience lost"))
    return edges


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


def _dot_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(scenario: Scenario) -> str:
    """Graphviz DOT text of the scenario (render with `dot -Tpng`)."""
    lines = [
        f"digraph {_dot_quote(scenario.id)} {{",
        "    rankdir=LR;",
        "    node [shape=box, style=rounded];",
    ]
    lines.append('    __start [shape=point, label=""];')
    lines.append(f"    __start -> {_dot_quote(scenario.initial_state)};")
    for sid, state in scenario.states.items():
        if state.outcome is not None:
            colour = _DOT_COLOUR[state.outcome]
            label = f"{sid}\\n({state.outcome})"
            lines.append(
                f'    {_dot_quote(sid)} [label="{label}", style="rounded,filled", '
                f'fillcolor="{colour}"];'
            )
    for src, dest, label in _edges(scenario):
        style = ", style=dashed" if label == "patience lost" else ""
        lines.append(
            f"    {_dot_quote(src)} -> {_dot_quote(dest)} [label={_dot_quote(label)}{style}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"
