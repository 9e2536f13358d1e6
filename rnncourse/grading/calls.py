"""Calling the student's function from a test cell, with feedback for the commonest crash.

A shape error inside a student's function (a ``ValueError`` from ``@`` or a broadcast) almost
always means a weight used with the wrong orientation; :func:`call_checked` turns it into a
message that says so. Graded notebooks import it; it holds no exercise's answer.
"""
from __future__ import annotations

from .feedback import Feedback

SHAPE_ERROR_WORDS = ("matmul", "shapes", "broadcast", "aligned", "dimension")
SHAPE_ERROR_HELP = ("Check the orientation of every matrix product: weights are stored as W_xh (H, D) and W_hh "
                    "(H, H) and each row is one example, so the forward pass multiplies by W.T (x_t @ W_xh.T) and the "
                    "backward pass by W (delta @ W_xh); a weight gradient delta.T @ input has the shape of the weight.")


def call_checked(function, *args, **kwargs):
    """Call the student's ``function``; turn a shape error inside it into feedback that explains it.

    A ``ValueError`` from a matrix product or a broadcast almost always means a weight used with
    the wrong orientation; anything else (including ``NotImplementedError``) propagates unchanged.
    """
    try:
        return function(*args, **kwargs)
    except ValueError as error:
        text = str(error).splitlines()[0][:200] if str(error) else ""
        if not any(word in text for word in SHAPE_ERROR_WORDS):
            raise
        raise Feedback(
            f"{getattr(function, '__name__', 'your function')} stopped with a shape error ({text}). {SHAPE_ERROR_HELP}"
        ) from None
