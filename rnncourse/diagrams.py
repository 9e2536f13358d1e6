"""The book's diagrams: recurrent cells and networks drawn with matplotlib into SVG files.

    python -m rnncourse.diagrams [FOLDER]     write every diagram (default: book/figures/)

Every diagram is drawn in one style, on a canvas measured in inches, so that a label has the
same size in every figure: ``FONT_PT`` points, which is 16 px (the book's body text) when the
SVG is shown at its natural size, and no figure is wider than ``MAX_WIDTH_IN``, so that the
book's column (about 770 px at a 1280 px window) never shrinks it. Symbols follow
``book/notation.md``:

* a circle is a vector: inputs $x_t$ (blue), hidden states $h_t$ (red), outputs $y_t$ (green),
  losses $L_t$ (grey), decoder states $s_t$ (orange);
* an arrow's colour names its weight: $W_{xh}$ blue, $W_{hh}$ red, $W_{hy}$ green; dashed
  orange arrows are gradients flowing backwards;
* in the gated cells a rounded box is a layer (a weight matrix and its non-linearity) and a
  small circle a point-wise operation ($\\times$, $+$, $1-$).

The SVG files are reproducible byte for byte (fixed ``svg.hashsalt``, no date), so the test
suite can redraw them and check that the committed files are up to date.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

FONT_PT = 16            # every label; 12 pt is 16 px on screen at the SVG's natural size
MAX_WIDTH_IN = 7.6      # 730 px: narrower than the book's column at a 1280 px window
NODE_R = 0.3            # radius of a vector's circle, inches
OP_R = 0.16             # radius of a point-wise operation's circle, inches
FIGURES = Path(__file__).resolve().parent.parent / "book" / "figures"

FILL = {"x": "#dbe9f6", "h": "#fde0dd", "y": "#e5f5e0", "L": "#f2f2f2", "s": "#fdebd0",
        "h0": "#f2f2f2", "layer": "#fff7d6", "cell": "#f7f7f7"}
COLOUR = {"W_xh": "tab:blue", "W_hh": "tab:red", "W_hy": "tab:green", "loss": "0.35",
          "grad": "tab:orange", "wire": "0.15", "cell": "black", "attention": "tab:purple",
          "backward": "tab:purple"}
RC = {"svg.hashsalt": "rnncourse", "svg.fonttype": "path", "mathtext.fontset": "cm",
      "font.size": FONT_PT, "lines.solid_capstyle": "round"}


class Canvas:
    """A figure whose data coordinates are inches from its lower-left corner."""

    def __init__(self, width: float, height: float):
        if width > MAX_WIDTH_IN:
            raise ValueError(f"a diagram is at most {MAX_WIDTH_IN} in wide, not {width}")
        self.figure = Figure(figsize=(width, height))
        self.ax = self.figure.add_axes((0, 0, 1, 1))
        self.ax.set_xlim(0, width)
        self.ax.set_ylim(0, height)
        self.ax.set_aspect("equal")
        self.ax.axis("off")

    def text(self, x, y, s, colour="black", ha="center", va="center", size=FONT_PT, box=False, **kw):
        bbox = dict(facecolor="white", edgecolor="none", pad=1.0) if box else None
        return self.ax.text(x, y, s, color=colour, ha=ha, va=va, fontsize=size, bbox=bbox, zorder=6, **kw)

    def node(self, x, y, label, kind="h", r=NODE_R):
        """A vector: a filled circle with its symbol."""
        self.ax.add_patch(Circle((x, y), r, facecolor=FILL[kind], edgecolor="black", linewidth=1.2, zorder=4))
        self.text(x, y, label)

    def op(self, x, y, symbol):
        """A point-wise operation: a small white circle with its symbol."""
        self.ax.add_patch(Circle((x, y), OP_R, facecolor="white", edgecolor="black", linewidth=1.2, zorder=4))
        self.text(x, y, symbol)

    def box(self, x, y, label, width=0.62, height=0.42, kind="layer"):
        """A layer (a weight matrix and a non-linearity), centred on (x, y)."""
        self.ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                         boxstyle="round,pad=0.02,rounding_size=0.08",
                                         facecolor=FILL[kind], edgecolor="black", linewidth=1.2, zorder=4))
        self.text(x, y, label)

    def arrow(self, start, end, colour=COLOUR["wire"], label=None, rad=0.0, shrink=(NODE_R, NODE_R),
              dashed=False, width=1.6, label_at=0.5, label_offset=(0.0, 0.0), head=True):
        """An arrow from ``start`` to ``end`` (inches), stopping ``shrink`` inches short of each
        end (the radius of the circles it joins), with an optional label beside it."""
        pt = 72.0  # FancyArrowPatch shrinks by points
        self.ax.add_patch(FancyArrowPatch(
            start, end, arrowstyle="-|>" if head else "-", mutation_scale=15, color=colour,
            linewidth=width, linestyle=(0, (4, 2.5)) if dashed else "-",
            shrinkA=shrink[0] * pt, shrinkB=shrink[1] * pt,
            connectionstyle=f"arc3,rad={rad}", zorder=3))
        if label:
            x = start[0] + label_at * (end[0] - start[0]) + label_offset[0]
            y = start[1] + label_at * (end[1] - start[1]) + label_offset[1]
            self.text(x, y, label, colour=colour, box=True)

    def wire(self, points, colour=COLOUR["wire"], width=1.6, head=True, shrink_end=0.0):
        """A polyline through ``points`` (inches), with an arrow head at its last point."""
        xs, ys = zip(*points)
        self.ax.plot(xs[:-1], ys[:-1], color=colour, linewidth=width, zorder=3, solid_joinstyle="round")
        self.arrow(points[-2], points[-1], colour=colour, shrink=(0, shrink_end), width=width, head=head)

    def dot(self, x, y, colour=COLOUR["wire"]):
        """A junction where a wire splits."""
        self.ax.add_patch(Circle((x, y), 0.045, color=colour, zorder=5))


def unrolled_rnn() -> Figure:
    """The folded RNN (a loop with a one-step delay) and the same network unrolled over four steps."""
    c = Canvas(7.6, 5.0)
    rows = {"x": 0.45, "h": 1.85, "y": 3.1, "L": 4.15}
    # Folded: x_t -> h_t -> y_t and a loop on h_t.
    fx = 0.75
    c.node(fx, rows["x"], r"$x_t$", "x")
    c.node(fx, rows["h"], r"$h_t$", "h")
    c.node(fx, rows["y"], r"$y_t$", "y")
    c.arrow((fx, rows["x"]), (fx, rows["h"]), COLOUR["W_xh"], r"$W_{xh}$", label_offset=(-0.42, 0.0))
    c.arrow((fx, rows["h"]), (fx, rows["y"]), COLOUR["W_hy"], r"$W_{hy}$", label_offset=(-0.42, 0.0))
    c.ax.add_patch(FancyArrowPatch((fx + 0.27, rows["h"] + 0.14), (fx + 0.27, rows["h"] - 0.14),
                                   arrowstyle="-|>", mutation_scale=15, color=COLOUR["W_hh"], linewidth=1.6,
                                   connectionstyle="arc3,rad=-2.4", zorder=3))
    c.text(fx + 0.42, rows["h"] - 0.5, r"$W_{hh}$", COLOUR["W_hh"], ha="left")
    c.text(fx + 0.1, 4.75, "folded")
    c.ax.plot([1.75, 1.75], [0.15, 4.95], color="0.6", linewidth=1.0, linestyle=":")
    # Unrolled: one column per step, the same three weights in every column.
    x0, step, T = 2.3, 1.2, 4
    c.node(x0, rows["h"], r"$h_0$", "h0")
    for t in range(1, T + 1):
        x = x0 + t * step
        c.node(x, rows["x"], rf"$x_{t}$", "x")
        c.node(x, rows["h"], rf"$h_{t}$", "h")
        c.node(x, rows["y"], rf"$y_{t}$", "y")
        c.node(x, rows["L"], rf"$L_{t}$", "L")
        first = t == 1
        c.arrow((x, rows["x"]), (x, rows["h"]), COLOUR["W_xh"], r"$W_{xh}$" if first else None,
                label_offset=(-0.45, 0.0))
        c.arrow((x - step, rows["h"]), (x, rows["h"]), COLOUR["W_hh"], r"$W_{hh}$" if first else None,
                label_offset=(0.0, 0.3))
        c.arrow((x, rows["h"]), (x, rows["y"]), COLOUR["W_hy"], r"$W_{hy}$" if first else None,
                label_offset=(-0.45, 0.0))
        c.arrow((x, rows["y"]), (x, rows["L"]), COLOUR["loss"])
    c.text(x0, rows["L"], r"$L = \sum_t L_t$")
    c.text(x0 + 0.5 * step * T, 4.75, f"unrolled over T = {T} steps (shared weights)")
    return c.figure


def bptt_graph() -> Figure:
    """The unrolled graph with the forward pass (solid) and the backward pass (dashed)."""
    c = Canvas(7.6, 4.6)
    rows = {"x": 0.55, "h": 2.0, "L": 3.7}
    x0, step, T = 0.45, 1.5, 4
    grad = COLOUR["grad"]
    c.node(x0, rows["h"], r"$h_0$", "h0")
    for t in range(1, T + 1):
        x = x0 + t * step
        c.node(x, rows["x"], rf"$x_{t}$", "x")
        c.node(x, rows["h"], rf"$h_{t}$", "h")
        c.node(x, rows["L"], rf"$L_{t}$", "L")
        c.arrow((x, rows["x"]), (x, rows["h"]), COLOUR["W_xh"])
        c.arrow((x - 0.12, rows["h"]), (x - 0.12, rows["L"]), COLOUR["loss"], shrink=(0.28, 0.28))
        c.arrow((x - step, rows["h"] + 0.1), (x, rows["h"] + 0.1), COLOUR["W_hh"], shrink=(0.3, 0.3))
        # Backward: each loss into its own state, each state into the one before.
        c.arrow((x + 0.12, rows["L"]), (x + 0.12, rows["h"]), grad, dashed=True, shrink=(0.28, 0.28),
                label=rf"$\dfrac{{\partial L_{t}}}{{\partial h_{t}}}$" if t == T else None,
                label_offset=(0.55, 0.0))
        c.arrow((x, rows["h"] - 0.12), (x - step, rows["h"] - 0.12), grad, dashed=True, shrink=(0.3, 0.3),
                rad=-0.35)
    last = x0 + T * step
    c.text(last - 0.5 * step, rows["h"] - 0.78, r"$\dfrac{\partial h_4}{\partial h_3}$", grad, box=True)
    c.text(x0 + 1.5 * step, rows["h"] + 0.42, r"$W_{hh}$", COLOUR["W_hh"], box=True)
    c.text(x0 + step - 0.42, 0.5 * (rows["x"] + rows["h"]), r"$W_{xh}$", COLOUR["W_xh"], box=True)
    # Legend.
    c.arrow((0.2, 4.35), (0.85, 4.35), "black", shrink=(0, 0))
    c.text(0.95, 4.35, "forward pass", ha="left")
    c.arrow((3.0, 4.35), (3.65, 4.35), grad, dashed=True, shrink=(0, 0))
    c.text(3.75, 4.35, r"backward pass: $\partial L / \partial h_t$", grad, ha="left")
    return c.figure


def _gate_inputs(c: Canvas, left: float, bus_y: float, bus_end: float, h_prev_y: float, x_in: float) -> None:
    """The wires that bring $h_{t-1}$ (from the left) and $x_t$ (from below) to every gate."""
    c.text(0.3, h_prev_y, r"$h_{t-1}$")
    c.ax.plot([0.62, left + 0.25, left + 0.25, bus_end], [h_prev_y, h_prev_y, bus_y, bus_y],
              color=COLOUR["wire"], linewidth=1.6, zorder=3)
    c.text(x_in, 0.18, r"$x_t$")
    c.ax.plot([x_in, x_in], [0.38, bus_y], color=COLOUR["wire"], linewidth=1.6, zorder=3)
    c.dot(x_in, bus_y)


def lstm_cell() -> Figure:
    """The LSTM cell, gate by gate, with the cell state's path along the top."""
    c = Canvas(7.6, 4.9)
    top, bus, gates = 4.05, 1.0, 1.85
    cell_colour, lw_cell = COLOUR["cell"], 3.0
    c.ax.add_patch(FancyBboxPatch((0.95, 0.55), 5.55, 3.95, boxstyle="round,pad=0,rounding_size=0.2",
                                  facecolor=FILL["cell"], edgecolor="0.5", linewidth=1.0, zorder=1))
    # The cell state's path: c_{t-1} -> (x f_t) -> (+ i_t g_t) -> c_t.
    xf, xplus, xo = 2.0, 3.75, 5.55
    c.text(0.3, top, r"$c_{t-1}$")
    c.ax.plot([0.62, xf - OP_R], [top, top], color=cell_colour, linewidth=lw_cell, zorder=3)
    c.op(xf, top, r"$\times$")
    c.ax.plot([xf + OP_R, xplus - OP_R], [top, top], color=cell_colour, linewidth=lw_cell, zorder=3)
    c.op(xplus, top, r"$+$")
    c.arrow((xplus + OP_R, top), (7.0, top), cell_colour, shrink=(0, 0), width=lw_cell)
    c.text(7.3, top, r"$c_t$")
    # The gates, in the order in which they act: f, i, g, o (PyTorch stacks them i, f, g, o).
    _gate_inputs(c, 0.95, bus, xo - 0.75, 1.0, 1.45)
    positions = {"f": xf, "i": 2.9, "g": xplus, "o": xo - 0.75}
    for name, x in positions.items():
        c.box(x, gates, r"$\tanh$" if name == "g" else r"$\sigma$")
        c.dot(x, bus)
        c.arrow((x, bus), (x, gates - 0.21), shrink=(0, 0))
    c.arrow((xf, gates + 0.21), (xf, top - OP_R), shrink=(0, 0))
    c.text(xf - 0.3, 2.85, r"$f_t$")
    xig = xplus
    c.op(xig, 2.95, r"$\times$")
    c.wire([(2.9, gates + 0.21), (2.9, 2.95), (xig - OP_R, 2.95)])
    c.text(2.65, 2.55, r"$i_t$")
    c.arrow((xig, gates + 0.21), (xig, 2.95 - OP_R), shrink=(0, 0))
    c.text(xig + 0.3, 2.45, r"$g_t$")
    c.arrow((xig, 2.95 + OP_R), (xig, top - OP_R), shrink=(0, 0))
    # Output: h_t = o_t * tanh(c_t).
    xoh = xo + 0.25
    c.dot(xoh, top)
    c.box(xoh, 3.15, r"$\tanh$", width=0.7, height=0.38, kind="cell")
    c.arrow((xoh, top), (xoh, 3.15 + 0.19), shrink=(0, 0))
    c.op(xoh, gates, r"$\times$")
    c.arrow((xoh, 3.15 - 0.19), (xoh, gates + OP_R), shrink=(0, 0))
    c.arrow((positions["o"] + 0.31, gates), (xoh - OP_R, gates), shrink=(0, 0))
    c.text(positions["o"] + 0.48, gates + 0.25, r"$o_t$")
    c.wire([(xoh, gates - OP_R), (xoh, bus), (7.0, bus)])
    c.text(7.3, bus, r"$h_t$")
    c.text(1.3, 4.7, r"cell state $c$: only $\times f_t$ and $+\, i_t g_t$ on its path", ha="left")
    return c.figure


