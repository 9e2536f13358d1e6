"""Similar submissions: planted copies (names changed, comments and blank lines added, cells
reordered within) are reported; independent right answers in other styles and untouched stubs
are not."""
from __future__ import annotations

import re

import nbformat

from autograder.grading import load_source
from autograder.similarity import code_of, compare, html_section, similar_submissions
from conftest import solution_answers, student_notebook

A = "02_rnn_equations"


def _variants() -> dict[str, dict[str, str]]:
    import runpy

    from conftest import ROOT

    found = runpy.run_path(str(ROOT / "tests" / "honest_variants" / f"{A}.py"))["VARIANTS"]
    return {v["name"]: v["answers"] for v in found}


def _disguise(answers: dict[str, str]) -> dict[str, str]:
    """A copy a student would hand in: every local name changed, comments and blank lines added."""
    renames = {"h_prev": "previous_state", "x_t": "inp", "h_t": "new_h", "states": "hs", "B": "n_batch",
               "H": "n_hidden", "a": "pre", "h": "state", "T": "steps", "Hs": "outs"}
    out = {}
    for gid, code in answers.items():
        for old, new in renames.items():
            code = re.sub(rf"\b{old}\b", new, code)
        out[gid] = "# my own work\n\n" + code.replace("\n", "\n\n", 2) + "\n# done\n"
    return out


def _class() -> dict[str, str]:
    variants = _variants()
    solution = solution_answers(A)
    answers = {"ann": solution, "bob": variants["scalar_loops"], "cem": variants["column_vectors_and_tanh_from_exp"],
               "dia": _disguise(variants["scalar_loops"]), "eve": _disguise(solution),
               "fay": None, "gus": None}
    return {student: code_of(student_notebook(A, a)) for student, a in answers.items()}


def _released() -> str:
    return code_of(nbformat.from_dict(load_source(A).released))


def test_planted_copies_are_found_and_honest_answers_are_not():
    pairs = compare(_class(), _released())
    assert {(p.a, p.b) for p in pairs} == {("bob", "dia"), ("ann", "eve")}
    assert all(min(p.a_to_b, p.b_to_a) >= 0.6 for p in pairs)


def test_the_released_stub_alone_is_never_similar():
    codes = _class()
    # Two students who handed in the stub untouched, and two independent right answers.
    pairs = compare({"fay": codes["fay"], "gus": codes["gus"], "ann": codes["ann"], "cem": codes["cem"]}, _released())
    assert pairs == []


def test_without_the_released_notebook_as_boilerplate_the_stubs_would_match():
    """The stub is what makes two untouched notebooks alike: the comparison must drop it."""
    codes = _class()
    assert compare({"fay": codes["fay"], "gus": codes["gus"]}, released="") != []


def test_from_the_submitted_folder_and_the_report_section(tmp_path):
    for student, code in _class().items():
        target = tmp_path / student / A / f"{A}.ipynb"
        target.parent.mkdir(parents=True)
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
        nbformat.write(nb, target)
    (tmp_path / "hal" / A).mkdir(parents=True)
    (tmp_path / "hal" / A / f"{A}.ipynb").write_text("{ not json")
    pairs, skipped = similar_submissions(tmp_path, A)
    assert {(p.a, p.b) for p in pairs} == {("bob", "dia"), ("ann", "eve")}
    assert len(skipped) == 1 and skipped[0].startswith("hal: not readable as a notebook")
    section = html_section({A: pairs})
    assert "bob" in section and "dia" in section and "not a finding" in section
    many = html_section({A: pairs * 60})
    assert many.count("<tr>") == 1 + 100 and "20 more pair(s) in similar.csv" in many
