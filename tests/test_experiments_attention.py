"""The attention chapter's experiments and benchmark scripts, rerun in tiny configurations."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from rnncourse.experiments import attention_transformer as exp

ROOT = Path(__file__).resolve().parents[1]


def test_reverse_task_reverses():
    src, tgt = exp.reverse_task(5, 7, 4, np.random.default_rng(0))
    assert src.shape == tgt.shape == (7, 5)
    assert src.min() >= 1 and src.max() <= 4                 # 0 is reserved for BOS
    np.testing.assert_array_equal(tgt, src[::-1])


@pytest.mark.parametrize("kind", [None, "dot", "additive"])
def test_seq2seq_shapes_and_attention_rows(kind):
    model = exp.Seq2Seq(6, hidden_size=8, attention=kind)
    src = torch.randint(1, 7, (5, 3))
    logits, weights = model(src)
    assert logits.shape == (5, 3, 7)
    if kind is None:
        assert weights is None
    else:
        assert weights.shape == (5, 3, 5)
        torch.testing.assert_close(weights.sum(-1), torch.ones(5, 3))


def test_seq2seq_runs_on_meta_device():
    model = exp.Seq2Seq(6, hidden_size=8, attention="additive").to("meta")
    src = torch.randint(1, 7, (5, 3)).to("meta")
    logits, _ = model(src, tgt=src)                          # teacher forcing: no argmax on meta
    assert logits.device.type == "meta" and logits.shape == (5, 3, 7)


def test_attention_learns_short_reversal_quickly(one_thread):
    """A few hundred steps of training beat chance (1/8) by far at length 4."""
    model = exp.Seq2Seq(4, hidden_size=32, attention="dot")
    exp.train_seq2seq(model, n_symbols=4, lengths=(4, 4), steps=150, seed=0)
    assert exp.seq2seq_accuracy(model, 4, n_symbols=4, n=200) > 0.6


def test_cost_counts_and_saved_memory_growth():
    rows = exp.lstm_vs_attention(Ts=(16, 32, 64), B=2, E=16, num_heads=2, repeats=1)
    assert [r["lstm_sequential_steps"] for r in rows] == [16, 32, 64]
    assert all(r["attention_path_length"] == 1 for r in rows)
    assert exp.lstm_flops(10, 2, 3, 4) == 2 * 10 * 2 * 16 * 7
    assert exp.self_attention_flops(10, 2, 4) == 2 * 10 * 2 * 64 + 4 * 100 * 2 * 4
    lstm = [r["lstm_saved_mb"] for r in rows]
    attn = [r["attention_saved_mb"] for r in rows]
    # increments per doubling of T: linear growth doubles them, quadratic growth quadruples them
    assert 1.8 < (lstm[2] - lstm[1]) / (lstm[1] - lstm[0]) < 2.3
    assert (attn[2] - attn[1]) / (attn[1] - attn[0]) > 2.6


def test_scan_timing_rows_are_exact():
    rows = exp.scan_timing(Ts=(8, 33), width=4, repeats=1)
    assert [r["T"] for r in rows] == [8, 33]
    assert all(r["max_abs_difference"] < 1e-5 and r["chunked_max_abs_difference"] < 1e-5 for r in rows)
    assert all(r[f"{name}_ms"] > 0 for r in rows for name in ("loop", "scan", "chunked"))


@pytest.mark.parametrize("script,args", [
    ("attention_seq2seq.py", ["--steps", "3", "--test-lengths", "4", "5", "--hidden-size", "8"]),
    ("lstm_vs_attention.py", ["--lengths", "8", "16", "--scan-lengths", "8", "--repeats", "1",
                              "--embed-size", "16", "--num-heads", "2"]),
])
def test_benchmark_scripts_write_what_the_chapter_reads(tmp_path, script, args):
    out = tmp_path / "out.json"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args, "--out", str(out)],
                   check=True, cwd=ROOT, capture_output=True, timeout=300)
    small = json.loads(out.read_text())
    committed = json.loads((ROOT / "book" / "data" / script.replace(".py", ".json")).read_text())
    assert set(small) == set(committed)                       # the chapter's keys are all there
    if script == "attention_seq2seq.py":
        assert set(small["accuracy"]) == {"none", "dot", "additive"}
        assert len(small["accuracy"]["dot"]) == 2
        weights = np.array(committed["attention_maps"]["dot"]["weights"])
        np.testing.assert_allclose(weights.sum(-1), 1.0, rtol=1e-5)
    else:
        assert [r["T"] for r in small["layers"]] == [8, 16]
        assert set(small["scan"][0]) == set(committed["scan"][0])  # every timed method is recorded