def gru_cell() -> Figure:
    """PyTorch's GRU cell: the reset gate scales $W_{hn} h_{t-1} + b_{hn}$, and
    $h_t = (1 - z_t)\\, n_t + z_t\\, h_{t-1}$."""
    c = Canvas(7.6, 5.0)
    top, bus, gates = 4.25, 1.0, 1.85
    c.ax.add_patch(FancyBboxPatch((0.95, 0.55), 5.65, 4.05, boxstyle="round,pad=0,rounding_size=0.2",
                                  facecolor=FILL["cell"], edgecolor="0.5", linewidth=1.0, zorder=1))
    xz_top, xout = 4.45, 5.95
    # The state's path along the top: h_{t-1} -> (x z_t) -> (+ (1 - z_t) n_t) -> h_t.
    c.text(0.3, top, r"$h_{t-1}$")
    c.ax.plot([0.62, xz_top - OP_R], [top, top], color=COLOUR["cell"], linewidth=3.0, zorder=3)
    c.op(xz_top, top, r"$\times$")
    c.ax.plot([xz_top + OP_R, xout - OP_R], [top, top], color=COLOUR["cell"], linewidth=3.0, zorder=3)
    c.op(xout, top, r"$+$")
    c.arrow((xout + OP_R, top), (7.0, top), COLOUR["cell"], shrink=(0, 0), width=3.0)
    c.text(7.3, top, r"$h_t$")
    c.dot(1.2, top)
    c.ax.plot([1.2, 1.2, 5.0], [top, bus, bus], color=COLOUR["wire"], linewidth=1.6, zorder=3)
    c.text(1.45, 0.18, r"$x_t$")
    c.ax.plot([1.45, 1.45], [0.38, bus], color=COLOUR["wire"], linewidth=1.6, zorder=3)
    c.dot(1.45, bus)
    # Gates z and r, then the candidate n_t = tanh(W_in x_t + b_in + r_t * (W_hn h_{t-1} + b_hn)).
    xz, xr, xhn, xin = 1.95, 2.8, 3.75, 5.0
    for x, label in ((xz, r"$\sigma$"), (xr, r"$\sigma$")):
        c.box(x, gates, label)
    c.box(xhn, gates, r"$W_{hn} h_{t-1}$" "\n" r"$+\ b_{hn}$", width=1.05, height=0.62)
    c.box(xin, gates, r"$W_{in} x_t$" "\n" r"$+\ b_{in}$", width=0.9, height=0.62)
    for x, bottom in ((xz, gates - 0.21), (xr, gates - 0.21), (xhn, gates - 0.31), (xin, gates - 0.31)):
        if x != xin:
            c.dot(x, bus)
        c.arrow((x, bus), (x, bottom), shrink=(0, 0))
    yn = 2.85
    c.op(xhn, yn, r"$\times$")
    c.arrow((xhn, gates + 0.31), (xhn, yn - OP_R), shrink=(0, 0))
    c.wire([(xr, gates + 0.21), (xr, yn), (xhn - OP_R, yn)])
    c.text(xr + 0.28, 2.55, r"$r_t$")
    c.op(xin, yn, r"$+$")
    c.arrow((xin, gates + 0.31), (xin, yn - OP_R), shrink=(0, 0))
    c.arrow((xhn + OP_R, yn), (xin - OP_R, yn), shrink=(0, 0))
    c.box(xout, yn, r"$\tanh$", width=0.7, height=0.38)
    c.arrow((xin + OP_R, yn), (xout - 0.35, yn), shrink=(0, 0))
    ymix = 3.55
    c.op(xout, ymix, r"$\times$")
    c.arrow((xout, yn + 0.19), (xout, ymix - OP_R), shrink=(0, 0))
    c.text(xout + 0.3, 3.2, r"$n_t$")
    c.arrow((xout, ymix + OP_R), (xout, top - OP_R), shrink=(0, 0))
    # z_t: to the state's path directly, and as 1 - z_t to the candidate.
    c.wire([(xz, gates + 0.21), (xz, ymix), (xz_top, ymix)], head=False)
    c.text(xz + 0.28, 2.55, r"$z_t$")
    c.dot(xz_top, ymix)
    c.arrow((xz_top, ymix), (xz_top, top - OP_R), shrink=(0, 0))
    c.op(5.2, ymix, r"$1-$")
    c.ax.patches[-1].set_radius(0.22)
    c.arrow((xz_top, ymix), (5.2 - 0.22, ymix), shrink=(0, 0))
    c.arrow((5.2 + 0.22, ymix), (xout - OP_R, ymix), shrink=(0, 0))
    c.text(1.3, 4.85, r"$h_t = (1 - z_t)\, n_t + z_t\, h_{t-1}$, as in PyTorch's nn.GRU", ha="left")
    return c.figure


