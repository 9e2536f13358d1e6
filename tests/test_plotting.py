"""rnncourse.plotting: a curve covered by a later, identical one stays visible."""
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from rnncourse.plotting import layered


def _visible_pixels_of_first_curve(styles) -> int:
    """Draw the same curve twice, red then blue, and count the red pixels left on the canvas."""
    figure = Figure(figsize=(4, 3), dpi=100)
    ax = figure.add_subplot()
    x = np.arange(50)
    y = np.sin(x / 5.0)
    for colour, style in zip(("red", "blue"), styles):
        ax.plot(x, y, color=colour, **style)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    rgb = np.asarray(canvas.buffer_rgba())[..., :3].astype(int)
    return int(((rgb[..., 0] > 200) & (rgb[..., 1] < 80) & (rgb[..., 2] < 80)).sum())


def test_a_covered_curve_stays_visible():
    assert _visible_pixels_of_first_curve([{}, {}]) < 20  # one style: the second hides the first
    assert _visible_pixels_of_first_curve([layered(0, 2, 50), layered(1, 2, 50)]) > 300


def test_styles_differ_and_thin_out_in_drawing_order():
    styles = [layered(i, 4, 200) for i in range(4)]
    assert len({(s["linestyle"], s["marker"]) for s in styles}) == 4
    widths = [s["linewidth"] for s in styles]
    assert widths == sorted(widths, reverse=True) and widths[-1] >= 1.0
    assert len({s["markevery"][0] for s in styles}) == 4  # markers staggered, not on top of each other


def test_curve_index_out_of_range_is_refused():
    with pytest.raises(ValueError):
        layered(3, 3)
