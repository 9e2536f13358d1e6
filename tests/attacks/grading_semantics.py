"""Attacks on what a grade means (format: see tests/attacks/__init__.py, plus ``assignment``).

* Exfiltrating hidden tests: an IPython ``pre_run_cell`` hook records the source of every cell the
  kernel runs, the student's function walks its callers' frames, and all of it leaves base64- and
  zlib-encoded in an error message (the feedback shows a visible test's error). The hidden tests
  never run in the kernel, so there is nothing of theirs to take.
* Malformed probe data: a ``post_run_cell`` hook rewrites every file the grader's probes wrote with
  fields of the wrong type, nested too deeply, or huge.
* Text through a hidden test: the student's function raises (or prints) a message of its own when
  the grader calls it; a hidden test's feedback never carries it.
* A faked experiment: a training step that never trains, and a ``post_run_cell`` hook that replaces the
  notebook's given experiment harness, once its cell has run, by one that reports a successful run.
  The grader runs its own copy of the harness with the student's functions, so the experiment's
  points are lost.
"""

EXFILTRATE_HOOK = """
import base64, sys, zlib
_seen = []

def _record(info):
    _seen.append(info.raw_cell or "")

get_ipython().events.register("pre_run_cell", _record)
"""

EXFILTRATE_ANSWER = """
def many_to_one(X, h0, W_xh, W_hh, b_h, W_hy, b_y):
    import base64, sys, zlib
    frames, frame = [], sys._getframe(1)
    while frame is not None:
        frames.append(repr(frame.f_code.co_filename) + repr(sorted(frame.f_locals))[:2000])
        frame = frame.f_back
    tests = [cell for cell in _seen if "__course_probe" not in cell and cell.strip()]   # the grader's cells out
    blob = "\\n".join(tests[::-1] + frames).encode()                                  # the latest first
    raise RuntimeError("EXFIL " + base64.b64encode(zlib.compress(blob)).decode() + " RAW " + base64.b64encode(blob).decode()[:50000])
"""

MALFORMED_HOOK = """
import glob, json

def _rewrite(*_):
    deep = '{"seq": [' * 5000 + ']}' * 5000
    for index, name in enumerate(sorted(glob.glob("probe-*.json"))):
        choice = index % 4
        with open(name, "w") as handle:
            if choice == 0:
                json.dump([{"value": {"array": "AAAA", "dtype": "<f8", "shape": "2x3"}}] * 3, handle)
            elif choice == 1:
                handle.write('[{"value": ' + deep + '}]')
            elif choice == 2:
                json.dump([{"error": {"not": "a string"}}, {"value": {"seq": {"a": 1}}}], handle)
            else:
                json.dump([{"value": {"array": "A" * 4_000_000, "dtype": "<f8", "shape": [10**9, 10**9]}}], handle)

get_ipython().events.register("post_run_cell", _rewrite)
"""

TEXT_ANSWER = """
def rnn_step_forward(x_t, h_prev, W_xh, W_hh, b_h):
    import sys
    if sys._getframe(1).f_code.co_name == "__course_probe":    # called by the grader: talk back
        print("STUDENT-TEXT printed")
        raise ValueError("STUDENT-TEXT in an error")
    return np.tanh(x_t @ W_xh.T + h_prev @ W_hh.T + b_h)
"""

IDLE_STEP = """
def training_step(model, optimizer, X, Y, M, max_norm=1.0):
    return float(sequence_nll_torch(model(X)[0], Y, M))       # the loss, but no step: nothing is learnt
"""

FAKE_EXPERIMENT_HOOK = """
import math

def _reported_run(seed=0, steps=80, batch_size=32, lr=1e-2):
    return {"first_loss": math.log(27), "gradient_ratio": 1.0, "last_loss": 2.0, "perplexity": 8.0,
            "unigram_perplexity": 16.5, "uniform_perplexity": 27.0, "distinct_greedy": 1, "distinct_sampled": 20,
            "samples": {"temperature 0": [[1, 2]] * 20, "temperature 1": [[i % 26 + 1] for i in range(20)]}}

def _replace_harness(*_):
    if "names_experiment" in globals() and globals()["names_experiment"] is not _reported_run:
        globals()["names_experiment"] = _reported_run

get_ipython().events.register("post_run_cell", _replace_harness)
"""

ATTACKS = [
    dict(assignment="02_rnn_equations", name="exfiltrate_hidden_tests",
         what="a pre_run_cell hook and a caller-frame walk send every cell's source out, base64/zlib-encoded",
         base="solution", honest=["rnn_step_forward", "rnn_forward", "rnn_jacobian", "softmax_readout", "state_difference"],
         extra={"rnn_step_forward": [EXFILTRATE_HOOK]}, answers={"many_to_one": EXFILTRATE_ANSWER}),
    dict(assignment="06_lstm_gru", name="exfiltrate_hidden_tests_06",
         what="the same hook on the LSTM assignment; the last answer raises with what it saw",
         base="solution", honest=["lstm_cell_forward", "lstm_cell_backward", "gru_cell_forward",
                                  "recurrent_parameter_count", "lstm_gradient_norms_by_distance", "gru_layer_torch"],
         extra={"lstm_cell_forward": [EXFILTRATE_HOOK]},
         answers={"lstm_params_to_torch": EXFILTRATE_ANSWER.replace(
             "many_to_one(X, h0, W_xh, W_hh, b_h, W_hy, b_y)", "lstm_params_to_torch(W, b)")}),
    dict(assignment="02_rnn_equations", name="malformed_probe_data",
         what="a post_run_cell hook rewrites the grader's probe files: wrong types, deep nesting, huge shapes",
         base="solution", honest=["rnn_step_forward", "rnn_forward", "many_to_one", "rnn_jacobian", "softmax_readout", "state_difference"],
         extra={"rnn_step_forward": [MALFORMED_HOOK]}),
    dict(assignment="02_rnn_equations", name="text_through_hidden_tests",
         what="the function raises and prints its own text when the grader's probe calls it",
         base="solution", honest=["rnn_forward", "many_to_one", "rnn_jacobian", "softmax_readout", "state_difference"],
         answers={"rnn_step_forward": TEXT_ANSWER}),
    dict(assignment="09_language_model", name="faked_experiment",
         what="a training step that never trains, and a hook that swaps the given experiment harness for a faked run",
         base="solution", honest=["temperature_softmax", "sample_index", "generate", "cross_entropy_grad",
                                  "embedding_softmax_loss", "sequence_nll_torch"],
         answers={"training_step": IDLE_STEP}, extra={"training_step": [FAKE_EXPERIMENT_HOOK]}),
]
