"""rnncourse: recurrent neural networks from the equations up.

The single source of truth for the course book, the exercises and the autograder.

Subpackages
-----------
numpy_ref   NumPy reference implementations (float64, forward AND backward), one model a module.
nn          PyTorch modules written from scratch with the ``forward(X, state=None) -> (outputs, state)``
            interface of ``torch.nn.RNN``/``LSTM``/``GRU``, tested equal to them.
data        Synthetic tasks and loaders for the real data sets that ship in packages.
grading     Checks with teaching feedback, used by the exercises' test cells.

Conventions (see the book's notation page): sequences are time-major ``(T, B, D)``, states
``(B, H)``, weights are stored as PyTorch stores them (``W_xh`` is ``(H, D)``), and a batch of
rows computes ``X_t @ W_xh.T + H_prev @ W_hh.T + b_h``.
"""

__version__ = "0.1.0"

__all__ = ["pick_device", "__version__"]


def __getattr__(name):
    # Imported lazily so that `import rnncourse.grading` (every test cell) does not load torch.
    if name == "pick_device":
        from .device import pick_device

        return pick_device
    raise AttributeError(f"module 'rnncourse' has no attribute {name!r}")
