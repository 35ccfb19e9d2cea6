"""``device='cuda'`` end to end, on the fake CUDA device (``tests/fake_cuda.py``).

The fake device holds NumPy arrays behind CuPy's wall (no silent conversion to host arrays),
so these tests check what a GPU run needs: tensors, modules and optimizer state move and stay
on the device, PyTorch's device rules and errors, the ``npgrad.cuda`` API answering for a
device, checkpoints written as host bytes and placed by ``map_location``, and a training run
that matches the same run on the CPU. The op harness (``tests/ops/test_ops.py``) runs every
op spec on this device too.
"""
from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import pytest

import npgrad as torch
from npgrad import nn
from npgrad.backend import is_device_array

from .fake_cuda import fake_cuda


@pytest.fixture(autouse=True)
def cuda():
    with fake_cuda():
        yield


def on_device(t) -> bool:
    return is_device_array(t._data) and t.device == torch.device("cuda:0") and t.is_cuda


# ---------------------------------------------------------------------------------------------
# Tensors: creation, transfer, device rules
# ---------------------------------------------------------------------------------------------

def test_the_cuda_api_answers_for_a_device():
    assert torch.cuda.is_available() and torch.cuda.device_count() == 1
    assert torch.cuda.current_device() == 0
    assert torch.cuda.get_device_name(0) == "npgrad fake CUDA"
    assert torch.cuda.get_device_capability() == (9, 0)
    torch.cuda.synchronize()
    assert torch.cuda.is_bf16_supported() is False  # (CuPy has no bfloat16)
    with torch.cuda.device(0):
        assert torch.cuda.current_device() == 0
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    torch.ones(10, device="cuda").sum()
    end.record()
    end.synchronize()
    assert start.elapsed_time(end) >= 0
    with pytest.raises(RuntimeError, match="invalid device ordinal"):
        torch.zeros(1, device="cuda:1")


@pytest.mark.parametrize("make", [
    lambda: torch.zeros(2, 3, device="cuda"), lambda: torch.ones(2, device="cuda"),
    lambda: torch.full((2,), 7.0, device="cuda"), lambda: torch.eye(3, device="cuda"),
    lambda: torch.arange(5, device="cuda"), lambda: torch.rand(3, device="cuda"),
    lambda: torch.randn(3, device="cuda"), lambda: torch.randint(9, (3,), device="cuda"),
    lambda: torch.tensor([1.0, 2.0], device="cuda"), lambda: torch.empty(2, device="cuda"),
    lambda: torch.zeros_like(torch.ones(2, device="cuda")),
    lambda: torch.randn_like(torch.ones(2, device="cuda")),
    lambda: torch.tensor(torch.ones(2, device="cuda")),
    lambda: torch.ones(2).cuda(), lambda: torch.ones(2).to("cuda"),
    lambda: torch.ones(2).to(0), lambda: torch.ones(2).to(torch.device("cuda", 0)),
])
def test_creation_and_transfer_land_on_the_device(make):
    assert on_device(make())


def test_transfers_copy_and_come_back():
    x = torch.arange(6.0).reshape(2, 3)
    y = x.cuda()
    assert y.cuda() is y and x.cpu() is x  # already there: the same tensor, as PyTorch
    y.add_(1)
    assert x[0, 0].item() == 0.0  # a copy, not shared memory
    back = y.cpu()
    assert type(back._data) is np.ndarray and back.tolist() == [[1, 2, 3], [4, 5, 6]]
    assert y.to("cuda", torch.float64).dtype == torch.float64
    assert on_device(y.to(torch.float16))


def test_gradients_flow_back_across_devices():
    x = torch.randn(4, requires_grad=True)
    y = (x.cuda() * 3).sin().sum()
    y.backward()
    assert type(x.grad._data) is np.ndarray  # the gradient of a CPU leaf is on the CPU
    np.testing.assert_allclose(x.grad.numpy(), 3 * np.cos(3 * x.detach().numpy()), rtol=1e-6)
    w = torch.randn(3, device="cuda", requires_grad=True)
    (w * w).sum().backward()
    assert on_device(w.grad)


