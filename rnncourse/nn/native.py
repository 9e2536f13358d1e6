"""The native time loops of the fused LSTM and GRU, compiled from ``fused_native.cpp`` on first use.

:mod:`rnncourse.nn.fused` runs each layer's time loop either in Python (a few PyTorch calls per
step) or in C++ (one GEMM and one pass over the gates per step). The C++ file is compiled by
``torch.utils.cpp_extension.load`` the first time a fused layer runs on CPU tensors, into a
cache folder outside the repository (``$RNNCOURSE_NATIVE_CACHE``, else PyTorch's own
``$TORCH_EXTENSIONS_DIR`` or ``~/.cache/torch_extensions``), under a name that hashes the
source, the PyTorch version, the compiler flags and the CPU, so that a rebuild happens only when
one of them changes and no stale library is ever loaded. Compiling takes about ten seconds
(``-march=native``: the library is built for the CPU it runs on).

Without a C++ compiler or ninja, or with ``RNNCOURSE_NATIVE=0`` in the environment, the Python
loop runs instead, with the same results: nothing is raised, and :func:`native_status` says which
loop runs and why.
"""
from __future__ import annotations

import hashlib
import os
import platform
import warnings
from contextlib import contextmanager
from pathlib import Path

import torch

SOURCE = Path(__file__).with_name("fused_native.cpp")
CFLAGS = ["-O3", "-march=native"]
DTYPES = (torch.float32, torch.float64)

_state = {"ops": None, "tried": False, "reason": "not compiled yet", "enabled": os.environ.get("RNNCOURSE_NATIVE", "1") != "0"}


def _cpu_signature() -> str:
    """The CPU's model and instruction-set flags (``-march=native`` compiles for exactly these)."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        return "".join(line for line in lines if line.startswith(("model name", "flags")))[:4096]
    except OSError:
        return platform.processor()


def _name() -> str:
    key = "\n".join([SOURCE.read_text(), torch.__version__, " ".join(CFLAGS), _cpu_signature()])
    return "rnncourse_fused_" + hashlib.sha256(key.encode()).hexdigest()[:16]


def _ninja_on_path() -> None:
    """Put the ninja of the course's environment (the PyPI package) on PATH, where torch looks for it."""
    try:
        import ninja
    except ImportError:     # then a system ninja, if any
        return
    if ninja.BIN_DIR not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = ninja.BIN_DIR + os.pathsep + os.environ.get("PATH", "")


def _compile():
    from torch.utils.cpp_extension import load

    _ninja_on_path()

    cache = os.environ.get("RNNCOURSE_NATIVE_CACHE")
    name = _name()
    build = None
    if cache:
        build = Path(cache) / name
        build.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():  # a compiler-version notice is not the user's business
        warnings.simplefilter("ignore")
        load(name=name, sources=[str(SOURCE)], extra_cflags=CFLAGS, is_python_module=False,
             build_directory=None if build is None else str(build), verbose=False)
    return torch.ops.rnncourse_fused


def _ops():
    """The compiled operators, compiling them on the first call; None where that is impossible."""
    if not _state["enabled"]:
        return None
    if not _state["tried"]:
        _state["tried"] = True
        try:
            _state["ops"] = _compile()
            _state["reason"] = "compiled"
        except Exception as error:  # no compiler, no ninja, a read-only cache: the Python loop runs
            _state["reason"] = f"could not compile {SOURCE.name}: {type(error).__name__}: {str(error).strip()[:300]}"
    return _state["ops"]


def ops_for(X: torch.Tensor):
    """The native operators if they can run on ``X`` (a CPU float32/float64 tensor), else None."""
    if X.device.type != "cpu" or X.dtype not in DTYPES:
        return None
    return _ops()


def native_available() -> bool:
    """Whether fused layers on CPU tensors run the C++ loop (compiling it now if needed)."""
    return _ops() is not None


def native_status() -> str:
    """Which loop the fused layers run on CPU, and why: ``"native"`` or ``"python (<reason>)"``."""
    if not _state["enabled"]:
        return "python (native loop switched off)"
    return "native" if _ops() is not None else f"python ({_state['reason']})"


@contextmanager
def use_native(enabled: bool):
    """Within the block, fused layers run the native loop (if it compiles) or the Python loop."""
    before = _state["enabled"]
    _state["enabled"] = enabled
    try:
        yield
    finally:
        _state["enabled"] = before
