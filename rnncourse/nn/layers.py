r"""Generic recurrent machinery: a cell run over time, and a stack of such layers.

Structure (as in PyTorch's ``benchmarks/fastrnns/custom_lstms.py``)::

    cell                one time step         new_state = cell(x_t, state)
    Recurrent           a cell over time      (T, B, D) -> (T, B, H), final state
    StackedRecurrent    layers x directions   (T, B, D) -> (T, B, H or 2H), (L*dirs, B, H)

The cell protocol
-----------------
Any cell (Elman RNN, LSTM, GRU, ...) is an ``nn.Module`` that provides

``cell(x_t, state) -> new_state``
    one step; ``x_t`` is (B, D); ``state`` is a tensor (B, H) (RNN, GRU) or a tuple of
    tensors (B, H) (LSTM: ``(h, c)``).
``cell.hidden(state) -> h_t``
    the part of the state that is the layer's output, (B, H): the identity for RNN/GRU,
    ``state[0]`` for an LSTM.
``cell.init_state(batch, like) -> state``
    zeros with ``like``'s device and dtype (never a fixed device).
``cell.input_size``, ``cell.hidden_size``
    ints.

Parameters are named as in ``torch.nn.RNNCell``/``LSTMCell``/``GRUCell``: ``weight_ih``
(G*H, D), ``weight_hh`` (G*H, H), ``bias_ih`` (G*H,), ``bias_hh`` (G*H,) with G = 1 (RNN),
4 (LSTM, gates i, f, g, o) or 3 (GRU, gates r, z, n); a cell without bias registers
``bias_ih = bias_hh = None``. :class:`CellBase` gives the defaults (identity ``hidden``, zero
``init_state`` for a single tensor state, PyTorch's initialisation).

Ragged batches
--------------
``lengths`` (B,) gives each sequence's number of real steps; rows of ``X`` past a sequence's
length are padding. At step t the state of sequence b advances only where ``t < lengths[b]``,
outputs past the length are zero, and the final state is the state after the last real step.
Run in reverse, a sequence's state stays at its initial value through its padding and starts
at its own last real step ``lengths[b] - 1``. This is exactly what ``nn.RNN``/``LSTM``/``GRU``
compute on a ``pack_padded_sequence`` input (then ``pad_packed_sequence`` on the output). The
padding is set to zero before any cell reads it, so whatever it holds (NaN included) reaches
neither an output nor a gradient.

Bad input (wrong shapes or dtypes, a state of the wrong kind, T = 0, lengths outside 1..T)
raises a :class:`~rnncourse.nn.checks.RecurrentInputError` naming the argument, as
``torch.nn``'s modules refuse it.

Shapes
------
T  sequence length, B  batch size, D  input size, H  hidden size, L  number of layers,
dirs  number of directions (1, or 2 when bidirectional).

============  ==================  ==========================================
``X``         (T, B, D)           inputs, time-major
``lengths``   (B,)                real steps per sequence (optional)
``outputs``   (T, B, dirs*H)      top layer's hidden state at every step
``state``     (L*dirs, B, H)      per layer and direction, index ``l*dirs + d``;
                                  a tuple of such tensors for an LSTM
============  ==================  ==========================================

Parameter names follow ``nn.RNN``: ``weight_ih_l{l}``, ``weight_hh_l{l}``, ``bias_ih_l{l}``,
``bias_hh_l{l}`` and the same with the suffix ``_reverse`` for the backward direction, so
``scratch.load_state_dict(torch_module.state_dict())`` copies every weight 1:1.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch
from torch import Tensor, nn

from .checks import check_lengths, check_sequence, check_state

State = Tensor | tuple[Tensor, ...]


class CellBase(nn.Module):
    """Defaults of the cell protocol for cells whose state is one tensor (B, H).

    Subclasses set ``num_gates``, call ``_create_parameters`` (``weight_ih``, ``weight_hh``,
    ``bias_ih``, ``bias_hh`` in PyTorch's layout) and implement ``forward(x_t, state) -> new_state``.
    """

    input_size: int
    hidden_size: int
    num_gates: int = 1   # rows of weight_ih per hidden unit: 1 (RNN), 3 (GRU), 4 (LSTM)

    def _create_parameters(self, input_size: int, hidden_size: int, bias: bool) -> None:
        """Register ``weight_ih`` (G, D), ``weight_hh`` (G, H), ``bias_ih``/``bias_hh`` (G,) or None,
        with G = num_gates * H stacked in PyTorch's gate order, then initialise them."""
        self.input_size, self.hidden_size = input_size, hidden_size
        G = self.num_gates * hidden_size
        self.weight_ih = nn.Parameter(torch.empty(G, input_size))
        self.weight_hh = nn.Parameter(torch.empty(G, hidden_size))
        if bias:
            self.bias_ih = nn.Parameter(torch.empty(G))
            self.bias_hh = nn.Parameter(torch.empty(G))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def hidden(self, state: State) -> Tensor:
        """The output of the cell at this step: the state itself."""
        return state

    def init_state(self, batch: int, like: Tensor) -> State:
        """A zero state (batch, H) on ``like``'s device, with its dtype."""
        return like.new_zeros(batch, self.hidden_size)

    def reset_parameters(self) -> None:
        """PyTorch's initialisation: every parameter uniform in [-1/sqrt(H), 1/sqrt(H)]."""
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0.0
        for weight in self.parameters():
            nn.init.uniform_(weight, -bound, bound)


def _where(keep: Tensor, new: State, old: State) -> State:
    """``new`` where ``keep`` (B, 1) is true, else ``old``; tensors or tuples of tensors."""
    if isinstance(new, Tensor):
        return torch.where(keep, new, old)
    return tuple(_where(keep, n, o) for n, o in zip(new, old))


def step_mask(lengths: Tensor | Sequence[int], T: int, like: Tensor) -> Tensor:
    """Boolean (T, B, 1): True where step t is a real step (``t < lengths[b]``)."""
    lengths = torch.as_tensor(lengths, device=like.device)
    steps = torch.arange(T, device=like.device)
    return (steps[:, None] < lengths[None, :]).unsqueeze(-1)  # (T, B, 1)


class Recurrent(nn.Module):
    """A cell run over a time-major sequence, forwards or (``reverse=True``) backwards in time.

    ``forward(X, state=None, lengths=None) -> (outputs, final_state)`` with ``X`` (T, B, D),
    ``outputs`` (T, B, H) (``outputs[t]`` belongs to input step t in both directions) and
    ``final_state`` in the cell's state format ((B, H) or a tuple). ``state=None`` starts from
    ``cell.init_state``. See the module docstring for ``lengths``.
    """

    def __init__(self, cell: nn.Module, reverse: bool = False):
        super().__init__()
        self.cell = cell
        self.reverse = reverse

    def forward(self, X: Tensor, state: State | None = None, lengths=None):
        T, B, _ = X.shape
        if state is None:
            state = self.cell.init_state(B, X)
        mask = None
        if lengths is not None:
            mask = step_mask(lengths, T, X)  # (T, B, 1)
            # zero the padding before any cell reads it: NaN or inf there would otherwise reach
            # every weight gradient (torch.where below zeroes a gradient, but 0 * NaN = NaN)
            X = X.masked_fill(~mask, 0)
        steps = range(T - 1, -1, -1) if self.reverse else range(T)
        outputs: list[Tensor] = [None] * T  # type: ignore[list-item]
        for t in steps:
            new_state = self.cell(X[t], state)
            if mask is None:
                state = new_state
                outputs[t] = self.cell.hidden(state)  # (B, H)
            else:
                state = _where(mask[t], new_state, state)  # padding leaves the state alone
                h_t = self.cell.hidden(state)
                outputs[t] = torch.where(mask[t], h_t, torch.zeros_like(h_t))
        return torch.stack(outputs), state  # (T, B, H), final state


def _select(state: State, index: int) -> State:
    if isinstance(state, Tensor):
        return state[index]
    return tuple(s[index] for s in state)


def _stack(states: list[State]) -> State:
    if isinstance(states[0], Tensor):
        return torch.stack(states)
    return tuple(torch.stack(parts) for parts in zip(*states))


class StackedRecurrent(nn.Module):
    """``num_layers`` recurrent layers, optionally bidirectional, with PyTorch's interface.

    ``make_cell(input_size, hidden_size)`` builds one cell. Layer 0 reads D features, layer
    l > 0 reads the (dirs*H) outputs of layer l-1, with dropout between layers (training only,
    never after the last layer), as ``nn.RNN(..., dropout=p)``.

    ``forward(X, state=None, lengths=None) -> (outputs, state)``: ``X`` (T, B, D), ``state``
    (L*dirs, B, H) or a tuple of such tensors, ``outputs`` (T, B, dirs*H).

    The parameters are registered here under PyTorch's flat names (``weight_ih_l0``,
    ``weight_hh_l0_reverse``, ...); the cells keep only the computation and are handed their
    parameters at every call, so ``.to()``, ``load_state_dict`` and optimisers see exactly the
    parameters of ``nn.RNN``/``LSTM``/``GRU``. A cell must therefore keep all its state in
    parameters (no buffers).
    """

    def __init__(
        self,
        make_cell: Callable[[int, int], nn.Module],
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bidirectional: bool = False,
        dropout: float = 0.0,
    ):
        super().__init__()
        if num_layers < 1:
            raise ValueError(f"num_layers must be at least 1, got {num_layers}")
        if not 0.0 <= dropout <= 1.0:
            raise ValueError(f"dropout must be in [0, 1], got {dropout}")
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.num_directions = 2 if bidirectional else 1
        self.dropout = dropout
        self.inter_layer_dropout = nn.Dropout(dropout)
        # Layers live in a plain list (not registered): their parameters are registered on
        # this module under PyTorch's names instead, and bound to the cells in forward().
        self._layers: list[tuple[Recurrent, dict[str, str]]] = []
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else hidden_size * self.num_directions
            for direction in range(self.num_directions):
                cell = make_cell(layer_input, hidden_size)
                suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
                names = {}
                for name, param in list(cell._parameters.items()):
                    del cell._parameters[name]
                    if param is not None:
                        self.register_parameter(name + suffix, param)
                    names[name] = name + suffix
                self._layers.append((Recurrent(cell, reverse=direction == 1), names))

    def _bound(self, index: int) -> Recurrent:
        """Layer-direction ``index`` with this module's current parameters handed to its cell."""
        layer, names = self._layers[index]
        for cell_name, own_name in names.items():
            setattr(layer.cell, cell_name, getattr(self, own_name, None))
        return layer

    def reset_parameters(self) -> None:
        """PyTorch's initialisation: every parameter uniform in [-1/sqrt(H), 1/sqrt(H)]."""
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0.0
        for weight in self.parameters():
            nn.init.uniform_(weight, -bound, bound)

    def _state_names(self) -> tuple[str, ...]:
        """The parts of ``state`` as the cell defines them: ("h0",), or ("h0", "c0") for an LSTM."""
        probe = self._layers[0][0].cell.init_state(1, torch.empty(0, device="meta"))  # costs nothing
        if isinstance(probe, Tensor):
            return ("h0",)
        return ("h0", "c0") if len(probe) == 2 else tuple(f"state[{k}]" for k in range(len(probe)))

    def _run_direction(self, index: int, X: Tensor, initial: State | None, lengths):
        """Run layer-direction ``index`` over ``X`` (T, B, in): ``(outputs (T, B, H), final state)``.
        Subclasses may replace how one layer runs and keep the stacking."""
        return self._bound(index)(X, initial, lengths)

    def forward(self, X: Tensor, state: State | None = None, lengths=None):
        check_sequence(X, self.input_size, self.weight_ih_l0)
        T, B, _ = X.shape
        if state is not None:
            check_state(state, self._state_names(), (self.num_layers * self.num_directions, B, self.hidden_size), X)
        if lengths is not None:
            lengths = check_lengths(lengths, T, B, X.device)
        finals: list[State] = []
        layer_input = X
        for layer in range(self.num_layers):
            if layer > 0:
                layer_input = self.inter_layer_dropout(layer_input)  # between layers only
            outputs = []
            for direction in range(self.num_directions):
                index = layer * self.num_directions + direction
                initial = None if state is None else _select(state, index)
                out, final = self._run_direction(index, layer_input, initial, lengths)
                outputs.append(out)
                finals.append(final)
            layer_input = outputs[0] if len(outputs) == 1 else torch.cat(outputs, dim=-1)
        return layer_input, _stack(finals)  # (T, B, dirs*H), (L*dirs, B, H)

    def extra_repr(self) -> str:
        cell = self._layers[0][0].cell
        return (f"{type(cell).__name__}, {self.input_size}, {self.hidden_size}, "
                f"num_layers={self.num_layers}, bidirectional={self.bidirectional}, dropout={self.dropout}")