def test_host_copies_are_only_the_explicit_ones():
    x = torch.tensor([1.5, 2.5], device="cuda")
    with pytest.raises(TypeError, match="can't convert cuda:0 device type tensor to numpy"):
        x.numpy()
    with pytest.raises(TypeError, match="cuda:0 device type tensor"):
        np.asarray(x)
    assert x.tolist() == [1.5, 2.5] and x[0].item() == 1.5 and float(x.sum()) == 4.0
    assert x.cpu().numpy().tolist() == [1.5, 2.5]
    assert repr(x) == "tensor([1.5000, 2.5000], device='cuda:0')"


def test_mixing_devices_raises_pytorchs_error_but_0d_cpu_tensors_mix():
    x = torch.ones(3, device="cuda")
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device, but "
                                           "found at least two devices, cuda:0 and cpu!"):
        x + torch.ones(3)
    with pytest.raises(RuntimeError, match="same device"):
        torch.ones(2, 3) @ torch.ones(3, 2, device="cuda")
    assert on_device(x * torch.tensor(2.0)) and on_device(x + 1)  # 0-d CPU tensors, numbers
    assert (x * torch.tensor(2.0)).tolist() == [2.0, 2.0, 2.0]


def test_the_fake_linalg_is_cupys_and_refuses_numpy_only_routines():
    """cupy.linalg (CuPy 13) has no eig, eigvals, cond, multi_dot, matrix_norm...: the fake
    refuses them, by name and through NumPy's dispatch, as a GPU would."""
    from npgrad import backend
    xp = backend.cuda_module()
    a = xp.asarray(np.array([[2.0, 1.0], [1.0, 3.0]]))
    for name in ("eig", "eigvals", "cond", "multi_dot", "matrix_norm", "svdvals", "cross"):
        with pytest.raises(AttributeError, match=f"'cupy.linalg' has no attribute '{name}'"):
            getattr(xp.linalg, name)
    with pytest.raises(TypeError, match="no implementation found for 'numpy.linalg.eig'"):
        np.linalg.eig(a)
    w, _ = xp.linalg.eigh(a)  # what CuPy has works, by name and through np.linalg
    assert is_device_array(w) and is_device_array(np.linalg.eigvalsh(a))
    with pytest.raises(ValueError, match="a must have"):
        xp.linalg.solve(xp.ones((2, 3, 3)), xp.ones((3, 1)))  # CuPy does not broadcast


def test_failed_factorisations_raise_on_the_device_as_on_the_cpu():
    """CuPy reports cuSOLVER's failures only under cupyx.errstate(linalg='raise'): the fake
    refuses a failure outside it, and npgrad asks for it where PyTorch raises."""
    from npgrad import backend
    from npgrad._fake_device import SilentLinAlgFailure
    xp = backend.cuda_module()
    singular = xp.asarray(np.ones((2, 2)))
    with pytest.raises(SilentLinAlgFailure, match="cupy.linalg.inv failed"):
        xp.linalg.inv(singular)
    with pytest.raises(SilentLinAlgFailure, match="cupy.linalg.solve failed"):
        np.linalg.solve(singular, xp.ones((2, 1)))
    with backend.linalg_errors(singular), pytest.raises(np.linalg.LinAlgError):
        xp.linalg.inv(singular)
    with pytest.raises(torch.linalg.LinAlgError, match="singular"):
        torch.linalg.inv(torch.ones(2, 2, device="cuda"))
    A = torch.tensor([[[4.0, 2.0], [2.0, 1.0]], [[4.0, 2.0], [2.0, 3.0]]], device="cuda")
    L, info = torch.linalg.cholesky_ex(A)
    assert on_device(L) and on_device(info) and info.tolist() == [2, 0]


