"""Figures of slopes: σ and tanh with their derivatives, slopes as weights grow, where
σ rounds to 1, and products of many slopes."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lstm_core import ACTIVATIONS
from lstm_core.activations import rounds_to_one_z, sigmoid

from .colours import INK, OKABE_ITO, unit_color
from .fig_base import PLOT_FLOOR, axis, base, base_layout, cached_figure, fast_figure
from .fmt import fmt


# -- saturation page ---------------------------------------------------------------------
def activation_panels(marks: dict[str, np.ndarray] | None = None) -> go.Figure:
    """σ and tanh (solid) with their derivatives (dotted), side by side; the peaks of the
    derivatives (0.25 and 1) labelled. ``marks`` puts points at given z per activation
    (a z beyond ±8 at the edge)."""
    fig = _activation_panels()
    for axes, name in (("", "sigmoid"), ("2", "tanh")):
        z = np.asarray((marks or {}).get(name, ()), dtype=np.float64)
        if z.size:
            fig.add_scatter(
                x=np.clip(z, -8, 8),
                y=ACTIVATIONS[name].grad(z),
                mode="markers",
                marker=dict(size=12, color=OKABE_ITO["black"], symbol="x"),
                showlegend=False,
                xaxis=f"x{axes}",
                yaxis=f"y{axes}",
            )
    return fig


@cached_figure
def _activation_panels() -> go.Figure:
    fig = make_subplots(
        rows=1,
        cols=2,
        horizontal_spacing=0.15,
        subplot_titles=("σ(z) and σ′(z)", "tanh(z) and tanh′(z)"),
    )
    zz = np.linspace(-8, 8, 401)
    for col, name in ((1, "sigmoid"), (2, "tanh")):
        act = ACTIVATIONS[name]
        first = col == 1  # one legend for both panels
        fig.add_scatter(
            x=zz,
            y=act.fn(zz),
            name="the function",
            row=1,
            col=col,
            showlegend=first,
            line=dict(color=OKABE_ITO["blue"], width=3),
        )
        fig.add_scatter(
            x=zz,
            y=act.grad(zz),
            name="its slope (derivative)",
            row=1,
            col=col,
            showlegend=first,
            line=dict(color=OKABE_ITO["vermillion"], width=3, dash="dot"),
        )
        # labels in empty space, placed in data units so they move with the panel: σ's to the
        # right of its peak (under the curve), tanh's above its peak (the y axis leaves room)
        axis = "" if col == 1 else "2"
        fig.add_annotation(
            x=0,
            y=act.grad_max,
            text=f"peak {act.symbol}′(0) = {fmt(act.grad_max)}",
            row=1,
            col=col,
            axref=f"x{axis}",
            ayref=f"y{axis}",
            standoff=4,
            ax=1.2 if first else 0.0,
            ay=0.42 if first else 1.22,
            xanchor="left" if first else "center",
            yanchor="middle" if first else "bottom",
            font=dict(size=14, color=INK),
            arrowcolor=INK,
        )
        # a fixed range: autorange would stretch the axis to fit the annotation's text
        fig.update_xaxes(
            title_text="z", range=[-8.5, 8.5], tickvals=[-8, -4, 0, 4, 8], row=1, col=col
        )
    fig.update_yaxes(range=[-1.1, 1.5], tickvals=[-1, -0.5, 0, 0.5, 1], row=1, col=2)
    fig.update_yaxes(range=[-0.05, 1.1], row=1, col=1)
    fig.update_layout(legend=dict(orientation="h", y=-0.25))
    fig = base(fig, 340)
    fig.update_layout(margin=dict(t=40))
    return fig


def derivative_scale_figure(
    scales: np.ndarray, derivs: np.ndarray, current: float, symbol: str
) -> go.Figure:
    """The slope at each unit's z as the weights are scaled, on a log axis (plain dicts:
    it is redrawn on every move of the scale)."""
    data = [
        dict(
            type="scatter",
            x=scales,
            y=np.maximum(derivs[:, r], PLOT_FLOOR),
            name=f"unit {r}",
            line=dict(color=unit_color(r), width=3),
        )
        for r in range(derivs.shape[1])
    ]
    now = dict(x0=current, x1=current, xref="x", y0=0, y1=1, yref="y domain")
    note = dict(x=current, xref="x", y=1, yref="y domain", xanchor="left", yanchor="top")
    layout = base_layout(330) | dict(
        xaxis=axis("weight scale s (z = s·W·v + b)"),
        yaxis=axis(f"{symbol}′(z) at the unit", type="log", exponentformat="power"),
        legend=dict(orientation="h", y=1.12, font=dict(size=14)),
        shapes=[dict(type="line", line=dict(color="black", dash="dash"), **now)],
        annotations=[
            dict(
                text=f"s = {fmt(current, 3)}",
                showarrow=False,
                font=dict(size=14),
                bgcolor="white",
                **note,
            )
        ],
    )
    return fast_figure(data, layout)


@cached_figure
def rounding_figure() -> go.Figure:
    """σ(z) near 1 and, on a log axis, 1 − σ(z); where each precision stores σ as 1.0."""
    z = np.linspace(0.0, 45.0, 451)
    exact_gap = sigmoid(-z)  # 1 − σ(z) = σ(−z), without cancellation
    z_one = {"float32": rounds_to_one_z(np.float32), "float64": rounds_to_one_z(np.float64)}
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.1, row_heights=[0.4, 0.6]
    )
    fig.add_scatter(
        x=z,
        y=1.0 - exact_gap,
        name="σ(z)",
        line=dict(color=OKABE_ITO["blue"], width=3),
        row=1,
        col=1,
    )
    fig.add_scatter(
        x=z,
        y=exact_gap,
        name="1 − σ(z), exact",
        line=dict(color=OKABE_ITO["blue"], width=3),
        row=2,
        col=1,
        showlegend=False,
    )
    colors = {"float32": OKABE_ITO["vermillion"], "float64": OKABE_ITO["green"]}
    for dtype, z1 in z_one.items():
        gap = float(sigmoid(-z1))  # 1 − σ(z1), as the curve
        for row in (1, 2):
            fig.add_vline(
                x=z1, line=dict(color=colors[dtype], dash="dash", width=2), row=row, col=1
            )
        fig.add_scatter(
            x=[z1],
            y=[gap],
            mode="markers+text",
            row=2,
            col=1,
            showlegend=False,
            marker=dict(size=12, color=colors[dtype], symbol="diamond"),
            text=[f"{dtype}: σ = 1.0 from z ≈ {z1:.2f}  "],
            # the curve falls to the right: above it on the right, below on the left
            textposition="top right" if z1 < z[-1] / 2 else "bottom left",
            textfont=dict(size=14, color=colors[dtype]),
        )
    fig.update_yaxes(title_text="σ(z)", row=1, col=1)
    fig.update_yaxes(type="log", title_text="1 − σ(z)", exponentformat="power", row=2, col=1)
    fig.update_xaxes(title_text="z", row=2, col=1)
    fig.update_layout(showlegend=False)
    return base(fig, 380)


def chain_figure(k: np.ndarray, series: dict[str, np.ndarray]) -> go.Figure:
    """Products of k local slopes on a log axis, one line per named series (plain dicts:
    it is redrawn on every move of f)."""
    palette = [OKABE_ITO[c] for c in ("vermillion", "blue", "green", "purple", "orange")]
    dashes = ["dot", "solid", "dash", "dashdot", "longdash"]
    data = [
        dict(
            type="scatter",
            x=k,
            y=np.maximum(y, PLOT_FLOOR),
            name=name,
            mode="lines",
            line=dict(color=palette[j % 5], width=3, dash=dashes[j % 5]),
        )
        for j, (name, y) in enumerate(series.items())
    ]
    layout = base_layout(330) | dict(
        xaxis=axis("k (steps or layers)"),
        yaxis=axis("product", type="log", exponentformat="power", range=[-26, 0.3]),
        legend=dict(orientation="h", y=1.15, font=dict(size=14)),
    )
    return fast_figure(data, layout)
