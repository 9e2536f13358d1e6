"""Plain explanations of errors that come from a submission's kernel.

:func:`course_code_message` recognises an answer that imports the course's own code (the NumPy
references, the torch modules, the experiments, the gradient check, the grading modules that
hold references): in a graded notebook only the student-facing helpers exist, so such an import
fails with ``ModuleNotFoundError`` (or ``ImportError`` for a name the helpers lack), and the
student should learn why rather than read a bare module name.
"""
from __future__ import annotations

import re

COURSE_CODE = ("the course's reference code is not available in graded notebooks; write the function "
               "yourself (the graded notebooks can import only numpy, torch and rnncourse's checking helpers)")

_MISSING = re.compile(r"""No module named ['"](rnncourse(?:\.[\w.]+)?)['"]|cannot import name ['"](\w+)['"] from ['"](rnncourse[\w.]*)['"]""")


def course_code_message(ename: str, evalue: str) -> str | None:
    """The explanation for a failed import of course code, or None for any other error."""
    if ename not in {"ModuleNotFoundError", "ImportError"}:
        return None
    match = _MISSING.search(evalue or "")
    if match is None:
        return None
    what = match.group(1) or f"{match.group(2)} from {match.group(3)}"
    return f"{ename}: {what} cannot be imported: {COURSE_CODE}."
