"""``npgrad.cuda`` and ``npgrad.amp`` answer as a CPU-only PyTorch build does: the same return
values, the same exception classes and messages, the same warnings (category, message, and
the line they point at), so a program written for a GPU takes the same path on npgrad as on
PyTorch without CUDA. Every case runs on both libraries and compares."""
from __future__ import annotations

import pickle
import warnings
from collections import OrderedDict

import numpy as np
import pytest
import torch

import npgrad


def outcome(call, lib):
    """What ``call(lib)`` does: ('value', v) or ('raises', class name, message), and the
    warnings it gives as (category, message, file)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = ("value", call(lib))
        except Exception as e:  # the point: compare what each library raises
            result = ("raises", type(e).__name__, str(e))
    return result, [(w.category.__name__, str(w.message), w.filename) for w in caught]


def same_outcome(call):
    ours, theirs = outcome(call, npgrad), outcome(call, torch)
    assert ours == theirs
    return ours


CALLS = {
    "is_available": lambda t: t.cuda.is_available(),
    "device_count": lambda t: t.cuda.device_count(),
    "is_initialized": lambda t: t.cuda.is_initialized(),
    "is_bf16_supported": lambda t: t.cuda.is_bf16_supported(),
    "is_bf16_supported(False)": lambda t: t.cuda.is_bf16_supported(including_emulation=False),
    "is_tf32_supported": lambda t: t.cuda.is_tf32_supported(),
    "get_arch_list": lambda t: t.cuda.get_arch_list(),
    "manual_seed": lambda t: t.cuda.manual_seed(0),
    "manual_seed(float)": lambda t: t.cuda.manual_seed(1.5),
    "manual_seed(bad)": lambda t: t.cuda.manual_seed("a"),
    "manual_seed_all": lambda t: t.cuda.manual_seed_all(42),
    "seed": lambda t: t.cuda.seed(),
    "seed_all": lambda t: t.cuda.seed_all(),
    "initial_seed": lambda t: t.cuda.initial_seed(),
    "get_rng_state": lambda t: t.cuda.get_rng_state(),
    "get_rng_state_all": lambda t: t.cuda.get_rng_state_all(),
    "set_rng_state_all": lambda t: t.cuda.set_rng_state_all([]),
    "synchronize": lambda t: t.cuda.synchronize(),
    "synchronize(0)": lambda t: t.cuda.synchronize(0),
    "empty_cache": lambda t: t.cuda.empty_cache(),
    "memory_allocated": lambda t: t.cuda.memory_allocated(),
    "memory_allocated(0)": lambda t: t.cuda.memory_allocated(0),
    "memory_allocated(cpu)": lambda t: t.cuda.memory_allocated("cpu"),
    "max_memory_allocated": lambda t: t.cuda.max_memory_allocated(),
    "max_memory_allocated(device)": lambda t: t.cuda.max_memory_allocated(t.device("cuda")),
    "memory_reserved": lambda t: t.cuda.memory_reserved(),
    "max_memory_reserved": lambda t: t.cuda.max_memory_reserved(),
    "memory_cached": lambda t: t.cuda.memory_cached(),
    "max_memory_cached": lambda t: t.cuda.max_memory_cached(),
    "memory_stats": lambda t: t.cuda.memory_stats(),
    "memory_stats_as_nested_dict": lambda t: t.cuda.memory_stats_as_nested_dict(),
    "reset_peak_memory_stats": lambda t: t.cuda.reset_peak_memory_stats(),
    "reset_peak_memory_stats(cpu)": lambda t: t.cuda.reset_peak_memory_stats("cpu"),
    "reset_max_memory_allocated": lambda t: t.cuda.reset_max_memory_allocated(),
    "reset_max_memory_cached": lambda t: t.cuda.reset_max_memory_cached(),
    "reset_accumulated_memory_stats": lambda t: t.cuda.reset_accumulated_memory_stats(),
    "current_device": lambda t: t.cuda.current_device(),
    "get_device_name": lambda t: t.cuda.get_device_name(),
    "get_device_name(0)": lambda t: t.cuda.get_device_name(0),
    "get_device_capability": lambda t: t.cuda.get_device_capability(0),
    "get_device_properties": lambda t: t.cuda.get_device_properties(0),
    "mem_get_info": lambda t: t.cuda.mem_get_info(),
    "ipc_collect": lambda t: t.cuda.ipc_collect(),
    "init": lambda t: t.cuda.init(),
    "set_device(0)": lambda t: t.cuda.set_device(0),
    "set_device(cuda:1)": lambda t: t.cuda.set_device("cuda:1"),
    "set_device(device)": lambda t: t.cuda.set_device(t.device("cuda", 1)),
    "set_device(-1)": lambda t: t.cuda.set_device(-1),
    "set_device(cuda)": lambda t: t.cuda.set_device("cuda"),
    "set_device(cpu)": lambda t: t.cuda.set_device("cpu"),
    "set_device(None)": lambda t: t.cuda.set_device(None),
    "device(0)": lambda t: t.cuda.device(0).__enter__(),
    "device(-1)": lambda t: t.cuda.device(-1).__enter__(),
    "device(cpu)": lambda t: t.cuda.device("cpu"),
    "device_of": lambda t: t.cuda.device_of(t.ones(1)).__enter__(),
    "OutOfMemoryError": lambda t: issubclass(t.cuda.OutOfMemoryError, RuntimeError),
}


@pytest.mark.parametrize("name", CALLS)
def test_cuda_answers_as_a_cpu_only_build(name):
    same_outcome(CALLS[name])


def test_the_answers_a_gpu_program_branches_on():
    assert npgrad.cuda.is_available() is False and npgrad.cuda.device_count() == 0
    assert npgrad.cuda.is_bf16_supported() is False
    assert npgrad.cuda.memory_stats() == OrderedDict()
    assert same_outcome(CALLS["synchronize"])[0] == (
        "raises", "AssertionError", "Torch not compiled with CUDA enabled")
    device = "cuda" if npgrad.cuda.is_available() else "cpu"
    assert npgrad.ones(2, device=device).device.type == "cpu"


# -- GradScaler --------------------------------------------------------------------------------

SCALERS = {
    "cuda.amp.GradScaler()": lambda t: t.cuda.amp.GradScaler(),
    "cuda.amp.GradScaler(enabled=False)": lambda t: t.cuda.amp.GradScaler(enabled=False),
    "cuda.amp.GradScaler(enabled=True)": lambda t: t.cuda.amp.GradScaler(enabled=True),
    "amp.GradScaler('cuda')": lambda t: t.amp.GradScaler("cuda"),
    "amp.GradScaler()": lambda t: t.amp.GradScaler(),
    "amp.GradScaler('cuda', init_scale)": lambda t: t.amp.GradScaler("cuda", init_scale=8.0),
    "amp.GradScaler('cuda', enabled=False)": lambda t: t.amp.GradScaler("cuda", enabled=False),
}


def _relative(caught):
    """Warnings with their file reduced to 'the caller' or the library's own file name."""
    return [(c, m, "caller" if f == __file__ else f.rsplit("/", 1)[-1]) for c, m, f in caught]


