"""The exercises as a student meets them: JupyterLab started by the course's command over
exercises/, headless on loopback, checked through the server's REST API, then stopped.

Checks: an exercise notebook opens, the course kernel (the virtual environment's python3) starts
and imports the course package, and nbgrader's validate extension is enabled on both sides (the
lab extension in the page, the server extension answering a validation request).
"""
from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NOTEBOOK = "01_why_recurrent/01_why_recurrent.ipynb"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab started by the course's own command (`python3 course.py lab` runs
    `python -m autograder lab`), headless on a free loopback port with a token; yields
    (base URL, session with the token)."""
    token = secrets.token_hex(16)
    port = _free_port()
    folder = tmp_path_factory.mktemp("lab")
    log = folder / "jupyterlab.log"
    # The command takes no server options, so the test gives them as a Jupyter config file.
    (folder / "config").mkdir()
    (folder / "config" / "jupyter_server_config.json").write_text(json.dumps({"ServerApp": {
        "ip": "127.0.0.1", "port": port, "port_retries": 0, "token": token, "open_browser": False,
    }}))
    env = {**os.environ, "JUPYTER_CONFIG_PATH": str(folder / "config"), "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    with open(log, "w") as out:
        # From the repository root, as course.py runs it, so that nbgrader finds nbgrader_config.py.
        process = subprocess.Popen([sys.executable, "-m", "autograder", "lab"], cwd=ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    http = requests.Session()
    http.headers["Authorization"] = f"token {token}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                pytest.fail(f"JupyterLab exited with {process.returncode}:\n{log.read_text()[-4000:]}")
            try:
                if http.get(f"{base}/api/status", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not answer within 90 s:\n{log.read_text()[-4000:]}")
            time.sleep(0.5)
        yield base, http
    finally:
        try:
            http.post(f"{base}/api/shutdown", timeout=10)
            process.wait(timeout=30)
        except Exception:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_the_lab_serves_the_exercises_folder(lab):
    base, http = lab
    root = http.get(f"{base}/api/contents", timeout=30).json()
    names = {item["name"] for item in root["content"]}
    assert "01_why_recurrent" in names and "solutions" not in names, f"the lab's root folder holds {sorted(names)}"


def test_the_server_refuses_requests_without_the_token(lab):
    base, _ = lab
    assert requests.get(f"{base}/api/contents/{NOTEBOOK}", timeout=10).status_code == 403


def test_an_exercise_notebook_opens(lab):
    base, http = lab
    reply = http.get(f"{base}/api/contents/{NOTEBOOK}", timeout=30)
    assert reply.status_code == 200, f"GET /api/contents/{NOTEBOOK}: HTTP {reply.status_code} {reply.text[:300]}"
    model = reply.json()
    assert model["type"] == "notebook" and model["format"] == "json"
    notebook = model["content"]
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    graded = [c for c in notebook["cells"] if c["metadata"].get("nbgrader", {}).get("grade")]
    assert graded, "the exercise has no graded test cells"
    stubs = [c for c in notebook["cells"] if "raise NotImplementedError()" in "".join(c["source"])]
    assert stubs, "the exercise has no cells for the student to fill in"


def test_the_course_kernel_starts_and_imports_the_package(lab):
    base, http = lab
    specs = http.get(f"{base}/api/kernelspecs", timeout=30).json()
    assert "python3" in specs["kernelspecs"], f"kernels offered: {sorted(specs['kernelspecs'])}"
    reply = http.post(f"{base}/api/kernels", json={"name": "python3"}, timeout=60)
    assert reply.status_code == 201, f"POST /api/kernels: HTTP {reply.status_code} {reply.text[:300]}"
    kernel_id = reply.json()["id"]
    try:
        output = _execute(base, http, kernel_id, "import sys, rnncourse; print(sys.prefix)")
    finally:
        http.delete(f"{base}/api/kernels/{kernel_id}", timeout=30)
    assert Path(output.strip()).resolve() == Path(sys.prefix).resolve(), (
        f"the kernel runs in {output.strip()!r}, not in the course's environment {sys.prefix!r}"
    )


def _execute(base: str, http: requests.Session, kernel_id: str, code: str, timeout: float = 60) -> str:
    """Run code in a kernel over the server's websocket; return its stdout (fails on an error)."""
    import websocket

    token = http.headers["Authorization"].split()[1]
    ws = websocket.create_connection(
        f"{base.replace('http', 'ws', 1)}/api/kernels/{kernel_id}/channels?token={token}", timeout=timeout
    )
    try:
        msg_id = uuid.uuid4().hex
        ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "test",
                       "session": uuid.uuid4().hex, "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": False,
                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
        }))
        stdout, deadline = [], time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = json.loads(ws.recv())
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = message["msg_type"], message["content"]
            if kind == "stream" and content["name"] == "stdout":
                stdout.append(content["text"])
            elif kind == "error":
                pytest.fail(f"the kernel raised {content['ename']}: {content['evalue']}")
            elif kind == "status" and content["execution_state"] == "idle":
                return "".join(stdout)
        pytest.fail(f"the kernel did not finish {code!r} within {timeout} s")
    finally:
        ws.close()


def test_nbgrader_lab_extensions_are_in_the_page(lab):
    base, http = lab
    page = http.get(f"{base}/lab", timeout=30)
    assert page.status_code == 200
    found = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page.text, re.S)
    assert found, "the /lab page carries no jupyter-config-data"
    config = json.loads(found.group(1))
    extensions = {ext["name"] for ext in config.get("federated_extensions", [])}
    assert "@jupyter/nbgrader" in extensions, f"lab extensions in the page: {sorted(extensions)}"
    disabled = [name for name in config.get("disabledExtensions", []) if "nbgrader" in name]
    assert not any("validate" in name for name in disabled), f"disabled nbgrader plugins: {disabled}"


def test_nbgrader_validate_extension_answers(lab):
    base, http = lab
    version = http.get(f"{base}/nbgrader_version", params={"version": _nbgrader_version()}, timeout=30)
    assert version.status_code == 200, f"/nbgrader_version: HTTP {version.status_code}: the extension is not loaded"
    assert version.json()["success"], version.json()
    # The "Validate" button: the released stub is valid nbgrader but fails its tests.
    reply = http.post(f"{base}/assignments/validate", data={"path": NOTEBOOK}, timeout=300)
    assert reply.status_code == 200, f"/assignments/validate: HTTP {reply.status_code} {reply.text[:300]}"
    result = reply.json()
    assert result["success"], f"validation crashed: {str(result['value'])[-2000:]}"
    assert "failed" in result["value"] and "NotImplementedError" in json.dumps(result["value"]), (
        f"validating the stub should report its failing cells, got {str(result['value'])[:1000]}"
    )


def _nbgrader_version() -> str:
    import nbgrader

    return nbgrader.__version__


def test_nbgrader_extensions_are_enabled_in_the_configuration():
    env_bin = str(BIN)
    lab_list = subprocess.run([f"{env_bin}/jupyter", "labextension", "list"], capture_output=True, text=True, cwd=ROOT)
    server_list = subprocess.run(
        [f"{env_bin}/jupyter", "server", "extension", "list"], capture_output=True, text=True, cwd=ROOT
    )
    plain = re.sub(r"\x1b\[[0-9;]*m", "", lab_list.stdout + lab_list.stderr)
    assert re.search(r"@jupyter/nbgrader v\S+ enabled\s+OK", plain), plain
    plain = re.sub(r"\x1b\[[0-9;]*m", "", server_list.stdout + server_list.stderr)
    assert re.search(r"nbgrader\.server_extensions\.validate_assignment enabled", plain), plain
