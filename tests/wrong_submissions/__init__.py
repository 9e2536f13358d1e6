"""Known-wrong submissions, one module per assignment (named after it).

Each module defines ``CASES``: a list of dicts with
  name     a short identifier of the mistake
  answers  {solution grade id: replacement source} - every other answer is the correct one
  failing  {test grade id: text the feedback must contain} - exactly these tests fail
The pipeline test builds each submission from the released notebook, grades it, and checks
that it loses exactly the points of the failing tests, with those messages.
"""