def test_on_host_is_an_explicit_round_trip_back_to_the_device():
    from npgrad.backend import on_host
    seen = []

    def host_only(a, k):
        seen.append(type(a))
        return a * k, [a.sum(), k]

    x = torch.arange(4.0, device="cuda")
    doubled, (total, k) = on_host(host_only, x._data, 2)
    assert seen == [np.ndarray] and is_device_array(doubled) and is_device_array(total)
    assert doubled.tolist() == [0.0, 2.0, 4.0, 6.0] and k == 2
    host = np.arange(3.0)
    assert type(on_host(host_only, host, 1)[0]) is np.ndarray  # the CPU path stays on the host


@pytest.mark.parametrize("make", [lambda x: x.new_zeros(2), lambda x: x.new_ones(2),
                                  lambda x: x.new_empty(2), lambda x: x.new_full((2,), 3.0),
                                  lambda x: x.new_tensor([1.0, 2.0]),
                                  lambda x: x.new_empty_strided((2,), (1,))])
def test_new_tensors_are_on_their_tensors_device(make):
    assert on_device(make(torch.ones(3, device="cuda")))
    assert make(torch.ones(3, device="cuda").cpu()).device == torch.device("cpu")


def test_indexing_with_cpu_indices_and_writing_cpu_values():
    x = torch.arange(10.0, device="cuda")
    assert x[torch.tensor([1, 3])].tolist() == [1.0, 3.0]
    assert x[[2, 4]].tolist() == [2.0, 4.0]
    x[torch.tensor([0])] = torch.tensor(-1.0)
    x[1] = 5
    assert x[:3].tolist() == [-1.0, 5.0, 2.0] and on_device(x)


def test_dlpack_shares_device_memory_and_host_memory_stays_on_the_host(tmp_path):
    """A device tensor's capsule says it is CUDA memory: it comes back on the device, sharing
    memory (NumPy refuses it, as it refuses CuPy's); host capsules stay on the host, and
    ``device=`` copies across. from_file maps on the CPU only, as PyTorch registers it."""
    x = torch.arange(4.0, device="cuda")
    y = torch.from_dlpack(torch.to_dlpack(x))
    y[0] = 7.0
    assert on_device(y) and x[0].item() == 7.0
    with pytest.raises(RuntimeError):
        np.from_dlpack(x._data)
    assert torch.from_dlpack(x, device="cpu").tolist() == [7.0, 1.0, 2.0, 3.0]
    assert on_device(torch.from_dlpack(np.arange(3.0), device="cuda"))
    assert torch.from_dlpack(torch.to_dlpack(torch.arange(2))).device == torch.device("cpu")
    path = tmp_path / "f.bin"
    np.arange(3.0).tofile(path)
    with pytest.raises(NotImplementedError, match="from the 'CUDA' backend"):
        torch.from_file(str(path), size=3, dtype=torch.float64, device="cuda")


def test_random_numbers_on_the_device_are_seeded_and_saved():
    torch.manual_seed(3)
    a = torch.rand(5, device="cuda")
    torch.manual_seed(3)
    assert torch.equal(a, torch.rand(5, device="cuda"))
    state = torch.cuda.get_rng_state()
    b = torch.randn(4, device="cuda")
    torch.cuda.set_rng_state(state)
    assert torch.equal(b, torch.randn(4, device="cuda"))
    with pytest.raises(RuntimeError, match="Expected a 'cuda' device type for generator"):
        torch.ones(3, device="cuda").uniform_(generator=torch.Generator())
    assert on_device(nn.functional.dropout(torch.ones(8, device="cuda"), 0.5))


