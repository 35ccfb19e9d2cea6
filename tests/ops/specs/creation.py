"""Specs: creation (``npgrad/ops/creation/``): factories, random sampling, windows, grids.

``withnan(x, c)`` is ``x - x.detach() + c``: the values ``c`` (with nans) and ``x``'s
gradient; finite differences cannot see through the detach, hence ``gradcheck=False``.
"""
import numpy as np

from ..harness import A, C, F, I, OpSpec

ONLY32 = ("float32",)  # integer/bool-only specs do not depend on the float dtype


SPECS = [
    # -- creation (no gradients; random ones compare shape, dtype and requires_grad) ---------
    OpSpec("tensor", lambda lib: (lib.tensor([[1, 2], [3, 4]]), lib.tensor([1.5, 2]),
                                  lib.tensor(True), lib.tensor([1.0], requires_grad=True)),
           [[]], grad=False, dtypes=ONLY32),
    OpSpec("as_tensor", lambda lib, x: (lib.as_tensor(x), lib.as_tensor([1, 2], device=x.device),
                                        lib.asarray(x, dtype=lib.float64)),
           [[A(np.array([1.0, 2.0]))]], grad=False, covers=("asarray",)),
    OpSpec("from_numpy", lambda lib: lib.from_numpy(np.arange(6.0).reshape(2, 3)), [[]],
           grad=False, dtypes=ONLY32),
    OpSpec("scalar_tensor", lambda lib: (lib.scalar_tensor(3), lib.scalar_tensor(1.5)), [[]],
           grad=False, dtypes=ONLY32),
    OpSpec("zeros", lambda lib: (lib.zeros(2, 3), lib.zeros((4,), dtype=lib.int64),
                                 lib.zeros(0), lib.zeros(())), [[]], grad=False, dtypes=ONLY32),
    OpSpec("ones", lambda lib: (lib.ones(2, 3), lib.ones([2], dtype=lib.bool),
                                lib.ones(1, requires_grad=True)), [[]], grad=False,
           dtypes=ONLY32),
    OpSpec("full", lambda lib: (lib.full((2, 3), 1.5), lib.full((2,), 7), lib.full((), True)),
           [[]], grad=False, dtypes=ONLY32),
    OpSpec("empty", lambda lib: (lib.empty(2, 3), lib.empty((0,), dtype=lib.int64)), [[]],
           grad=False, dtypes=ONLY32, nondet_values=True),
    OpSpec("eye", lambda lib: (lib.eye(3), lib.eye(2, 4, dtype=lib.int64)), [[]], grad=False,
           dtypes=ONLY32),
    OpSpec("arange", lambda lib: (lib.arange(5), lib.arange(0, 1, 0.1), lib.arange(3, -1, -1.5),
                                  lib.arange(2, dtype=lib.float64)), [[]], grad=False,
           dtypes=ONLY32),
    OpSpec("linspace", lambda lib: (lib.linspace(0, 1, 7), lib.linspace(-2, 5, 4, dtype=lib.int64),
                                    lib.linspace(1, 0, 1)), [[]], grad=False, dtypes=ONLY32),
    OpSpec("logspace", lambda lib: (lib.logspace(0, 2, 3), lib.logspace(-1, 1, 5, base=2)),
           [[]], grad=False, dtypes=ONLY32),
    OpSpec("zeros_like", lambda lib, x: (lib.zeros_like(x), lib.zeros_like(x, dtype=lib.int64)),
           [[(2, 3)], [()]], grad=False),
    OpSpec("ones_like", lambda lib, x: lib.ones_like(x), [[(2, 3)], [I((3,))]], grad=False),
    OpSpec("full_like", lambda lib, x: (lib.full_like(x, 2.5), lib.full_like(x, 1, dtype=lib.bool)),
           [[(2, 3)], [I((3,))]], grad=False),
    OpSpec("empty_like", lambda lib, x: lib.empty_like(x), [[(2, 3)], [I((3,))]], grad=False,
           nondet_values=True),
    OpSpec("rand", lambda lib: (lib.rand(2, 3), lib.rand((4,), dtype=lib.float64),
                                lib.rand(2, requires_grad=True)), [[]], grad=False,
           dtypes=ONLY32, nondet_values=True),
    OpSpec("randn", lambda lib: (lib.randn(2, 3), lib.randn(3, dtype=lib.float64)), [[]],
           grad=False, dtypes=ONLY32, nondet_values=True),
    OpSpec("randint", lambda lib: (lib.randint(10, (3,)), lib.randint(2, 5, (2, 2)),
                                   lib.randint(0, 3, (2,), dtype=lib.float32)), [[]],
           grad=False, dtypes=ONLY32, nondet_values=True),
    OpSpec("randperm", lambda lib: (lib.randperm(6), lib.randperm(3, dtype=lib.int32)), [[]],
           grad=False, dtypes=ONLY32, nondet_values=True),
    OpSpec("rand_like", lambda lib, x: (lib.rand_like(x), lib.randn_like(x)), [[(2, 3)]],
           grad=False, nondet_values=True, covers=("randn_like",)),
    OpSpec("randint_like", lambda lib, x: (lib.randint_like(x, 5), lib.randint_like(x, 2, 4)),
           [[(2, 3)], [I((3,))]], grad=False, nondet_values=True),
    OpSpec("multinomial", lambda lib, w: (lib.multinomial(w, 2), lib.multinomial(w, 5, True)),
           [[F((3,), 0.1, 1, grad=False)], [F((2, 4), 0.1, 1, grad=False)]], grad=False,
           nondet_values=True),
    OpSpec("normal", lambda lib, m: (lib.normal(m, 1.0), lib.normal(0.0, 2.0, size=(3,),
                                                                    device=m.device)),
           [[F((2, 3), grad=False)]], grad=False, nondet_values=True),
    OpSpec("bernoulli", lambda lib, p: lib.bernoulli(p), [[F((2, 3), 0, 1, grad=False)]],
           grad=False, nondet_values=True),
    # -- grids and index sets ---------------------------------------------------------------------
    OpSpec("meshgrid", lambda lib, x, y, z: (*lib.meshgrid(x, y, indexing="ij"),
                                             *lib.meshgrid(x, y, z, indexing="xy"),
                                             *lib.meshgrid([x], indexing="xy")),
           [[(3,), (2,), (4,)], [(1,), (3,), ()]]),
    OpSpec("cartesian_prod", lambda lib, x, y: (lib.cartesian_prod(x, y),
                                                lib.cartesian_prod(x)),
           [[(3,), (2,)], [(1,), (4,)]]),
    OpSpec("combinations", lambda lib, x: (lib.combinations(x), lib.combinations(x, 3),
                                           lib.combinations(x, 2, with_replacement=True)),
           [[(4,)], [(3,)]]),
    OpSpec("tril_indices", lambda lib: (lib.tril_indices(3, 4), lib.tril_indices(4, 3, -1),
                                        lib.tril_indices(3, 3, 1, dtype=lib.int32),
                                        lib.tril_indices(0, 3)), [[]], grad=False),
    OpSpec("triu_indices", lambda lib: (lib.triu_indices(3, 4), lib.triu_indices(4, 3, -1),
                                        lib.triu_indices(3, 3, 2)), [[]], grad=False),
    # -- samplers (values are random: shapes, dtypes and requires_grad) ---------------------------
    OpSpec("poisson", lambda lib, x: lib.poisson(x), [[F((3, 4), 0.5, 5)], [F((0,), 1, 2)]],
           nondet_values=True, grad=False),
    OpSpec("binomial", lambda lib, n, p: lib.binomial(n, p),
           [[F((3, 4), 1, 1), F((3, 4), 0.1, 0.9)]], nondet_values=True, grad=False),
    # -- windows, histograms, index conversion (extra_creation.py) ------------------------------
    OpSpec("hann_window", lambda lib: tuple(
        f(n, p, dtype=lib.float64) for f in (lib.hann_window, lib.hamming_window,
                                             lib.blackman_window, lib.bartlett_window,
                                             lib.kaiser_window)
        for n in (0, 1, 2, 7) for p in (True, False)), [[]], grad=False,
           covers=("hamming_window", "blackman_window", "bartlett_window", "kaiser_window")),
    OpSpec("hann_window-options", lambda lib: (lib.hamming_window(6, True, 0.5, 0.4),
                                               lib.kaiser_window(8, False, 5.0),
                                               lib.hann_window(5, requires_grad=True)),
           [[]], grad=False),
    OpSpec("nn.functional.gumbel_softmax", lambda lib, x: (
        lib.nn.functional.gumbel_softmax(x), lib.nn.functional.gumbel_softmax(x, 0.5, True, dim=0)),
           [[(3, 4)], [(2, 5)]], nondet_values=True, grad=False),
]


