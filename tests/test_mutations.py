"""The mutation corpus: classic mistakes typed into the solutions get feedback that names them,
or says what differs, never another cause, and never full marks.

The corpus is checked whole without grading (every edit applies to its solution cell and changes
it); a fixed representative part is graded here through the real grader, two at a time. The whole
corpus and the generic operators' mutants are graded by ``benchmarks/mutation_feedback.py``.
"""
from __future__ import annotations

import pytest

from mutations import Mutant, assignments, classify, expected_class, grade, mutants, solution_cells
from mutations.operators import generated

ALL = {a: mutants(a) for a in assignments()}

# One or two mistakes per assignment, each a case the feedback once got wrong or a composed function.
REPRESENTATIVE = [
    "01_why_recurrent:count_parameters:recurrent_depends_on_T",
    "02_rnn_equations:rnn_forward:h0_ignored",
    "02_rnn_equations:rnn_step_forward:sigmoid_for_tanh",
    "03_unrolling:rnn_backward:slope_of_preactivation_recomputed",
    "04_bptt:truncated_rnn_backward:overwrite_not_accumulate",
    "05_gradient_problems:clip_by_global_norm:sums_the_norms",
    "06_lstm_gru:lstm_cell_forward:i_f_swapped",
    "07_deep_bidirectional:last_real_step:time_major_as_batch_first",
    "08_attention_transformer:attention_weights:mask_with_zero",
    "09_language_model:temperature_softmax:temperature_after_softmax",
    "10_text_classification:final_states:not_packed",
    "11_forecasting:rmse:wrong_axis",
    "12_training_practice:clip_grad_norm:iterates_parameters_twice",
    "12_training_practice:train_with_early_stopping:restores_only_when_stopping",
    "13_recurrences_after_transformers:min_gru_parallel:a_updated_first",
    "14_capstone_char_lm:rnn_lm_loss:embedding_buffered",
]


@pytest.mark.parametrize("assignment", sorted(ALL))
def test_every_mistake_applies_to_its_solution_cell(assignment):
    cells = solution_cells(assignment)
    keys = [m.key for m in ALL[assignment]]
    assert len(keys) == len(set(keys)), "mutant ids repeat"
    assert len(keys) >= 8, f"{assignment} lists {len(keys)} classic mistakes, fewer than 8"
    for mutant in ALL[assignment]:
        assert mutant.function in cells, f"{mutant.key}: no solution cell {mutant.function}"
        assert mutant.apply(cells[mutant.function]) != cells[mutant.function], mutant.key


def test_an_edit_that_does_not_apply_is_an_error():
    wrong = Mutant("f", "x", "np.tanh(", "np.sin(", assignment="a")
    with pytest.raises(ValueError, match="occurs 2 times"):
        wrong.apply("np.tanh(np.tanh(1))")
    with pytest.raises(ValueError, match="occurs 0 times"):
        wrong.apply("1 + 1")


def test_the_generic_operators_make_compilable_distinct_mutants():
    source = solution_cells("03_unrolling")["rnn_backward"]
    made = generated("03_unrolling", "rnn_backward", source)
    kinds = {m.id.split("@")[0] for m in made}
    assert {"swap", "assign", "axis", "untranspose", "transpose_left", "plus_one", "compare"} <= kinds, kinds
    texts = [m.apply(source) for m in made]
    assert len(set(texts)) == len(texts) and source not in texts
    for text in texts:
        compile(text, "<mutant>", "exec")
    assert len(generated("03_unrolling", "rnn_backward", source, limit=5)) == 5


class _Result:
    def __init__(self, *messages, error=""):
        from autograder.grading import TestResult

        self.error = error
        self.tests = [TestResult(f"t{i}", "", 0.0, 1.0, False, m) for i, m in enumerate(messages)]


def test_the_classes_of_feedback():
    named = Mutant("f", "x", "a", "b", "named:uses W_hh transposed")
    generic = Mutant("f", "y", "a", "b", "generic")
    right = "the grader called f(...) on its own inputs: h_t is wrong. uses W_hh transposed: for a batch..."
    other = "h_t is wrong. is missing the bias b_h."
    differs = "h_t does not match the expected values: the largest error is 0.3 at index (0, 1) (got 1, expected 2). Hint: x"
    assert classify(named, _Result(right, differs))[0] == "named"
    assert classify(named, _Result(differs))[0] == "generic"
    assert classify(named, _Result(right, other))[0] == "misleading"
    assert classify(generic, _Result(other))[0] == "misleading"
    assert classify(generic, _Result(differs))[0] == "generic"
    passed = _Result()
    assert classify(generic, passed)[0] == "undetected"
    assert not expected_class(named, "generic") and expected_class(generic, "generic")


@pytest.fixture(scope="module")
def representative():
    chosen = [m for items in ALL.values() for m in items if m.key in REPRESENTATIVE]
    assert sorted(m.key for m in chosen) == sorted(REPRESENTATIVE)
    return {g.mutant.key: g for g in grade(chosen, workers=2)}


@pytest.mark.parametrize("key", REPRESENTATIVE)
def test_a_classic_mistake_gets_the_feedback_it_should(representative, key):
    graded = representative[key]
    assert graded.score < graded.max_score, f"{key} got full marks"
    assert expected_class(graded.mutant, graded.cls), (key, graded.cls, graded.mutant.expect, graded.messages)
