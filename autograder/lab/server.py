"""The student's lab asks the course's grader for feedback: ``POST /rnncourse/check``.

A Jupyter server extension with one endpoint. The lab's "Check" button (the ``rnncourse-lab``
lab extension beside this file) saves the notebook and posts ``{"path": <notebook path>}``,
relative to the lab's root folder (the student's workspace); the server runs the very command a
student types, ``python -m autograder check <notebook>``, and answers
``{"report": <its output>, "status": <its exit code>}``. So the button and the command always
say the same thing. A path outside the lab's folder is refused.
"""
from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web

from .. import paths

CHECK_SECONDS = 900   # the grader's own limits end a run long before this


class CheckHandler(APIHandler):
    @web.authenticated
    async def post(self):
        try:
            relative = json.loads(self.request.body or b"{}").get("path")
        except (json.JSONDecodeError, AttributeError):
            relative = None
        if not isinstance(relative, str) or not relative.endswith(".ipynb"):
            raise web.HTTPError(400, "give the notebook's path, e.g. {\"path\": \"02_rnn_equations/02_rnn_equations.ipynb\"}")
        root = Path(self.settings["server_root_dir"]).resolve()
        notebook = (root / relative).resolve()
        if not notebook.is_relative_to(root) or not notebook.is_file():
            raise web.HTTPError(404, f"no notebook {relative!r} in the lab's folder")
        report, status = await run_check(notebook)
        self.finish(json.dumps({"report": report, "status": status}))


async def run_check(notebook: Path) -> tuple[str, int]:
    """Output and exit code of ``python -m autograder check NOTEBOOK``, run from the course folder."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "autograder", "check", str(notebook), cwd=paths.ROOT,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        output, _ = await asyncio.wait_for(process.communicate(), CHECK_SECONDS)
    except asyncio.TimeoutError:
        process.kill()
        await process.wait()
        return f"the check did not finish within {CHECK_SECONDS} s", 1
    return output.decode("utf-8", errors="replace"), process.returncode


def _jupyter_server_extension_points():
    return [{"module": "autograder.lab.server"}]


def _load_jupyter_server_extension(server_app):
    web_app = server_app.web_app
    route = url_path_join(web_app.settings["base_url"], "rnncourse", "check")
    web_app.add_handlers(".*$", [(route, CheckHandler)])
