"""The exercises as a student meets them, and the instructor's lab.

The student's lab is started by the course's own command (`python3 course.py lab` runs
`python -m autograder lab`) over a fresh workspace, headless on loopback with a token. The
server is checked through its REST API (the workspace is served, the course kernel starts, Validate
and the course's check answer, no instructor endpoint exists), then a real Chromium (Debian's,
driven by Playwright) does what a student does: opens an assignment, writes a wrong answer and
runs it (the feedback names the mistake, with no library frames), corrects it, saves, presses
Validate and Check, and finds no instructor tool anywhere; no console errors, no failed request.
The instructor's lab (`lab --instructor`) serves formgrader on the course's gradebook.
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
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
ASSIGNMENT = "01_why_recurrent"
NOTEBOOK = f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
GRADEBOOK = ROOT / "autograder" / "gradebook.db"
INSTRUCTOR_TOOLS = ("Formgrader", "Create Assignment", "Course List", "Assignment List", "Nbgrader")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_lab(folder: Path, args: list[str], env: dict[str, str], cwd: Path = ROOT):
    """Start `python -m autograder lab ARGS` from the course's folder, as course.py does, on a
    free loopback port with a token given as a Jupyter config file (the command takes no server
    options); yield (base URL, session with the token) once it answers, and stop it afterwards."""
    token, port = secrets.token_hex(16), _free_port()
    (folder / "config").mkdir()
    (folder / "config" / "jupyter_server_config.json").write_text(json.dumps({"ServerApp": {
        "ip": "127.0.0.1", "port": port, "port_retries": 0, "token": token, "open_browser": False,
    }}))
    env = {**os.environ, **env, "JUPYTER_CONFIG_PATH": str(folder / "config"),
           "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    log = folder / "jupyterlab.log"
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, "-m", "autograder", "lab", *args], cwd=cwd, env=env,
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


@pytest.fixture(scope="module")
def gradebook_before():
    """Whether the course's gradebook existed (and when it last changed) before any lab opened."""
    return GRADEBOOK.stat().st_mtime_ns if GRADEBOOK.exists() else None


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    return tmp_path_factory.mktemp("student") / "workspace"


@pytest.fixture(scope="module")
def lab(tmp_path_factory, workspace, gradebook_before):
    """The student's lab over a fresh workspace (RNNCOURSE_WORKSPACE)."""
    yield from _start_lab(tmp_path_factory.mktemp("lab"), [], {"RNNCOURSE_WORKSPACE": str(workspace)})


@pytest.fixture(scope="module")
def instructor_lab(tmp_path_factory):
    """The instructor's lab, with formgrader on a gradebook of its own (RNNCOURSE_DB_URL)."""
    folder = tmp_path_factory.mktemp("instructor")
    gradebook = f"sqlite:///{folder / 'gradebook.db'}"
    yield from _start_lab(folder, ["--instructor"], {"RNNCOURSE_DB_URL": gradebook})


# ------------------------------------------------------------------ the student's lab, by its API

def test_the_lab_serves_the_students_workspace(lab, workspace):
    base, http = lab
    root = http.get(f"{base}/api/contents", timeout=30).json()
    names = {item["name"] for item in root["content"]}
    assert ASSIGNMENT in names and "solutions" not in names and "autograder" not in names, sorted(names)
    assert (workspace / NOTEBOOK).is_file(), "the first lab did not copy the released notebooks"


def test_the_server_refuses_requests_without_the_token(lab):
    base, _ = lab
    assert requests.get(f"{base}/api/contents/{NOTEBOOK}", timeout=10).status_code == 403
    assert requests.post(f"{base}/rnncourse/check", json={"path": NOTEBOOK}, timeout=10).status_code == 403


def test_an_exercise_notebook_opens(lab):
    base, http = lab
    reply = http.get(f"{base}/api/contents/{NOTEBOOK}", timeout=30)
    assert reply.status_code == 200, f"GET /api/contents/{NOTEBOOK}: HTTP {reply.status_code} {reply.text[:300]}"
    notebook = reply.json()["content"]
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    assert [c for c in notebook["cells"] if c["metadata"].get("nbgrader", {}).get("grade")], "no graded test cells"
    assert [c for c in notebook["cells"] if "raise NotImplementedError()" in "".join(c["source"])], "nothing to fill in"


