"""A scenario's state machine as a PNG, drawn with matplotlib (no Graphviz, no manual step).

Why matplotlib and not Graphviz: matplotlib is already a dependency (HR charts), is pure pip, and
`make test` / `make run` then need nothing from the system's package manager. The layout is the
layered one of `scenarios.diagram.layout` (columns by distance from the start, final states on
the right); rule arrows are labelled with their conditions in Russian, `else` arrows dotted, the
way to the patience state left out of the labels (a note says where patience leads).

With `failure` (state → share of failed replies) each state is coloured from green (0 %) to red
(100 %) and shows its rate: the picture of `roleplay stats` and the trainer's statistics.
Rendering runs on the Agg canvas of a fresh `Figure` (no pyplot state), so it is thread-safe and
can run in a worker thread.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

from bot.texts import Texts
from scenarios import Condition, Scenario
from scenarios.diagram import arrows, layout

_OUTCOME_COLOUR = {"resolved": "#d4f7d4", "hung_up": "#fbd5d5", "escalated": "#fff1c2"}
_NODE_W, _NODE_H = 1.7, 0.62
_COL_GAP, _ROW_GAP = 3.0, 1.25


def describe(texts: Texts, when: Condition) -> str:
    """A rule's condition in plain Russian (as short as a diagram label needs)."""
    parts: list[str] = []
    if when.score_at_least is not None:
        parts.append(texts("diagram.score_at_least", n=when.score_at_least))
    if when.score_below is not None:
        parts.append(texts("diagram.score_below", n=when.score_below))
    if when.passed:
        parts.append(texts("diagram.passed", checks=", ".join(when.passed)))
    if when.missed:
        parts.append(texts("diagram.missed", checks=", ".join(when.missed)))
    if when.violations:
        parts.append(texts("diagram.violations", checks=", ".join(when.violations)))
    if when.any_violation is not None:
        parts.append(texts("diagram.any_violation" if when.any_violation
                           else "diagram.no_violation"))
    if when.tries_at_least is not None:
        parts.append(texts("diagram.tries", n=when.tries_at_least))
    return ", ".join(parts)


def _wrap(text: str, width: int = 26) -> str:
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + len(word) < width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


def _anchors(
    a: tuple[float, float], b: tuple[float, float]
) -> tuple[tuple[float, float], tuple[float, float], float]:
    """Where an arrow between two boxes starts and ends (on their borders), and its bend."""
    (x1, y1), (x2, y2) = a, b
    if x2 > x1:  # forward: right side to left side
        return (x1 + _NODE_W / 2, y1), (x2 - _NODE_W / 2, y2), 0.05
    if x2 < x1:  # backward: over the top, bent
        return (x1 - _NODE_W / 4, y1 + _NODE_H / 2), (x2 + _NODE_W / 4, y2 + _NODE_H / 2), 0.3
    down = y2 < y1  # the same column: bottom to top (or back up), bent aside
    return ((x1 + _NODE_W / 4, y1 - _NODE_H / 2) if down else (x1 - _NODE_W / 4, y1 + _NODE_H / 2),
            (x2 + _NODE_W / 4, y2 + _NODE_H / 2) if down else (x2 - _NODE_W / 4, y2 - _NODE_H / 2),
            0.25)


def render_png(
    scenario: Scenario, texts: Texts, failure: Mapping[str, float] | None = None
) -> bytes:
    """The state machine of `scenario` as PNG bytes (coloured by `failure` when given)."""
    from matplotlib import colormaps
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    places = layout(scenario)
    cols = max(c for c, _ in places.values()) + 1
    rows = max(r for _, r in places.values()) + 1
    centre = {sid: (c * _COL_GAP, -r * _ROW_GAP) for sid, (c, r) in places.items()}
    fig = Figure(figsize=(max(6.0, cols * 2.9), max(3.5, rows * 1.35 + 1.3)), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.88))
    ax.set_xlim(-_NODE_W, (cols - 1) * _COL_GAP + _NODE_W)
    ax.set_ylim(-(rows - 1) * _ROW_GAP - _NODE_H * 1.4, _NODE_H * 1.6)
    ax.axis("off")
    cmap = colormaps["RdYlGn_r"]
    title = texts("diagram.title", title=scenario.title, version=scenario.version)
    if failure is not None:
        title += "\n" + texts("diagram.failure_legend")
    fig.suptitle(title, fontsize=10)

    lost = scenario.patience_state
    for arrow in arrows(scenario):
        if arrow.kind == "patience":
            continue
        (x1, y1), (x2, y2) = centre[arrow.source], centre[arrow.dest]
        label = describe(texts, arrow.when) if arrow.when is not None else texts("diagram.else")
        dotted = ":" if arrow.kind == "else" else "-"
        if arrow.source == arrow.dest:
            patch = FancyArrowPatch((x1 - 0.35, y1 + _NODE_H / 2), (x1 + 0.35, y1 + _NODE_H / 2),
                                    connectionstyle="arc3,rad=-1.6", arrowstyle="-|>",
                                    mutation_scale=11, color="#555555", lw=0.9, linestyle=dotted)
            ax.add_patch(patch)
            ax.text(x1, y1 + _NODE_H / 2 + 0.42, _wrap(label), ha="center", va="bottom",
                    fontsize=5.5, color="#333333")
            continue
        start, end, rad = _anchors((x1, y1), (x2, y2))
        patch = FancyArrowPatch(start, end, connectionstyle=f"arc3,rad={rad}", arrowstyle="-|>",
                                mutation_scale=11, color="#555555", lw=0.9, linestyle=dotted)
        ax.add_patch(patch)
        mx = start[0] + (end[0] - start[0]) * 0.45
        my = start[1] + (end[1] - start[1]) * 0.45 + (0.25 if rad > 0.2 else 0.0)
        ax.text(mx, my, _wrap(label), ha="center", va="center", fontsize=5.5, color="#333333",
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85))

    for sid, (x, y) in centre.items():
        state = scenario.states[sid]
        rate = failure.get(sid) if failure is not None else None
        colour: str | tuple[float, float, float, float]
        if state.outcome is not None:
            colour = _OUTCOME_COLOUR[state.outcome]
        elif rate is not None:
            colour = cmap(0.1 + 0.8 * rate)
        else:
            colour = "#ffffff" if failure is None else "#eeeeee"
        box = FancyBboxPatch((x - _NODE_W / 2, y - _NODE_H / 2), _NODE_W, _NODE_H,
                             boxstyle="round,pad=0.04,rounding_size=0.12", fc=colour,
                             ec="#1f3b57" if sid == scenario.initial_state else "#555555",
                             lw=1.8 if sid == scenario.initial_state else 1.0)
        ax.add_patch(box)
        lines = [sid]
        if state.outcome is not None:
            lines.append(texts(f"diagram.outcome.{state.outcome}"))
        elif rate is not None:
            lines.append(texts("diagram.rate", rate=round(rate * 100)))
        ax.text(x, y, "\n".join(lines), ha="center", va="center", fontsize=7.5)
    if lost is not None:
        ax.text(-_NODE_W / 2, -(rows - 1) * _ROW_GAP - _NODE_H * 1.15,
                texts("diagram.patience", state=lost, patience=scenario.patience),
                fontsize=6.5, color="#555555", ha="left")
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()
