"""The probe format on the wire: the grader's inputs encoded for the kernel, and the kernel's
results decoded back, defensively.

Everything that comes back from a kernel is untrusted: it may be malformed, huge, nested a
thousand levels deep, or of the wrong type in any field. :func:`decode` accepts only what the
probe runtime writes (numbers, lists, tuples, dicts with string keys, arrays of numbers) within
fixed limits, and raises :class:`BadData` with a short reason for anything else; it never raises
another exception, and it never keeps text from the kernel (a string result decodes to
:data:`TEXT`, a marker).
"""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

import numpy as np

MAX_DEPTH = 12                 # nesting of results: a dict of tuples of lists of arrays is 4
MAX_ITEMS = 10_000             # entries of one list or dict
MAX_ELEMENTS = 4_000_000       # numbers in one array
TEXT = object()                # what a string result decodes to: the grader never reads it


class BadData(ValueError):
    """Data from the kernel that is not a well-formed probe result; ``str()`` is the reason."""


# ------------------------------------------------------------------ grader -> kernel

def _array(value: np.ndarray) -> dict:
    array = value.astype(value.dtype.newbyteorder("<"))
    return {"kind": "array", "array": base64.b64encode(array.tobytes()).decode(), "dtype": array.dtype.str,
            "shape": list(array.shape)}


@dataclass(frozen=True)
class Rng:
    """A seeded ``np.random.default_rng(seed)`` made in the kernel."""
    seed: int


@dataclass(frozen=True)
class Tensor:
    """A torch tensor made in the kernel from an array."""
    value: np.ndarray


@dataclass(frozen=True)
class Module:
    """``torch.nn.<name>(**kwargs).double()`` made in the kernel, loaded with ``state``."""
    name: str
    kwargs: dict
    state: dict


@dataclass(frozen=True)
class Params:
    """Parameters with gradients: a list of (value, grad or None) arrays."""
    pairs: tuple


@dataclass(frozen=True)
class Step:
    """The step function of an Elman language model: h = tanh(W_xh[:, id] + W_hh h), logits = W_hy h."""
    W_xh: np.ndarray
    W_hh: np.ndarray
    W_hy: np.ndarray


@dataclass(frozen=True)
class GradientOf:
    """A function of one array for a numerical-gradient routine: ``sum_sin`` is sum(c sin(a) a),
    ``sum_tanh`` is sum(c tanh(M @ a))."""
    form: str
    coefficients: tuple


def encode_args(value) -> dict:
    """The grader's own value in the probe format."""
    if isinstance(value, np.ndarray):
        return _array(value)
    if isinstance(value, (list, tuple)):
        return {"kind": "seq", "seq": [encode_args(v) for v in value], "tuple": isinstance(value, tuple)}
    if isinstance(value, dict):
        return {"kind": "map", "map": {str(k): encode_args(v) for k, v in value.items()}}
    if isinstance(value, Rng):
        return {"kind": "rng", "seed": int(value.seed)}
    if isinstance(value, Tensor):
        return {"kind": "tensor", "value": _array(value.value)}
    if isinstance(value, Module):
        return {"kind": "module", "module": value.name, "kwargs": encode_args(value.kwargs),
                "state": encode_args(value.state)}
    if isinstance(value, Params):
        return {"kind": "params", "params": encode_args([list(pair) for pair in value.pairs])}
    if isinstance(value, Step):
        return {"kind": "step", "W_xh": _array(value.W_xh), "W_hh": _array(value.W_hh), "W_hy": _array(value.W_hy)}
    if isinstance(value, GradientOf):
        return {"kind": "gradient_of", "form": value.form, "coefficients": [_array(c) for c in value.coefficients]}
    if isinstance(value, np.generic):
        return {"py": value.item()}
    return {"py": value}


# ------------------------------------------------------------------ kernel -> grader

def parse(content: bytes | None, max_bytes: int = 64 * 2**20):
    """JSON from the kernel, or :class:`BadData` (missing, too large, not JSON, too deep)."""
    if content is None:
        raise BadData("no result was written (the notebook stopped, timed out or the kernel died first)")
    if not isinstance(content, (bytes, str)) or len(content) > max_bytes:
        raise BadData("the result is too large")
    try:
        return json.loads(content)
    except RecursionError:
        raise BadData("the result is nested too deeply") from None
    except (ValueError, UnicodeDecodeError):
        raise BadData("the result is not readable JSON") from None


def decode(node, depth: int = 0):
    """A kernel's encoded value as Python data (see the module docstring), or :class:`BadData`."""
    if depth > MAX_DEPTH:
        raise BadData("the result is nested too deeply")
    if not isinstance(node, dict):
        raise BadData("a value of the result is malformed")
    if "unsupported" in node:
        raise BadData("not a number, an array, a list, a tuple or a dict")
    if "array" in node:
        return _decode_array(node)
    if "seq" in node:
        items = node["seq"]
        if not isinstance(items, list) or len(items) > MAX_ITEMS:
            raise BadData("a list of the result is malformed")
        values = [decode(item, depth + 1) for item in items]
        return tuple(values) if node.get("tuple") is True else values
    if "map" in node:
        mapping = node["map"]
        if not isinstance(mapping, dict) or len(mapping) > MAX_ITEMS:
            raise BadData("a dict of the result is malformed")
        return {key: decode(item, depth + 1) for key, item in mapping.items()}
    if "py" in node:
        value = node["py"]
        if value is None or type(value) in (bool, int, float):
            if type(value) is int and abs(value) > 2**63:
                raise BadData("an integer of the result is out of range")
            return value
        if type(value) is str:
            return TEXT
        raise BadData("a value of the result is malformed")
    raise BadData("a value of the result is malformed")


def _decode_array(node: dict) -> np.ndarray:
    dtype_text, shape, data = node.get("dtype"), node.get("shape"), node.get("array")
    if not (isinstance(dtype_text, str) and isinstance(data, str) and isinstance(shape, list)):
        raise BadData("an array of the result is malformed")
    if len(dtype_text) > 4 or dtype_text[:1] not in "<|" or dtype_text[1:2] not in tuple("biuf"):
        raise BadData("an array of the result is not made of numbers")
    if len(shape) > 8 or not all(type(n) is int and 0 <= n <= MAX_ELEMENTS for n in shape):
        raise BadData("an array of the result has a malformed shape")
    try:
        dtype = np.dtype(dtype_text)
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if dtype.itemsize > 8 or count > MAX_ELEMENTS:
            raise BadData("an array of the result is too large")
        raw = base64.b64decode(data, validate=True)
        if len(raw) != count * dtype.itemsize:
            raise BadData("an array of the result has the wrong number of bytes")
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    except (TypeError, ValueError, binascii.Error, OverflowError) as err:
        if isinstance(err, BadData):
            raise
        raise BadData("an array of the result is malformed") from None
