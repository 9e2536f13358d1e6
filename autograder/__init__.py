"""The course autograder.

    python -m autograder release            regenerate exercises/ from solutions/
    python -m autograder check ASSIGNMENT   grade the student's notebook (or a path; no gradebook)
    python -m autograder grade              grade every submission under autograder/submitted/
    python -m autograder lab [--instructor] the student's lab over their workspace, or the instructor's
    python -m autograder reset ASSIGNMENT   put the released notebook back into the workspace
    python -m autograder release-student OUT  write a class's copy of the course

How a submission is graded
--------------------------
1. ``notebook_io``: the file is read and validated; a file that is not a readable notebook gets
   zero with a one-line reason and nothing else is touched.
2. ``assemble``: the notebook to run is rebuilt from the instructor source: every visible test
   cell comes from ``solutions/`` by its grade id; the student's solution cells (and any cells
   they added after them) are kept. Deleted, edited or reordered test cells are restored and
   flagged. A hidden test's code never goes to the kernel.
3. ``probes``: after each test cell, a probe cell calls the student's functions on inputs
   derived from the submission's hash and the course secret (so a file always gets the same
   grade) and saves the results as JSON data.
4. ``sandbox``: the assembled notebook runs in its own process, in an empty temporary folder,
   as a user of its own, with a time limit per cell and per notebook, a memory limit and a cap
   on output; nothing of the course but the package is visible to it.
5. ``grading``: a visible test cell earns its points when it ran without error AND its probes
   match what the instructor's solution returns on the same inputs (computed in a separate
   trusted process and compared in the grader's own process); a hidden test is decided by the
   grader's own checks of its probes alone, and its feedback is the grader's text only.
6. ``gradebook`` / ``classroom`` / ``report``: scores go to the nbgrader gradebook (any SQLAlchemy URL), a CSV and
   a printed table, and per-student HTML feedback that never shows hidden test source.
   ``classroom`` grades a class with worker threads, resumably, optionally one shard of it.

The instructor's guide is ``autograder/README.md``.
"""

import sys as _sys

# jsonschema (under nbformat) imports the optional package ``rfc3987_syntax`` only to check
# strings of format "iri", which no notebook schema uses; importing it builds a grammar and costs
# about 1.6 s, once in the grader and again in every sandbox worker. Marking it absent makes
# jsonschema skip that one check (``python -X importtime -c "import nbformat"`` shows the cost).
_sys.modules.setdefault("rfc3987_syntax", None)
