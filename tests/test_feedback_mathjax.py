"""nbgrader's feedback page, rendered as ``nbgrader generate_feedback`` renders it in the instructor's
lab, loads nothing from outside the page: its MathJax is the course's own, inlined."""
from __future__ import annotations

import os
import re

import nbformat
import nbgrader
from nbconvert import HTMLExporter
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from autograder.lab import environment
from autograder.lab.formgrade import mathjax_folder
from conftest import ROOT

FORMGRADER = os.path.join(os.path.dirname(nbgrader.__file__), "server_extensions", "formgrader")


def feedback_page(monkeypatch) -> str:
    """A notebook with TeX through the feedback template, with the course's nbgrader configuration and
    the instructor lab's JUPYTER_PATH, and the settings nbgrader's GenerateFeedback adds."""
    monkeypatch.setenv("JUPYTER_PATH", environment("instructor", {})["JUPYTER_PATH"])
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    added = Config()
    added.HTMLExporter.template_name = "feedback"
    added.HTMLExporter.extra_template_basedirs = [os.path.join(FORMGRADER, "templates")]
    added.HTMLExporter.extra_template_paths = [os.path.join(FORMGRADER, "static", "node_modules", "bootstrap", "dist", "css")]
    config.merge(added)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(r"The gate: $f_t = \sigma(W_f x_t)$.")])
    html, _ = HTMLExporter(config=config).from_notebook_node(
        nb, resources={"nbgrader": {"notebook": "06_lstm_gru", "score": 1, "max_score": 2, "late_penalty": 0}})
    return html


def test_the_feedback_page_loads_nothing_from_outside(monkeypatch):
    html = feedback_page(monkeypatch)
    # what a browser fetches: elements with a source or a style sheet, and CSS urls (links to click are not fetched)
    outside = re.findall(r"""<(?:script|img|iframe|link|source|embed|object)\b[^>]*\b(?:src|href|data)\s*=\s*["']?\s*"""
                         r"""(?:https?:)?//[^"'\s>]+|url\(\s*["']?(?:https?:)?//[^)]+\)|@import\s+["'](?:https?:)?//""",
                         html, flags=re.IGNORECASE)
    assert outside == []
    assert "cdnjs.cloudflare.com" not in html and "mathjax/2" not in html.lower()
    # MathJax 3 itself, configured before its code runs: TeX between $ signs, and no menu (whose speech
    # features would fetch their rules from the CDN that MathJax's code names as its default)
    start = (mathjax_folder() / "tex-svg-full.js").read_text(encoding="utf-8")[:200]
    assert html.index("window.MathJax = {") < html.index(start)
    assert 'inlineMath: [["$", "$"]' in html and "enableMenu: false" in html