def bidirectional_rnn() -> Figure:
    """Two independent layers, one forwards and one backwards in time, concatenated at every step."""
    c = Canvas(7.6, 4.9)
    rows = {"x": 0.45, "b": 1.65, "f": 2.75, "out": 3.85}
    step, T, first, shift = 1.35, 4, 1.7, 0.32
    fwd, bwd = COLOUR["W_hh"], COLOUR["backward"]
    for t in range(1, T + 1):
        x = first + (t - 1) * step
        c.node(x, rows["x"], rf"$x_{t}$", "x")
        c.node(x + shift, rows["b"], rf"$\overleftarrow{{h}}_{t}$", "h")
        c.node(x - shift, rows["f"], rf"$\overrightarrow{{h}}_{t}$", "h")
        c.node(x, rows["out"], rf"$h_{t}$", "y")
        c.arrow((x, rows["x"]), (x + shift, rows["b"]), COLOUR["W_xh"])
        c.arrow((x, rows["x"]), (x - shift, rows["f"]), COLOUR["W_xh"])
        c.arrow((x + shift, rows["b"]), (x, rows["out"]), "0.35")
        c.arrow((x - shift, rows["f"]), (x, rows["out"]), "0.35")
        if t > 1:
            c.arrow((x - step - shift, rows["f"]), (x - shift, rows["f"]), fwd)
            c.arrow((x + shift, rows["b"]), (x - step + shift, rows["b"]), bwd)
    # Initial states: zero unless given, entering from either end.
    left, right = first - shift, first + (T - 1) * step + shift
    c.arrow((0.72, rows["f"]), (left, rows["f"]), fwd, shrink=(0, NODE_R))
    c.text(0.38, rows["f"], r"$\overrightarrow{h}_0$")
    c.text(0.45, rows["f"] + 0.45, "forward", fwd)
    c.arrow((right + 0.85, rows["b"]), (right, rows["b"]), bwd, shrink=(0, NODE_R))
    c.text(right + 1.15, rows["b"], rf"$\overleftarrow{{h}}_{T + 1}$")
    c.text(right + 0.7, rows["b"] - 0.45, "backward", bwd)
    c.text(3.8, 4.6, r"$h_t = [\overrightarrow{h}_t ; \overleftarrow{h}_t]$: each output sees the whole sequence")
    return c.figure