def test_the_course_kernel_is_named_for_the_course_and_runs_in_its_environment(lab):
    base, http = lab
    specs = http.get(f"{base}/api/kernelspecs", timeout=30).json()
    assert set(specs["kernelspecs"]) == {"python3"}, f"kernels offered: {sorted(specs['kernelspecs'])}"
    assert specs["kernelspecs"]["python3"]["spec"]["display_name"] == "RNN course"
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


def _page_config(base: str, http: requests.Session) -> dict:
    page = http.get(f"{base}/lab", timeout=30)
    assert page.status_code == 200
    found = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page.text, re.S)
    assert found, "the /lab page carries no jupyter-config-data"
    return json.loads(found.group(1))


def test_the_student_page_has_validate_and_check_and_no_instructor_tool(lab):
    config = _page_config(*lab)
    extensions = {ext["name"] for ext in config.get("federated_extensions", [])}
    assert {"@jupyter/nbgrader", "rnncourse-lab"} <= extensions, sorted(extensions)
    disabled = set(config.get("disabledExtensions", []))
    for plugin in ("formgrader", "create-assignment", "course-list", "assignment-list", "menu"):
        assert f"@jupyter/nbgrader:{plugin}" in disabled, f"nbgrader's {plugin} is enabled: {sorted(disabled)}"
    assert "@jupyter/nbgrader:validate-assignment" not in disabled
    for online in ("@jupyterlab/apputils-extension:announcements", "@jupyterlab/extensionmanager-extension:plugin"):
        assert online in disabled, f"{online} would go online"
    assert config["news"] == {"disabled": True}


def test_no_instructor_endpoint_is_served_to_students(lab, gradebook_before):
    base, http = lab
    for path in ("formgrader", "formgrader/gradebook", "create_assignment", "course_list", "assignments"):
        reply = http.get(f"{base}/{path}", timeout=30, allow_redirects=True)
        assert reply.status_code == 404, f"/{path}: HTTP {reply.status_code}"
    _assert_no_gradebook_written(gradebook_before)


def _assert_no_gradebook_written(before) -> None:
    after = GRADEBOOK.stat().st_mtime_ns if GRADEBOOK.exists() else None
    assert after == before, "opening the student's lab wrote the course's gradebook"


def test_nbgrader_validate_answers(lab):
    base, http = lab
    version = http.get(f"{base}/nbgrader_version", params={"version": _nbgrader_version()}, timeout=30)
    assert version.status_code == 200 and version.json()["success"], version.text[:300]
    reply = http.post(f"{base}/assignments/validate", data={"path": NOTEBOOK}, timeout=300)
    assert reply.status_code == 200, f"/assignments/validate: HTTP {reply.status_code} {reply.text[:300]}"
    result = reply.json()
    assert result["success"], f"validation crashed: {str(result['value'])[-2000:]}"
    assert "failed" in result["value"] and "NotImplementedError" in json.dumps(result["value"])


def _nbgrader_version() -> str:
    import nbgrader

    return nbgrader.__version__


def test_the_check_endpoint_refuses_paths_outside_the_workspace(lab):
    base, http = lab
    for path in ("../../../etc/passwd.ipynb", "missing/missing.ipynb"):
        assert http.post(f"{base}/rnncourse/check", json={"path": path}, timeout=30).status_code == 404
    assert http.post(f"{base}/rnncourse/check", json={"path": 3}, timeout=30).status_code == 400


# ------------------------------------------------------------------ the student, in a browser

WRONG_ANSWER = 'def mean_pool(X):\n    """Average a time-major batch over time."""\n    return X.sum(axis=0)\n'
RIGHT_ANSWER = 'def mean_pool(X):\n    """Average a time-major batch over time."""\n    return X.mean(axis=0)\n'


