"""Attacks on the pilot assignment (format: see tests/attacks/__init__.py)."""

# Wrong answers with plausible shapes: they pass only if the checks themselves are defeated.
FAKE = {
    "mean_pool": "def mean_pool(X):\n    return X[0] * 0\n",
    "recurrent_summary": ("def recurrent_summary(X, W_xh, W_hh, b_h):\n"
                          "    return np.zeros((X.shape[1], W_hh.shape[0]))\n"),
    "count_parameters": "def count_parameters(T, D, H, K):\n    return (0, 0)\n",
    "pad_batch": ("def pad_batch(sequences):\n"
                  "    T = max(len(s) for s in sequences)\n"
                  "    return np.zeros((T, len(sequences), sequences[0].shape[1])), np.array([len(s) for s in sequences])\n"),
}
ALL = ["mean_pool", "recurrent_summary", "count_parameters", "pad_batch", "break_even_length", "readout_step",
       "order_experiment"]
NOT_MEAN_POOL = [name for name in ALL if name not in ("mean_pool", "order_experiment")]   # the experiment calls it


def _edit_test_cells(nb):
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.source = 'print("all tests passed")\n'
    return nb


def _delete_test_cells(nb):
    nb.cells = [c for c in nb.cells if not c.metadata.get("nbgrader", {}).get("grade")]
    return nb


def _wrong_metadata(nb):
    nb.metadata = {"kernelspec": {"name": "ir", "display_name": "R", "language": "R"},
                   "language_info": {"name": "R"}}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        if meta and meta.get("grade"):          # tests claim to be answers worth 100 points
            meta.update(solution=True, points=100, locked=False)
            cell.source = "pass\n"
    return nb


