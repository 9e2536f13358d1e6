"""Probes of assignment 01_why_recurrent: each test's functions, called on the grader's own inputs.

Shapes and values come from the grader's seed; they cover what the hidden tests check (T = 1, a
batch of one, a single hidden unit, time steps in another order, counts that must not depend on T,
a break-even length where D divides H and one where it does not, saturated read-out scores), and
the order experiment on the grader's own draw of the task, judged by its properties after the
student's own mean_pool, recurrent_summary and readout_step on its data: when one of them is wrong,
the experiment's feedback says so.
"""
import numpy as np

from autograder.probes import Call
from autograder.probes.judge import array_check, fields, keys, same_array, same_int
from rnncourse.data.synthetic import order_task
from rnncourse.grading import Feedback
from rnncourse.grading.counting import break_even_mistakes, count_mistakes, parameter_counts
from rnncourse.grading.pooling import mean_pool_mistakes, pad_batch_mistakes, summary_mistakes
from rnncourse.grading.readout import readout_step_mistakes

HIDDEN = {
    "test_mean_pool_hidden": "mean_pool on random shapes, and invariance to reordering the time steps.",
    "test_recurrent_summary_hidden": "recurrent_summary on random shapes, including T = 1 and a single hidden unit.",
    "test_count_parameters_hidden": "count_parameters on other sizes: the recurrent count never depends on T.",
    "test_pad_batch_hidden": "pad_batch on random lengths and feature sizes, including a batch of one.",
    "test_break_even_length_hidden": "break_even_length on other sizes (D dividing H and not, large H, any K), "
                                     "compared exactly.",
    "test_readout_step_hidden": "readout_step on random sizes, one example, and saturated scores (|z| > 40) where "
                                "the loss must stay finite.",
    "test_order_experiment_hidden": "order_experiment on the grader's own draw of the order task and random RNN: the "
                                    "bag at exactly one class's share, its loss at least the labels' entropy, the "
                                    "RNN's accuracy and loss as your functions should reach.",
}
EXPERIMENT_KEYS = ("bag_loss", "bag_accuracy", "rnn_loss", "rnn_accuracy")

MEAN = array_check("mean_pool(X)", mean_pool_mistakes)
PERMUTED = array_check("mean_pool of the time-permuted X", hint="the mean over time cannot depend on the order of the steps.")


SUMMARY = array_check("recurrent_summary(...)", summary_mistakes,
                      hint="start from h_0 = 0 and apply the update once per time step.")


def _counts(got, want, args):
    T, D, H, K = args
    feedforward, recurrent = fields("count_parameters", got, 2)
    if all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in (feedforward, recurrent)):
        for message, wrong in count_mistakes(T, D, H, K).items():
            if (int(feedforward), int(recurrent)) == wrong:
                failure = Feedback(f"count_parameters({T}, {D}, {H}, {K}) is {wrong}, expected "
                                   f"{parameter_counts(T, D, H, K)}. {message}")
                failure.names_cause = True
                raise failure
    same_int(f"the feedforward count for T={T}, D={D}, H={H}, K={K}", feedforward, T * D * H + H + H * K + K)
    same_int(f"the recurrent count for T={T}, D={D}, H={H}, K={K}", recurrent, H * D + H * H + H + H * K + K,
             hint="the recurrent count must not depend on T.")


def _padded(got, want, args):
    X, lengths = fields("pad_batch", got, 2)
    same_array("X", X, want[0], mistakes=pad_batch_mistakes(args[0]))
    same_array("lengths", lengths, want[1])


def _break_even(got, want, args):
    D, H, K = args
    for message, wrong in break_even_mistakes(D, H, K).items():
        if isinstance(got, (int, np.integer)) and not isinstance(got, bool) and int(got) == wrong:
            raise Feedback(f"break_even_length({D}, {H}, {K}) is {wrong}, expected {want}. {message}")
    same_int(f"break_even_length({D}, {H}, {K})", got, want,
             hint="the smallest integer T for which T*D*H + H exceeds H*D + H*H + H (the read-outs cancel).")


