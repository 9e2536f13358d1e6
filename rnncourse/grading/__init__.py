"""Checks with teaching feedback for the exercises' test cells.

Test cells import from here (never a helper file copied beside a notebook)::

    from rnncourse.grading import check_array, check_equal, Feedback
"""
from .feedback import Feedback, check_array, check_equal, check_true

__all__ = ["Feedback", "check_array", "check_equal", "check_true"]
