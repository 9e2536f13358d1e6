"""Generic mutation operators over the solution cells, to find the mistakes nobody listed.

Each operator rewrites one node of a solution function's syntax tree (``ast``), the way a slip
of the keyboard or of the mind would:

- ``swap``: the operands of a non-commutative operator (``a - b``, ``a / b``, ``a @ b``, ``a ** b``);
- ``off_by_one``: an integer constant, a slice bound or a ``range`` bound moved by one;
- ``transpose``: a ``.T`` dropped, or added to a matrix-product operand;
- ``assign``: ``+=`` written as ``=``;
- ``axis``: an ``axis=``/``dim=`` argument changed (0 <-> 1, -1 -> 0);
- ``compare``: ``<`` <-> ``<=``, ``>`` <-> ``>=``.

Mutation-testing tools on PyPI (mutmut, cosmic-ray) mutate files on disk and run a test command
per mutant; here a mutant is a notebook answer graded by the course's grader, and transposes and
axis changes are not among their operators, so the few operators are written out here.

A generated mutant that gets full marks is a gap in the tests unless it computes the same
function as the solution: such mutants are listed in ``EQUIVALENT`` with the reason.
"""
from __future__ import annotations

import ast
import copy
import hashlib

from . import Mutant

NON_COMMUTATIVE = (ast.Sub, ast.Div, ast.MatMult, ast.Pow, ast.FloorDiv, ast.Mod)
COMPARE = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt}

# "<assignment>:<function>:<operator id>": why the mutant computes the same function as the solution.
EQUIVALENT: dict[str, str] = {
    "01_why_recurrent:readout_step:transpose_right@9.10": "dz is one-dimensional (N,): .T of a 1-D array is "
        "the same array.",
    "02_rnn_equations:state_difference:swap@5.3": "||h' - h|| = ||h - h'||: the norm of a difference is symmetric.",
    "11_forecasting:rnn_forecast_torch:plus_one@3.5": "W_hh.shape[1] = W_hh.shape[0] = H: W_hh is square.",
    "13_recurrences_after_transformers:long_sequence_errors:swap@11.1": "|b - a| = |a - b|: the largest absolute "
        "difference is symmetric.",
    "14_capstone_char_lm:rnn_lm_loss:plus_one@8.21": "NumPy's reshape takes any negative size as the one size it "
        "works out (reshape(n, -2) is reshape(n, -1)).",
    "14_capstone_char_lm:sample:minus_one@13.15": "min(k, V) for min(k, V - 1): k, the number of cdf entries "
        "<= u, reaches V only when u >= cdf[-1], which rounding can make possible with a chance of about 1e-16 "
        "per draw; the two agree on every other draw.",
    "14_capstone_char_lm:train_char_lm:minus_one@10.14": "the recipe fixes chunks of T = B = 32 (stream_chunks(ids, "
        "32, 32)), so x.shape[0] = x.shape[1] for every chunk train_char_lm reads.",
    "04_bptt:relative_error:swap@4.1": "||b - a|| = ||a - b||: the norm of a difference is symmetric.",
    "07_deep_bidirectional:masked_rnn:plus_one@9.1": "W_hh.shape[1] = W_hh.shape[0] = H: W_hh is square.",
    "07_deep_bidirectional:masked_rnn:plus_one@10.2": "W_hh.shape[1] = W_hh.shape[0] = H: W_hh is square.",
    "12_training_practice:train_with_early_stopping:compare@17.0": "val <= best for val < best keeps the later of two "
        "epochs whose validation losses are exactly equal: both hold the lowest loss, so either is 'the best "
        "parameters' the task asks for (it sets no tie rule), and the losses returned are the same.",
}


