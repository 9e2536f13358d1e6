"""PyTorch recurrent modules written from scratch, equal to ``torch.nn.RNN``/``LSTM``/``GRU``.

Interface everywhere: ``forward(X, state=None, lengths=None) -> (outputs, state)`` on
time-major ``X`` (T, B, D); states shaped as PyTorch returns them, (L*dirs, B, H). Parameters
use PyTorch's names, so ``load_state_dict(torch_module.state_dict())`` copies weights 1:1.

``layers``   the cell protocol, ``Recurrent`` (a cell over time) and ``StackedRecurrent``.
``rnn``      the Elman cell ``RNNCell`` and the multi-layer ``RNN``.
``lstm``     ``LSTMCell`` and ``LSTM``; ``gru``: ``GRUCell`` and ``GRU`` (PyTorch gate layout).
``checks``   the input checks every module runs, so that bad input fails as in ``torch.nn``.
``fast_lstm`` and ``fused``  the same LSTM (and GRU) organised for speed; ``fused`` has the
             hand-written backward pass.

Recurrences linear in the state, each with a loop and a parallel scan that give the same states:
``linear_recurrence`` (the modes, and the log-space scan), ``linear_attention`` (causal linear
attention, masked or recurrent), ``lru`` (the Linear Recurrent Unit), ``min_rnn`` (minGRU and
minLSTM) and ``selective_scan`` (the selective SSM and a Mamba-style block).
"""
from .layers import CellBase, Recurrent, StackedRecurrent, step_mask
from .rnn import RNN, RNNCell
from .lstm import LSTM, LSTMCell
from .gru import GRU, GRUCell

__all__ = ["CellBase", "Recurrent", "StackedRecurrent", "step_mask", "RNN", "RNNCell"]
__all__ += ["LSTM", "LSTMCell", "GRU", "GRUCell"]
