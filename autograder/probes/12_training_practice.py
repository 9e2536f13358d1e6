"""Probes of assignment 12_training_practice: each test's functions, called on the grader's own inputs.

Parameter sets, thresholds, loss histories and training problems come from the grader's seed.

* clip_grad_norm is handed its parameters as a one-pass generator, as ``model.parameters()``
  is: a function that iterates them twice clips nothing and loses its points. Large and small
  gradients, and a parameter without a gradient.
* should_stop: random histories with ties between the best earlier loss and a later one, and
  histories no longer than the patience.
* train_with_early_stopping runs with the student's own clip_grad_norm and should_stop (a test of
  a composed function grades the composition) on small regression problems
  (``rnncourse.grading.training.make_problem``): once with a patience that stops it early, once
  with a patience it never reaches, so that it runs to max_epochs with its best epoch earlier
  than the last: the best parameters must be restored in both cases.
* linear_rnn_weight_gradient: |w| above and below 1, a negative w, and T = 1 (where the gradient is
  0); the mistakes of ``rnncourse.grading.exploding`` are named where they differ from the answer.
* clipped_sgd_step: a gradient above and one below the threshold, on CPU in float64, and on the
  ``meta`` device in float32, where a Python ``if`` on the norm fails.
* clipping_experiment on the standardised sunspots with the grader's seed and threshold, judged by
  properties: both runs start from the same loss, the first loss and the first gradient norm are the
  instructor's (the seed and the order of construction fix the weights before the first update); without clipping the loss leaves the rails (above
  10 times its start, or not finite); with clipping every loss is finite, the last is below 70% of
  the first, and every norm returned before clipping is finite.
"""
import numpy as np

from autograder.probes import Call
from autograder.probes.judge import Feedback, as_numbers, component_check, fields, keys, same_array, same_bool
from autograder.probes.wire import Params, Tensor
from rnncourse.data.timeseries import load_sunspots
from rnncourse.grading.clipping import norm_mistakes
from rnncourse.grading.exploding import clipped_step_mistakes, linear_rnn_gradient_mistakes

HIDDEN = {
    "test_clip_grad_norm_hidden": "clip_grad_norm on random parameter sets (handed over as a generator, like model.parameters()) and thresholds.",
    "test_should_stop_hidden": "should_stop on random loss histories and patiences.",
    "test_train_hidden": "train_with_early_stopping on other problems, stopping early and running to max_epochs: losses and restored parameters.",
    "test_linear_rnn_weight_gradient_hidden": "linear_rnn_weight_gradient for other weights (|w| above and below 1, negative "
                                              "w) and lengths (T = 1 included).",
    "test_clipped_sgd_step_hidden": "clipped_sgd_step on random shapes and thresholds on CPU in float64, and on the meta "
                                    "device in float32.",
    "test_clipping_experiment_hidden": "clipping_experiment on the sunspots with other seeds and thresholds: properties of the "
                                       "losses and norms.",
}
NO_BRANCH = ("Compute the factor with torch operations (torch.clamp, torch.minimum), without a Python if, float() or "
             ".item() on a tensor, and make nothing on a fixed device or dtype.")
TRAIN = dict(lr=0.005, max_norm=0.3)


def _flat(grads) -> np.ndarray:
    return np.concatenate([np.ravel(g) for g in grads if g is not None]) if any(g is not None for g in grads) else np.zeros(0)


def _clip_mistakes(pairs, max_norm) -> dict:
    grads = [g for _, g in pairs]
    total = float(np.linalg.norm(_flat(grads)))
    mistakes = {
        "The gradients were not changed although their norm is above max_norm. parameters may be a one-pass "
        "generator (model.parameters() is one): iterate it once, e.g. make a list of it first.": _flat(grads),
        "Each tensor was clipped on its own: compute ONE norm over all gradients together and scale them all by the "
        "same factor.": _flat([None if g is None else g * min(1.0, max_norm / (np.linalg.norm(g) + 1e-6)) for g in grads]),
        "The gradients were rescaled although their norm was already below max_norm: only scale when the norm is "
        "larger.": _flat(grads) * max_norm / (total + 1e-6),
        "Each entry was clamped to [-max_norm, max_norm], which changes the direction of the gradient: rescale the "
        "whole vector instead.": np.clip(_flat(grads), -max_norm, max_norm),
    }
    right = _flat(grads) * min(1.0, max_norm / (total + 1e-6))
    return {message: wrong for message, wrong in mistakes.items() if not np.allclose(wrong, right, rtol=1e-5, atol=1e-7)}