def _readout(got, want, args):
    loss, w_new, b_new = fields("readout_step", got, 3)
    wrong = readout_step_mistakes(*args)
    same_array("loss", loss, want[0], mistakes=wrong["loss"],
               hint="with saturated scores compute log(1 + e^z) as np.logaddexp(0, z), not log(sigmoid).")
    same_array("w_new", w_new, want[1], mistakes=wrong["w"])
    same_array("b_new", b_new, want[2], mistakes=wrong["b"])


def _entropy(y):
    share = float(np.mean(y))
    return -share * np.log(share) - (1 - share) * np.log(1 - share)


def _experiment(got, want, args):
    got = keys("order_experiment", got, EXPERIMENT_KEYS)
    X_train, y_train, X_test, y_test = args[:4]
    for key in EXPERIMENT_KEYS:
        value = got[key]
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number, np.ndarray)) \
                or np.shape(value) != () or np.asarray(value).dtype.kind not in "iuf" or not np.isfinite(value):
            raise Feedback(f"order_experiment: {key} should be a finite number (a float); a NaN or an infinity "
                           "means the training diverged or the loss overflowed (does readout_step pass its tests?).")
    shares = (float(np.mean(y_test)), 1.0 - float(np.mean(y_test)))
    if not any(abs(float(got["bag_accuracy"]) - share) < 1e-9 for share in shares):
        raise Feedback(f"bag_accuracy is {float(got['bag_accuracy']):.6g}: every sequence has the same mean_pool "
                       f"features, so the bag read-out predicts one class for all and scores that class's share of "
                       f"the test set ({shares[0]:.4f} or {shares[1]:.4f}). Measure it on X_test, y_test.")
    if float(got["bag_loss"]) < _entropy(y_train) - 1e-6:
        raise Feedback(f"bag_loss is {float(got['bag_loss']):.6g}, below {_entropy(y_train):.4f}, the least loss a "
                       "read-out of identical features can reach on these training labels: report the training "
                       "loss of the mean_pool read-out.")
    if float(got["rnn_accuracy"]) < min(0.75, want["rnn_accuracy"] - 0.05):
        raise Feedback(f"rnn_accuracy is {float(got['rnn_accuracy']):.4f}, while these recurrent_summary features "
                       f"with read-outs trained by readout_step reach {want['rnn_accuracy']:.4f}: start from w = 0, "
                       "b = 0, keep the w and b each step returns, and predict class 1 where F w + b > 0.")
    if float(got["rnn_loss"]) > want["rnn_loss"] + 0.05:
        raise Feedback(f"rnn_loss is {float(got['rnn_loss']):.4f}, while training on these features reaches "
                       f"{want['rnn_loss']:.4f}: report the loss the last readout_step of the recurrent read-out "
                       "returned.")


