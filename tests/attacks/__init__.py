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

Code may use the placeholders {GRADEBOOK}, {OTHER_SUBMISSION}, {SECOND_COPY}, {ANSWER_PORT}
and {MARKER}: the test fills in the paths of a real gradebook, of another student's submission
and of a second copy of solutions/ elsewhere on disk, the port of a server on 127.0.0.1 that
hands out the answers, and a unique marker.

``class_layout`` holds the attacks on the layout of a class's submissions folder (links,
devices, folders where a notebook belongs), graded through the command line.
"""