def _bytes_file(x) -> str:
    """``x``'s values written to a fresh binary file (the same bytes for both libraries)."""
    import tempfile
    fd, path = tempfile.mkstemp(suffix=".bin")
    with open(fd, "wb") as fh:
        fh.write(x.detach().cpu().numpy().tobytes())
    return path


SPECS += [
    OpSpec("empty_permuted", lambda lib, s, p: (lambda t: (tuple(t.shape), t.stride(),
                                                             str(t.dtype)[-7:]))(
        lib.empty_permuted(s, p)), [[C((2, 3, 4)), C((0, 2, 1))], [C((2, 3, 4)), C((2, 0, 1))],
                                    [C(()), C(())]], grad=False, dtypes=ONLY32),
    OpSpec("from_dlpack", lambda lib, x: lib.from_dlpack(lib.to_dlpack(x)) * 1,
           [[A(np.arange(6.).reshape(2, 3))], [A(np.arange(4))]], grad=False,
           covers=("to_dlpack",)),
    # (PyTorch maps files on the CPU only: a file's tensor on a device is a copy from there)
    OpSpec("from_file", lambda lib, x: lib.from_file(_bytes_file(x), size=3,
                                                     dtype=x.dtype).to(x.device),
           [[A(np.arange(5.))], [A(np.arange(4))]], grad=False),
]
