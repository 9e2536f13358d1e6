#!/usr/bin/env bash
# The checks that need a CUDA device, in well under 5 minutes: the gpu-marked parity tests of the
# recurrent modules, attention, the scans and the ragged helpers, then the model-speed and scan
# benchmarks at their CUDA sizes. Run from the repository root on a machine with a GPU:
#
#     bash benchmarks/gpu_check.sh [results folder]      # default: benchmarks/results
#
# The tests need only torch, numpy and pytest (the test suite's conftest, which grades
# notebooks, is not loaded). Results: model_speed_cuda.{json,md} and scan_speed_cuda.{json,md}.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-benchmarks/results}"
python="${PYTHON:-python3}"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"

"$python" -c "import torch; assert torch.cuda.is_available(), 'no CUDA device'; print('device:', torch.cuda.get_device_name())"
timeout 150 "$python" -m pytest -q --noconftest -m gpu -rs \
    tests/test_nn_fused.py tests/test_nn_lstm_gru.py tests/test_nn_fast_lstm.py tests/test_nn_rnn.py \
    tests/test_nn_attention.py tests/test_scan.py tests/test_ragged.py
timeout 100 "$python" benchmarks/model_speed.py --device cuda --no-numpy --repeats 5 --out "$out"
timeout 40 "$python" benchmarks/scan_speed.py --device cuda --repeats 5 --out "$out"