@pytest.fixture(scope="module")
def student(lab, workspace):
    """One browser session as a student; yields (page, console errors and failed requests)."""
    from playwright.sync_api import sync_playwright

    from test_browser import CHROMIUM_FLAGS, ensure_chromium

    base, http = lab
    token = http.headers["Authorization"].split()[1]
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=ensure_chromium(), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url} {r.failure}"))
            page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
            page.goto(f"{base}/lab/tree/{NOTEBOOK}?token={token}")
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000)
            yield page, problems
        finally:
            ARTIFACTS.mkdir(exist_ok=True)
            try:
                page.screenshot(path=str(ARTIFACTS / "student_lab.png"))
            except Exception:
                pass
            browser.close()


def _write_cell(page, marker: str, code: str) -> None:
    """Replace the source of the code cell that contains ``marker``, as a student types it."""
    editor = page.locator(".jp-CodeCell", has_text=marker).first.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(code)
    page.keyboard.press("Escape")


def _run_all(page) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()


def _cell(page, marker: str):
    return page.locator(".jp-CodeCell", has_text=marker).first


def _output_of(page, marker: str, expected: str, timeout_s: float = 120) -> str:
    """The output of the cell holding ``marker`` once it shows ``expected`` (else what it shows
    when the time is up)."""
    output, deadline = "", time.monotonic() + timeout_s
    while expected not in output and time.monotonic() < deadline:
        page.wait_for_timeout(250)
        output = _cell(page, marker).locator(".jp-OutputArea").text_content() or ""
    return output


def test_a_wrong_answer_gets_the_teachers_message_without_library_frames(student):
    page, _ = student
    _write_cell(page, "def mean_pool(X):", WRONG_ANSWER)
    _run_all(page)
    output = _output_of(page, '"""mean_pool averages over the time axis', "summed over time")
    assert "Feedback" in output and "summed over time instead of averaging" in output, output
    assert "feedback.py" not in output and "Traceback" not in output and "File " not in output, output


def test_the_placeholder_of_hidden_tests_prints_nothing(student):
    page, _ = student
    _write_cell(page, "def mean_pool(X):", RIGHT_ANSWER)
    _run_all(page)
    passed = "mean_pool: visible tests passed"
    assert passed in _output_of(page, '"""mean_pool averages over the time axis', passed)
    hidden = _cell(page, '"""mean_pool on random shapes')
    hidden.locator(".jp-InputArea-prompt", has_text=re.compile(r"\[\d+\]")).wait_for(timeout=60_000)
    assert hidden.locator(".jp-OutputArea-output").count() == 0, hidden.locator(".jp-OutputArea").text_content()


def _dialog_text(page, title: str, done_selector: str, timeout_ms: int) -> str:
    dialog = page.locator(".jp-Dialog", has_text=title)
    dialog.wait_for(timeout=30_000)
    page.wait_for_selector(done_selector, timeout=timeout_ms)
    text = dialog.locator(".jp-Dialog-body").inner_text()
    dialog.locator(".jp-Dialog-button").last.click()
    dialog.wait_for(state="detached", timeout=10_000)
    return text


def test_validate_from_the_toolbar(student, workspace):
    page, _ = student
    page.keyboard.press("Control+s")
    page.wait_for_timeout(1000)
    assert "X.mean(axis=0)" in (workspace / NOTEBOOK).read_text(), "the notebook was not saved"
    page.locator(".jp-NotebookPanel-toolbar").get_by_text("Validate", exact=True).click()
    text = _dialog_text(page, "Validation Results", ".jp-Dialog .jp-Dialog-body:not(:has-text('Validating'))", 180_000)
    assert "recurrent_summary" in text or "NotImplementedError" in text, text


