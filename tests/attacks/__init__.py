"""Adversarial submissions, one module per assignment (named after it).

Each module defines ``ATTACKS``: a list of dicts with
  name      a short identifier
  what      one line: what the submission tries
  base      "solution" or "stub": the answers it starts from (the released notebook with them)
  answers   {solution grade id: source} replacing answers of the base
  extra     {solution grade id: [code, ...]}: cells the student added after that answer
  edit      optional function(notebook) -> notebook, applied last (delete or edit cells, metadata)
  honest    names of the functions whose answers are honest work: the attack may score at most
            the points of their tests (the tests named ``test_<function>_...``)
  unprobed  optional True: also grade it trusting the in-kernel tests alone, to show what the
            grader's own probes add

Code may use the placeholders {GRADEBOOK}, {OTHER_SUBMISSION} and {MARKER}: the test fills in
the paths of a real gradebook and of another student's submission, and a unique marker.
"""