def _sites(tree: ast.AST):
    """(operator, node, a function that mutates a deep copy of the tree at that node) for every site."""
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, NON_COMMUTATIVE):
            yield "swap", node, lambda n: _set(n, left=n.right, right=n.left)
            for side in ("left", "right"):
                operand = getattr(node, side)
                if isinstance(node.op, ast.MatMult) and not (isinstance(operand, ast.Attribute) and operand.attr == "T"):
                    yield f"transpose_{side}", node, lambda n, s=side: _set(
                        n, **{s: ast.Attribute(value=getattr(n, s), attr="T", ctx=ast.Load())})
        if isinstance(node, ast.Attribute) and node.attr == "T":
            yield "untranspose", node, None                       # handled by the parent rewrite below
        if isinstance(node, ast.Constant) and type(node.value) is int and not isinstance(node.value, bool):
            yield "plus_one", node, lambda n: _set(n, value=n.value + 1)
            if node.value != 0:
                yield "minus_one", node, lambda n: _set(n, value=n.value - 1)
        if isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add):
            yield "assign", node, None
        if isinstance(node, ast.keyword) and node.arg in ("axis", "dim") and isinstance(node.value, (ast.Constant, ast.UnaryOp)):
            yield "axis", node, lambda n: _set(n, value=ast.Constant(_other_axis(n.value)))
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in COMPARE:
            yield "compare", node, lambda n: _set(n, ops=[COMPARE[type(n.ops[0])]()])
        if isinstance(node, ast.Slice):
            for bound in ("lower", "upper"):
                if getattr(node, bound) is not None:
                    yield f"slice_{bound}", node, lambda n, b=bound: _set(
                        n, **{b: ast.BinOp(getattr(n, b), ast.Add(), ast.Constant(1))})


def _other_axis(value: ast.AST) -> int:
    axis = ast.literal_eval(value)
    return {0: 1, 1: 0, -1: 0, 2: 1, -2: -1}.get(axis, 0)


def _set(node: ast.AST, **fields) -> None:
    for name, value in fields.items():
        setattr(node, name, value)


class _Replace(ast.NodeTransformer):
    """Rewrites the index-th node of ``ast.walk`` order: ``.T`` dropped, ``+=`` made ``=``."""

    def __init__(self, target):
        self.target = target

    def visit_Attribute(self, node):
        self.generic_visit(node)
        return node.value if node is self.target else node

    def visit_AugAssign(self, node):
        self.generic_visit(node)
        if node is self.target:
            return ast.copy_location(ast.Assign(targets=[node.target], value=node.value, lineno=node.lineno), node)
        return node


def generated(assignment: str, function: str, source: str, limit: int | None = None) -> list[Mutant]:
    """The generic mutants of one solution cell (at most ``limit``, a fixed spread of them)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:                  # a written answer (Markdown), not code
        return []
    found, seen = [], {ast.unparse(tree)}
    for index, (name, node, change) in enumerate(_sites(tree)):
        mutated = copy.deepcopy(tree)
        target = next(n for i, n in enumerate(ast.walk(mutated)) if i == _position(tree, node))
        if change is None:
            mutated = _Replace(target).visit(mutated)
        else:
            change(target)
        try:
            text = ast.unparse(ast.fix_missing_locations(mutated))
            compile(text, "<mutant>", "exec")
        except (SyntaxError, ValueError, TypeError, AttributeError):
            continue
        if text in seen:
            continue
        seen.add(text)
        line = getattr(node, "lineno", 0)
        found.append(Mutant(function, f"{name}@{line}.{index}", source, text, "generic", (), assignment, listed=False))
    if limit is not None and len(found) > limit:     # a spread that does not change from run to run
        found.sort(key=lambda m: hashlib.sha256(m.key.encode()).hexdigest())
        found = found[:limit]
    return found


def _position(tree: ast.AST, node: ast.AST) -> int:
    return next(i for i, n in enumerate(ast.walk(tree)) if n is node)


def all_generated(assignments: list[str], limit: int | None = None) -> list[Mutant]:
    from . import solution_cells

    out = []
    for assignment in assignments:
        for function, source in solution_cells(assignment).items():
            try:
                ast.parse(source)
            except SyntaxError:             # a written answer (markdown), not code
                continue
            out += generated(assignment, function, source, limit)
    return out