def _clipped(got, want, args):
    pairs, max_norm = args[0].pairs, args[1]
    norm, grads = fields("clip_grad_norm", got, 2)
    same_array("the returned norm", norm, want[0], rtol=1e-5, mistakes=norm_mistakes([g for _, g in pairs], max_norm))
    grads = fields("the gradients", grads, len(pairs))
    same_array("the clipped gradients", _flat(grads), _flat(want[1]), rtol=1e-5, atol=1e-7,
               mistakes=_clip_mistakes(pairs, max_norm))


STOP_MISTAKES = {
    "It compares with strict '>': when the last losses only tie the best earlier one, they are no improvement "
    "either, so stop (>=).": lambda losses, p: len(losses) > p and min(losses[-p:]) > min(losses[:-p]),
    "It compares with the loss just before the last `patience` ones, not with the best of all earlier losses.":
        lambda losses, p: len(losses) > p and min(losses[-p:]) >= losses[-p - 1],
    "It waits one epoch too long: with more than `patience` losses the last `patience` can already be compared "
    "with the best before them.": lambda losses, p: len(losses) > p + 1 and min(losses[-p:]) >= min(losses[:-p]),
}
EMPTY_EARLIER = ("With at most `patience` losses there is no earlier loss to compare with (min() of an empty list "
                 "raises ValueError): return False then.")


def _stop(got, want, args):
    losses, patience = args
    name = f"should_stop({[round(v) for v in losses]}, {patience})"
    if isinstance(got, (bool, np.bool_)) and bool(got) != bool(want):
        named = [m for m, rule in STOP_MISTAKES.items() if rule(losses, patience) == bool(got)]
        if len(named) == 1:      # on these losses only one known mistake gives this answer
            failure = Feedback(f"{name} is {bool(got)}, expected {bool(want)}. {named[0]}")
            failure.names_cause = True
            raise failure
    same_bool(name, got, want)


def _rerun(seed, patience, max_epochs, **variant):
    """The course's loop on problem ``seed`` with one classic mistake; (losses, final parameters)."""
    import torch
    from rnncourse.grading.training import make_problem, reference_train

    problem = make_problem(seed)
    optimizer = torch.optim.Adam(problem.model.parameters(), lr=TRAIN["lr"])
    history = reference_train(problem.model, problem.train_batches, problem.val_batch, problem.loss_fn, optimizer,
                              max_epochs, TRAIN["max_norm"], patience, **variant)
    return np.array(history), torch.cat([p.detach().flatten() for p in problem.model.parameters()]).numpy()


def _trained(seed, patience, max_epochs):
    def check(got, want, args):
        history, params = fields("train_with_early_stopping", got, 2)
        same_array("the validation losses", history, want[0], rtol=1e-4, atol=1e-6, mistakes=lambda: {
            "The losses are those of training without clipping: call clip_grad_norm after backward() and before "
            "optimizer.step().": _rerun(seed, patience, max_epochs, clip=False)[0],
            "The losses are those of training without optimizer.zero_grad(): the gradients of every batch pile up. "
            "Zero them before each backward().": _rerun(seed, patience, max_epochs, zero_grad=False)[0],
            "The losses are those of one update per epoch, on the first batch only: loop over every training "
            "batch.": _rerun(seed, patience, max_epochs, first_batch_only=True)[0]},
            hint="per batch: zero_grad, loss, backward, clip, step; then one validation loss per epoch.")
        ran_out = len(want[0]) == max_epochs
        same_array("the final parameters", params, want[1], rtol=1e-4, atol=1e-6, mistakes=lambda: {
            ("The model keeps the parameters of the last epoch although training ran to max_epochs: restore the best "
             "ones in every case, not only when stopping early." if ran_out else
             "The model keeps the parameters of the last epoch: load the best ones back, from a copy.deepcopy of "
             "state_dict() taken at the best epoch."): _rerun(seed, patience, max_epochs, restore_best=False)[1]})
    return check


def _gradient(got, want, args):
    if np.ndim(got) != 0:
        raise Feedback("Return dL/dw as one number (a float).")
    same_array(f"dL/dw for w={args[0]:.3g}, T={len(args[1])}", float(got), want,
               mistakes=linear_rnn_gradient_mistakes(*args),
               hint="dL/dh_T = h_T; going back, dL/dh_{t-1} = w dL/dh_t, and step t adds dL/dh_t * h_{t-1} to dL/dw.")


def _step(got, want, args):
    values = [a.value if isinstance(a, Tensor) else a for a in args]
    same_array("the new parameters", got, want, mistakes=clipped_step_mistakes(*values),
               float64_reason="the inputs are float64 tensors and the result keeps their dtype")


