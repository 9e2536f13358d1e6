"""The code of a probe cell: what runs in the student's kernel (and, the same text, in the
trusted reference process after the instructor's solution).

It decodes the grader's inputs, calls the student's functions on them and writes what they
return as JSON data: numbers, lists, dicts with string keys, arrays as base64 of their raw bytes
with dtype and shape. Nothing it writes is code or pickled, and it writes no text of its own
making but one of a few fixed error names. Results are written after every call, so a call that
kills the kernel loses only itself.

Argument types (``{"kind": ...}`` in :func:`autograder.probes.wire.encode_args`) besides plain
values and arrays: a seeded NumPy generator, a torch tensor, a torch module of ``torch.nn``
loaded with given weights, parameters with gradients (handed over as a list or as a one-pass
generator), and a step function of a small NumPy language model. Drivers other than a plain call:
``gradient_of`` (a function of one array, for a numerical-gradient routine), ``twice`` (the
function applied to its own result again), ``meta`` (every tensor argument moved to torch's
``meta`` device as float32; the result comes back as [is a tensor, shape, on meta, float32]), ``cuda`` (every
tensor and module argument moved to the GPU, floating-point ones as float32, TF32 off; the result comes back as
[is a tensor, on cuda, float32, its values copied to the CPU], or the error name ``NoCuda`` when the kernel has no
CUDA device), ``train`` (a small recurrent regressor, an
optimiser and a training function) and ``then`` (the function's result, or its first item when it is a tuple,
handed to further functions of the notebook, each named with the rest of its arguments in the last argument;
the result comes back as [the result, [their results]]). A call with ``given`` code (the notebook's locked
cells, the grader's copy) takes its function from that code, run afresh in a namespace that holds only the
student's answers, not from the kernel's globals.
"""