ATTACKS = [
    dict(name="infinite_loop", what="mean_pool never returns", base="solution", honest=NOT_MEAN_POOL,
         answers={"mean_pool": "def mean_pool(X):\n    while True:\n        pass\n"}),
    dict(name="loop_ignoring_interrupts", what="a cell loops forever and swallows KeyboardInterrupt",
         base="solution", honest=ALL,
         extra={"mean_pool": ["import time\nwhile True:\n    try:\n        time.sleep(0.5)\n"
                              "    except BaseException:\n        pass\n"]}),
    dict(name="memory_bomb", what="mean_pool allocates memory until it runs out", base="solution",
         honest=NOT_MEAN_POOL,
         answers={"mean_pool": "def mean_pool(X):\n    blocks = []\n    while True:\n"
                               "        blocks.append(np.ones(2**24))\n"}),
    dict(name="huge_output", what="prints 40 MB", base="solution", honest=ALL,
         extra={"mean_pool": ["for _ in range(20):\n    print('x' * 2_000_000)\n"]}),
    dict(name="sys_exit", what="sys.exit() in a cell", base="solution", honest=ALL,
         extra={"mean_pool": ["import sys\nsys.exit(0)\n"]}),
    dict(name="os_exit", what="os._exit() kills the kernel half-way", base="solution", honest=ALL,
         extra={"recurrent_summary": ["import os\nos._exit(0)\n"]}),
    dict(name="segfault", what="a ctypes null-pointer read crashes the kernel inside recurrent_summary",
         base="solution", honest=["mean_pool", "count_parameters", "pad_batch", "break_even_length", "readout_step"],
         answers={"recurrent_summary": "def recurrent_summary(X, W_xh, W_hh, b_h):\n"
                                       "    import ctypes\n    return ctypes.string_at(0)\n"}),
    dict(name="raise_systemexit_in_answer", what="raise SystemExit at the top of a solution cell",
         base="solution", honest=NOT_MEAN_POOL,
         answers={"mean_pool": "raise SystemExit('no more')\ndef mean_pool(X):\n    return X.mean(axis=0)\n"}),
    dict(name="delete_test_cells", what="every test cell deleted, fake answers", base="stub", honest=[],
         answers=FAKE, edit=_delete_test_cells),
    dict(name="edit_test_cells", what="every test cell replaced by a print, fake answers", base="stub",
         honest=[], answers=FAKE, edit=_edit_test_cells),
    dict(name="redefine_check_helpers", what="check_array, check_equal, check_true rebound to no-ops",
         base="stub", honest=[], answers=FAKE, unprobed=True,
         extra={"mean_pool": ["check_array = check_equal = check_true = lambda *args, **kwargs: None\n"]}),
    dict(name="patch_feedback_module",
         what="the code of rnncourse.grading.feedback's checks replaced in place, Feedback made harmless",
         base="stub", honest=[], answers=FAKE,
         extra={"mean_pool": ["import rnncourse.grading.feedback as fb\n"
                              "noop = (lambda *args, **kwargs: None).__code__\n"
                              "for f in (fb.check_array, fb.check_equal, fb.check_true):\n"
                              "    f.__code__ = noop\n"
                              "fb.Feedback.__init__ = lambda self, *a: None\n"]}),
    dict(name="monkeypatch_numpy", what="np.allclose, np.all, np.isfinite, np.testing patched to agree",
         base="stub", honest=[], answers=FAKE, unprobed=True,
         extra={"mean_pool": ["np.allclose = lambda *a, **k: True\nnp.all = lambda *a, **k: True\n"
                              "np.isfinite = lambda x, *a, **k: np.ones(np.shape(x), bool)\n"
                              "np.testing.assert_allclose = lambda *a, **k: None\n"
                              "np.testing.assert_array_equal = lambda *a, **k: None\n"]}),
    dict(name="monkeypatch_torch", what="torch.allclose, torch.testing, Tensor.__eq__ patched; answers are tensors",
         base="stub", honest=[],
         answers={**FAKE, "mean_pool": "import torch\ndef mean_pool(X):\n    return torch.zeros(X.shape[1:], dtype=torch.float64)\n"},
         extra={"mean_pool": ["torch.allclose = lambda *a, **k: True\n"
                              "torch.testing.assert_close = lambda *a, **k: None\n"
                              "torch.Tensor.__eq__ = lambda self, other: True\n"]}),
    dict(name="always_equal_objects", what="returns int subclasses and objects whose __eq__ is always true",
         base="stub", honest=[], unprobed=True,
         answers={**FAKE,
                  "count_parameters": ("class Yes(int):\n    def __eq__(self, other):\n        return True\n"
                                       "    __hash__ = int.__hash__\n"
                                       "def count_parameters(T, D, H, K):\n    return Yes(0), Yes(0)\n"),
                  "mean_pool": ("class Anything:\n    shape = property(lambda self: (3, 2))\n"
                                "    def __eq__(self, other):\n        return True\n"
                                "def mean_pool(X):\n    return Anything()\n")}),
    dict(name="read_solutions", what="looks for the instructor notebook on disk and runs its solution cells",
         base="stub", honest=[],
         extra={"mean_pool": [
             "import glob, json, os, rnncourse\n"
             "root = os.path.dirname(os.path.dirname(rnncourse.__file__))\n"
             "found = []\n"
             "for pattern in [root + '/solutions/*/*.ipynb', root + '/*/*/*.ipynb', '/tmp/rnn-grade-*/notebook.ipynb',\n"
             "                '/tmp/*/*.ipynb', '/tmp/*/*/*.ipynb', os.path.expanduser('~') + '/*.ipynb']:\n"
             "    for path in glob.glob(pattern):\n"
             "        try:\n"
             "            cells = json.load(open(path))['cells']\n"
             "        except Exception:\n"
             "            continue\n"
             "        for cell in cells:\n"
             "            code = ''.join(cell['source'])\n"
             "            if 'BEGIN SOLUTION' in code:\n"
             "                found.append(path)\n"
             "                exec(code, globals())\n"
             "print('solution files read:', sorted(set(found)))\n"]}),
    dict(name="leak_hidden_tests", what="reads the hidden test from the caller's frame and puts it in the error message",
         base="stub", honest=[],
         answers={**FAKE, "mean_pool": (
             "import inspect, linecache\n"
             "def mean_pool(X):\n"
             "    frame = inspect.currentframe().f_back\n"
             "    lines = linecache.getlines(frame.f_code.co_filename)\n"
             "    raise ValueError('LEAK ' + ''.join(lines))\n")},
         extra={"pad_batch": ["raise RuntimeError('LEAK ' + '\\n'.join(c for c in In if 'HIDDEN' in c))\n"]}),
    dict(name="write_gradebook_and_submissions",
         what="overwrites the gradebook, another submission, the course files", base="solution", honest=ALL,
         extra={"mean_pool": [
             "import os, rnncourse\n"
             "root = os.path.dirname(os.path.dirname(rnncourse.__file__))\n"
             "targets = ['{GRADEBOOK}', '{OTHER_SUBMISSION}', root + '/autograder/gradebook.db',\n"
             "           root + '/exercises/01_why_recurrent/01_why_recurrent.ipynb', root + '/rnncourse/grading/feedback.py']\n"
             "for path in targets:\n"
             "    try:\n"
             "        with open(path, 'w') as handle:\n"
             "            handle.write('{MARKER}')\n"
             "        print('wrote', path)\n"
             "    except OSError as error:\n"
             "        print('refused', path, error)\n"]}),
    dict(name="chdir_env_shadow_package",
         what="changes directory and environment and shadows rnncourse.grading with a no-op copy",
         base="stub", honest=[], answers=FAKE,
         extra={"mean_pool": [
             "import os, sys, importlib\n"
             "os.makedirs('fake/rnncourse/grading', exist_ok=True)\n"
             "open('fake/rnncourse/__init__.py', 'w').close()\n"
             "open('fake/rnncourse/grading/__init__.py', 'w').write(\n"
             "    'def check_array(*a, **k): pass\\ncheck_equal = check_true = check_array\\n')\n"
             "sys.path.insert(0, os.path.abspath('fake'))\n"
             "for name in [m for m in sys.modules if m.startswith('rnncourse')]:\n"
             "    del sys.modules[name]\n"
             "importlib.invalidate_caches()\n"
             "from rnncourse.grading import check_array, check_equal, check_true\n"
             "os.chdir('/')\n"
             "os.environ.update(PYTHONPATH='/tmp', HOME='/', OMP_NUM_THREADS='64')\n"]}),
    dict(name="fork_survivor", what="forks a detached process that outlives the cell", base="solution", honest=ALL,
         extra={"mean_pool": [
             "import os, subprocess\n"
             "subprocess.Popen(['sleep', '{MARKER}'], start_new_session=True)\n"
             "if os.fork() == 0:\n"
             "    os.setsid()\n"
             "    if os.fork() == 0:\n"
             "        os.execvp('sleep', ['sleep', '{MARKER}'])\n"
             "    os._exit(0)\n"]}),
    dict(name="wrong_metadata_and_kernelspec", what="R kernelspec; test cells relabelled as 100-point answers",
         base="stub", honest=[], answers=FAKE, edit=_wrong_metadata),
    dict(name="custom_exc_swallows_errors", what="IPython's set_custom_exc hides every error",
         base="stub", honest=[], answers=FAKE,
         extra={"mean_pool": ["get_ipython().set_custom_exc((BaseException,), lambda *args, **kwargs: None)\n"]}),
    dict(name="forged_kernel_replies", what="the kernel is patched to report every cell as successful",
         base="stub", honest=[], answers=FAKE, unprobed=True,
         extra={"mean_pool": [
             "import inspect\n"
             "kernel = get_ipython().kernel\n"
             "original = kernel.do_execute\n"
             "async def do_execute(*args, **kwargs):\n"
             "    reply = original(*args, **kwargs)\n"
             "    if inspect.isawaitable(reply):\n"
             "        reply = await reply\n"
             "    return {'status': 'ok', 'execution_count': reply.get('execution_count'), 'user_expressions': {}, 'payload': []}\n"
             "kernel.do_execute = do_execute\n"
             "get_ipython().showtraceback = lambda *args, **kwargs: None\n"]}),
    dict(name="input_transformer_rewrites_tests", what="an IPython input transformer empties every later test",
         base="stub", honest=[], answers=FAKE,
         extra={"mean_pool": [
             "def neuter(lines):\n"
             "    text = ''.join(lines)\n"
             "    return ['pass\\n'] if ('check_' in text or '__course_probe' in text) else lines\n"
             "get_ipython().input_transformers_post.append(neuter)\n"]}),
]

