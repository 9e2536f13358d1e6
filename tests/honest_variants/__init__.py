"""Correct answers written in other styles, one module per assignment (named after it).

Each module defines ``VARIANTS``: a list of dicts with
  name     a short identifier of the style
  answers  {solution grade id: source} - every other answer is the instructor's
Every variant must get full marks from the real grader (tests/test_honest_variants.py): loops
instead of vectorised code, per-gate matrices sliced from stacked weights, the sigmoid written as
1 / (1 + exp(-a)), biases split differently, other slicing and other orders of summation.
"""
