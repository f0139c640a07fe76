"""Figures of a sequence through time: units × time heatmaps, lines per unit, the
trained read-out, gradient norms, and the cell-state Jacobian and path."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from lstm_core.sequences import LogSafe

from .colours import C_RANGE, CELL_SCALE, GATE_SCALE, OKABE_ITO, UNIT_SCALE, scale_for, unit_color
from .fig_base import PLOT_FLOOR, Plain, axis, base_layout, framed_figure, plain_figure
from .fmt import fmt


def trace_heatmaps(
    rows: Sequence[tuple[str, str, np.ndarray]],
    t_mark: int | None = None,
    highlight: int | None = None,
) -> Plain:
    """Stacked units × time heatmaps sharing one time axis, each on its quantity's fixed
    scale (``scale_for``). ``rows``: (Step field, title, values (T, n)). A black line marks
    ``t_mark``; ``highlight`` outlines one unit in every row.

    Built from plain dicts (as ``make_subplots`` would lay it out): at T = 64 and n = 8,
    Plotly's validated calls cost most of a Sequence rerun.
    """
    k = len(rows)
    T, n = np.asarray(rows[0][2]).shape
    row_px, gap_px, top_px, bottom_px = max(60, 24 * n), 34, 30, 60
    plot_px = k * row_px + (k - 1) * gap_px
    gap = gap_px / plot_px
    row_h = (1 - (k - 1) * gap) / k
    ticks = {GATE_SCALE: [0, 0.5, 1], UNIT_SCALE: [-1, 0, 1], CELL_SCALE: [-C_RANGE, 0, C_RANGE]}
    units = [f"<b>u{u} ★</b>" if u == highlight else f"u{u}" for u in range(n)]
    layout: dict[str, Any] = base_layout(plot_px + top_px + bottom_px)
    layout["margin"].update(t=top_px, b=bottom_px)
    data, notes, shapes = [], [], []
    for r, (field, title, values) in enumerate(rows):
        x, y = f"x{r + 1 if r else ''}", f"y{r + 1 if r else ''}"
        top = 1 - r * (row_h + gap)
        domain = [max(top - row_h, 0.0), top]
        colorscale, lo, hi = scale_for(field)
        data.append(
            dict(
                type="heatmap",
                z=np.asarray(values, dtype=float).T,  # (n, T)
                x=np.arange(T),
                y=units,
                zmin=lo,
                zmax=hi,
                colorscale=colorscale,
                xgap=1,
                ygap=1,
                hovertemplate="t=%{x}, %{y}: %{z:.4g}<extra></extra>",
                colorbar=dict(
                    thickness=12,
                    len=row_h,
                    y=top - row_h / 2,
                    yanchor="middle",
                    tickvals=ticks[colorscale],
                    tickfont=dict(size=14),
                ),
                xaxis=x,
                yaxis=y,
            )
        )
        last = r == k - 1
        shared = {} if last else {"matches": f"x{k if k > 1 else ''}", "showticklabels": False}
        layout[f"xaxis{r + 1 if r else ''}"] = axis(
            "t" if last else None, anchor=y, domain=[0.0, 1.0], **shared
        )
        layout[f"yaxis{r + 1 if r else ''}"] = axis(anchor=x, domain=domain)
        notes.append(
            dict(
                text=title,
                font=dict(size=15, color="#222222"),
                showarrow=False,
                x=0,
                xanchor="left",
                xref="paper",
                y=top,
                yanchor="bottom",
                yref="paper",
            )
        )
        if highlight is not None:
            shapes.append(
                dict(
                    type="rect",
                    line=dict(color="black", width=3),
                    x0=-0.5,
                    x1=T - 0.5,
                    xref=x,
                    y0=highlight - 0.5,
                    y1=highlight + 0.5,
                    yref=y,
                )
            )
    if t_mark is not None:  # black on white, visible on light and dark cells alike
        shapes += [
            dict(
                type="line",
                line=dict(color=color, width=width),
                x0=t_mark,
                x1=t_mark,
                xref=f"x{r + 1 if r else ''}",
                y0=0,
                y1=1,
                yref=f"y{r + 1 if r else ''} domain",
            )
            for color, width in (("white", 7), ("black", 3))
            for r in range(k)
        ]
    layout.update(annotations=notes, shapes=shapes)
    return plain_figure(data, layout)


def unit_lines(
    values: np.ndarray,
    title: str,
    y_title: str,
    t_mark: int | None = None,
    highlight: int | None = None,
    y_range: tuple[float, float] | None = None,
) -> Plain:
    """One line per unit over t (values (T, n)); ``highlight`` draws one unit thicker."""
    a = np.asarray(values, dtype=float)
    t = np.arange(a.shape[0])
    data = [
        dict(
            type="scatter",
            x=t,
            y=a[:, r],
            name=f"unit {r}" + (" (memory)" if r == highlight else ""),
            mode="lines+markers",
            line=dict(color=unit_color(r), width=4 if r == highlight else 2),
            marker=dict(size=5),
            opacity=1.0 if highlight is None or r == highlight else 0.45,
        )
        for r in range(a.shape[1])
    ]
    layout = base_layout(300, title)
    layout["legend"].update(orientation="h", y=-0.28, x=0)
    layout["xaxis"] = axis("t")
    layout["yaxis"] = axis(
        y_title,
        zeroline=True,
        zerolinecolor="#BBBBBB",
        **({"range": list(y_range)} if y_range else {}),
    )
    if t_mark is not None:
        layout["shapes"] = [
            dict(
                type="line",
                line=dict(color="black", width=2, dash="dot"),
                x0=t_mark,
                x1=t_mark,
                xref="x",
                y0=0,
                y1=1,
                yref="y domain",
            )
        ]
    return plain_figure(data, layout)


def readout_figure(prob: np.ndarray, target: float | None, t_mark: int | None = None) -> Plain:
    """ŷ_t = σ(w·h_t + b) over t; the last point is the model's answer (plain dicts: it is
    redrawn at every step of the timeline)."""
    p = np.asarray(prob, dtype=float)
    t = np.arange(len(p))
    data: list[dict[str, Any]] = [
        dict(
            type="scatter",
            x=t,
            y=p,
            mode="lines+markers",
            name="ŷ_t if the sequence ended at t",
            line=dict(color=OKABE_ITO["blue"], width=3),
        ),
        dict(
            type="scatter",
            x=[t[-1]],
            y=[p[-1]],
            mode="markers+text",
            name="the answer ŷ",
            marker=dict(size=14, color=OKABE_ITO["vermillion"], symbol="diamond"),
            text=[f"ŷ = {p[-1]:.3f}"],
            textposition="bottom left" if p[-1] > 0.5 else "top left",
            textfont=dict(size=15),
        ),
    ]
    across = dict(x0=0, x1=1, xref="x domain", yref="y")
    shapes = [
        dict(type="rect", y0=0.5, y1=1.0, fillcolor=OKABE_ITO["sky"], opacity=0.12,
             line=dict(width=0), **across),
    ]  # fmt: skip
    layout: dict[str, Any] = dict(
        shapes=shapes,
        yaxis=dict(title=dict(text="P(first value > 0)"), range=[-0.05, 1.05]),
        xaxis=dict(title=dict(text="t")),
        legend=dict(orientation="h", y=-0.28, x=0),
    )
    if target is not None:
        line = dict(color=OKABE_ITO["green"], dash="dash", width=2)
        shapes.append(dict(type="line", y0=target, y1=target, line=line, **across))
        layout["annotations"] = [
            dict(text=f"target {target:g}", font=dict(size=14), showarrow=False, x=0,
                 xanchor="left", xref="x domain", y=target, yanchor="bottom", yref="y")
        ]  # fmt: skip
    if t_mark is not None:
        shapes.append(_vline(t_mark, dict(color="black", width=2, dash="dot")))
    return framed_figure(data, layout, 300, "The read-out’s answer, step by step")


def _vline(x: float, line: dict[str, Any]) -> dict[str, Any]:
    """A vertical line across the plot at ``x``, as ``add_vline`` draws it."""
    return dict(type="line", x0=x, x1=x, xref="x", y0=0, y1=1, yref="y domain", line=line)


MIN_DECADES = 4  # a log axis always spans at least 10^4, so a nearly flat line looks flat


def log_range(values: Sequence[np.ndarray], min_decades: int = MIN_DECADES) -> list[float]:
    """A log axis range (in powers of ten) on whole decades around the values, at least
    ``min_decades`` wide: Plotly's own fit stretches 0.5–0.9 over the whole height."""
    a = np.concatenate([np.ravel(v) for v in values])
    lo, hi = np.floor(np.log10(a.min())), np.ceil(np.log10(a.max()))
    hi = max(hi, lo + 1)
    return [float(min(lo, hi - min_decades)), float(hi)]


