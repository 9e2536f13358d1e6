"""nbgrader's feedback page typesets TeX with no internet: the course's MathJax 3, inlined.

``nbgrader generate_feedback`` renders each graded notebook with its ``feedback`` nbconvert template,
whose header calls nbconvert's ``mathjax()`` macro, which loads MathJax 2 from a CDN. The page is a
file the student opens anywhere, with no server behind it, so the course's template
(``instructor/nbconvert/templates/feedback/mathjax.html.j2``) puts MathJax 3's self-contained SVG
build (``tex-svg-full.js`` of the pinned ``django-static-mathjax``: every TeX extension, the fonts as
paths, nothing loaded later) into the page itself, through the filter :func:`offline_mathjax`, which
``nbgrader_config.py`` registers with the HTML exporter.
"""
from __future__ import annotations

from functools import lru_cache

from .formgrade import mathjax_folder

CONFIG = """window.MathJax = {
  tex: {inlineMath: [["$", "$"], ["\\\\(", "\\\\)"]], displayMath: [["$$", "$$"], ["\\\\[", "\\\\]"]],
        processEscapes: true, processEnvironments: true},
  svg: {fontCache: "global"},
  options: {enableMenu: false}
};"""


@lru_cache(maxsize=1)
def offline_mathjax(_: str = "") -> str:
    """The page's MathJax: its configuration and the whole ``tex-svg-full.js`` in script elements."""
    code = (mathjax_folder() / "tex-svg-full.js").read_text(encoding="utf-8")
    if "</script" in code.lower():
        raise RuntimeError("tex-svg-full.js cannot be inlined: it holds a closing script tag")
    return f'<script type="text/javascript">\n{CONFIG}\n</script>\n<script type="text/javascript">\n{code}\n</script>'
