"""Serve MathJax 3 from the built site instead of a CDN.

MathJax comes from the pinned PyPI package ``django-static-mathjax`` (MathJax 3.2.2). When the
HTML builder starts, its ``es5/`` component tree is copied to ``<outdir>/_static/mathjax/``;
``mathjax_path`` in ``_config.yml`` points there. It is copied into the output, not placed in
the source ``_static/`` folder, because the book theme would add every ``.js`` file found there
to every page.
"""
from __future__ import annotations

import shutil
from pathlib import Path


def _mathjax_source() -> Path:
    import mathjax  # the django-static-mathjax package

    source = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    if not (source / "tex-chtml.js").exists():
        raise RuntimeError(f"MathJax 3 was not found at {source}; reinstall django-static-mathjax")
    return source


def _copy_mathjax(app) -> None:
    if app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "mathjax"
    if (target / "tex-chtml.js").exists():
        return
    shutil.copytree(_mathjax_source(), target, dirs_exist_ok=True)


def setup(app):
    app.connect("builder-inited", _copy_mathjax)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
