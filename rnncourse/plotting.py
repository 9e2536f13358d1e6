"""Line styles for plots whose curves may lie on top of one another.

Two runs that both fail sit on the same baseline; two schedules that share their first epochs
draw the same line. Drawn with one style, the later curve hides the earlier. ``layered(i, n)``
gives curve ``i`` of ``n`` (in drawing order) a line that is thinner than every earlier one, its
own dash pattern, and markers at positions staggered against the other curves', so a curve
covered by a later one still shows as a wider band behind it and by its own markers. Baselines
(``BASELINE``) go below every curve.
"""
from __future__ import annotations

LINESTYLES = ("-", "--", "-.", ":")
MARKERS = ("o", "s", "^", "v", "D", "P")
BASELINE = {"zorder": 1, "linewidth": 1.2}


def layered(i: int, n: int, length: int | None = None, marks: int = 8) -> dict:
    """Keyword arguments for ``ax.plot`` for curve ``i`` (0-based) of ``n`` drawn in order.

    ``length``: the number of points of the curve; with it, about ``marks`` markers are placed,
    curve ``i``'s shifted by ``i / n`` of the spacing so that coinciding curves show theirs side
    by side. Without it, every point gets a marker.
    """
    if not 0 <= i < n:
        raise ValueError(f"curve {i} of {n}")
    style = {"linewidth": 1.0 + 0.6 * (n - 1 - i), "linestyle": LINESTYLES[i % len(LINESTYLES)],
             "marker": MARKERS[i % len(MARKERS)], "markersize": 5, "zorder": 2 + i}
    if length is not None:
        every = max(1, length // marks)
        style["markevery"] = (min(length - 1, i * every // n), every)
    return style