PROBE_RUNTIME = r'''
def __course_probe(calls, path):
    import base64, json, sys
    import numpy

    ERRORS = ("NotImplementedError", "ValueError", "TypeError", "IndexError", "KeyError", "AttributeError",
              "NameError", "ZeroDivisionError", "RuntimeError", "AssertionError", "RecursionError",
              "MemoryError", "OverflowError", "FloatingPointError", "StopIteration", "UnboundLocalError", "ShapeError")
    torch_ = []

    def torch():
        if not torch_:
            import torch as module
            torch_.append(module)
        return torch_[0]

    def array(node):
        raw = base64.b64decode(node["array"])
        return numpy.frombuffer(raw, dtype=numpy.dtype(node["dtype"])).reshape(node["shape"]).copy()

    def decode(node):
        kind = node.get("kind")
        if kind == "array":
            return array(node)
        if kind == "seq":
            items = [decode(item) for item in node["seq"]]
            return tuple(items) if node.get("tuple") else items
        if kind == "map":
            return {key: decode(item) for key, item in node["map"].items()}
        if kind == "rng":
            return numpy.random.default_rng(node["seed"])
        if kind == "tensor":
            return torch().from_numpy(array(node["value"]))
        if kind == "module":
            module = getattr(torch().nn, node["module"])(**decode(node["kwargs"])).double()
            module.load_state_dict({k: torch().from_numpy(v) for k, v in decode(node["state"]).items()})
            return module.eval()
        if kind == "params":
            made = []
            for value, grad in decode(node["params"]):
                p = torch().nn.Parameter(torch().from_numpy(value))
                p.grad = None if grad is None else torch().from_numpy(grad)
                made.append(p)
            return made
        if kind == "gradient_of":
            return None                     # built by the gradient_of driver around the array
        if kind == "step":
            W_xh, W_hh, W_hy = (decode(node[k]) for k in ("W_xh", "W_hh", "W_hy"))

            def step(symbol_id, state):
                h = numpy.tanh(W_xh[:, symbol_id] + W_hh @ (numpy.zeros(W_hh.shape[0]) if state is None else state))
                return W_hy @ h, h
            return step
        return node["py"]

    def encode(value, depth=0):
        if depth > 20:
            return {"unsupported": "nested"}
        if value is None or type(value) in (bool, int, float):
            return {"py": value}
        if type(value) in (list, tuple):
            return {"seq": [encode(item, depth + 1) for item in value], "tuple": type(value) is tuple}
        if type(value) is dict and all(type(key) is str for key in value):
            return {"map": {key: encode(item, depth + 1) for key, item in value.items()}}
        t = sys.modules.get("torch")
        if t is not None and type(value) in (t.Tensor, t.nn.Parameter):
            value = value.detach().cpu().numpy()
        if type(value) is numpy.ndarray or isinstance(value, numpy.generic):
            a = numpy.asarray(value)
            if a.dtype.kind not in "biuf":
                return {"unsupported": "array"}
            a = a.astype(a.dtype.newbyteorder("<"))
            return {"array": base64.b64encode(a.tobytes()).decode(), "dtype": a.dtype.str, "shape": list(a.shape)}
        return {"unsupported": "object"}

    def after(arg):
        if isinstance(arg, list) and arg and all(hasattr(p, "grad") for p in arg):
            return [None if p.grad is None else p.grad for p in arg]
        return arg

    def gradient_of(function, node, array_):
        coefficients = [decode(c) for c in node["coefficients"]]
        if node["form"] == "sum_sin":       # f = sum(c * sin(a) * a)
            f = lambda: float(numpy.sum(coefficients[0] * numpy.sin(array_) * array_))
        else:                               # f = sum(c * tanh(M @ a))
            f = lambda: float(numpy.sum(coefficients[0] * numpy.tanh(coefficients[1] @ array_)))
        return function(f, array_)

    def train(function, args):
        nn = torch().nn
        state, batches, val, lr, max_epochs, max_norm, patience = args

        class Regressor(nn.Module):
            def __init__(self, hidden):
                super().__init__()
                self.rnn, self.readout = nn.RNN(1, hidden), nn.Linear(hidden, 1)

            def forward(self, X):
                return self.readout(self.rnn(X)[0][-1]).squeeze(-1)

        model = Regressor(state["rnn.weight_hh_l0"].shape[0])
        model.load_state_dict({k: torch().from_numpy(v) for k, v in state.items()})
        tensors = lambda pair: tuple(torch().from_numpy(x) for x in pair)
        optimizer = torch().optim.Adam(model.parameters(), lr=lr)
        history = function(model, [tensors(b) for b in batches], tensors(val), nn.MSELoss(), optimizer,
                           max_epochs, max_norm, patience)
        return [history, torch().cat([p.detach().flatten() for p in model.parameters()])]

    class NoCuda(Exception):
        """The kernel has no CUDA device (this class, not one of the same name)."""

    def on_cuda(t, function, args):
        def move(a):
            if isinstance(a, (t.Tensor, t.nn.Module)):
                floating = not isinstance(a, t.Tensor) or a.is_floating_point()
                return a.to(device="cuda", dtype=t.float32) if floating else a.to(device="cuda")
            return a
        flags = t.backends.cuda.matmul.allow_tf32, t.backends.cudnn.allow_tf32
        t.backends.cuda.matmul.allow_tf32 = t.backends.cudnn.allow_tf32 = False   # float32 products in float32
        try:
            out = function(*[move(a) for a in args])
            ok = isinstance(out, t.Tensor)
            return [ok, ok and out.device.type == "cuda", ok and out.dtype == t.float32, out.detach().cpu() if ok else None]
        finally:
            t.backends.cuda.matmul.allow_tf32, t.backends.cudnn.allow_tf32 = flags

    def given(setup, name):
        import builtins
        space = {"__builtins__": builtins, "__name__": "__main__"}
        space.update({answer: globals()[answer] for answer in setup["answers"] if answer in globals()})
        exec(setup["code"], space)
        return space.get(name)

    results = []
    for call in calls:
        try:
            function = given(call["given"], call["function"]) if "given" in call else globals().get(call["function"])
            if not callable(function):
                raise NameError(call["function"])
            args = [decode(a) for a in call["args"]]
            if call.get("driver") == "gradient_of":
                value = gradient_of(function, call["args"][0], args[1])
                args = [None, args[1]]
            elif call.get("driver") == "train":
                value = train(function, args)
            elif call.get("driver") == "meta":           # tensors moved to torch's meta device, as float32
                t = torch()
                out = function(*[a.to(device="meta", dtype=t.float32) if isinstance(a, t.Tensor) else a for a in args])
                ok = isinstance(out, t.Tensor)
                value = [ok, list(out.shape) if ok else [], ok and out.device.type == "meta", ok and out.dtype == t.float32]
            elif call.get("driver") == "cuda":           # tensors and modules on the GPU, float32; result back on the CPU
                t = torch()
                if not t.cuda.is_available():
                    raise NoCuda()                      # the call is not made
                value = on_cuda(t, function, args)
            elif call.get("driver") == "then":           # f(*args[:-1]); its result (its first item if a tuple)
                value = function(*args[:-1])            # handed to each further function [name, rest of args]
                first = value[0] if type(value) in (list, tuple) and value else value
                follow = []
                for name, rest in args[-1]:
                    if not callable(globals().get(name)):
                        raise NameError(name)
                    follow.append(globals()[name](first, *rest))
                value = [value, follow]
            elif call.get("driver") == "twice":          # f(x, *rest), then f of that result again
                once = function(*args)
                value = [once, function(once, *args[1:])]
            else:
                passed = list(args)
                for index in call.get("generator", []):
                    passed[index] = (p for p in args[index])
                value = function(*passed)
            result = {"value": encode(value)}
            if call.get("after"):
                result["after"] = [encode(after(args[i])) for i in call["after"]]
        except KeyboardInterrupt:        # the cell's time limit: this call and the rest are lost
            results.append({"error": "Timeout"})
            with open(path, "w") as handle:
                json.dump(results, handle)
            return
        except BaseException as error:  # the student's function failed or stopped: record which kind
            name = type(error).__name__
            if name == "ValueError" and any(w in str(error) for w in ("matmul", "shapes", "broadcast", "aligned", "dimension")):
                name = "ShapeError"      # operands of a product or a broadcast that do not fit
            result = {"error": "NoCuda" if type(error) is NoCuda else name if name in ERRORS else "an exception"}
        results.append(result)
        with open(path, "w") as handle:
            json.dump(results, handle)
'''
