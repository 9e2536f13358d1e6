"""Torch tasks on CUDA: the probes add a GPU run where the grading machine has an NVIDIA device,
the sandbox binds its nodes, and a kernel without CUDA is graded on CPU and meta and told so.

The machine's device list is faked here (a folder standing for /dev and /sys); the real GPU run
is the last test, which needs a CUDA device."""
from __future__ import annotations

import json
import os

import nbformat
import numpy as np
import pytest
import torch

from autograder import gpu, isolation, probes
from autograder.grading import NotebookResult, grade_notebook, load_source
from autograder.probes import CUDA_ABSENT, CUDA_USED, Call, Probe, cuda_line, draw_probes, with_cuda
from autograder.probes.judge import CUDA_ERROR
from autograder.probes.wire import Tensor, decode
from autograder.report import feedback_html, format_student_report
from conftest import PIPELINE_LIMITS, solution_answers, student_notebook

A = "13_recurrences_after_transformers"
TORCH_TEST = "test_min_gru_parallel_torch_hidden"


@pytest.fixture
def fake_gpu(tmp_path, monkeypatch):
    """A machine with one GPU: its device nodes, the driver's module folder and its PCI device."""
    dev, sys_ = tmp_path / "dev", tmp_path / "sys"
    for name in ("nvidia0", "nvidiactl", "nvidia-uvm", "nvidia-uvm-tools", "null", "sda", "nvidia-foo"):
        (dev / name).parent.mkdir(exist_ok=True)
        (dev / name).touch()
    (sys_ / "module/nvidia").mkdir(parents=True)
    device = sys_ / "devices/pci0000:17/0000:17:00.0"
    device.mkdir(parents=True)
    (sys_ / "bus/pci/devices").mkdir(parents=True)
    (sys_ / "bus/pci/devices/0000:17:00.0").symlink_to("../../../devices/pci0000:17/0000:17:00.0")
    (sys_ / "bus/pci/drivers/nvidia").mkdir(parents=True)
    (sys_ / "bus/pci/drivers/nvidia/0000:17:00.0").symlink_to("../../../../devices/pci0000:17/0000:17:00.0")
    monkeypatch.setattr(gpu, "DEV", str(dev))
    monkeypatch.setattr(gpu, "SYS", str(sys_))
    monkeypatch.setattr(probes, "_cache", {})
    return tmp_path


def run_probe(tmp_path, functions: dict, calls, reference: bool = False) -> tuple[Probe, bytes]:
    """A probe cell's code run in a plain namespace holding ``functions``; what it wrote."""
    probe = Probe("test", calls, "out.json")
    namespace, cwd = dict(functions), os.getcwd()
    os.chdir(tmp_path)
    try:
        exec(probe.reference_code if reference else probe.code, namespace)
    finally:
        os.chdir(cwd)
    return probe, (tmp_path / "out.json").read_bytes()


def test_the_gpu_is_the_driver_s_nodes(fake_gpu, monkeypatch):
    """Only NVIDIA nodes count, the control node and a GPU node are both needed, and the sandbox
    binds the nodes and the driver's sysfs folders, nothing else of /dev or /sys."""
    assert gpu.cuda_present()
    paths = gpu.sandbox_paths()
    dev, sys_ = gpu.DEV, gpu.SYS
    assert paths == [f"{dev}/nvidia-uvm", f"{dev}/nvidia-uvm-tools", f"{dev}/nvidia0", f"{dev}/nvidiactl",
                     f"{sys_}/module/nvidia", os.path.realpath(f"{sys_}/devices/pci0000:17/0000:17:00.0"),
                     f"{sys_}/bus/pci/devices/0000:17:00.0"]
    os.remove(f"{dev}/nvidiactl")
    assert not gpu.cuda_present() and gpu.sandbox_paths() == []