# Containment: each of these reads or reaches something outside the kernel's allowlist and, if
# it succeeded, would run the instructor's answers (scoring above its honest work), leave a
# process behind, or change the gradebook.
RUN_SOLUTION_CELLS = (
    "def run_solution_cells(text):\n"
    "    import json\n"
    "    try:\n"
    "        cells = json.loads(text)['cells']\n"
    "    except Exception:\n"
    "        return False\n"
    "    ran = False\n"
    "    for cell in cells:\n"
    "        code = ''.join(cell.get('source', ''))\n"
    "        if 'BEGIN SOLUTION' in code:\n"
    "            try:\n"
    "                exec(code, globals())\n"
    "                ran = True\n"
    "            except Exception:\n"
    "                pass\n"
    "    return ran\n"
)
CONTAINMENT = [
    dict(name="second_copy_of_solutions", what="searches the whole disk for any copy of solutions/ and runs it",
         base="stub", honest=[],
         extra={"mean_pool": [RUN_SOLUTION_CELLS +
             "import os\n"
             "found = []\n"
             "home = os.path.expanduser('~')\n"
             "for top in ['{SECOND_COPY}', '/tmp', '/var/tmp', '/root', '/home', '/']:   # likely places first\n"
             "    for folder, dirs, files in os.walk(top):\n"
             "        dirs[:] = [d for d in dirs if os.path.join(folder, d) not in ('/proc', '/sys', '/dev')]\n"
             "        for name in files:\n"
             "            if name.endswith('.ipynb'):\n"
             "                try:\n"
             "                    if run_solution_cells(open(os.path.join(folder, name)).read()):\n"
             "                        found.append(os.path.join(folder, name))\n"
             "                except OSError:\n"
             "                    pass\n"
             "print('solution copies run:', found)\n"]}),
    dict(name="copycat_by_path", what="runs another student's submission, named by absolute and relative paths",
         base="stub", honest=[],
         extra={"mean_pool": [RUN_SOLUTION_CELLS +
             "import os\n"
             "other = '{OTHER_SUBMISSION}'\n"
             "candidates = [other, os.path.relpath(other), '../' * 12 + other.lstrip('/')]\n"
             "for path in candidates:\n"
             "    try:\n"
             "        print(path, run_solution_cells(open(path).read()))\n"
             "    except OSError as error:\n"
             "        print('refused', path, error)\n"]}),
    dict(name="setsid_chain", what="a chain of 64 nested processes, each in a new session, outliving the notebook",
         base="solution", honest=ALL,
         extra={"mean_pool": [
             "import os, subprocess, time\n"
             "chain = 'if [ $1 -gt 0 ]; then setsid sh -c \"$0\" \"$0\" $(($1 - 1)) $2 & fi; sleep 60; true'\n"
             "subprocess.Popen(['sh', '-c', chain, chain, '64', '{MARKER}'], start_new_session=True)\n"
             "def alive():\n"
             "    found = 0\n"
             "    for pid in [p for p in os.listdir('/proc') if p.isdigit()]:\n"
             "        try:\n"
             "            found += b'{MARKER}' in open(f'/proc/{pid}/cmdline', 'rb').read()\n"
             "        except OSError:\n"
             "            pass\n"
             "    return found\n"
             "stop = time.time() + 10\n"
             "while alive() < 65 and time.time() < stop:\n"
             "    time.sleep(0.1)\n"
             "if alive() < 65:\n"
             "    raise RuntimeError(f'chain incomplete: {alive()} of 65 processes started')\n"]}),
    dict(name="network_fetch_answers", what="fetches the answers from a server on 127.0.0.1 (and PostgreSQL's port)",
         base="stub", honest=[],
         extra={"mean_pool": [
             "import socket\n"
             "for port in ({ANSWER_PORT}, 5432):\n"
             "    try:\n"
             "        with socket.create_connection(('127.0.0.1', port), timeout=3) as connection:\n"
             "            code = connection.makefile().read()\n"
             "        exec(code, globals())\n"
             "        print('connected to', port)\n"
             "    except OSError as error:\n"
             "        print('no connection to', port, error)\n"]}),
    dict(name="proc_secrets_and_gradebook_rewrite",
         what="reads every process's command line and environment for the gradebook, then rewrites grades",
         base="stub", honest=[],
         extra={"mean_pool": [
             "import os, re, sqlite3\n"
             "seen = []\n"
             "for pid in [p for p in os.listdir('/proc') if p.isdigit()]:\n"
             "    for name in ('cmdline', 'environ'):\n"
             "        try:\n"
             "            seen.append(open(f'/proc/{pid}/{name}', 'rb').read().decode(errors='replace'))\n"
             "        except OSError:\n"
             "            pass\n"
             "text = ' '.join(seen)\n"
             "paths = re.findall(r'sqlite:///([^\\x00 ]+)', text) + ['{GRADEBOOK}']\n"
             "for path in paths:\n"
             "    try:\n"
             "        db = sqlite3.connect(f'file:{path}?mode=rw', uri=True)\n"
             "        db.execute('UPDATE grade SET manual_score = 100')\n"
             "        db.commit()\n"
             "        print('rewrote', path)\n"
             "    except Exception as error:\n"
             "        print('refused', path, error)\n"
             "raise RuntimeError('processes seen: ' + text[:5000])\n"]}),
]
ATTACKS += CONTAINMENT
