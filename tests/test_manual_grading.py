"""Manually graded cells (written answers) end to end, on a tiny assignment of its own
(tests/written_course.py): not run as tests, counted apart from the automatic points in the
table, scores.csv and feedback; registered in the gradebook so that formgrader asks a person for
them; a person's score survives a regrade of the automatic part; the export adds both; the
rubric command prints and checks the rubric; nothing a student sees holds the model answer.
"""
from __future__ import annotations

import csv
import json

import nbformat
import pytest

from autograder import cli, paths
from autograder.assemble import assemble
from autograder.classroom import grade_class
from autograder.export import export
from autograder.gradebook import disagreements, open_gradebook, read_manual, record, register_assignment
from autograder.grading import ManualResult, NotebookResult, grade_notebook, load_source
from autograder.grading import TestResult as Check
from autograder.report import feedback_html, format_class_table, format_student_report, write_csv
from autograder.rubric import RubricError, written_questions
from written_course import (GOOD, MODEL_ANSWER, NAME, QUESTION, STUDENT_ANSWER, source_notebook, student_notebook,
                            use_course, write_course)

SECRET_TEXT = ("Model answer", "Rubric", MODEL_ANSWER, "names saturation")


@pytest.fixture
def course(tmp_path, monkeypatch):
    write_course(tmp_path / "course")
    yield from use_course(monkeypatch, tmp_path / "course")


def _graded(folder, answers, student="ann"):
    path = folder / student / NAME / f"{NAME}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(student_notebook(answers), path)
    return grade_notebook(path, NAME, student)


def test_manual_cells_are_not_tests_and_count_apart(course, tmp_path):
    result = _graded(tmp_path / "sub", GOOD)
    assert [t.grade_id for t in result.tests] == ["test_double"]
    assert (result.score, result.max_score, result.error) == (2, 2, "")
    # The manually graded code cell raised an error; that decides nothing: a person grades it.
    assert [(m.grade_id, m.max_points, m.answered, m.points) for m in result.manual] == [
        ("written_why", 3, True, None), ("plot_code", 1, True, None)]
    assert result.manual[0].description == QUESTION.replace("**", "")
    assert result.manual_pending and result.manual_score is None and result.manual_max == 4
    report = format_student_report(result)
    assert report.startswith(f"{NAME}: 2 / 2 points (automatic; the written answers, 4 points, are graded")
    assert "[WRITTEN] -/3  written_why" in report


def test_an_answer_left_as_released_scores_zero_and_waits_for_nobody(course, tmp_path):
    result = _graded(tmp_path / "sub", {"written_why": "YOUR ANSWER HERE\n"})
    assert result.score == 0
    assert [(m.answered, m.points) for m in result.manual] == [(False, 0.0), (False, 0.0)]
    assert not result.manual_pending and result.manual_score == 0


def _result(student, auto, manual_points):
    tests = [Check("test_double", "double doubles a number.", auto, 2.0, False)]
    manual = [ManualResult("written_why", "Why?", 3.0, True, manual_points[0]),
              ManualResult("plot_code", "Plot", 1.0, True, manual_points[1])]
    return NotebookResult(student, NAME, f"{NAME}.ipynb", score=auto, max_score=2.0, tests=tests, manual=manual)


