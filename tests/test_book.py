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


def _solution_lines(source: str) -> list[str]:
    """The meaningful lines of a cell's solution region (no blanks, comments or short lines)."""
    body = source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
    return [line.strip() for line in body.splitlines()
            if len(line.strip()) > 12 and not line.strip().startswith("#")]


def test_no_solution_code_in_the_book(built_book):
    """No two consecutive lines of any solution region appear together in the book. (A lone
    generic line, `for t in reversed(range(T)):`, may appear in any text about BPTT; a run of
    solution lines is the answer itself.)"""
    # Compare with the visible text: highlighted code is split into <span>s and escaped.
    pages = {p.relative_to(built_book): "\n".join(
        line.strip() for line in html.unescape(re.sub(r"<[^>]+>", "", p.read_text(errors="replace"))).splitlines()
        if line.strip()) for p in _pages(built_book)}
    assert any("def fnn_first_layer_params(T):" in t for t in pages.values())  # code shown in the book is seen
    leaks = []
    for assignment in paths.assignments():
        for cell in load_source(assignment).notebook.cells:
            if is_solution(cell) and "### BEGIN SOLUTION" in cell.source:
                lines = _solution_lines(cell.source)
                for first, second in zip(lines, lines[1:]):
                    for page, text in pages.items():
                        if f"{first}\n{second}" in text:
                            leaks.append(f"{assignment} in {page}: {first!r} / {second!r}")
    assert leaks == [], "solution code shown in the book:\n" + "\n".join(leaks)