def stacked_rnn() -> Figure:
    """A deep RNN: layer $\\ell$ reads the states of layer $\\ell - 1$ as its input sequence."""
    c = Canvas(7.6, 5.0)
    layers, T, step, first = 3, 4, 1.3, 2.75
    row = {l: 0.5 + 1.25 * l for l in range(layers + 1)}
    for l in range(1, layers + 1):
        c.text(0.1, row[l], f"layer {l}", ha="left")
        c.node(first - step, row[l], rf"$h_0^{{({l})}}$", "h0")
    for t in range(1, T + 1):
        x = first + (t - 1) * step
        c.node(x, row[0], rf"$x_{t}$", "x")
        for l in range(1, layers + 1):
            c.node(x, row[l], rf"$h_{t}^{{({l})}}$", "h" if l < layers else "y")
            label_up = rf"$W_{{xh}}^{{({l})}}$" if t == 1 else None
            c.arrow((x, row[l - 1]), (x, row[l]), COLOUR["W_xh"], label_up, label_offset=(-0.5, 0.0))
            label_side = rf"$W_{{hh}}^{{({l})}}$" if t == 2 else None
            c.arrow((x - step, row[l]), (x, row[l]), COLOUR["W_hh"], label_side, label_offset=(0.0, 0.32))
    c.text(first + (T - 1) * step + 0.5, row[layers] + 0.55, r"outputs: $h_t^{(N_\ell)}$", ha="right")
    return c.figure