def test_table_and_scores_csv_show_manual_points_apart_until_graded(tmp_path):
    pending, partly, graded = _result("ann", 2.0, (None, None)), _result("bob", 2.0, (2.0, None)), _result("cy", 0.0, (3.0, 1.0))
    table = format_class_table([pending, partly, graded])
    rows = {line.split()[0]: line for line in table.splitlines()[2:5]}
    assert "2/2 automatic + manual 0/4 pending" in rows["ann"]
    assert "2/2 automatic + manual 2/4 pending" in rows["bob"]
    assert "4/6" in rows["cy"] and "automatic" not in rows["cy"]
    scores, _ = write_csv([pending, partly, graded], tmp_path)
    by_student = {row["student"]: row for row in csv.DictReader(open(scores))}
    assert {k: by_student["ann"][k] for k in ("score", "max_score", "manual_score", "manual_max", "manual", "total", "total_max")} == {
        "score": "2", "max_score": "2", "manual_score": "", "manual_max": "4", "manual": "pending", "total": "", "total_max": "6"}
    assert (by_student["bob"]["manual"], by_student["bob"]["total"]) == ("pending", "")
    assert {k: by_student["cy"][k] for k in ("manual_score", "manual", "total")} == {"manual_score": "4", "manual": "graded", "total": "4"}
    plain = NotebookResult("dee", NAME, f"{NAME}.ipynb", score=1.0, max_score=2.0)
    assert "1/2" in format_class_table([plain]) and "manual" not in format_class_table([plain])
    assert "2 / 2 automatic + manual 0/4 pending" not in feedback_html(pending)
    assert "2/2 automatic + manual 0/4 pending" in feedback_html(pending) and "Written answers" in feedback_html(pending)


def test_nothing_a_student_sees_holds_the_model_answer_or_rubric(course, tmp_path):
    released = load_source(NAME).released
    written = next(c for c in released.cells if c.metadata["nbgrader"].get("grade_id") == "written_why")
    assert written.source == "YOUR ANSWER HERE"
    text = nbformat.writes(released)
    result = _graded(tmp_path / "sub", GOOD)
    # The notebook run in the student's kernel carries the student's written answer, not the model's.
    kernel = nbformat.writes(assemble(load_source(NAME).notebook, released, student_notebook(GOOD)).notebook)
    assert STUDENT_ANSWER in kernel
    for shown in (text, kernel, format_student_report(result), feedback_html(result), json.dumps(result.to_dict())):
        assert not [s for s in SECRET_TEXT if s in shown]


def _rows(gb, student):
    """{cell: (auto, manual, needs manual grade)} of one submission in the gradebook."""
    gb.db.expire_all()
    cells = ("test_double", "written_why", "plot_code")
    return {c: (g.auto_score, g.manual_score, g.needs_manual_grade)
            for c in cells for g in [gb.find_grade(c, NAME, NAME, student)]}


def test_the_gradebook_keeps_a_persons_score_across_an_automatic_regrade(course, tmp_path):
    submitted, autograded, db = tmp_path / "submitted", tmp_path / "autograded", tmp_path / "gradebook.db"
    for student, answers in {"ann": GOOD, "bob": {"double": GOOD["double"]}}.items():
        path = submitted / student / NAME / f"{NAME}.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(student_notebook(answers), path)
    url = f"sqlite:///{db}"
    folders = dict(submitted=submitted, autograded=autograded, feedback=tmp_path / "feedback", log=lambda *a: None)
    first = {r.student: r for r in grade_class(url, **folders)}
    gb = open_gradebook(url)
    try:
        assert _rows(gb, "ann") == {"test_double": (2, None, False), "written_why": (None, None, True),
                                    "plot_code": (None, None, True)}
        assert _rows(gb, "bob")["written_why"] == (0, None, False)        # no response: 0, nobody needed
        assert first["ann"].manual_pending and first["bob"].manual_score == 0
        # The notebook formgrader shows: the student's answer, as text; no model answer.
        review = (autograded / "ann" / NAME / f"{NAME}.ipynb").read_text()
        assert "products over &lt;b&gt;many&lt;/b&gt; steps" in review and "<b>" not in review
        assert not [s for s in SECRET_TEXT if s in review]
        # A person grades the written answers in formgrader; someone also overrides an automatic cell.
        for cell, score in {"written_why": 2.5, "plot_code": 1.0, "test_double": 0.0}.items():
            grade = gb.find_grade(cell, NAME, NAME, "ann")
            grade.manual_score, grade.needs_manual_grade = score, False
        gb.find_grade("written_why", NAME, NAME, "ann").extra_credit = 0.5
        gb.db.commit()
        assert disagreements(gb, list(first.values())) == ["ann/90_written test_double: the gradebook says 0, "
                                                          "the grader computed 2"]
    finally:
        gb.close()
    again = {r.student: r for r in grade_class(url, force=True, **folders)}
    gb = open_gradebook(url)
    try:
        rows = _rows(gb, "ann")
        assert rows["test_double"] == (2, None, False), "an automatic grade is the grader's alone"
        assert rows["written_why"] == (None, 2.5, False) and rows["plot_code"] == (None, 1.0, False)
        assert disagreements(gb, list(again.values())) == []
        wrong = gb.find_grade("written_why", NAME, NAME, "bob")
        wrong.auto_score, wrong.manual_score = 3.0, 7.0
        gb.db.commit()
        found = disagreements(gb, list(again.values()))
        assert any("bob/90_written written_why" in line and "automatic score is 3.0" in line for line in found), found
        assert any("manual score 7 is over the cell's 3 points" in line for line in found), found
        written, missing = export(gb, "canvas", tmp_path / "export", tmp_path / "roster.csv")
    finally:
        gb.close()
    ann = again["ann"]
    assert (ann.score, ann.manual_score, ann.manual_pending) == (2, 4.0, False)   # 2.5 + 0.5 extra + 1
    assert "6/6" in format_class_table([ann])
    rows = {row[0]: row for row in csv.reader(open(written[0]))}
    assert float(rows["ann"][4]) == 6.0 and float(rows["    Points Possible"][4]) == 6.0
    assert not [line for line in missing if "grade by hand" in line]


