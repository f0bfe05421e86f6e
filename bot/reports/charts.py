"""The report's pictures as PNG bytes (matplotlib, Agg canvas, no display, no pyplot state):
average score over time per team, the person × step heatmap of miss rates, and the pass rate per
scenario. Sized for a phone: ~1200 px wide, large type, Russian labels (DejaVu Sans, shipped with
matplotlib, has Cyrillic)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.dates import AutoDateLocator, DateFormatter, date2num
from matplotlib.figure import Figure

from bot.reports.figures import Report, Summary, TeamReport, bucket_days
from bot.reports.summary import period_label, person_name
from bot.texts import Texts

DPI = 150
WIDTH = 8.0  # inches: 1200 px at DPI
HEAT_PEOPLE = 25
HEAT_CHECKS = 12
FONT: Any = {"font.size": 12, "axes.titlesize": 14, "axes.labelsize": 12}
MISSES = LinearSegmentedColormap.from_list("misses", ["#2e7d32", "#fdd835", "#c62828"])


@dataclass(frozen=True, slots=True)
class Chart:
    """One picture: a file name, a caption for the messenger and the PNG bytes."""

    name: str
    caption: str
    png: bytes


def _figure(height: float) -> Figure:
    figure = Figure(figsize=(WIDTH, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _png(figure: Figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def _empty(figure: Figure, texts: Texts, title: str) -> bytes:
    ax = figure.add_subplot()
    ax.set_title(title)
    ax.text(0.5, 0.5, texts("chart.no_data"), ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()
    return _png(figure)


def score_trend(texts: Texts, report: Report, parts: Sequence[TeamReport]) -> bytes:
    """Average score of completed attempts per day / week / month, one line per team."""
    with matplotlib.rc_context(FONT):
        figure = _figure(5.0)
        title = texts("chart.trend.title")
        if not any(p.summary.series for p in parts):
            return _empty(figure, texts, title)
        ax = figure.add_subplot()
        for part in parts:
            series = part.summary.series
            if series:
                ax.plot(date2num([d for d, _, _ in series]), [s for _, s, _ in series], marker="o",
                        linewidth=2.5, markersize=6, label=part.team.name)
        ax.set_title(title)
        ax.set_ylim(0, 100)
        ax.set_ylabel(texts("chart.trend.y"))
        width = bucket_days(report.period, report.attempts)
        first = min(d for p in parts for d, _, _ in p.summary.series)
        start = report.period.since or first
        ax.set_xlim(date2num(start - timedelta(days=1)),
                    date2num(report.period.until + timedelta(days=1)))
        ax.set_xlabel(texts(f"chart.trend.x.{width}"))
        ax.xaxis.set_major_locator(AutoDateLocator(maxticks=8))
        ax.xaxis.set_major_formatter(DateFormatter("%d.%m" if width < 30 else "%m.%Y"))
        ax.grid(True, alpha=0.3)
        if len(parts) > 1:
            ax.legend(loc="lower right", fontsize=10)
        return _png(figure)


def miss_heatmap(texts: Texts, part: TeamReport) -> bytes:
    """People (rows) × step checks (columns), coloured by miss rate; the most-missing people and
    the most-missed steps when there are more than fit on a phone."""
    summary = part.summary
    title = texts("chart.heat.title", team=part.team.name)
    steps = [c for c in summary.checks if c.kind == "step" and c.graded]
    with matplotlib.rc_context(FONT):
        if not summary.heat or not steps:
            return _empty(_figure(4.0), texts, title)
        people = summary.heat[:HEAT_PEOPLE]
        columns = steps[:HEAT_CHECKS]
        figure = _figure(max(4.0, 1.6 + 0.38 * len(people)))
        ax = figure.add_subplot()
        values = [
            [_cell(row.cells.get(c.check)) for c in columns] for row in people
        ]
        image = ax.imshow(_masked(values), cmap=MISSES, vmin=0, vmax=100, aspect="auto")
        ax.set_xticks(range(len(columns)), [c.title for c in columns], rotation=40, ha="right",
                      fontsize=9)
        ax.set_yticks(range(len(people)), [_short(person_name(texts, r.member)) for r in people],
                      fontsize=9)
        for y, row in enumerate(values):
            for x, value in enumerate(row):
                if value is not None:
                    ax.text(x, y, f"{value:.0f}", ha="center", va="center", fontsize=8,
                            color="white" if value > 60 or value < 20 else "black")
        heading = title
        if len(summary.heat) > len(people) or len(steps) > len(columns):
            heading += "\n" + texts("chart.heat.more", shown=len(people), total=len(summary.heat),
                                    checks=len(columns), all_checks=len(steps))
        ax.set_title(heading, fontsize=12)
        figure.colorbar(image, ax=ax, label=texts("chart.heat.legend"), shrink=0.8)
        return _png(figure)


def _cell(value: tuple[int, int] | None) -> float | None:
    if value is None or not value[1]:
        return None
    return 100.0 * value[0] / value[1]


def _masked(values: list[list[float | None]]) -> np.ma.MaskedArray:
    data = np.array([[float("nan") if v is None else v for v in row] for row in values])
    return np.ma.masked_invalid(data)


def _short(text: str, limit: int = 22) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def scenario_pass_rates(texts: Texts, summary: Summary) -> bytes:
    """Horizontal bars: the pass rate of completed attempts per scenario, labelled with how
    many were completed."""
    title = texts("chart.pass.title")
    rows = [r for r in summary.scenarios if r.completed]
    with matplotlib.rc_context(FONT):
        if not rows:
            return _empty(_figure(4.0), texts, title)
        figure = _figure(max(3.5, 1.4 + 0.6 * len(rows)))
        ax = figure.add_subplot()
        rates = [100.0 * (r.pass_rate or 0.0) for r in rows]
        labels = [_short(r.title, 34) for r in rows]
        bars = ax.barh(labels, rates, color=["#2e7d32" if v >= 70 else "#f9a825" if v >= 40
                                             else "#c62828" for v in rates])
        ax.invert_yaxis()
        ax.set_xlim(0, 115)
        ax.set_xlabel(texts("chart.pass.x"))
        ax.set_title(title)
        for bar, row, rate in zip(bars, rows, rates, strict=True):
            ax.text(bar.get_width() + 1.5, bar.get_y() + bar.get_height() / 2,
                    texts("chart.pass.label", rate=round(rate), completed=row.completed),
                    va="center", fontsize=10)
        ax.grid(True, axis="x", alpha=0.3)
        return _png(figure)


def team_charts(texts: Texts, report: Report, team_id: int) -> list[Chart]:
    """The three pictures of one team of `report`, with captions (for the messenger)."""
    part = report.team(team_id)
    period = period_label(texts, report.period)
    return [
        Chart("trend.png", texts("chart.caption.trend", period=period),
              score_trend(texts, report, [part])),
        Chart("heatmap.png", texts("chart.caption.heat", team=part.team.name, period=period),
              miss_heatmap(texts, part)),
        Chart("scenarios.png", texts("chart.caption.pass", team=part.team.name, period=period),
              scenario_pass_rates(texts, part.summary)),
    ]


def report_charts(texts: Texts, report: Report) -> list[Chart]:
    """Every picture of `report`: the trend of all its teams, then per team the heatmap, then
    the pass rate per scenario over all teams (for the web page)."""
    period = period_label(texts, report.period)
    charts = [Chart("trend.png", texts("chart.caption.trend", period=period),
                    score_trend(texts, report, report.teams))]
    for part in report.teams:
        charts.append(Chart(f"heatmap-{part.team.id}.png",
                            texts("chart.caption.heat", team=part.team.name, period=period),
                            miss_heatmap(texts, part)))
    names = ", ".join(p.team.name for p in report.teams)
    charts.append(Chart("scenarios.png", texts("chart.caption.pass", team=names, period=period),
                        scenario_pass_rates(texts, report.overall)))
    return charts