def _step_on_meta(got, want, args):
    is_tensor, shape, on_meta, float32 = fields("the result on the meta device", got, 4)
    if is_tensor is not True:
        raise Feedback("On inputs on the meta device the function did not return a torch tensor.")
    if on_meta is not True or float32 is not True:
        raise Feedback("On float32 inputs on the meta device the result changed device or dtype. " + NO_BRANCH)
    if list(shape) != list(want[1]):
        raise Feedback(f"On the meta device the result has shape {tuple(shape)}, expected {tuple(want[1])}.")


def _experiment(got, want, args):
    steps = args[3]
    got = keys("clipping_experiment", got, ("unclipped", "clipped", "unclipped_norms", "clipped_norms"))
    runs = {}
    for key in ("unclipped", "clipped", "unclipped_norms", "clipped_norms"):
        runs[key] = np.asarray(as_numbers(f'result["{key}"]', got[key]), dtype=float)
        if runs[key].shape != (steps,):
            raise Feedback(f'result["{key}"] has shape {runs[key].shape}, expected ({steps},): one number per step.')
    unclipped, clipped = runs["unclipped"], runs["clipped"]
    if not unclipped[0] == clipped[0]:
        raise Feedback("The two runs start from different losses: call torch.manual_seed(seed) right before building "
                       "each run's rnn and readout, in the same order.")
    first_loss, first_norm = (float(np.asarray(want[key], dtype=float)[0]) for key in ("unclipped", "unclipped_norms"))
    if not np.isclose(unclipped[0], first_loss, rtol=1e-4, atol=1e-6):
        raise Feedback(f"The first loss (before any update) is {unclipped[0]:.6g}, expected {first_loss:.6g}. Both runs "
                       "start from the same weights, so their first loss is fixed: the mean squared error of "
                       "readout(rnn(X)[0][-1]).squeeze(-1) against y over all windows of 24 values (float32), with "
                       "torch.manual_seed(seed) right before building rnn, then readout.")
    if not np.isclose(runs["unclipped_norms"][0], first_norm, rtol=1e-3, atol=1e-6):
        raise Feedback(f'result["unclipped_norms"][0] is {runs["unclipped_norms"][0]:.6g}, expected {first_norm:.6g}: '
                       "the norm your clip_grad_norm returns in the first step, over the gradients of every parameter "
                       "of rnn and readout together, after backward() of the mean squared error.")
    if np.all(np.isfinite(unclipped) & (unclipped < 10 * unclipped[0])):
        raise Feedback(f"Without clipping the loss stayed below 10 times its first value at lr = {args[1]}: is the "
                       "unclipped run really unclipped (clip_grad_norm with max_norm = inf), with plain SGD?")
    if not (np.all(np.isfinite(clipped)) and clipped[-1] < 0.7 * clipped[0]):
        raise Feedback(f"With clipping at max_norm = {args[2]:.3g} the loss should go down to below 70% of its first "
                       f"value ({clipped[0]:.3g}) and stay finite, but it ends at {clipped[-1]:.3g}: is your clip_grad_norm "
                       "called after backward() and before step(), on all parameters?")
    if not np.all(np.isfinite(runs["clipped_norms"])):
        raise Feedback('result["clipped_norms"] holds values that are not finite: record the norm clip_grad_norm returns.')