def test_export_names_a_submission_still_waiting_for_a_manual_grade(course, tmp_path):
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    gb = open_gradebook(url)
    try:
        register_assignment(gb, load_source(NAME))
        record(gb, _result("ann", 2.0, (None, None)))
        _, missing = export(gb, "canvas", tmp_path / "export", tmp_path / "roster.csv")
    finally:
        gb.close()
    assert any(line.startswith("ann: 90_written has answers still to grade by hand") for line in missing), missing


def test_a_written_cell_added_after_a_submission_was_stored_gets_its_grade(course, tmp_path):
    """nbgrader creates a submission's grade rows once; a question added later must not break it."""
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    without = source_notebook()
    without.cells = [c for c in without.cells if c.metadata["nbgrader"]["grade_id"] not in ("written_why", "plot_code")]
    write_course(tmp_path / "course", without)
    load_source.cache_clear()
    gb = open_gradebook(url)
    try:
        register_assignment(gb, load_source(NAME))
        record(gb, NotebookResult("ann", NAME, f"{NAME}.ipynb", 2.0, 2.0, tests=_result("ann", 2.0, (None, None)).tests))
        write_course(tmp_path / "course")
        load_source.cache_clear()
        register_assignment(gb, load_source(NAME))
        later = _result("ann", 2.0, (None, None))
        record(gb, later)
        read_manual(gb, [later])
        assert _rows(gb, "ann")["written_why"] == (None, None, True)
        assert later.manual_pending and disagreements(gb, [later]) == []
    finally:
        gb.close()


def test_rubric_command_prints_each_question_and_refuses_a_rubric_that_does_not_add_up(course, capsys):
    assert cli.main(["rubric", NAME]) == 0
    out = capsys.readouterr().out
    for text in (f"{NAME}: 1 written question(s), 3 points", "written_why (3 points)", "Why does the gradient",
                 MODEL_ANSWER, "- 2 points: names saturation of tanh", "- 1 point: says the shrinking"):
        assert text in out, out
    assert cli.main(["rubric", "no_such"]) == 2 and "no assignment called 'no_such'" in capsys.readouterr().err
    broken = source_notebook(written=f"**Model answer.** {MODEL_ANSWER}\n\n**Rubric (3 points).**\n- 2 points: a\n- 2 points: b")
    write_course(course, broken)
    assert cli.main(["rubric", NAME]) == 1
    assert "written_why: the rubric's points add up to 4, the cell is worth 3" in capsys.readouterr().err


