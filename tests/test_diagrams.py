"""The book's diagrams (rnncourse.diagrams): the committed SVG files are what the code draws, every
label is at least the book's body-text size, every diagram fits the column and is placed in a
chapter by a figure directive with a caption and an alt text."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from rnncourse import diagrams

BOOK = Path(__file__).resolve().parent.parent / "book"
FIGURE_DIRECTIVE = re.compile(r"```\{figure\} figures/(?P<name>\w+)\.svg\n(?P<options>(?::\w+:[^\n]*\n)*)\n?(?P<caption>.*?)```",
                              re.S)


@pytest.mark.parametrize("name", sorted(diagrams.DIAGRAMS))
def test_committed_svg_is_up_to_date(name):
    """Redraws the diagram: the SVG under book/figures/ must be byte for byte what the code draws
    (regenerate them with `python -m rnncourse.diagrams`)."""
    committed = BOOK / "figures" / f"{name}.svg"
    assert committed.exists(), f"{committed} is missing: run python -m rnncourse.diagrams"
    assert committed.read_bytes() == diagrams.svg(name), (
        f"{committed.name} is out of date: run python -m rnncourse.diagrams")


def test_svg_output_is_deterministic():
    assert diagrams.svg("gru_cell") == diagrams.svg("gru_cell")


@pytest.mark.parametrize("name", sorted(diagrams.DIAGRAMS))
def test_labels_are_body_text_size_and_the_figure_fits_the_column(name):
    figure = diagrams.draw(name)
    texts = [t for t in figure.findobj(Text) if t.get_text().strip()]
    assert len(texts) >= 5, f"{name}: {len(texts)} labels"
    small = [(t.get_text(), t.get_fontsize()) for t in texts if t.get_fontsize() < diagrams.FONT_PT]
    assert not small, f"{name}: labels smaller than {diagrams.FONT_PT} pt: {small}"
    width, height = figure.get_size_inches()
    assert width <= diagrams.MAX_WIDTH_IN, f"{name} is {width} in wide"
    # Nothing is drawn outside the canvas (a label cut off at the edge).
    renderer = FigureCanvasAgg(figure).get_renderer()
    box = figure.bbox
    outside = [t.get_text() for t in texts
               if not box.contains(*t.get_window_extent(renderer).p0) or not box.contains(*t.get_window_extent(renderer).p1)]
    assert not outside, f"{name}: labels cut off at the figure's edge: {outside}"


def test_canvas_refuses_a_figure_wider_than_the_column():
    with pytest.raises(ValueError, match="at most"):
        diagrams.Canvas(diagrams.MAX_WIDTH_IN + 1, 3)


def _figure_directives() -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for chapter in sorted(BOOK.glob("*.md")):
        for match in FIGURE_DIRECTIVE.finditer(chapter.read_text(encoding="utf-8")):
            options = dict(re.findall(r":(\w+): *(.*)", match["options"]))
            found.setdefault(match["name"], []).append(
                {"chapter": chapter.name, "options": options, "caption": match["caption"].strip()})
    return found


def test_every_diagram_is_in_a_chapter_with_caption_and_alt_text():
    directives = _figure_directives()
    problems = [f"{name}: no {{figure}} directive in any chapter" for name in diagrams.DIAGRAMS
                if name not in directives]
    for name, uses in directives.items():
        if name not in diagrams.DIAGRAMS:
            problems.append(f"{name}: a chapter shows figures/{name}.svg, which rnncourse.diagrams does not draw")
        for use in uses:
            alt = use["options"].get("alt", "")
            if len(alt.split()) < 15:
                problems.append(f"{use['chapter']}: figures/{name}.svg has no real alt text ({alt!r})")
            if len(use["caption"].split()) < 5:
                problems.append(f"{use['chapter']}: figures/{name}.svg has no caption")
            if "name" not in use["options"]:
                problems.append(f"{use['chapter']}: figures/{name}.svg has no :name: to refer to it by")
    assert not problems, "\n".join(problems)


def test_directive_check_sees_a_missing_alt_text():
    text = "```{figure} figures/lstm_cell.svg\n:name: fig-x\n\nThe LSTM cell, gate by gate.\n```\n"
    match = FIGURE_DIRECTIVE.search(text)
    assert match and match["name"] == "lstm_cell"
    assert "alt" not in dict(re.findall(r":(\w+): *(.*)", match["options"]))
