"""``npgrad.backends`` answers and checks as a CPU-only PyTorch build's ``torch.backends``:
the same queries, the same defaults, flags that keep what is assigned and refuse what
PyTorch refuses (same exception class and message). Every case runs on both libraries."""
from __future__ import annotations

import importlib

import numpy as np
import pytest
import torch

import npgrad

BOOL_FLAGS = [("cudnn", "enabled"), ("cudnn", "benchmark"), ("cudnn", "deterministic"),
              ("cudnn", "allow_tf32"), ("mkldnn", "enabled"), ("mkldnn", "deterministic"),
              ("cuda.matmul", "allow_tf32"),
              ("cuda.matmul", "allow_fp16_reduced_precision_reduction"),
              ("cuda.matmul", "allow_bf16_reduced_precision_reduction")]


def _owner(lib, path: str):
    obj = lib.backends
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


@pytest.fixture(autouse=True)
def restore_flags():
    """Every test leaves both libraries' switches as it found them."""
    saved = {lib: [getattr(_owner(lib, o), n) for o, n in BOOL_FLAGS] for lib in (npgrad, torch)}
    precision = {lib: lib.get_float32_matmul_precision() for lib in (npgrad, torch)}
    yield
    for lib in (npgrad, torch):
        for (owner, name), value in zip(BOOL_FLAGS, saved[lib]):
            setattr(_owner(lib, owner), name, value)
        lib.set_float32_matmul_precision(precision[lib])


def outcome(call, lib):
    try:
        return ("value", call(lib))
    except Exception as e:  # the point: compare what each library raises
        return ("raises", type(e).__name__, str(e))


def same_outcome(call):
    ours, theirs = outcome(call, npgrad), outcome(call, torch)
    assert ours == theirs
    return ours


QUERIES = {
    "cuda.is_built": lambda t: t.backends.cuda.is_built(),
    "cudnn.is_available": lambda t: t.backends.cudnn.is_available(),
    "cudnn.version": lambda t: t.backends.cudnn.version(),
    "cudnn.is_acceptable": lambda t: t.backends.cudnn.is_acceptable(t.ones(1)),
    "cudnn.benchmark_limit": lambda t: t.backends.cudnn.benchmark_limit,
    "mps.is_available": lambda t: t.backends.mps.is_available(),
    "mps.is_built": lambda t: t.backends.mps.is_built(),
    "mkldnn.is_available": lambda t: t.backends.mkldnn.is_available(),
    "openmp.is_available": lambda t: t.backends.openmp.is_available(),
    "opt_einsum.is_available": lambda t: t.backends.opt_einsum.is_available(),
    "opt_einsum.get_opt_einsum": lambda t: t.backends.opt_einsum.get_opt_einsum() is None,
    "opt_einsum.enabled": lambda t: t.backends.opt_einsum.enabled,
    "opt_einsum.strategy": lambda t: t.backends.opt_einsum.strategy,
    "matmul.unknown": lambda t: t.backends.cuda.matmul.foo,
    "matmul.set_unknown": lambda t: setattr(t.backends.cuda.matmul, "foo", 1),
    "matmul.split_k":
        lambda t: t.backends.cuda.matmul.allow_fp16_reduced_precision_reduction_split_k,
}


@pytest.mark.parametrize("name", QUERIES)
def test_queries_answer_as_a_cpu_only_build(name):
    same_outcome(QUERIES[name])


@pytest.mark.parametrize("owner,name", BOOL_FLAGS)
def test_flags_have_pytorchs_defaults_and_keep_what_is_assigned(owner, name):
    same_outcome(lambda t: getattr(_owner(t, owner), name))
    for value in (True, False, True):
        same_outcome(lambda t: (setattr(_owner(t, owner), name, value),
                                getattr(_owner(t, owner), name)))


@pytest.mark.parametrize("value", [1, None, "x", 1.0, np.bool_(True)], ids=repr)
@pytest.mark.parametrize("owner,name", BOOL_FLAGS)
def test_flags_refuse_what_pytorch_refuses(owner, name, value):
    result = same_outcome(lambda t: setattr(_owner(t, owner), name, value))
    assert result[0] == "raises"


def test_reduced_precision_switches_take_one_or_two_bools():
    same_outcome(lambda t: (setattr(t.backends.cuda.matmul,
                                    "allow_fp16_reduced_precision_reduction", (False, False)),
                            t.backends.cuda.matmul.allow_fp16_reduced_precision_reduction,
                            t.backends.cuda.matmul.allow_fp16_reduced_precision_reduction_split_k))
    for bad in ([], [True, True, True], [1]):
        assert same_outcome(lambda t: setattr(
            t.backends.cuda.matmul, "allow_bf16_reduced_precision_reduction", bad))[0] == "raises"


def test_matmul_allow_tf32_is_the_float32_matmul_precision():
    same_outcome(lambda t: (t.set_float32_matmul_precision("high"),
                            t.backends.cuda.matmul.allow_tf32))
    same_outcome(lambda t: (t.set_float32_matmul_precision("highest"),
                            t.backends.cuda.matmul.allow_tf32))
    same_outcome(lambda t: (setattr(t.backends.cuda.matmul, "allow_tf32", True),
                            t.get_float32_matmul_precision()))
    same_outcome(lambda t: (setattr(t.backends.cuda.matmul, "allow_tf32", False),
                            t.get_float32_matmul_precision()))


def test_cudnn_flags_context_sets_and_restores():
    def call(t):
        cudnn = t.backends.cudnn
        cudnn.benchmark = True
        with cudnn.flags(enabled=False, deterministic=True):
            inside = (cudnn.enabled, cudnn.benchmark, cudnn.deterministic, cudnn.allow_tf32)
        return inside, (cudnn.enabled, cudnn.benchmark, cudnn.deterministic)
    same_outcome(call)


def test_opt_einsum_settings_are_kept_as_in_pytorch():
    def call(t):
        module = t.backends.opt_einsum
        old = module.enabled, module.strategy
        module.enabled, module.strategy = True, "greedy"
        kept = module.enabled, module.strategy
        module.enabled, module.strategy = old
        return kept
    same_outcome(call)


def test_submodules_import_as_pytorchs():
    for name in ("cuda", "cudnn", "mkldnn", "mps", "openmp", "opt_einsum"):
        module = importlib.import_module(f"npgrad.backends.{name}")
        assert module is getattr(npgrad.backends, name)
    import npgrad.backends.cudnn as cudnn
    cudnn.benchmark = True
    assert npgrad.backends.cudnn.benchmark is True
    from npgrad.backends import cudnn as same
    assert same is cudnn