# every random fill and sampler, with a check of its distribution's mean (4-sigma wide)
_DRAWS = {
    "uniform_": (lambda t: t.uniform_(2.0, 4.0), 3.0, (4 / 12) ** 0.5),
    "normal_": (lambda t: t.normal_(1.0, 2.0), 1.0, 2.0),
    "log_normal_": (lambda t: t.log_normal_(0.0, 0.5), np.exp(0.125),
                    ((np.exp(0.25) - 1) * np.exp(0.25)) ** 0.5),
    "exponential_": (lambda t: t.exponential_(2.0), 0.5, 0.5),
    "geometric_": (lambda t: t.geometric_(0.5), 2.0, 2 ** 0.5),
    "random_": (lambda t: t.random_(0, 10), 4.5, (99 / 12) ** 0.5),
    "bernoulli_": (lambda t: t.bernoulli_(0.25), 0.25, (0.25 * 0.75) ** 0.5),
    "randn": (lambda t: torch.randn(t.shape, device="cuda"), 0.0, 1.0),
    "randperm": (lambda t: torch.randperm(t.numel(), device="cuda").float(),
                 (4000 - 1) / 2, 0.0),
    "poisson": (lambda t: torch.poisson(torch.full(t.shape, 3.0, device="cuda")), 3.0, 3 ** 0.5),
    "multinomial": (lambda t: torch.multinomial(torch.tensor([1.0, 3.0], device="cuda"),
                                                t.numel(), replacement=True).float(),
                    0.75, (0.75 * 0.25) ** 0.5),
}


@pytest.mark.parametrize("name", sorted(_DRAWS))
def test_every_random_draw_runs_on_the_device(name):
    # CuPy's generator lacks NumPy's normal/lognormal/permutation...: npgrad builds them from
    # the methods it has (the fake device refuses the others, as CuPy does)
    draw, mean, std = _DRAWS[name]
    torch.manual_seed(0)
    out = draw(torch.empty(4000, device="cuda"))
    assert on_device(out)
    assert abs(out.mean().item() - mean) <= 4 * std / 4000 ** 0.5 + 1e-9
    if name == "randperm":
        assert torch.equal(out.sort().values, torch.arange(4000.0, device="cuda"))


def test_cauchy_draws_on_the_device():
    torch.manual_seed(0)
    out = torch.empty(4000, device="cuda").cauchy_(1.0, 2.0)
    assert on_device(out)
    assert abs(out.median().item() - 1.0) < 0.25  # (the median's sd: pi * 2 / (2 * sqrt(4000)))


@pytest.mark.parametrize("reduce", ["prod", "sum", "amax", "amin", "mean"])
def test_scatter_reduce_on_the_device_as_on_the_cpu(reduce):
    # CuPy scatters atomically only for add/subtract/max/min: prod goes in rounds
    torch.manual_seed(0)
    a, src = torch.randn(5, dtype=torch.float64), torch.randn(40, dtype=torch.float64)
    index = torch.randint(5, (40,))
    for include_self in (True, False):
        want = a.scatter_reduce(0, index, src, reduce, include_self=include_self)
        got = a.cuda().scatter_reduce(0, index.cuda(), src.cuda(), reduce,
                                      include_self=include_self)
        assert on_device(got) and torch.allclose(got.cpu(), want, rtol=1e-12, atol=0)


def test_the_fake_device_refuses_what_cupy_lacks():
    import npgrad._fake_device as fake
    x = torch.ones(3, device="cuda")._data
    with pytest.raises(NotImplementedError, match="cupy_fmax.reduce"):
        np.fmax.reduce(x)
    with pytest.raises(NotImplementedError, match="cupy_multiply.at"):
        np.multiply.at(x, torch.tensor([0, 0], device="cuda")._data, x[:2])
    with pytest.raises(AttributeError, match="'cupy.random.Generator' object has no attr"):
        fake.module().random.default_rng(0).normal
    with pytest.raises(AttributeError, match="has no attribute 'errstate'"):
        fake.module().errstate


# ---------------------------------------------------------------------------------------------
# Modules, optimizers, checkpoints
# ---------------------------------------------------------------------------------------------

def _net():
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.0), nn.Linear(4 * 4 * 4, 3))


