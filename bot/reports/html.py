"""The report as one self-contained web page: the key figures per team with their change, the
checks missed most, who has not trained, the charts (PNG as `data:` URIs) and the same tables as
the workbook (`bot.reports.tables`). No scripts, no external URLs: it opens offline, from a
messenger's file viewer too. Every value is HTML-escaped; rows are written as they come."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from html import escape

from bot.reports.charts import Chart
from bot.reports.figures import KeyFigures, Report
from bot.reports.summary import (
    delta,
    duration,
    number,
    percent,
    period_label,
    person_name,
)
from bot.reports.tables import Column, Table, Value, all_tables
from bot.storage.reports import TurnFact
from bot.texts import Texts

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;
padding:16px;color:#1c2833;background:#fafafa;line-height:1.4}
h1{font-size:1.5em;margin:0 0 4px}h2{margin:28px 0 8px;font-size:1.25em}
h3{margin:16px 0 6px;font-size:1.05em}.meta{color:#566573;margin:2px 0}
.scroll{overflow-x:auto;max-width:100%;border:1px solid #d5d8dc;background:#fff}
table{border-collapse:collapse;font-size:.9em;min-width:100%}
th,td{border:1px solid #e5e8e8;padding:4px 8px;vertical-align:top;text-align:left}
th{background:#37474f;color:#fff;position:sticky;top:0}
td.n{text-align:right;white-space:nowrap}tr:nth-child(even) td{background:#f4f6f6}
td.long{min-width:18em;max-width:40em;white-space:pre-wrap}
.up{color:#1e8449}.down{color:#b03a2e}figure{margin:12px 0;background:#fff;padding:8px;
border:1px solid #d5d8dc}figure img{max-width:100%;height:auto;display:block}
figcaption{color:#566573;margin-top:4px}.phrase{color:#566573;font-style:italic}
"""
NUMERIC = {"int", "score", "percent", "minutes", "seconds"}
SHOWN: tuple[tuple[str, str], ...] = (
    ("people_active", "count"), ("people_total", "count"), ("attempts", "count"),
    ("completed", "count"), ("abandoned", "count"), ("in_progress", "count"),
    ("passed", "count"), ("pass_rate", "rate"), ("avg_score", "count"), ("lift", "count"),
    ("median_seconds", "seconds"), ("hints", "count"),
)
"""The key figures in the page's table, and how their change is shown."""


def page(
    texts: Texts, report: Report, turns: Iterable[TurnFact], charts: Sequence[Chart],
    *, generated: datetime | None = None,
) -> str:
    """The page of `report` (with the stored `turns` of its attempts and its `charts`)."""
    out = io.StringIO()
    names = ", ".join(p.team.name for p in report.teams)
    title = texts("html.title", teams=names)
    when = (generated or datetime.now(UTC)).astimezone(report.period.tz)
    out.write(f'<!DOCTYPE html>\n<html lang="ru"><head><meta charset="utf-8">'
              f'<meta name="viewport" content="width=device-width, initial-scale=1">'
              f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>\n")
    out.write(f"<h1>{escape(title)}</h1>\n")
    for meta in (texts("html.period", period=period_label(texts, report.period)),
                 texts("html.generated", when=when.strftime("%d.%m.%Y %H:%M"))):
        out.write(f'<p class="meta">{escape(meta)}</p>\n')
    for part in report.teams:
        _team(out, texts, report, part.team.id)
    out.write(f'<h2>{escape(texts("html.charts"))}</h2>\n')
    for chart in charts:
        data = base64.b64encode(chart.png).decode("ascii")
        caption = escape(chart.caption, quote=True)
        out.write(f'<figure><img src="data:image/png;base64,{data}" alt="{caption}">'
                  f"<figcaption>{caption}</figcaption></figure>\n")
    for table in all_tables(texts, report, turns):
        if table.key != "figures":
            _table(out, table)
    out.write("</body></html>\n")
    return out.getvalue()


def _team(out: io.StringIO, texts: Texts, report: Report, team_id: int) -> None:
    part = report.team(team_id)
    summary, before = part.summary, part.summary.previous
    out.write(f'<section class="team"><h2>{escape(part.team.name)}</h2>\n')
    out.write(f'<h3>{escape(texts("html.figures"))}</h3><div class="scroll"><table class="figures">'
              "<thead><tr>" + "".join(f"<th>{escape(texts(f'col.{c}'))}</th>" for c in
                                      ("figure", "value", "previous", "change"))
              + "</tr></thead><tbody>\n")
    for name, kind in SHOWN:
        now = _shown(texts, summary.figures, name)
        was = "" if before is None else _shown(texts, before, name)
        change = delta(texts, getattr(summary.figures, name),
                       getattr(before, name) if before else None, kind).strip(" ()")
        css = "up" if "▲" in change else "down" if "▼" in change else ""
        out.write(f'<tr data-figure="{name}"><td>{escape(texts(f"fig.{name}"))}</td>'
                  f'<td class="n">{escape(now)}</td><td class="n">{escape(was)}</td>'
                  f'<td class="n {css}">{escape(change)}</td></tr>\n')
    out.write("</tbody></table></div>\n")
    top = summary.top_checks(5)
    if top:
        out.write(f'<h3>{escape(texts("html.top_checks"))}</h3><ol class="top-checks">\n')
        for row in top:
            phrase = (f'<br><span class="phrase">{escape(row.recommended)}</span>'
                      if row.recommended else "")
            out.write(f'<li data-check="{escape(row.check, quote=True)}">{escape(row.title)} — '
                      f"{row.missed} / {row.graded} ({escape(percent(row.rate, texts))}){phrase}"
                      "</li>\n")
        out.write("</ol>\n")
    out.write(f'<h3>{escape(texts("html.not_trained"))} ({len(summary.not_trained)})</h3>'
              '<p class="not-trained">'
              f'{escape(", ".join(person_name(texts, m) for m in summary.not_trained) or "—")}'
              "</p></section>\n")


def _shown(texts: Texts, figures: KeyFigures, name: str) -> str:
    value = getattr(figures, name)
    if name == "pass_rate":
        return percent(value, texts)
    if name == "median_seconds":
        return duration(value, texts)
    return number(value, texts) if isinstance(value, float) or value is None else str(value)


def _table(out: io.StringIO, table: Table) -> None:
    out.write(f'<h2>{escape(table.title)}</h2><div class="scroll"><table id="{table.key}">'
              "<thead><tr>")
    for column in table.columns:
        out.write(f"<th>{escape(column.header)}</th>")
    out.write("</tr></thead><tbody>\n")
    for row in table.rows:
        out.write("<tr>")
        for column, value in zip(table.columns, row, strict=True):
            css = ' class="n"' if column.kind in NUMERIC else (
                ' class="long"' if column.kind == "long" else "")
            out.write(f"<td{css}>{escape(_text(column, value))}</td>")
        out.write("</tr>\n")
    out.write("</tbody></table></div>\n")


def _text(column: Column, value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if column.kind == "percent" and isinstance(value, int | float):
        return f"{round(100 * value)}%"
    if isinstance(value, float):
        digits = 2 if column.kind in ("minutes", "seconds") else 1
        return f"{value:.{digits}f}".replace(".", ",")
    return str(value)