def gradient_figure(
    series: Sequence[tuple[str, LogSafe, str, str]], title: str, t_mark: int | None = None
) -> go.Figure:
    """``gradient_plain`` as a ``go.Figure``."""
    return gradient_plain(series, title, t_mark).figure()


def gradient_plain(
    series: Sequence[tuple[str, LogSafe, str, str]], title: str, t_mark: int | None = None
) -> Plain:
    """Gradient norms over t on a log axis. ``series``: (name, LogSafe, colour, dash).

    Values below the floor (including exact zeros) are drawn at the floor as open
    triangles, with one legend entry saying so; nothing is NaN or infinite. Plain dicts:
    it is redrawn on every move of the page's sliders.
    """
    data: list[dict[str, Any]] = []
    marked: set[str] = set()  # each legend entry once
    for name, safe, color, dash in series:
        y, floor, ceil = safe.y, safe.floor, safe.ceil
        t = np.arange(len(y))
        line = dict(color=color, width=3, dash=dash)
        data.append(dict(type="scatter", x=t, y=y, name=name, mode="lines", line=line))
        for mask, label, symbol in (
            (safe.below, f"below {floor:.0e} (drawn at {floor:.0e})", "triangle-down-open"),
            (safe.above, f"above {ceil:.0e}", "triangle-up-open"),
        ):
            if mask.any():
                data.append(
                    dict(type="scatter", x=t[mask], y=y[mask], mode="markers",
                         showlegend=label not in marked, name=label,
                         marker=dict(symbol=symbol, size=10, color=color))
                )  # fmt: skip
                marked.add(label)
    y_range = log_range([safe.y for _, safe, _, _ in series])
    decades = y_range[1] - y_range[0]
    y_title = "norm (log scale, ×10 per gridline)" if decades <= 12 else "norm (log scale)"
    layout = dict(
        yaxis=dict(
            title=dict(text=y_title),
            type="log",
            range=y_range,
            exponentformat="power",
            **({"dtick": 1} if decades <= 12 else {}),
        ),
        xaxis=dict(title=dict(text="t (the loss is at the last step)")),
        legend=dict(orientation="h", y=-0.25, x=0),
    )
    if t_mark is not None:
        layout["shapes"] = [_vline(t_mark, dict(color="black", width=1, dash="dot"))]
    return framed_figure(data, layout, 400, title)


