"""Classic mistakes in assignment 12 (training practice): clipping in torch, early stopping, the training loop."""
from mutations import edit

LOOP_END = "        if should_stop(history, patience):\n            break\n    if best_state is not None:\n        model.load_state_dict(best_state)\n"

# the clipping experiment runs the student's clip_grad_norm and asks whether it passes its tests: true as well
EXPERIMENT = "does your clip_grad_norm pass its tests"

MUTANTS = [
    edit("clip_grad_norm", "iterates_parameters_twice", "for g in grads:\n            g.mul_(",
         "for p in parameters:\n            p.grad.mul_(", "named:one-pass generator",
         also=("without clipping", EXPERIMENT)),      # the training loop then clips nothing: true as well
    edit("clip_grad_norm", "per_tensor", "g.mul_(max_norm / (norm + 1e-6))",
         "g.mul_(min(1.0, max_norm / (float(g.norm()) + 1e-6)))", "named:clipped on its own", also=(EXPERIMENT,)),
    edit("clip_grad_norm", "always_scales", "if norm > max_norm:", "if True:", "named:already below max_norm", also=(EXPERIMENT,)),
    edit("clip_grad_norm", "clamps_entries", "g.mul_(max_norm / (norm + 1e-6))", "g.clamp_(-max_norm, max_norm)",
         "named:clamped to [-max_norm, max_norm]", also=(EXPERIMENT,)),
    edit("clip_grad_norm", "sums_the_norms", "norm = float(torch.sqrt(sum((g.detach() ** 2).sum() for g in grads)))",
         "norm = float(sum(g.detach().norm() for g in grads))", "named:added the norms", also=(EXPERIMENT,)),
    edit("clip_grad_norm", "returns_norm_after_clipping", "    return norm", "    return min(norm, max_norm)",
         "named:norm after clipping", also=(EXPERIMENT,)),
    edit("clip_grad_norm", "no_square_root", "torch.sqrt(sum((g.detach() ** 2).sum() for g in grads))",
         "sum((g.detach() ** 2).sum() for g in grads)", "named:sum of squares", also=(EXPERIMENT,)),
    edit("should_stop", "too_early", "if len(val_losses) <= patience:", "if len(val_losses) < patience:",
         "named:no earlier loss to compare with"),
    edit("should_stop", "strict_comparison", ">= min(val_losses[:-patience])", "> min(val_losses[:-patience])",
         "named:strict '>'"),
    edit("should_stop", "compares_with_last", "min(val_losses[:-patience])", "val_losses[-patience - 1]",
         "named:the loss just before the last"),
    # min(val_losses[-patience - 1:]) for min(val_losses[-patience:]) is no mistake: the extra loss is also among
    # the earlier ones, so it can only lower the left side to their minimum, and the comparison gives the same answer.
    edit("should_stop", "patience_off_by_one", "if len(val_losses) <= patience:", "if len(val_losses) <= patience + 1:",
         "named:waits one epoch too long"),
    edit("train_with_early_stopping", "no_clipping", "            clip_grad_norm(model.parameters(), max_norm)\n", "",
         "named:without clipping", also=("clip the gradients after backward() and before optimizer.step()",)),
    edit("train_with_early_stopping", "restores_only_when_stopping", LOOP_END,
         "        if should_stop(history, patience):\n            model.load_state_dict(best_state)\n            break\n",
         "named:restore the best ones in every case"),
    edit("train_with_early_stopping", "never_restores", "    if best_state is not None:\n        model.load_state_dict(best_state)\n", "",
         "named:keeps the parameters of the last epoch"),
    edit("train_with_early_stopping", "state_not_copied", "copy.deepcopy(model.state_dict())", "model.state_dict()",
         "named:keeps the parameters of the last epoch"),
    edit("train_with_early_stopping", "no_zero_grad", "            optimizer.zero_grad()\n", "",
         "named:without optimizer.zero_grad()"),
    edit("train_with_early_stopping", "clip_after_step",
         "            clip_grad_norm(model.parameters(), max_norm)\n            optimizer.step()\n",
         "            optimizer.step()\n            clip_grad_norm(model.parameters(), max_norm)\n", "named:without clipping",
         also=("clip the gradients after backward() and before optimizer.step()",)),
    edit("train_with_early_stopping", "one_batch_per_epoch", "for X, y in train_batches:", "for X, y in train_batches[:1]:",
         "named:one update per epoch"),
]

GRADIENT_STEP = "grad += dh * h[t - 1]"

MUTANTS += [
    edit("linear_rnn_weight_gradient", "dh_dw_not_dL_dw", "dh, grad = h[-1], 0.0", "dh, grad = 1.0, 0.0",
         "named:This is dh_T/dw, not dL/dw"),
    edit("linear_rnn_weight_gradient", "last_step_only", "for t in range(len(x), 0, -1):", "for t in range(len(x), len(x) - 1, -1):",
         "named:Only the last step's use of w"),
    edit("linear_rnn_weight_gradient", "h_t_for_h_prev", GRADIENT_STEP, "grad += dh * h[t]", "named:uses h_t where h_{t-1} belongs"),
    edit("clipped_sgd_step", "not_clipped", "return theta - lr * factor * grad", "return theta - lr * grad",
         "named:The step is not clipped"),
    edit("clipped_sgd_step", "always_rescaled", "torch.clamp(max_norm / (torch.linalg.vector_norm(grad) + 1e-6), max=1.0)",
         "max_norm / (torch.linalg.vector_norm(grad) + 1e-6)", "named:rescaled to norm max_norm although"),
    edit("clipped_sgd_step", "ascent", "return theta - lr * factor * grad", "return theta + lr * factor * grad",
         "named:went up the gradient"),
    edit("clipped_sgd_step", "python_branch",
         "factor = torch.clamp(max_norm / (torch.linalg.vector_norm(grad) + 1e-6), max=1.0)",
         "factor = min(1.0, max_norm / (float(torch.linalg.vector_norm(grad)) + 1e-6))",
         "named:without a Python if, float() or .item()"),
]
