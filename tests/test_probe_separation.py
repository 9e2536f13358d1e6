"""The grader's own inputs tell the classic mistakes apart (see ``tests/separation.py``).

CI draws one fixed seed per assignment; ``benchmarks/probe_separation.py`` draws many more.
"""
import pytest

from autograder.paths import assignments
from autograder.probes import spec
from separation import unseparated

SEEDS = (11,)



@pytest.mark.parametrize("assignment", [a for a in assignments() if "probes" in spec(a)])
def test_every_listed_mistake_is_told_apart_on_the_graders_inputs(assignment):
    found = unseparated(assignment, SEEDS)
    assert not found, "\n".join(map(str, found))


def test_the_separation_check_sees_a_mistake_that_gives_the_right_answer(monkeypatch):
    """A check whose listed mistake equals the right answer on its inputs (as a transposed W_hh does
    when H = 1): the separation check must report it."""
    import dataclasses
    import functools

    from autograder.probes import judge

    probes = spec("01_why_recurrent")["probes"]

    def blind(got, want, args):
        judge.same_array("h_T", got, want, mistakes={"a mistake that gives the right answer": want})

    @functools.wraps(probes)
    def with_a_blind_mistake(rng):
        drawn = probes(rng)
        first = drawn["test_recurrent_summary_hidden"][0]
        drawn["test_recurrent_summary_hidden"] = [dataclasses.replace(first, check=blind)]
        return drawn

    monkeypatch.setitem(spec("01_why_recurrent"), "probes", with_a_blind_mistake)
    found = unseparated("01_why_recurrent", (0,))
    assert [(f.grade_id, f.message, f.why) for f in found] == [
        ("test_recurrent_summary_hidden", "a mistake that gives the right answer", "equals the right answer")], found
