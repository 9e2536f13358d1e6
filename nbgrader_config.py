"""nbgrader configuration of the course (paths are relative to the repository root).

solutions/<assignment>/     instructor source: solutions and hidden tests (nbgrader "source")
exercises/<assignment>/     student notebooks generated from it (nbgrader "release")
autograder/submitted/<student>/<assignment>/    collected submissions
autograder/autograded/, autograder/feedback/    grading outputs (git-ignored)
autograder/gradebook.db     the default sqlite gradebook; the environment variable
                            RNNCOURSE_DB_URL (an SQLAlchemy URL, as for `course.py grade`) selects another one
"""
import os

c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
c.CourseDirectory.submitted_directory = "autograder/submitted"
c.CourseDirectory.autograded_directory = "autograder/autograded"
c.CourseDirectory.feedback_directory = "autograder/feedback"
c.CourseDirectory.db_url = os.environ.get(
    "RNNCOURSE_DB_URL", "sqlite:///" + os.path.join(c.CourseDirectory.root, "autograder", "gradebook.db"))
c.CourseDirectory.course_id = "rnn-course"

# Released stubs: the signature and docstring stay, the body becomes this.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
c.ClearSolutions.enforce_metadata = True
# Released notebooks carry no outputs and are not executed on release.
c.ClearOutput.enabled = True
c.GenerateAssignment.force = True
# The feedback page's MathJax is the course's own, inside the page (autograder/lab/feedback.py).
c.HTMLExporter.filters = {"rnncourse_offline_mathjax": "autograder.lab.feedback.offline_mathjax"}