JACOBIAN_GAP = 0.12  # between the two matrices, a fraction of the width


def jacobian_figure(direct: np.ndarray, total: np.ndarray, t: int) -> Plain:
    """diag(f_t) beside the total ∂C_t/∂C_{t-1}, same colour scale, values written in
    (plain dicts, laid out as ``make_subplots(1, 2)`` would: it is redrawn on every move)."""
    n = direct.shape[0]
    lim = max(1.0, float(np.max(np.abs(total))))
    width = (1 - JACOBIAN_GAP) / 2
    domains = ([0.0, width], [1 - width, 1.0])
    titles = (
        f"direct path: diag(f<sub>t</sub>), t = {t}",
        f"total ∂C<sub>t</sub>/∂C<sub>t−1</sub>, t = {t}",
    )
    labels_r = [str(r) for r in range(n)][::-1]
    labels_c = [str(k) for k in range(n)]
    data, notes = [], []
    layout: dict[str, Any] = {}
    for col, (M, domain, title) in enumerate(zip((direct, total), domains, titles, strict=True)):
        x, y = ("x", "y") if col == 0 else ("x2", "y2")
        data.append(
            dict(
                type="heatmap",
                z=M[::-1],
                x=labels_c,
                y=labels_r,
                zmin=-lim,
                zmax=lim,
                colorscale=UNIT_SCALE,
                text=[[fmt(v, 3 if n <= 4 else 2) for v in row] for row in M[::-1]],
                texttemplate="%{text}",
                textfont=dict(size=14 if n <= 4 else 12),
                xgap=2,
                ygap=2,
                showscale=col == 1,
                colorbar=dict(thickness=10),
                xaxis=x,
                yaxis=y,
            )
        )
        layout[x.replace("x", "xaxis")] = dict(
            anchor=y, domain=domain, title=dict(text="unit of C<sub>t−1</sub>"), type="category"
        )
        layout[y.replace("y", "yaxis")] = dict(anchor=x, domain=[0.0, 1.0], type="category")
        notes.append(
            dict(text=title, font=dict(size=15), showarrow=False, x=sum(domain) / 2,
                 xanchor="center", xref="paper", y=1.0, yanchor="bottom", yref="paper")
        )  # fmt: skip
    layout["yaxis"]["title"] = dict(text="unit of C<sub>t</sub>")
    layout["yaxis2"]["showticklabels"] = False
    layout["annotations"] = notes
    fig = framed_figure(data, layout, 190 + 46 * n)
    fig.layout["margin"]["t"] = 45  # room for the subplot titles
    return fig