def test_the_sandbox_binds_the_gpu_read_only(fake_gpu, monkeypatch):
    """build_root binds every path of gpu.sandbox_paths read-only after the private /dev."""
    bound = []
    monkeypatch.setattr(isolation, "_mount", lambda *a: None)
    monkeypatch.setattr(isolation, "_pivot_root", lambda root: None)
    monkeypatch.setattr(isolation, "_remount_readonly", lambda target: None)
    monkeypatch.setattr(isolation, "_tmpfs", lambda root, path: (os.makedirs(root + path), bound.append(("tmpfs", path))))
    monkeypatch.setattr(isolation, "_bind", lambda root, path, readonly: bound.append((path, readonly)))
    monkeypatch.setattr(isolation, "_write_etc", lambda *a: None)
    box = isolation.Sandbox(root=str(fake_gpu / "root"), writable=[], readable=[], home="/work")
    isolation.build_root(box, os.getuid(), os.getgid())
    after_dev = bound[bound.index(("tmpfs", "/dev")):]
    for path in gpu.sandbox_paths():
        assert (path, True) in after_dev
    monkeypatch.setattr(gpu, "DEV", str(fake_gpu / "nowhere"))
    bound.clear()
    box.root = str(fake_gpu / "root-without-gpu")
    isolation.build_root(box, os.getuid(), os.getgid())
    assert not any("nvidia" in str(item[0]) or str(fake_gpu) in str(item[0]) for item in bound)


def test_with_a_gpu_the_memory_cap_leaves_cudas_address_space_alone(fake_gpu, monkeypatch):
    """CUDA reserves more address space than any memory cap allows when it starts: with the GPU
    bound, the kernel's cap is on private writable memory (RLIMIT_DATA), else on the address space."""
    import resource

    from autograder import kernel_launcher

    assert kernel_launcher.memory_rlimit() == resource.RLIMIT_DATA
    monkeypatch.setattr(gpu, "DEV", str(fake_gpu / "nowhere"))
    assert kernel_launcher.memory_rlimit() == resource.RLIMIT_AS


def test_with_a_gpu_every_meta_call_gets_a_cuda_twin(fake_gpu):
    """The probe set holds, after each meta call, the same call on cuda; the reference runs it as a
    plain call (CPU float64), and the draw of the inputs does not change."""
    source = load_source(A).notebook
    with_gpu = draw_probes(A, source, seed=5)
    calls = with_gpu[TORCH_TEST].calls
    meta = [i for i, c in enumerate(calls) if c.driver == "meta"]
    assert meta and all(calls[i + 1].driver == "cuda" and calls[i + 1].args is calls[i].args for i in meta)
    assert "CUDA device float32" in calls[meta[0] + 1].label
    assert '"driver": "cuda"' in with_gpu[TORCH_TEST].code
    assert '"driver": "cuda"' not in with_gpu[TORCH_TEST].reference_code
    gpu.DEV = "/nonexistent"
    without = draw_probes(A, source, seed=5)
    assert all(c.driver != "cuda" for p in without.values() for c in p.calls)
    assert [c.driver for c in calls if c.driver != "cuda"] == [c.driver for c in without[TORCH_TEST].calls]


def _torch_double(X):
    return torch.tanh(X) * 2.0


def test_a_kernel_without_cuda_is_graded_on_cpu_and_meta_and_says_so(tmp_path, monkeypatch):
    """The cuda call in a kernel without CUDA makes no call and fails nothing; the line says why."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)       # a kernel that finds no CUDA device
    X = np.random.default_rng(0).normal(size=(3, 2))
    calls = with_cuda([Call("double", (Tensor(X),), label="T=3, CPU float64"),
                       Call("double", (Tensor(X),), label="T=3, meta device float32", driver="meta")])
    probe, content = run_probe(tmp_path, {"double": _torch_double}, calls)
    assert json.loads(content)[2] == {"error": "NoCuda"}
    _, reference = run_probe(tmp_path, {"double": _torch_double}, calls, reference=True)
    probe.expected = json.loads(reference)
    twin = decode(probe.expected[2]["value"])
    assert twin.dtype == np.float64 and np.allclose(twin, np.tanh(X) * 2)     # the reference's twin: CPU float64
    assert probe.check(content) == ""
    assert cuda_line({"t": probe}, {"out.json": content}) == CUDA_ABSENT
    assert cuda_line({"t": Probe("t", calls[:2], "out.json")}, {}) == CUDA_ABSENT      # no GPU: no cuda call
    assert cuda_line({"t": Probe("t", calls[:1], "out.json")}, {}) == ""                # no torch task
    # a student's own exception named NoCuda is an exception, not a missing GPU (which only the runtime's says)
    class NoCuda(Exception):
        pass

    def raises(X):
        raise NoCuda()
    probe, content = run_probe(tmp_path, {"double": raises}, calls[:1])
    assert json.loads(content) == [{"error": "an exception"}]


def test_a_wrong_cuda_result_is_named_by_the_check():
    """The twin's check: the device, the dtype and the values against the CPU float64 result."""
    check = with_cuda([Call("f", (), driver="meta")])[1].check
    want = np.linspace(-1, 1, 6)
    check([True, True, True, want.astype(np.float32)], want, ())
    for got, words in (([True, False, True, want], "on another device"),
                       ([True, True, False, want], "is not float32"),
                       ([False, False, False, None], "did not return a torch tensor"),
                       ([True, True, True, (want + 1e-3).astype(np.float32)], "largest error")):
        with pytest.raises(Exception, match=words):
            check(got, want, ())