def encoder_decoder_attention() -> Figure:
    """An encoder-decoder RNN with attention, drawn for the decoder's second step."""
    c = Canvas(7.6, 5.0)
    y_in, y_state, y_ctx, y_out = 0.5, 1.8, 3.2, 4.45
    enc = [0.55 + 1.05 * j for j in range(4)]
    dec = [5.05, 6.05, 7.05]
    weights = [0.1, 0.15, 0.6, 0.15]
    for j, x in enumerate(enc, start=1):
        c.node(x, y_in, rf"$x_{j}$", "x")
        c.node(x, y_state, rf"$h_{j}$", "h")
        c.arrow((x, y_in), (x, y_state), COLOUR["W_xh"])
        if j > 1:
            c.arrow((x - 1.05, y_state), (x, y_state), COLOUR["W_hh"])
    c.arrow((enc[-1], y_state), (dec[0], y_state), COLOUR["W_hh"])
    for t, x in enumerate(dec, start=1):
        c.node(x, y_in, rf"$y_{t - 1}$", "y")
        c.node(x, y_state, rf"$s_{t}$", "s")
        c.node(x, y_out, rf"$y_{t}$", "y")
        c.arrow((x, y_in), (x, y_state), COLOUR["W_xh"])
        if t > 1:
            c.arrow((x - 1.0, y_state), (x, y_state), COLOUR["W_hh"])
        if t != 2:
            c.arrow((x, y_state), (x, y_out), COLOUR["W_hy"])
    # Attention at t = 2: weights alpha_{2j} over the encoder states give the context c_2.
    ctx = (5.55, y_ctx)
    c.node(*ctx, r"$c_2$", "L")
    att = COLOUR["attention"]
    for j, (x, a) in enumerate(zip(enc, weights), start=1):
        c.arrow((x, y_state), ctx, att, width=0.8 + 6 * a, shrink=(NODE_R, NODE_R))
        c.text(x + 0.32, y_state + 0.5, rf"$\alpha_{{2{j}}}$", att, box=True)
    c.arrow((dec[1], y_state), ctx, att, dashed=True, label="query", label_offset=(0.45, -0.05))
    c.arrow(ctx, (dec[1], y_out), COLOUR["W_hy"])
    c.arrow((dec[1], y_state), (dec[1], y_out), COLOUR["W_hy"])
    c.text(0.1, 4.55, r"$c_2 = \sum_j \alpha_{2j} h_j$", att, ha="left")
    c.text(2.2, 0.0, "encoder", va="bottom")
    c.text(6.05, 0.0, "decoder", va="bottom")
    return c.figure


