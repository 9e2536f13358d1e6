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


def test_the_separation_check_sees_a_one_unit_case_that_hides_a_transpose(monkeypatch):
    """Keep only the first call of each test: recurrent_summary's is T = B = H = 1, where W_hh is
    1x1 and "W_hh transposed" gives the right answer. The check must report it."""
    import functools

    probes = spec("01_why_recurrent")["probes"]

    @functools.wraps(probes)
    def first_calls_only(rng):
        return {gid: calls[:1] for gid, calls in probes(rng).items()}

    monkeypatch.setitem(spec("01_why_recurrent"), "probes", first_calls_only)
    found = unseparated("01_why_recurrent", (0,))
    assert any(f.grade_id == "test_recurrent_summary_hidden" and "transposed" in f.message
               and f.why == "equals the right answer" for f in found), found