def test_the_report_says_where_the_torch_tasks_ran():
    result = NotebookResult("s", A, f"{A}.ipynb", devices=CUDA_ABSENT)
    assert CUDA_ABSENT in format_student_report(result) and CUDA_ABSENT in feedback_html(result)
    assert "CUDA" not in format_student_report(NotebookResult("s", A, f"{A}.ipynb"))


HARD_CODED = ("def min_gru_parallel_torch(X, h0, W_z, b_z, W_h, b_h):\n"      # the state kept on the CPU
              "    import torch\n"
              "    z = torch.sigmoid(X @ W_z.T + b_z)\n"
              "    h, out = h0.cpu(), []\n"
              "    for z_t, x_t in zip(z, X @ W_h.T + b_h):\n"
              "        h = (1 - z_t) * h + z_t * x_t\n"
              "        out.append(h)\n"
              "    return torch.stack(out)\n")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_on_a_gpu_the_solution_scores_full_and_a_hard_coded_device_is_named(tmp_path):
    """Graded in the real sandbox on this machine's GPU: the solution scores full marks on CPU, meta and
    CUDA; a layer that moves its state to the CPU fails the cuda call with the device advice."""
    assert gpu.cuda_present(), "torch sees a GPU but /dev has no NVIDIA nodes"
    path = tmp_path / "solution" / f"{A}.ipynb"
    path.parent.mkdir()
    nbformat.write(student_notebook(A, solution_answers(A)), path)
    result = grade_notebook(path, A, student="solution", limits=PIPELINE_LIMITS)
    assert result.score == result.max_score, format_student_report(result)
    assert result.devices == CUDA_USED
    X = np.random.default_rng(1).normal(size=(4, 2, 3))
    args = (Tensor(X), Tensor(np.zeros((2, 5))), Tensor(np.ones((5, 3))), Tensor(np.zeros(5)),
            Tensor(np.ones((5, 3))), Tensor(np.zeros(5)))
    calls = with_cuda([Call("min_gru_parallel_torch", args, label="meta device float32", driver="meta")])[1:]
    namespace = {}
    exec(HARD_CODED, namespace)
    probe, content = run_probe(tmp_path, namespace, calls)
    probe.expected = [{"value": None}]
    assert json.loads(content) == [{"error": "RuntimeError"}]
    assert CUDA_ERROR in probe.check(content)


def test_with_a_gpu_listed_but_none_in_the_kernel_the_solution_scores_full(fake_gpu, tmp_path):
    """The grader sees device nodes, so its probes hold cuda calls; the kernel finds no CUDA (none on
    this machine, or none usable), makes none of them, and the solution keeps full marks."""
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA: the kernel would use it")
    path = tmp_path / "solution" / f"{A}.ipynb"
    path.parent.mkdir()
    nbformat.write(student_notebook(A, solution_answers(A)), path)
    result = grade_notebook(path, A, student="solution", limits=PIPELINE_LIMITS)
    assert result.score == result.max_score, format_student_report(result)
    assert result.devices == CUDA_ABSENT and CUDA_ABSENT in format_student_report(result)
