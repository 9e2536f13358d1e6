"""Attack class: answers that only import or thinly wrap the course's own code.

The references behind the book (``rnncourse.numpy_ref``, ``nn``, ``experiments``, ``gradcheck``,
``clipping``, ``gradient_flow``, ``train``, ``models``, ``data.text``, ``data.timeseries``) and the
grading modules' mistake generators compute every graded function; a graded kernel can import
none of them. Each submission below does no work of its own, so it must score 0.

``ATTACKS`` maps an assignment to its attacks, in the format of tests/attacks/__init__.py
(``honest`` is always empty). ``{ROOT}`` is the course checkout: one attack puts it on
``sys.path`` itself.
"""


def wrap(signature: str, body: str, imports: str) -> str:
    """An answer that imports course code inside the function and returns what it computes."""
    return f"def {signature}:\n    {imports}\n    return {body}\n"


ATTACKS = {
    "02_rnn_equations": [
        dict(name="import_numpy_reference", what="answer cells import rnncourse.numpy_ref.rnn", base="stub", honest=[],
             answers={"rnn_step_forward": "from rnncourse.numpy_ref.rnn import rnn_step_forward\n",
                      "rnn_forward": "from rnncourse.numpy_ref.rnn import rnn_forward\n",
                      "many_to_one": wrap("many_to_one(X, h0, W_xh, W_hh, b_h, W_hy, b_y)",
                                          "rnn_forward(X, h0, W_xh, W_hh, b_h)[-1] @ W_hy.T + b_y", "pass")}),
        dict(name="checkout_on_sys_path", what="puts the course checkout on sys.path, then imports the reference",
             base="stub", honest=[],
             answers={"rnn_step_forward": "import sys\nsys.path.insert(0, \"{ROOT}\")\n"
                                          "from rnncourse.numpy_ref.rnn import rnn_step_forward, rnn_forward\n"}),
    ],
    "03_unrolling": [
        dict(name="wrap_references", what="wraps numpy_ref's backward pass and the mistake generator's step terms",
             base="stub", honest=[],
             answers={"rnn_step_backward": wrap("rnn_step_backward(dh_t, x_t, h_prev, h_t, W_xh, W_hh)",
                                                "reference(dh_t, x_t, h_prev, h_t, W_xh, W_hh)",
                                                "from rnncourse.numpy_ref.rnn import rnn_step_backward as reference"),
                      "step_contributions": wrap("step_contributions(dHs, X, Hs, h0, W_xh, W_hh)",
                                                 "reference(dHs, X, Hs, h0, W_xh, W_hh)",
                                                 "from rnncourse.grading.rnn import step_contributions as reference"),
                      "rnn_backward": wrap("rnn_backward(dHs, X, Hs, h0, W_xh, W_hh)",
                                           "reference(dHs, X, Hs, h0, W_xh, W_hh)",
                                           "from rnncourse.numpy_ref.rnn import rnn_backward as reference")}),
    ],
    "04_bptt": [
        dict(name="wrap_experiments_and_gradcheck", what="wraps experiments.bptt, numpy_ref and gradcheck",
             base="stub", honest=[],
             answers={"jacobian_product": "from rnncourse.experiments.bptt import jacobian_product\n",
                      "truncated_rnn_backward": wrap("truncated_rnn_backward(dHs, X, Hs, h0, W_xh, W_hh, k)",
                                                     "rnn_backward(dHs, X, Hs, h0, W_xh, W_hh, truncate=k)",
                                                     "from rnncourse.numpy_ref.rnn import rnn_backward"),
                      "numerical_gradient": "from rnncourse.gradcheck import numerical_gradient\n",
                      "relative_error": "from rnncourse.gradcheck import relative_error\n"}),
    ],
    "05_gradient_problems": [
        dict(name="import_clipping_and_gradient_flow", what="imports rnncourse.clipping and gradient_flow",
             base="stub", honest=[],
             answers={"global_norm": "from rnncourse.clipping import global_norm\n",
                      "clip_by_global_norm": "from rnncourse.clipping import clip_by_global_norm\n",
                      "clip_by_value": "from rnncourse.clipping import clip_by_value\n",
                      "spectral_radius": wrap("spectral_radius(W)", "reference(torch.from_numpy(W))",
                                              "import torch; from rnncourse.gradient_flow import spectral_radius as reference")}),
    ],
    "06_lstm_gru": [
        dict(name="wrap_numpy_lstm_and_gru", what="wraps numpy_ref.lstm and numpy_ref.gru", base="stub", honest=[],
             answers={"lstm_cell_forward": wrap("lstm_cell_forward(x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh)",
                                                "lstm_step_forward(x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh)[:2]",
                                                "from rnncourse.numpy_ref.lstm import lstm_step_forward"),
                      "gru_cell_forward": wrap("gru_cell_forward(x_t, h_prev, W_ih, W_hh, b_ih, b_hh)",
                                               "gru_step_forward(x_t, h_prev, W_ih, W_hh, b_ih, b_hh)[0]",
                                               "from rnncourse.numpy_ref.gru import gru_step_forward")}),
    ],
    "08_attention_transformer": [
        dict(name="wrap_numpy_attention", what="wraps numpy_ref.attention", base="stub", honest=[],
             answers={"attention_weights": wrap(
                          "attention_weights(s, Hs, lengths)",
                          "dot_attention(s, Hs, np.arange(Hs.shape[0])[:, None] < np.asarray(lengths)[None, :])[0]",
                          "from rnncourse.numpy_ref.attention import dot_attention"),
                      "scaled_dot_product_attention": wrap(
                          "scaled_dot_product_attention(Q, K, V, causal=False)",
                          "reference(Q, K, V, causal_mask(Q.shape[1], K.shape[1]) if causal else None)",
                          "from rnncourse.numpy_ref.attention import causal_mask, scaled_dot_product_attention as reference")}),
    ],
    "09_language_model": [
        dict(name="import_sampling_references", what="imports the grading module's softmax, sampler and loop",
             base="stub", honest=[],
             answers={"temperature_softmax": "from rnncourse.grading.sampling import softmax_t as temperature_softmax\n",
                      "sample_index": "from rnncourse.grading.sampling import inverse_cdf_sample as sample_index\n",
                      "generate": wrap("generate(step, start_id, stop_id, temperature, rng, max_len=20)",
                                       "reference_generate(step, start_id, stop_id, temperature, rng, max_len)",
                                       "from rnncourse.grading.sampling import reference_generate")}),
    ],
    "10_text_classification": [
        dict(name="import_text_and_packing_references", what="imports data.text.pad_sequences and the packing reference",
             base="stub", honest=[],
             answers={"pad_batch_ids": wrap("pad_batch_ids(sequences, pad_id=0)", "pad_sequences(sequences, pad_id=pad_id)",
                                            "from rnncourse.data.text import pad_sequences"),
                      "final_states": "from rnncourse.grading.packing import reference_final_states as final_states\n"}),
    ],
    "11_forecasting": [
        dict(name="import_forecasting_references", what="imports data.timeseries and the grading module's references",
             base="stub", honest=[],
             answers={"make_windows": "from rnncourse.grading.forecasting import reference_windows as make_windows\n",
                      "seasonal_naive": "from rnncourse.grading.forecasting import reference_seasonal_naive as seasonal_naive\n",
                      "fit_linear_ar": "from rnncourse.grading.forecasting import reference_linear_ar as fit_linear_ar\n",
                      "rmse": "from rnncourse.grading.forecasting import reference_rmse as rmse\n"}),
    ],
    "12_training_practice": [
        dict(name="import_training_references", what="imports the grading module's clipping, stopping rule and loop",
             base="stub", honest=[],
             answers={"clip_grad_norm": "from rnncourse.grading.training import reference_clip as clip_grad_norm\n",
                      "should_stop": "from rnncourse.grading.training import reference_should_stop as should_stop\n",
                      "train_with_early_stopping": wrap(
                          "train_with_early_stopping(model, train_batches, val_batch, loss_fn, optimizer, max_epochs, "
                          "max_norm, patience)",
                          "reference_train(model, train_batches, val_batch, loss_fn, optimizer, max_epochs, max_norm, "
                          "patience)", "from rnncourse.grading.training import reference_train")}),
    ],
}