def probes(rng):
    def history(low=1, high=12):
        return [float(v) for v in rng.integers(0, 6, size=int(rng.integers(low, high + 1)))]

    def stop(losses, patience, check=_stop):
        return Call("should_stop", (losses, patience), check, on_error=EMPTY_EARLIER if len(losses) <= patience else "")

    def parameters(scale, with_none):
        shapes = [(int(rng.integers(2, 6)), int(rng.integers(2, 5))), (int(rng.integers(2, 6)),), (2, int(rng.integers(2, 5)))]
        pairs = [(rng.normal(size=s), scale * rng.normal(size=s)) for s in shapes]
        return pairs + [(np.zeros(3), None)] if with_none else pairs

    def clip(scale, max_norm, with_none, label, check=_clipped):
        return Call("clip_grad_norm", (Params(tuple(parameters(scale, with_none))), float(max_norm)), check, label,
                    after=(0,), generator=(0,))

    def components():
        """The student's clip_grad_norm and should_stop, as train_with_early_stopping calls them."""
        as_called = "as train_with_early_stopping calls it"
        return [clip(3.0, TRAIN["max_norm"], False, f"large gradients, {as_called}",
                     component_check("train_with_early_stopping", "clip_grad_norm", _clipped)),
                clip(0.01, TRAIN["max_norm"], False, f"small gradients, {as_called}",
                     component_check("train_with_early_stopping", "clip_grad_norm", _clipped))] + [
                Call("should_stop", (losses, patience), component_check("train_with_early_stopping", "should_stop", _stop),
                     as_called, on_error=EMPTY_EARLIER if len(losses) <= patience else "")
                for losses, patience in (([3.0, 2.0, 2.0, 2.5], 2), ([3.0, 2.0, 2.5, 2.0], 2), ([3.0, 2.0], 2),
                                         ([3.0, 1.0, 2.0, 0.5, 0.7], 1), ([4.0, 3.0, 5.0, 4.0, 3.5], 3))]

    def training(patience, max_epochs, label, best_before_last=False):
        from rnncourse.grading.training import make_problem

        seed = int(rng.integers(0, 2**31))
        for _ in range(8 if best_before_last else 0):   # a run whose best epoch is not its last: only there
            losses, _ = _rerun(seed, patience, max_epochs)  # does restoring the best parameters show
            if int(np.argmin(losses)) < len(losses) - 1:
                break
            seed = int(rng.integers(0, 2**31))
        problem = make_problem(seed)
        state = {k: v.numpy().copy() for k, v in problem.model.state_dict().items()}
        batches = [(X.numpy(), y.numpy()) for X, y in problem.train_batches]
        val = tuple(t.numpy() for t in problem.val_batch)
        return Call("train_with_early_stopping", (state, batches, val, TRAIN["lr"], max_epochs, TRAIN["max_norm"], patience),
                    _trained(seed, patience, max_epochs), label, driver="train")

    def gradient(w, T, label):
        return Call("linear_rnn_weight_gradient", (float(w), rng.normal(size=T)), _gradient, label)

    def step(shape, scale, label):
        args = (rng.normal(size=shape), scale * rng.normal(size=shape))
        tensors = tuple(Tensor(a) for a in args) + (float(rng.uniform(0.05, 0.5)), float(rng.uniform(0.5, 2.0)))
        return [Call("clipped_sgd_step", tensors, _step, f"{label}, CPU float64"),
                Call("clipped_sgd_step", tensors, _step_on_meta, f"{label}, meta device float32", driver="meta",
                     on_error="Meta tensors have no values: a Python if on a tensor, float(), .item() and NumPy fail "
                              "there. " + NO_BRANCH)]

    _, sunspots = load_sunspots()
    sunspots = (sunspots - sunspots.mean()) / sunspots.std()
    return {
        "test_linear_rnn_weight_gradient_hidden": [gradient(rng.uniform(1.05, 1.4), int(rng.integers(6, 13)), "|w| > 1"),
                                                   gradient(rng.uniform(0.3, 0.9), int(rng.integers(3, 9)), "|w| < 1"),
                                                   gradient(rng.uniform(-1.3, -0.5), int(rng.integers(3, 9)), "w < 0"),
                                                   gradient(rng.uniform(0.5, 1.5), 1, "T = 1")],
        "test_clipped_sgd_step_hidden": step((int(rng.integers(2, 6)), int(rng.integers(2, 5))), 5.0, "a large gradient")
                                        + step((int(rng.integers(2, 9)),), 0.01, "a small gradient"),
        "test_clipping_experiment_hidden": [clip(3.0, rng.uniform(0.4, 0.8), False, "large gradients, as clipping_experiment "
                                                 "calls it", component_check("clipping_experiment", "clip_grad_norm", _clipped)),
                                            Call("clipping_experiment", (sunspots, 1.0, float(rng.uniform(0.4, 0.8)), 60,
                                                                         int(rng.integers(1, 1000))), _experiment)],
        "test_clip_grad_norm_hidden": [clip(3.0, rng.uniform(0.1, 1.0), True, "large gradients"),
                                       clip(0.01, rng.uniform(1.0, 5.0), False, "small gradients"),
                                       clip(2.0, rng.uniform(0.5, 2.0), False, "")],
        "test_should_stop_visible": [stop(history(3, 6), 2), stop(history(1, 2), 2)],
        "test_should_stop_hidden": [stop(history(), int(rng.integers(1, 5)), _stop) for _ in range(40)],
        "test_train_hidden": components() + [training(int(rng.integers(3, 5)), 40, "stops early"),
                              training(1000, int(rng.integers(25, 35)), "runs to max_epochs", best_before_last=True)],
    }