@pytest.mark.parametrize("written,problem", [
    ("Just an answer.", "is not '**Model answer.** ...'"),
    (f"**Model answer.** x\n\n**Rubric (2 points).**\n- 2 points: a", "the rubric says 2 points, the cell is worth 3"),
    (f"**Model answer.** x\n\n**Rubric (3 points).**\n- 2 points: a\n* 1 point: b", "'* 1 point: b' is not"),
    (f"**Model answer.**\n\n**Rubric (3 points).**\n- 3 points: a", "the model answer is empty"),
])
def test_a_broken_rubric_is_named(written, problem):
    with pytest.raises(RubricError, match=None) as err:
        written_questions(source_notebook(written=written), NAME)
    assert problem in str(err.value) and "written_why" in str(err.value)


def test_the_question_must_be_the_locked_cell_before_the_answer():
    nb = source_notebook()
    index = next(i for i, c in enumerate(nb.cells) if c.metadata["nbgrader"]["grade_id"] == "written_why")
    nb.cells[index - 1].metadata["nbgrader"]["locked"] = False
    with pytest.raises(RubricError, match="the question must be the locked markdown cell"):
        written_questions(nb, NAME)
    assert [q.grade_id for q in written_questions(source_notebook(), NAME)] == ["written_why"]



def test_a_class_copy_check_lists_the_written_answers_for_the_instructor(course, tmp_path, monkeypatch):
    """Where only exercises/ exists, `check` grades the visible tests and names the written answers."""
    from autograder import paths
    from autograder.release import release_assignment
    from autograder.visible import grade_visible

    release_assignment(NAME, tmp_path / "exercises")
    monkeypatch.setattr(paths, "EXERCISES", tmp_path / "exercises")
    path = tmp_path / "mine.ipynb"
    nbformat.write(student_notebook(GOOD), path)
    result = grade_visible(path, NAME)
    assert (result.score, result.max_score) == (2, 2)
    assert [(m.grade_id, m.answered, m.points) for m in result.manual] == [("written_why", True, None), ("plot_code", True, None)]
    assert "[WRITTEN] -/3  written_why" in format_student_report(result)


@pytest.mark.parametrize("assignment", paths.assignments())
def test_released_exercises_hold_no_model_answer_or_rubric(assignment):
    """The class gets exercises/: no written cell's model answer or rubric may be in it."""
    cells = nbformat.read(paths.EXERCISES / assignment / f"{assignment}.ipynb", as_version=4).cells
    released = " ".join(" ".join(cell.source.split()) for cell in cells)
    assert "**Model answer.**" not in released and "**Rubric (" not in released
    source = nbformat.read(paths.source_notebook(assignment), as_version=4)
    try:
        questions = written_questions(source, assignment)
    except RubricError:
        questions = []                        # a broken rubric is test_assignment_tasks' to report
    for question in questions:
        assert question.model_answer not in released
        assert not [c.text for c in question.criteria if c.text in released]


def test_a_written_answer_cannot_put_html_or_script_into_the_instructors_page():
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    from autograder.review import as_text

    evil = ("[see](javascript:alert(1)) ![x](JavaScript :alert(2)) <img src=x onerror=alert(3)> "
            r"\$<script>alert(4)</script>\$ and maths $h_t < h_{t-1}$, $$a<b$$, **bold**")
    shown = markdown2html_mistune(as_text(evil))
    assert "<img src=x" not in shown and "<script" not in shown and "javascript:" not in shown.lower(), shown
    assert "&lt;img src=x onerror=alert(3)&gt;" in shown and "<strong>bold</strong>" in shown
    assert r"$h_t \lt  h_{t-1}$" in shown and r"$$a\lt b$$" in shown      # maths still reads as maths
