"""Small fixes to the pages the book theme writes, so that a browser reports no errors.

- Every page carried sphinx-thebe's (and sphinx-togglebutton's) inline configuration script
  twice, once registered with no file name (None) and once with an empty one (''), which Sphinx
  does not see as equal; the second copy throws "Identifier 'THEBE_JS_URL' has already been
  declared". Scripts identical in file, priority and attributes are kept once per page.
- Printed output (a cell's stdout and stderr) wraps at the column's edge instead of overflowing
  it (static/page_fixes.css).
"""
from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"


def _unique_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = (script.filename or "", script.priority, tuple(sorted(script.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def _add_static_path(app, config) -> None:
    config.html_static_path.append(str(STATIC))


def setup(app):
    app.connect("config-inited", _add_static_path)
    app.add_css_file("page_fixes.css")
    # After every other handler has added its scripts to the page.
    app.connect("html-page-context", _unique_scripts, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