def probes(rng):
    def size(low=1, high=7):
        return int(rng.integers(low, high + 1))

    def rnn_inputs(T, B, D, H):
        return (rng.normal(size=(T, B, D)), rng.normal(size=(H, D)), 0.4 * rng.normal(size=(H, H)), rng.normal(size=H))

    def sequences(B, D, longest=None):
        lengths = [size(1, 8) for _ in range(B)]
        if longest is not None:           # the longest sequence differs from B: a batch-first
            lengths[0] = longest          # layout then has another shape, never the same one
            lengths = [min(n, longest) for n in lengths]
        return [rng.normal(size=(n, D)) for n in lengths]

    B_pad = size(2, 8)

    def mean_cases(T, B, D):
        X = rng.normal(size=(T, B, D))
        return [Call("mean_pool", (X,), MEAN, f"T={T}, B={B}, D={D}"),
                Call("mean_pool", (X[rng.permutation(T)],), PERMUTED, f"T={T}, B={B}, D={D}, steps reordered")]

    def readout(N, M, scale=1.0):
        return (scale * rng.normal(size=M), float(rng.normal()), rng.normal(size=(N, M)),
                rng.integers(0, 2, size=N).astype(float), float(rng.uniform(0.1, 1.0)))

    def saturated(N, M):
        w, b, F, y, lr = readout(N, M)
        F = F + 50.0 * np.sign(F @ w)[:, None] * w / (w @ w)   # every |z| above about 40
        y[:2] = (F[:2] @ w + b < 0)                            # two examples on the wrong side
        return w, b, F, y, lr

    def order_experiment(H=32, T=8):
        X_train, y_train = order_task(600, T, rng)
        X_test, y_test = order_task(400, T, rng)
        return (X_train, y_train, X_test, y_test, rng.normal(size=(H, 3)), 0.9 / np.sqrt(H) * rng.normal(size=(H, H)),
                np.zeros(H), 500, 1.0)

    def with_components(args):
        """The experiment after the student's own mean_pool, recurrent_summary and readout_step on its data."""
        X_train, y_train, _, _, W_xh, W_hh, b_h = args[:7]
        F = rng.normal(size=(len(y_train), 3))
        return [Call("mean_pool", (X_train,), MEAN, "the experiment's training data", component=True),
                Call("recurrent_summary", (X_train, W_xh, W_hh, b_h), SUMMARY, "the experiment's training data",
                     component=True),
                Call("readout_step", (rng.normal(size=3), 0.1, F, y_train, 1.0), _readout, "the experiment's labels",
                     component=True),
                Call("order_experiment", args, _experiment)]

    D = size(2, 5)
    return {
        "test_mean_pool_visible": [("mean_pool", (rng.normal(size=(size(), size(), size())),))],
        "test_mean_pool_hidden": mean_cases(1, 1, 1) + mean_cases(size(2, 12), size(), size()),
        "test_recurrent_summary_visible": [("recurrent_summary", rnn_inputs(size(2, 6), size(), size(), size()))],
        "test_recurrent_summary_hidden": [Call("recurrent_summary", rnn_inputs(1, 1, size(), 1), SUMMARY, "T=1, B=1, H=1"),
                                          Call("recurrent_summary", rnn_inputs(size(3, 10), size(), size(), size(2, 7)), SUMMARY)],  # T >= 3: one step short is not one step; H >= 2: a transposed W_hh differs
        "test_count_parameters_visible": [("count_parameters", (size(2, 20), size(), size(1, 32), size(1, 4)))],
        "test_count_parameters_hidden": [Call("count_parameters", (1, 1, 1, 1), _counts),
                                         Call("count_parameters", (size(100, 999), size(), size(1, 64), size(1, 9)), _counts)],
        "test_pad_batch_visible": [("pad_batch", (sequences(size(2, 4), size(1, 4)),))],
        "test_pad_batch_hidden": [Call("pad_batch", (sequences(1, 1),), _padded, "a batch of one"),
                                  Call("pad_batch", (sequences(B_pad, size(), longest=B_pad + 1),), _padded)],
        "test_break_even_length_visible": [("break_even_length", (size(), size(1, 40), size()))],
        "test_break_even_length_hidden": [Call("break_even_length", (D, D * size(2, 9) + 1, size()), _break_even),
                                          Call("break_even_length", (D, D * size(2, 9), size()), _break_even, "D divides H"),
                                          Call("break_even_length", (size(), size(10**6, 10**7), size()), _break_even,
                                               "a large H"),
                                          Call("break_even_length", (1, 1, 1), _break_even, "D = H = K = 1")],
        "test_readout_step_visible": [("readout_step", readout(size(2, 9), size()))],
        "test_readout_step_hidden": [Call("readout_step", readout(size(3, 12), size(2, 6)), _readout),
                                     Call("readout_step", readout(1, size()), _readout, "N = 1"),
                                     Call("readout_step", saturated(size(4, 9), size(2, 5)), _readout,
                                          "saturated scores, |z| > 40")],
        "test_order_experiment_visible": with_components(order_experiment()),
        "test_order_experiment_hidden": with_components(order_experiment()),
    }