def test_check_from_the_lab_shows_what_the_command_prints(student, workspace):
    page, _ = student
    page.locator(".jp-NotebookPanel-toolbar").get_by_text("Check", exact=True).click()
    shown = _dialog_text(page, "Course check", "pre.rnncourse-check-report[data-done='true']", 300_000)
    assert "[PASS] 2/2  test_mean_pool_visible" in shown and "[PASS] 2/2  test_mean_pool_hidden" in shown, shown
    assert "[FAIL] 0/3  test_recurrent_summary_visible" in shown, shown
    command = subprocess.run([sys.executable, "-m", "autograder", "check", str(workspace / NOTEBOOK)],
                             cwd=ROOT, capture_output=True, text=True, timeout=600)
    # The same report: score and every test's verdict (the hidden checks' messages name inputs the
    # grader draws afresh for every run, so those lines may differ).
    verdicts = lambda text: [line for line in text.strip().splitlines() if not line.startswith("         -> ")]  # noqa: E731
    assert verdicts(shown) == verdicts(command.stdout), f"lab:\n{shown}\ncommand:\n{command.stdout}"


def test_no_instructor_tool_in_the_students_lab(student, gradebook_before):
    page, _ = student
    menus = page.locator(".lm-MenuBar").first.inner_text()
    sidebars = " ".join(page.locator(".jp-SideBar").all_inner_texts())
    titles = " ".join(t.get_attribute("title") or "" for t in page.locator(".jp-SideBar .lm-TabBar-tab").all())
    palette = _palette(page, "assignment") + _palette(page, "grade")
    found = {tool for tool in INSTRUCTOR_TOOLS for text in (menus, sidebars, titles, palette) if tool in text}
    assert not found, f"instructor tools in the student's lab: {sorted(found)}"
    _assert_no_gradebook_written(gradebook_before)


def _palette(page, query: str) -> str:
    """What the command palette (every command the lab has) lists for ``query``."""
    page.keyboard.press("Control+Shift+c")
    page.wait_for_selector(".jp-ModalCommandPalette input", timeout=10_000)
    page.keyboard.insert_text(query)
    page.wait_for_timeout(300)
    text = page.locator(".jp-ModalCommandPalette").inner_text()
    page.keyboard.press("Escape")
    return text


def test_the_run_menu_offers_the_check(student):
    page, _ = student
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    entries = page.locator(".lm-Menu").last.inner_text()
    page.keyboard.press("Escape")
    assert "Check with the course grader" in entries, entries


def test_the_student_session_had_no_console_errors_or_failed_requests(student):
    _, problems = student
    assert problems == [], "\n".join(problems)


# ------------------------------------------------------------------ the instructor's lab

def test_the_instructor_lab_serves_formgrader_on_the_course(instructor_lab, tmp_path_factory):
    base, http = instructor_lab
    config = _page_config(base, http)
    disabled = set(config.get("disabledExtensions", []))
    assert "@jupyter/nbgrader:formgrader" not in disabled and "@jupyter/nbgrader:create-assignment" not in disabled
    for online in ("@jupyterlab/apputils-extension:announcements", "@jupyterlab/extensionmanager-extension:plugin"):
        assert online in disabled, f"{online} would go online"
    assert config["news"] == {"disabled": True}
    root = {item["name"] for item in http.get(f"{base}/api/contents", timeout=30).json()["content"]}
    assert {"solutions", "exercises", "nbgrader_config.py"} <= root, sorted(root)
    reply = http.get(f"{base}/formgrader/manage_assignments", timeout=60)
    assert reply.status_code == 200, f"/formgrader: HTTP {reply.status_code}"
    assignments = http.get(f"{base}/formgrader/api/assignments", timeout=60)
    assert assignments.status_code == 200, assignments.text[:300]
    names = {a["name"] for a in assignments.json()}
    assert ASSIGNMENT in names, f"formgrader sees {sorted(names)}, not the course's solutions/"


def test_the_lab_extensions_are_installed():
    lab_list = subprocess.run([f"{BIN}/jupyter", "labextension", "list"], capture_output=True, text=True, cwd=ROOT)
    plain = re.sub(r"\x1b\[[0-9;]*m", "", lab_list.stdout + lab_list.stderr)
    assert re.search(r"@jupyter/nbgrader v\S+ enabled\s+OK", plain), plain