def _train(device: str, steps: int = 3, optimizer=torch.optim.SGD) -> tuple:
    net = _net().to(device)
    # (SGD for the comparison of weights: Adam turns the float noise of a zero gradient, as
    # the conv bias before batch norm has, into whole steps of either sign)
    opt = optimizer(net.parameters(), lr=1e-2, momentum=0.9) if optimizer is torch.optim.SGD \
        else optimizer(net.parameters(), lr=1e-2)
    g = torch.Generator().manual_seed(1)
    losses = []
    for _ in range(steps):
        x = torch.randn(6, 1, 8, 8, generator=g).to(device)
        y = torch.randint(3, (6,), generator=g).to(device)
        loss = nn.functional.cross_entropy(net(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return net, opt, losses


def test_a_cnn_trains_on_the_device_as_on_the_cpu():
    net_c, _, cpu = _train("cpu")
    net_g, opt, gpu = _train("cuda")
    np.testing.assert_allclose(gpu, cpu, rtol=1e-5)
    for p in net_g.parameters():
        assert on_device(p) and on_device(p.grad)
    assert all(on_device(v) for s in opt.state.values() for v in s.values()
               if isinstance(v, torch.Tensor) and v.ndim)
    assert on_device(net_g[1].running_mean)
    for a, b in zip(net_c.parameters(), net_g.parameters()):
        np.testing.assert_allclose(b.cpu().detach().numpy(), a.detach().numpy(), rtol=1e-4,
                                   atol=1e-6)
    _, adam, _ = _train("cuda", 2, torch.optim.AdamW)
    assert all(on_device(v) for s in adam.state.values() for v in s.values()
               if isinstance(v, torch.Tensor) and v.ndim)


def test_module_to_cuda_and_back_keeps_the_parameter_objects():
    net = nn.Linear(3, 2)
    w = net.weight
    assert net.cuda() is net and net.weight is w and on_device(w)
    assert net.cpu() is net and type(w._data) is np.ndarray


@pytest.mark.parametrize("name", ["m.pt", "m.safetensors"])
def test_checkpoints_of_cuda_tensors(tmp_path, name):
    net = nn.Linear(3, 2).cuda()
    path = tmp_path / name
    torch.save(net.state_dict(), path)
    on_cpu = torch.load(path, map_location="cpu")
    assert all(type(v._data) is np.ndarray for v in on_cpu.values())
    np.testing.assert_array_equal(on_cpu["weight"].numpy(), net.weight.detach().cpu().numpy())
    if name.endswith(".pt"):
        restored = torch.load(path)  # saved on cuda:0: restored there, as PyTorch does
        assert all(on_device(v) for v in restored.values())
        assert all(on_device(v) for v in torch.load(path, map_location="cuda").values())


def test_a_cuda_checkpoint_reads_in_pytorch_on_the_cpu(tmp_path):
    real_torch = pytest.importorskip("torch")
    if real_torch.cuda.is_available():
        pytest.skip("checks PyTorch's CPU build")
    path = tmp_path / "cuda.pt"
    torch.save({"w": torch.arange(4.0, device="cuda")}, path)
    with pytest.raises(RuntimeError, match="Attempting to deserialize object on a CUDA device"):
        real_torch.load(path)
    assert real_torch.load(path, map_location="cpu")["w"].tolist() == [0.0, 1.0, 2.0, 3.0]


def test_the_demo_runs_on_the_device(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "npgrad.examples", "char_gpt", "--steps", "2", "--width", "32",
         "--layers", "1", "--heads", "2", "--context", "16", "--batch-size", "4",
         "--eval-batches", "1", "--chars", "5", "--quiet", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=300, env=_env(NPGRAD_FAKE_CUDA="1"))
    assert out.returncode == 0, out.stderr[-2000:]
    assert "validation loss" in out.stdout


def _env(**extra) -> dict:
    import os
    env = dict(os.environ)
    env.update(extra)
    return env


def test_without_cuda_the_cpu_only_answers_stay():
    with fake_cuda():
        pass
    from npgrad import backend
    saved = backend.cuda_module()
    backend.use_cuda_module(None)
    try:
        assert not torch.cuda.is_available()
        with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
            torch.zeros(1, device="cuda")
    finally:
        backend.use_cuda_module(saved)


def test_save_to_a_buffer_and_back():
    buf = io.BytesIO()
    torch.save({"x": torch.ones(2, device="cuda")}, buf)
    buf.seek(0)
    assert on_device(torch.load(buf)["x"])