@pytest.mark.parametrize("name", SCALERS)
def test_cuda_grad_scaler_disables_itself_with_pytorchs_warnings(name):
    (ours, ours_warned), (theirs, theirs_warned) = (
        outcome(SCALERS[name], lib) for lib in (npgrad, torch))
    assert ours[0] == theirs[0] == "value"
    assert _relative(ours_warned) == _relative(theirs_warned)
    ours, theirs = ours[1], theirs[1]
    assert ours.is_enabled() is theirs.is_enabled() is False
    assert ours.get_scale() == theirs.get_scale() == 1.0
    assert ours.state_dict() == theirs.state_dict() == {}
    assert ours.load_state_dict({"scale": 2.0}) is None
    assert isinstance(ours, npgrad.amp.GradScaler)


def _model_and_optimizer(lib, seed=0):
    rng = np.random.default_rng(seed)
    model = lib.nn.Linear(3, 2)
    with lib.no_grad():
        model.weight.copy_(lib.tensor(rng.standard_normal((2, 3)), dtype=lib.float32))
        model.bias.copy_(lib.tensor(rng.standard_normal(2), dtype=lib.float32))
    return model, lib.optim.SGD(model.parameters(), lr=0.1)


def test_disabled_scaler_passes_a_training_step_through():
    for lib in (npgrad, torch):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scaler = lib.cuda.amp.GradScaler()
        model, opt = _model_and_optimizer(lib)
        loss = model(lib.ones(4, 3)).pow(2).mean()
        assert scaler.scale(loss) is loss
        assert scaler.scale([loss])[0] is loss
        scaler.scale(loss).backward()
        scaler.unscale_(opt)
        before = model.weight.detach().clone()
        grad = model.weight.grad.clone()
        assert scaler.step(opt) is None
        assert lib.allclose(model.weight, before - 0.1 * grad)
        assert scaler.update() is None and scaler.update(2.0) is None
        assert scaler.state_dict() == {}
        assert pickle.loads(pickle.dumps(scaler)).is_enabled() is False


def _train_with_cpu_scaler(lib, steps):
    model, opt = _model_and_optimizer(lib)
    scaler = lib.amp.GradScaler("cpu", init_scale=2.0 ** 10, growth_interval=2)
    history = []
    for i, x in enumerate(steps):
        opt.zero_grad()
        loss = model(lib.tensor(x, dtype=lib.float32)).pow(2).sum()
        scaler.scale(loss).backward()
        if i == 1:
            scaler.unscale_(opt)  # unscaled before the step (as before clipping)
        scaler.step(opt)
        scaler.update()
        history.append((scaler.get_scale(), scaler.state_dict()["_growth_tracker"]))
    return model, scaler, history