def cell_path_figure(
    k: np.ndarray, direct: np.ndarray, total: np.ndarray, bound: np.ndarray
) -> Plain:
    """Gradient factor k steps back: direct path ∏f per unit, all paths, and 0.25^k (plain
    dicts: it is redrawn on every move of the number of steps)."""
    n = direct.shape[1]
    # units get a colour, a dash and a marker each; widths shrink so equal lines stay visible
    dashes = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
    symbols = ("circle", "square", "diamond", "triangle-up", "cross", "star", "x", "pentagon")
    data = [
        dict(
            type="scatter",
            x=k,
            y=np.maximum(direct[:, r], PLOT_FLOOR),
            name=f"∏f, unit {r}",
            mode="lines+markers",
            line=dict(
                color=unit_color(r), width=max(2.0, 8.0 - 2.5 * r), dash=dashes[r % len(dashes)]
            ),
            marker=dict(
                symbol=symbols[r % len(symbols)], size=max(6.0, 14.0 - 3.0 * r), color=unit_color(r)
            ),
        )
        for r in range(n)
    ]
    data += [
        dict(type="scatter", x=k, y=np.maximum(total, PLOT_FLOOR),
             name="all paths (largest entry)", mode="lines",
             line=dict(color="black", width=2, dash="dash")),
        dict(type="scatter", x=k, y=bound, name="0.25<sup>k</sup> (k sigmoid slopes)",
             mode="lines", line=dict(color=OKABE_ITO["vermillion"], width=3, dash="dot")),
    ]  # fmt: skip
    layout = dict(
        yaxis=dict(type="log", title=dict(text="factor on the gradient"), exponentformat="power"),
        xaxis=dict(title=dict(text="steps back")),
        # the legend goes below the plot, clear of the lines at 1
        legend=dict(
            orientation="h", x=0, y=-0.3, yanchor="top", entrywidth=0.5, entrywidthmode="fraction"
        ),
    )
    return framed_figure(data, layout, 380 + 24 * ((n + 2 + 1) // 2))