def linear_attention_state() -> Figure:
    """Causal linear attention as an RNN: a matrix state $S_t$ updated by the outer product
    $\\phi(k_t) v_t^\\top$ and read by the query, $y_t \\propto \\phi(q_t)^\\top S_t$."""
    c = Canvas(7.6, 4.8)
    y_in, y_state, y_out = 0.45, 2.2, 3.95
    side = 0.95                                   # the state is a d_k x d_v matrix: a square
    xs = [2.35, 4.45, 6.55]
    c.box(0.55, y_state, r"$S_0$", width=0.7, height=0.7, kind="h0")
    c.text(0.55, y_state - 0.65, r"$= 0$")
    for t, x in enumerate(xs, start=1):
        c.node(x, y_in, rf"$x_{t}$", "x")
        c.box(x, y_state, rf"$S_{t}$", width=side, height=side, kind="h")
        c.node(x, y_out, rf"$y_{t}$", "y")
        previous = 0.55 + 0.35 if t == 1 else xs[t - 2] + side / 2
        c.arrow((previous, y_state), (x - side / 2, y_state), COLOUR["W_hh"], shrink=(0.02, 0.04),
                label=r"$+$", label_offset=(0.0, 0.28))
        c.arrow((x, y_in), (x, y_state - side / 2), COLOUR["W_xh"], shrink=(NODE_R, 0.04),
                label=r"$\phi(k_t) v_t^\top$" if t == 1 else None, label_offset=(-0.62, 0.0))
        c.arrow((x, y_state + side / 2), (x, y_out), COLOUR["W_hy"], shrink=(0.04, NODE_R),
                label=r"$\phi(q_t)^\top S_t$" if t == 1 else None, label_offset=(-0.62, 0.0))
    c.text(4.2, 4.55, r"state $S_t$: a $d_k \times d_v$ matrix, the same size at every step", size=FONT_PT)
    return c.figure


DIAGRAMS: dict[str, Callable[[], Figure]] = {
    "unrolled_rnn": unrolled_rnn,
    "bptt_graph": bptt_graph,
    "lstm_cell": lstm_cell,
    "gru_cell": gru_cell,
    "bidirectional_rnn": bidirectional_rnn,
    "stacked_rnn": stacked_rnn,
    "encoder_decoder_attention": encoder_decoder_attention,
    "linear_attention_state": linear_attention_state,
}


def draw(name: str) -> Figure:
    """Draw one diagram in the book's style."""
    with matplotlib.rc_context(RC):
        return DIAGRAMS[name]()


def svg(name: str) -> bytes:
    """One diagram as SVG bytes, identical on every run."""
    import io

    with matplotlib.rc_context(RC):
        figure = DIAGRAMS[name]()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def write_all(folder: Path = FIGURES) -> list[Path]:
    """Write every diagram to ``folder/<name>.svg``; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in DIAGRAMS:
        path = folder / f"{name}.svg"
        path.write_bytes(svg(name))
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write_all(Path(sys.argv[1]) if len(sys.argv) > 1 else FIGURES):
        print(written)