def test_cpu_grad_scaler_scales_skips_and_grows_as_pytorch():
    rng = np.random.default_rng(1)
    steps = [rng.standard_normal((4, 3)) for _ in range(6)]
    steps[3] = steps[3] * np.float32(1e38)  # overflows: the step is skipped, the scale backs off
    ours, ours_scaler, ours_history = _train_with_cpu_scaler(npgrad, steps)
    theirs, theirs_scaler, theirs_history = _train_with_cpu_scaler(torch, steps)
    assert ours_history == theirs_history
    assert ours_scaler.state_dict() == theirs_scaler.state_dict()
    for a, b in zip(ours.parameters(), theirs.parameters()):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5)


def test_cpu_grad_scaler_errors_match_pytorch():
    def unscale_twice(lib):
        model, opt = _model_and_optimizer(lib)
        scaler = lib.amp.GradScaler("cpu")
        scaler.scale(model(lib.ones(1, 3)).sum()).backward()
        scaler.unscale_(opt)
        scaler.unscale_(opt)

    def step_before_scale(lib):
        _, opt = _model_and_optimizer(lib)
        lib.amp.GradScaler("cpu").step(opt)

    def empty_state(lib):
        lib.amp.GradScaler("cpu").load_state_dict({})

    for call in (unscale_twice, step_before_scale, empty_state):
        assert same_outcome(call)[0][0] == "raises"


# -- autocast ----------------------------------------------------------------------------------

def _region(make):
    def call(t):
        with make(t) as region:
            return (t.is_autocast_enabled(), t.is_autocast_enabled("cuda"),
                    type(region).__name__, (t.ones(2, 2) @ t.ones(2, 2)).dtype is t.float32)
    return call


AUTOCASTS = {
    "autocast(device_type='cuda')": _region(lambda t: t.autocast(device_type="cuda")),
    "autocast('cuda', float16)": _region(lambda t: t.autocast("cuda", dtype=t.float16)),
    "autocast('cuda', enabled=False)": _region(lambda t: t.autocast("cuda", enabled=False)),
    "amp.autocast('cuda')": _region(lambda t: t.amp.autocast("cuda")),
    "cuda.amp.autocast()": _region(lambda t: t.cuda.amp.autocast()),
    "cuda.amp.autocast(enabled=False)": _region(lambda t: t.cuda.amp.autocast(enabled=False)),
}


@pytest.mark.parametrize("name", AUTOCASTS)
def test_cuda_autocast_warns_and_does_nothing(name):
    (ours, ours_warned), (theirs, theirs_warned) = (
        outcome(AUTOCASTS[name], lib) for lib in (npgrad, torch))
    assert ours == theirs and ours[0] == "value"
    assert _relative(ours_warned) == _relative(theirs_warned)


def test_autocast_as_a_decorator_and_its_errors():
    for lib in (npgrad, torch):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")

            @lib.autocast("cuda")
            def double(x):
                return x * 2, lib.is_autocast_enabled()

        y, enabled = double(lib.ones(2))
        assert y.tolist() == [2.0, 2.0] and enabled is False
    assert lib.autocast is lib.amp.autocast
    assert npgrad.autocast is npgrad.amp.autocast
    same_outcome(lambda t: t.autocast(1))
    same_outcome(lambda t: t.autocast("cuda", enabled=False)(3))
    # npgrad's device strings are 'cpu' and 'cuda', so its message lists only those
    for lib in (npgrad, torch):
        with pytest.raises(RuntimeError, match="device type at start of device string: xyz"):
            lib.autocast("xyz")


def test_cpu_autocast_records_its_state():
    with npgrad.autocast("cpu"):
        assert npgrad.is_autocast_enabled("cpu") and not npgrad.is_autocast_enabled()
    assert not npgrad.is_autocast_enabled("cpu")


@pytest.mark.parametrize("use", [
    lambda lib: lib.ones(1).cuda(),
    lambda lib: lib.ones(1).to("cuda"),
    lambda lib: lib.ones(1).to("cuda:1"),
    lambda lib: lib.zeros(2, device="cuda"),
    lambda lib: lib.tensor([1.0], device="cuda:0"),
    lambda lib: lib.nn.Linear(2, 2).cuda(),
], ids=["cuda()", "to-cuda", "to-cuda:1", "zeros-device", "tensor-device", "module-cuda"])
def test_using_a_cuda_device_fails_as_in_a_cpu_only_build(use):
    for lib in (npgrad, torch):
        with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
            use(lib)


def test_version_module_answers_as_a_cpu_only_build():
    assert npgrad.version.cuda is None and torch.version.cuda is None
    assert npgrad.version.hip is None and npgrad.version.debug is False
    assert npgrad.version.__version__ == npgrad.__version__
    assert {n for n in dir(torch.version) if not n.startswith("_") and n != "Optional"} <= \
        set(dir(npgrad.version))
