"""The instructor's grading page typesets TeX with no internet: ``GET /rnncourse/mathjax/<file>``.

nbgrader's page for grading one submission (formgrader's ``formgrade`` nbconvert template) calls
nbconvert's ``mathjax()`` macro, which loads MathJax 2 from a CDN. Offline the answer's TeX stays
as typed and formgrade.js, which calls MathJax, fails. Two pieces put the course's own MathJax 3
(the pinned ``django-static-mathjax``, the files the book serves too) in its place:

* this Jupyter server extension serves MathJax's ``es5/`` tree at ``<base_url>/rnncourse/mathjax/``;
* ``instructor/nbconvert/templates/formgrade/mathjax.html.j2`` defines the page's ``mathjax()``:
  the instructor's folder is on ``JUPYTER_PATH``, and nbconvert looks for a template's files in
  ``<data folder>/nbconvert/templates/formgrade/`` before it reaches ``base/mathjax.html.j2``.
"""
from __future__ import annotations

from pathlib import Path

from jupyter_server.utils import url_path_join
from tornado import web

ROUTE = ("rnncourse", "mathjax")


def mathjax_folder() -> Path:
    """MathJax 3's browser components (``tex-chtml.js`` and the fonts and parts it loads)."""
    import mathjax  # the django-static-mathjax package

    folder = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    if not (folder / "tex-chtml.js").is_file():
        raise RuntimeError(f"MathJax 3 is not in {folder}; reinstall django-static-mathjax (requirements.txt)")
    return folder


def _jupyter_server_extension_points():
    return [{"module": "autograder.lab.formgrade"}]


def _load_jupyter_server_extension(server_app):
    web_app = server_app.web_app
    route = url_path_join(web_app.settings["base_url"], *ROUTE, "(.*)")
    web_app.add_handlers(".*$", [(route, web.StaticFileHandler, {"path": str(mathjax_folder())})])
