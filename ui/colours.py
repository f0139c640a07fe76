"""Every colour of the app: categorical colours and the fixed value scales.

Scales are fixed so that one colour always means one value, in figures and tables alike:
- gates f, i, o: sequential Cividis over [0, 1];
- C̃_t, h_t, tanh(C_t): diverging RdBu over [-1, 1];
- C_t (unbounded): diverging PuOr over [-C_RANGE, C_RANGE], centred on 0;
  values beyond are drawn at the end colour and labelled with their value.
Categorical colours are the Okabe-Ito palette, which colour-blind readers can
tell apart. Only colour data from ``plotly.colors`` is used here, no figure.
"""

from __future__ import annotations

from functools import lru_cache

import plotly.colors as pc

OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#999999",
    "black": "#000000",
}
PART_COLOR = {"h": OKABE_ITO["orange"], "x": OKABE_ITO["sky"]}
GATE_COLOR = {
    "f": OKABE_ITO["blue"],
    "i": OKABE_ITO["green"],
    "c": OKABE_ITO["purple"],
    "o": OKABE_ITO["vermillion"],
}
UNIT_NAMES = ("blue", "orange", "green", "vermillion", "purple", "sky", "black", "yellow")
UNIT_COLORS = [OKABE_ITO[c] for c in UNIT_NAMES]  # one per unit of a line chart
INK = "#222222"  # text on figures
HIGHLIGHT = OKABE_ITO["vermillion"]  # a boxed term; the box keeps it visible without colour

Scale = tuple[tuple[float, str], ...]


def _stops(name: str) -> Scale:
    """A named colour scale as explicit stops, the same in every figure and table.

    Figures built without validation (``fig_base.fast_figure``) would pass a bare name on
    to plotly.js, which has no PuOr and whose RdBu runs the other way round (blue low,
    red high) from ColorBrewer's RdBu that Plotly for Python uses.
    """
    return tuple((float(at), colour) for at, colour in pc.get_colorscale(name))


GATE_SCALE = _stops("Cividis")  # dark blue 0 → yellow 1
UNIT_SCALE = _stops("RdBu")  # red negative → white 0 → blue positive
CELL_SCALE = _stops("PuOr")  # orange negative → white 0 → purple positive
C_RANGE = 3.0


def scale_for(quantity: str) -> tuple[Scale, float, float]:
    """(colourscale, zmin, zmax) for a Step field name."""
    if quantity in ("f", "i", "o"):
        return GATE_SCALE, 0.0, 1.0
    if quantity in ("c_tilde", "h", "tanh_c", "input_term"):
        return UNIT_SCALE, -1.0, 1.0
    return CELL_SCALE, -C_RANGE, C_RANGE


def unit_color(r: int) -> str:
    return UNIT_COLORS[r % len(UNIT_COLORS)]


@lru_cache(maxsize=4096)
def colour_at(scale: Scale, t: float) -> tuple[str, str]:
    """(background, ink) for position t in [0, 1] of a scale: "rgb(r, g, b)", and black or
    white, whichever reads better on it."""
    rgb = pc.sample_colorscale([list(stop) for stop in scale], [min(max(t, 0.0), 1.0)])[0]
    r, g, b = (int(v) for v in rgb[4:-1].split(","))
    ink = "black" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "white"
    return str(rgb), ink
