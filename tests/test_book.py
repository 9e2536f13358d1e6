"""The book builds strictly and reads offline: no script or style from another site, MathJax
served from the site itself, and no code from the solutions' solution regions."""
from __future__ import annotations

import html
import re

import pytest
import yaml

from autograder import paths
from autograder.grading import load_source
from autograder.notebook_io import is_solution

pytestmark = pytest.mark.slow

EXTERNAL = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']((?:https?:)?//[^"']+)""", re.I)


def _pages(html_dir):
    return sorted(p for p in html_dir.rglob("*.html") if "_static" not in p.parts)


def _toc_files():
    toc = yaml.safe_load((paths.ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part.get("chapters", [])]
    return files


def test_every_toc_page_is_built(built_book):
    for name in _toc_files():
        assert (built_book / f"{name}.html").is_file(), f"{name} was not built"


def test_no_script_or_style_from_another_site(built_book):
    for page in _pages(built_book):
        external = EXTERNAL.findall(page.read_text(errors="replace"))
        assert external == [], f"{page.relative_to(built_book)} loads {external}"


def test_mathjax_is_served_from_the_site(built_book):
    assert (built_book / "_static" / "mathjax" / "tex-chtml.js").is_file()
    page = (built_book / "book" / "01_why_recurrent.html").read_text()
    assert re.search(r'<script[^>]+src="\.\./_static/mathjax/tex-chtml\.js', page)


def test_chapters_were_executed(built_book):
    page = (built_book / "book" / "01_why_recurrent.html").read_text()
    assert "final held-out accuracy" in page and "<img" in page


def test_no_solution_code_in_the_book(built_book):
    # Compare with the visible text: highlighted code is split into <span>s and escaped.
    text = "\n".join(html.unescape(re.sub(r"<[^>]+>", "", p.read_text(errors="replace"))) for p in _pages(built_book))
    assert "def fnn_first_layer_params(T):" in text  # the comparison does see code shown in the book
    for assignment in paths.assignments():
        for cell in load_source(assignment).notebook.cells:
            if is_solution(cell) and "### BEGIN SOLUTION" in cell.source:
                body = cell.source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
                for line in body.splitlines():
                    line = line.strip()
                    if len(line) > 25 and not line.startswith("#"):
                        assert line not in text, f"{assignment}: solution line in the book: {line!r}"
