"""Known-wrong submissions, one module per assignment (named after it).

Each module defines ``CASES``: a list of dicts with
  name     a short identifier of the mistake
  answers  {solution grade id: replacement source} - every other answer is the correct one
  failing  {test grade id: text the feedback must contain} - these tests fail
  composed optional {test grade id, ...}: tests of a function built on the wrong one, which runs
           the student's own components and so may fail too (whether it does depends on the inputs)
The pipeline test builds each submission from the released notebook, grades it, and checks
that it loses exactly the points of the tests that fail, which are the failing ones and perhaps
composed ones, with those messages.
"""
