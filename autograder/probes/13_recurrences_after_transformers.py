"""Probes of assignment 13_recurrences_after_transformers: each test's functions, called on the
grader's own inputs.

Shapes and values come from the grader's seed: one step, a batch of one and one hidden unit, and
random sizes with T not a power of 2 (where a doubling scan is most easily off by one). h0 is
never zero, so a loop or a scan that ignores it shows. The expected values are the instructor's
solution's; the course's tests hold it equal to the chapter's minGRU reference
(:mod:`rnncourse.numpy_ref.min_rnn`), which names the classic slips here, in the grader's process.
The torch function also runs on the ``meta`` device in float32, where a hard-coded device or dtype
shows. The experiment runs the student's three NumPy functions on the standardised CO2 series with
the grader's weights (update-gate biases of 2 to 3, so that every unit's product of a_t underflows
within the series) and its own initial state; its result is judged by properties: the scan within
1e-8 of the loop at every length, the cumulative product too on the first 20 steps but not on the
whole series. The scan, the cumulative form and the experiment run the student's own components
(min_gru_coefficients; the loop, the scan and the cumulative form) first on their inputs: when one
is wrong there, their feedback says so instead of naming a slip of their own.
"""
import numpy as np

from autograder.probes import Call
from autograder.probes.judge import Feedback, array_check, as_numbers, keys, meta_check, same_array, tuple_check
from autograder.probes.wire import Tensor
from rnncourse.data.timeseries import load_co2_monthly
from rnncourse.grading.min_gru import coefficient_mistakes, scan_mistakes, state_mistakes

HIDDEN = {
    "test_min_gru_coefficients_hidden": "min_gru_coefficients on random shapes (T = 1, B = 1, H = 1 included).",
    "test_min_gru_sequential_hidden": "min_gru_sequential on random shapes (T = 1, B = 1, H = 1 included).",
    "test_min_gru_parallel_hidden": "min_gru_parallel on random shapes (T = 1, B = 1, H = 1 included, T not a power of 2).",
    "test_min_gru_parallel_torch_hidden": "min_gru_parallel_torch on random shapes on CPU in float64, and on the meta "
                                          "device in float32.",
    "test_min_gru_cumulative_hidden": "min_gru_cumulative on random short sequences (T = 1, B = 1, H = 1 included).",
    "test_long_sequence_errors_hidden": "long_sequence_errors on the CO2 series with other weights and initial states: "
                                        "properties of the errors.",
}
STATES = "h_t = a_t * h_{t-1} + b_t with a_t = 1 - z_t, b_t = z_t * g(W_h x_t + b_h), from h0; return h_1 .. h_T."
FIXED = ("Make every new tensor from the inputs (torch.ones_like, X.new_zeros, device=X.device, dtype=X.dtype), "
         "never on a fixed device or with a fixed dtype.")

COEFFICIENTS = tuple_check(("a", "b"), mistakes=coefficient_mistakes,
                           hints={"a": "a_t = 1 - sigmoid(x_t @ W_z.T + b_z).", "b": "b_t = z_t * g(x_t @ W_h.T + b_h)."})
SEQUENTIAL = array_check("the states", mistakes=state_mistakes, hint=STATES)
PARALLEL = array_check("the states", mistakes=scan_mistakes, hint=STATES)


def _torch_states(got, want, args):
    same_array("the states", got, want, mistakes=scan_mistakes(*(a.value for a in args)), hint=STATES,
               float64_reason="the inputs are float64 tensors and the result keeps their dtype")


_on_meta = meta_check("(T, B, H)", FIXED)


def _long_errors(got, want, args):
    """Properties of the experiment's errors, whatever their exact (rounding-level) values."""
    lengths = args[-1]
    got = keys("long_sequence_errors", got, ("scan", "cumulative"))
    scan, product = (np.asarray(as_numbers(f'errors["{key}"]', got[key]), dtype=float) for key in ("scan", "cumulative"))
    for key, errors in (("scan", scan), ("cumulative", product)):
        if errors.shape != (len(lengths),):
            raise Feedback(f'errors["{key}"] has shape {errors.shape}, expected ({len(lengths)},): one number per length.')
    for L, error in zip(lengths, scan):
        if not error < 1e-8:
            raise Feedback(f"Over the first {L} steps of the series your scan is {error:.3g} from your loop (lengths "
                           f"{lengths}): the doubling scan should stay exact at every length. If min_gru_parallel uses "
                           "the cumulative product, replace it by the doubling scan of part 2.")
    if not product[0] < 1e-8:
        raise Feedback(f"On the first {lengths[0]} steps your cumulative form is {product[0]:.3g} from your loop; it "
                       "should agree there (the product has not underflowed yet).")
    if product[-1] < 1e-3:
        raise Feedback(f"Over all {lengths[-1]} steps your cumulative form stays within {product[-1]:.3g} of your loop, "
                       "although a_1 ... a_t underflows there: compute A_t with np.cumprod and divide by it exactly as "
                       "the formula reads (no logarithms), and report a nan or an inf as it is.")


