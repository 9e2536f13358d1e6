"""The application experiments: tiny reruns of each, and the committed results match their scripts."""
import json
import math
from dataclasses import asdict

import numpy as np
import pytest

from rnncourse.experiments import forecasting as fc
from rnncourse.experiments import language_model as lm
from rnncourse.experiments import text_classification as tc
from rnncourse.experiments import training_practice as tp


pytestmark = pytest.mark.usefixtures("one_thread")  # every test here trains small models


# --------------------------------------------------------------------------- language model
def test_ngram_baselines():
    stream = np.array([0, 1] * 500)                       # perfectly predictable from the last symbol
    assert lm.ngram_bits_per_character(stream, stream, 2, order=1) == pytest.approx(1.0, abs=1e-3)
    assert lm.ngram_bits_per_character(stream, stream, 2, order=2) < 0.01
    with pytest.raises(ValueError):
        lm.ngram_bits_per_character(stream, stream, 2, order=3)


def test_name_corpus_splits_by_name():
    corpus = lm.load_corpus(seed=0)
    assert not set(corpus.train_names) & set(corpus.test_names)
    assert corpus.vocab.decode(corpus.test).split("\n")[:-1] == corpus.test_names
    assert len(corpus.vocab) == 27


def test_tiny_language_model_beats_uniform():
    config = lm.LMConfig(hidden_size=32, embed_size=8, epochs=3, batch_size=16, bptt=16, lr=1e-2,
                         max_names=400, dropout=0.0)
    result = lm.run(config, progress=False)
    bpc = result["bpc"]
    assert bpc["uniform"] == pytest.approx(math.log2(27))
    assert bpc["lstm"] < bpc["uniform"] - 0.5
    assert len(result["history"].val_loss) == 3


# --------------------------------------------------------------------------- text classification
def test_review_splits_are_disjoint_and_vocab_from_training_only():
    splits = tc.load_splits(seed=0, max_train=500)
    index = splits.index
    assert not set(index["train"]) & set(index["test"]) and not set(index["val"]) & set(index["test"])
    assert len(splits.train[0]) == 500
    train_chars = {ch for i in index["train"] for ch in splits.texts[i]}
    assert set(splits.vocab.itos[2:]) <= train_chars


def test_tiny_classification_run():
    config = tc.ClassifierConfig(models=["bag of characters", "BiLSTM"], max_train=300, epochs=1,
                                 embed_size=8, hidden_size=8, dense_size=8, max_len=20)
    results = tc.run(config, progress=False)
    assert set(results["models"]) == {"bag of characters", "BiLSTM"}
    for r in results["models"].values():
        assert 0.0 <= r["test_accuracy"] <= 1.0 and r["epochs"] == 1 and r["parameters"] > 0


def test_committed_classification_results_come_from_the_default_config():
    results = json.loads(tc.RESULTS.read_text())
    assert results["config"] == json.loads(json.dumps(asdict(tc.ClassifierConfig())))
    assert set(results["models"]) == set(tc.MODELS)
    for r in results["models"].values():
        assert 0.5 < r["test_accuracy"] <= 1.0               # every model beats a coin flip


# --------------------------------------------------------------------------- forecasting
def test_naive_forecasts():
    X = np.arange(24.0)[None, :]                           # one window 0..23
    assert fc.last_value_forecast(X, 3).tolist() == [[23, 23, 23]]
    assert fc.seasonal_naive_forecast(X, 3).tolist() == [[12, 13, 14]]    # the same months a year before
    assert fc.seasonal_naive_forecast(X, 12).tolist() == [list(range(12, 24))]
    with pytest.raises(ValueError):
        fc.seasonal_naive_forecast(X, 13)


def test_linear_ar_recovers_a_linear_rule():
    rng = np.random.default_rng(0)
    Xr = rng.normal(size=(200, 5))
    Yr = Xr @ rng.normal(size=(5, 2)) + 0.3
    weights = fc.fit_linear_ar(Xr, Yr, ridge=1e-9)
    np.testing.assert_allclose(fc.linear_ar_predict(weights, Xr), Yr, atol=1e-6)


def test_forecast_splits_never_share_target_months():
    data = fc.prepare(fc.ForecastConfig())
    horizon = fc.ForecastConfig().horizon
    months = {name: set((data.first_target[idx][:, None] + np.arange(horizon)).ravel())
              for name, idx in data.splits.items()}
    assert not months["train"] & months["val"] and not months["val"] & months["test"]
    assert max(months["train"]) < min(months["val"]) <= max(months["val"]) < min(months["test"])
    Xr, Yr = data.relative(data.splits["train"][:3])
    assert np.all(Xr[:, -1] == 0)                          # relative to the last value


def test_tiny_forecasting_run_has_all_models():
    config = fc.ForecastConfig(epochs=2, hidden_size=8)
    result = fc.run(config, cells=("gru",), progress=False)
    assert set(result["rmse"]) == {"last value", "seasonal naive", "linear AR", "GRU"}
    for errors in result["rmse"].values():
        assert errors.shape == (config.horizon,) and np.all(np.isfinite(errors))
    assert result["rmse"]["linear AR"].mean() < result["rmse"]["last value"].mean()


# --------------------------------------------------------------------------- hyperparameter search
def test_tiny_search_chooses_on_validation():
    from dataclasses import replace
    base = replace(tp.BASE, epochs=1, embed_size=4, batch_size=8, bptt=8)
    results = tp.search({"hidden_size": [8], "dropout": [0.0, 0.5]}, base=base, progress=False, max_names=150)
    scores = [r["best_val_bpc"] for r in results["runs"]]
    assert len(scores) == 2 and results["chosen"] == int(np.argmin(scores))
    assert math.isfinite(results["chosen_test_bpc"])


def test_committed_search_results_match_the_script():
    results = json.loads(tp.RESULTS.read_text())
    assert results["grid"] == tp.GRID
    assert results["base"] == json.loads(json.dumps(asdict(tp.BASE)))
    assert len(results["runs"]) == np.prod([len(v) for v in tp.GRID.values()])
    best = min(range(len(results["runs"])), key=lambda i: results["runs"][i]["best_val_bpc"])
    assert results["chosen"] == best