def probes(rng):
    def size(low=2, high=6):
        return int(rng.integers(low, high + 1))

    def inputs(T, B, D, H):
        """(X, h0, W_z, b_z, W_h, b_h), weights drawn like PyTorch's initialisation."""
        bound = 1.0 / np.sqrt(H)
        X, h0 = rng.normal(size=(T, B, D)), rng.normal(size=(B, H))
        return (X, h0, *(rng.uniform(-bound, bound, size=s) for s in ((H, D), (H,), (H, D), (H,))))

    def hidden(name, check, sizes, coefficients=False, components=()):
        """Calls of ``name``; ``components``: the functions it runs, called first on its inputs."""
        calls = []
        for T, B, D, H in sizes:
            args = inputs(T, B, D, H)
            label = f"T={T}, B={B}, D={D}, H={H}"
            calls += [component_call(function, args, label) for function in components]
            calls.append(Call(name, args[:1] + args[2:] if coefficients else args, check, label))
        return calls

    def component_call(function, args, label):
        """The student's ``function`` on a composed function's inputs (X, h0, W_z, b_z, W_h, b_h), as a component."""
        if function == "min_gru_coefficients":
            return Call(function, args[:1] + args[2:], COEFFICIENTS, label, component=True)
        return Call(function, args, {"min_gru_parallel": PARALLEL}.get(function, SEQUENTIAL), label, component=True)

    def torch_calls(T, B, D, H):
        args = tuple(Tensor(a) for a in inputs(T, B, D, H))
        label = f"T={T}, B={B}, D={D}, H={H}"
        return [Call("min_gru_parallel_torch", args, _torch_states, f"{label}, CPU float64"),
                Call("min_gru_parallel_torch", args, _on_meta, f"{label}, meta device float32", driver="meta",
                     on_error="Meta tensors have no values: a tensor on a fixed device, NumPy, .numpy() and .item() fail "
                              "there. " + FIXED)]

    def odd_T():
        return int(rng.choice([3, 5, 6, 7, 11, 13]))

    def long_series():
        _, co2 = load_co2_monthly()
        X = ((co2 - co2.mean()) / co2.std())[:, None, None]       # (526, 1, 1)
        H = size(2, 5)
        weights = (rng.uniform(-0.5, 0.5, size=(H, 1)), rng.uniform(2.0, 3.0, size=H),
                   rng.uniform(-1.0, 1.0, size=(H, 1)), rng.uniform(-0.5, 0.5, size=H))
        lengths = [20, size(50, 150), len(X)]
        args = (X, rng.normal(size=(1, H)), *weights)
        return ([component_call(f, (X[:20],) + args[1:], f"the series' first 20 steps, H={H}")
                 for f in ("min_gru_sequential", "min_gru_parallel", "min_gru_cumulative")]
                + [Call("long_sequence_errors", args + (lengths,), _long_errors, f"H={H}")])

    visible = inputs(odd_T(), size(), size(1, 4), size())
    return {
        "test_min_gru_coefficients_visible": [("min_gru_coefficients", visible[:1] + visible[2:])],
        "test_min_gru_coefficients_hidden": hidden("min_gru_coefficients", COEFFICIENTS,
                                                   [(1, 1, 1, 1), (odd_T(), size(), size(1, 4), size())], True),
        "test_min_gru_sequential_visible": [("min_gru_sequential", visible)],
        "test_min_gru_sequential_hidden": hidden("min_gru_sequential", SEQUENTIAL,
                                                 [(1, 1, 1, 1), (odd_T(), size(), size(1, 4), size())]),
        "test_min_gru_parallel_visible": [component_call("min_gru_coefficients", visible, ""),
                                          Call("min_gru_parallel", visible)],
        "test_min_gru_parallel_hidden": hidden("min_gru_parallel", PARALLEL,
                                               [(1, 1, 1, 1), (2, 1, 2, 1), (odd_T(), size(), size(1, 4), size()),
                                                (8, size(), size(1, 4), size())], components=("min_gru_coefficients",)),
        "test_min_gru_parallel_torch_visible": [Call("min_gru_parallel_torch", tuple(Tensor(a) for a in visible))],
        "test_min_gru_parallel_torch_hidden": torch_calls(1, 1, 1, 1) + torch_calls(odd_T(), size(), size(1, 4), size()),
        "test_min_gru_cumulative_visible": [("min_gru_cumulative", visible)],
        "test_min_gru_cumulative_hidden": hidden("min_gru_cumulative", SEQUENTIAL,
                                                 [(1, 1, 1, 1), (odd_T(), size(), size(1, 4), size())],
                                                 components=("min_gru_coefficients",)),
        "test_long_sequence_errors_hidden": long_series(),
    }
