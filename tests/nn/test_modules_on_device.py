"""Every nn module with parameters or buffers, on the fake CUDA device (``tests/fake_cuda.py``)
and on the CPU from the same weights and inputs (issue #20: "the nn/optim tests run on that
device as well as on the CPU").

For each module of :data:`MODULES` (built small, in float64): one training-mode forward and
backward on each device, then

* outputs, parameter and input gradients and buffers (running statistics) equal the CPU's,
  within the op harness's float64 tolerances;
* every one of them is a CUDA tensor (and the parameters stay CUDA tensors);
* nothing copied device data to the host: the fake device refuses implicit conversions, and
  :func:`host_copies_forbidden` the explicit ones (``.item()``, ``float()``, ``bool()``...)
  and results sized by the data (boolean selections, ``nonzero``), so the forward and
  backward of a training step never wait for the device (validation checks through
  ``backend.host_check`` aside; :data:`SELECTS_ROWS` names the modules that select by value
  as PyTorch's do).

Lazy modules are materialised by a first forward on each device (so their parameters are made
on the device), then given the CPU module's weights. :func:`test_every_module_with_state_is_here`
keeps the table complete: each exported module class is in :data:`MODULES`, in
:data:`STATELESS` (no parameters or buffers: nothing of its own to move) or in :data:`SKIPPED`
with the reason.
"""
from __future__ import annotations

import copy
import inspect
import warnings

import numpy as np
import pytest

import npgrad as torch
from npgrad import nn

from ..fake_cuda import default_dtype, fake_cuda, host_copies_forbidden

ATOL, RTOL = 1e-7, 1e-6  # the op harness's float64 tolerances (gradients: 10x)


def f(*shape, low=-1.0, high=1.0):
    """A float input of ``shape`` (it gets a gradient)."""
    return ("f", shape, low, high)


def i(*shape, high=5):
    """An int64 input of ``shape`` with values in [0, high)."""
    return ("i", shape, 0, high)


def _weights(n: int, seed: int = 7):
    """A class-weight vector (a loss module's buffer), made on the CPU as a user would."""
    return torch.tensor(np.random.default_rng(seed).uniform(0.5, 1.5, n))


def _container(**modules) -> nn.Module:
    with warnings.catch_warnings():  # (deprecated: PyTorch warns on construction)
        warnings.simplefilter("ignore", FutureWarning)
        return nn.Container(**modules)


def _enc(**kw):
    return nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, **kw)


def _dec(**kw):
    return nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, **kw)


# name -> (build, inputs, call) with call(module, *inputs) (None: module(*inputs)); lazy
# modules are recognised by their class name.
MODULES = {
    "Linear": (lambda: nn.Linear(4, 3), [f(2, 4)], None),
    "Bilinear": (lambda: nn.Bilinear(3, 4, 2), [f(2, 3), f(2, 4)], None),
    "LazyLinear": (lambda: nn.LazyLinear(3), [f(2, 4)], None),
    "Conv1d": (lambda: nn.Conv1d(2, 4, 3, padding=1, groups=2), [f(2, 2, 6)], None),
    "Conv2d": (lambda: nn.Conv2d(2, 3, 3, stride=2, padding=1), [f(2, 2, 5, 4)], None),
    "Conv3d": (lambda: nn.Conv3d(2, 2, 2, dilation=(1, 2, 1)), [f(1, 2, 3, 4, 3)], None),
    "ConvTranspose1d": (lambda: nn.ConvTranspose1d(2, 3, 3, stride=2), [f(2, 2, 4)], None),
    "ConvTranspose2d": (lambda: nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1,
                                                   output_padding=1), [f(1, 2, 3, 3)], None),
    "ConvTranspose3d": (lambda: nn.ConvTranspose3d(2, 2, 2), [f(1, 2, 2, 3, 2)], None),
    "LazyConv1d": (lambda: nn.LazyConv1d(3, 3), [f(2, 2, 5)], None),
    "LazyConv2d": (lambda: nn.LazyConv2d(3, 3, padding=1), [f(1, 2, 4, 4)], None),
    "LazyConv3d": (lambda: nn.LazyConv3d(2, 2), [f(1, 2, 3, 3, 3)], None),
    "LazyConvTranspose1d": (lambda: nn.LazyConvTranspose1d(3, 3), [f(2, 2, 4)], None),
    "LazyConvTranspose2d": (lambda: nn.LazyConvTranspose2d(3, 2, stride=2), [f(1, 2, 3, 3)],
                            None),
    "LazyConvTranspose3d": (lambda: nn.LazyConvTranspose3d(2, 2), [f(1, 2, 2, 2, 2)], None),
    "BatchNorm1d": (lambda: nn.BatchNorm1d(3), [f(4, 3)], None),
    "BatchNorm2d": (lambda: nn.BatchNorm2d(3), [f(2, 3, 4, 4)], None),
    "BatchNorm3d": (lambda: nn.BatchNorm3d(2), [f(2, 2, 2, 3, 3)], None),
    "SyncBatchNorm": (lambda: nn.SyncBatchNorm(3), [f(2, 3, 4, 4)], None),
    "LazyBatchNorm1d": (lambda: nn.LazyBatchNorm1d(), [f(4, 3)], None),
    "LazyBatchNorm2d": (lambda: nn.LazyBatchNorm2d(), [f(2, 3, 3, 3)], None),
    "LazyBatchNorm3d": (lambda: nn.LazyBatchNorm3d(), [f(2, 2, 2, 2, 3)], None),
    "InstanceNorm1d": (lambda: nn.InstanceNorm1d(3, affine=True, track_running_stats=True),
                       [f(2, 3, 5)], None),
    "InstanceNorm2d": (lambda: nn.InstanceNorm2d(3, affine=True, track_running_stats=True),
                       [f(2, 3, 4, 4)], None),
    "InstanceNorm3d": (lambda: nn.InstanceNorm3d(2, affine=True, track_running_stats=True),
                       [f(2, 2, 2, 3, 3)], None),
    "LazyInstanceNorm1d": (lambda: nn.LazyInstanceNorm1d(affine=True, track_running_stats=True),
                           [f(2, 3, 5)], None),
    "LazyInstanceNorm2d": (lambda: nn.LazyInstanceNorm2d(affine=True, track_running_stats=True),
                           [f(2, 3, 4, 4)], None),
    "LazyInstanceNorm3d": (lambda: nn.LazyInstanceNorm3d(affine=True, track_running_stats=True),
                           [f(2, 2, 2, 3, 3)], None),
    "GroupNorm": (lambda: nn.GroupNorm(2, 4), [f(2, 4, 3)], None),
    "LayerNorm": (lambda: nn.LayerNorm(4), [f(2, 3, 4)], None),
    "RMSNorm": (lambda: nn.RMSNorm(4), [f(2, 3, 4)], None),
    "PReLU": (lambda: nn.PReLU(3), [f(2, 3, 4)], None),
    "Embedding": (lambda: nn.Embedding(10, 4, padding_idx=0), [i(2, 3, high=10)], None),
    "EmbeddingBag": (lambda: nn.EmbeddingBag(10, 4, mode="mean"), [i(2, 3, high=10)], None),
    "RNN": (lambda: nn.RNN(3, 4, num_layers=2), [f(5, 2, 3)], None),
    "LSTM": (lambda: nn.LSTM(3, 4, bidirectional=True), [f(5, 2, 3)], None),
    "GRU": (lambda: nn.GRU(3, 4, batch_first=True), [f(2, 5, 3)], None),
    "RNNCell": (lambda: nn.RNNCell(3, 4), [f(2, 3)], None),
    "LSTMCell": (lambda: nn.LSTMCell(3, 4), [f(2, 3)], None),
    "GRUCell": (lambda: nn.GRUCell(3, 4), [f(2, 3)], None),
    "MultiheadAttention": (lambda: nn.MultiheadAttention(4, 2), [f(3, 2, 4), f(5, 2, 4),
                                                                 f(5, 2, 4)], None),
    "Transformer": (lambda: nn.Transformer(8, 2, 1, 1, 16, dropout=0.0),
                    [f(5, 2, 8), f(3, 2, 8)], None),
    "TransformerEncoderLayer": (_enc, [f(5, 2, 8)], None),
    "TransformerDecoderLayer": (_dec, [f(3, 2, 8), f(5, 2, 8)], None),
    "TransformerEncoder": (lambda: nn.TransformerEncoder(_enc(), 2, enable_nested_tensor=False),
                           [f(5, 2, 8)], None),
    "TransformerDecoder": (lambda: nn.TransformerDecoder(_dec(), 2), [f(3, 2, 8), f(5, 2, 8)],
                           None),
    "AdaptiveLogSoftmaxWithLoss": (lambda: nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4],
                                                                         div_value=2.0),
                                   [f(4, 8), i(4, high=10)], None),
    "LinearCrossEntropyLoss": (lambda: nn.LinearCrossEntropyLoss(4, 5), [f(3, 4), i(3)],
                               None),
    # losses whose class weights are buffers
    "CrossEntropyLoss": (lambda: nn.CrossEntropyLoss(weight=_weights(3)), [f(4, 3), i(4, high=3)],
                         None),
    "NLLLoss": (lambda: nn.NLLLoss(weight=_weights(3)), [f(4, 3), i(4, high=3)], None),
    "NLLLoss2d": (lambda: nn.NLLLoss2d(weight=_weights(3)), [f(2, 3, 2, 2), i(2, 2, 2, high=3)],
                  None),
    "BCELoss": (lambda: nn.BCELoss(weight=_weights(3)), [f(2, 3, low=0.1, high=0.9),
                                                        f(2, 3, low=0.0, high=1.0)], None),
    "BCEWithLogitsLoss": (lambda: nn.BCEWithLogitsLoss(weight=_weights(3),
                                                       pos_weight=_weights(3, 8)),
                          [f(2, 3), f(2, 3, low=0.0, high=1.0)], None),
    "MultiLabelSoftMarginLoss": (lambda: nn.MultiLabelSoftMarginLoss(weight=_weights(3)),
                                 [f(2, 3), i(2, 3, high=2)], None),
    "MultiMarginLoss": (lambda: nn.MultiMarginLoss(weight=_weights(3)), [f(4, 3), i(4, high=3)],
                        None),
    # containers
    "Sequential": (lambda: nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2)),
                   [f(2, 4)], None),
    "ModuleList": (lambda: nn.ModuleList([nn.Linear(4, 3), nn.Linear(3, 2)]), [f(2, 4)],
                   lambda m, x: m[1](m[0](x).tanh())),
    "ModuleDict": (lambda: nn.ModuleDict({"a": nn.Linear(4, 3), "b": nn.LayerNorm(3)}),
                   [f(2, 4)], lambda m, x: m["b"](m["a"](x))),
    "ParameterList": (lambda: nn.ParameterList([nn.Parameter(torch.randn(4)),
                                                nn.Parameter(torch.randn(2, 4))]),
                      [f(2, 4)], lambda m, x: (x * m[0] + m[1]).exp()),
    "ParameterDict": (lambda: nn.ParameterDict({"w": nn.Parameter(torch.randn(4))}),
                      [f(2, 4)], lambda m, x: x * m["w"]),
    "DataParallel": (lambda: nn.DataParallel(nn.Linear(4, 3)), [f(2, 4)], None),
    "Container": (lambda: _container(lin=nn.Linear(4, 3)), [f(2, 4)], lambda m, x: m.lin(x)),
}

# Exported module classes without parameters or buffers of their own.
STATELESS = frozenset("""
AdaptiveAvgPool1d AdaptiveAvgPool2d AdaptiveAvgPool3d AdaptiveMaxPool1d AdaptiveMaxPool2d
AdaptiveMaxPool3d AlphaDropout AvgPool1d AvgPool2d AvgPool3d CELU CTCLoss ChannelShuffle
CircularPad1d CircularPad2d CircularPad3d ConstantPad1d ConstantPad2d ConstantPad3d
CosineEmbeddingLoss CosineSimilarity CrossMapLRN2d Dropout Dropout1d Dropout2d Dropout3d ELU
FeatureAlphaDropout Flatten Fold FractionalMaxPool2d FractionalMaxPool3d GELU GLU
GaussianNLLLoss Hardshrink Hardsigmoid Hardswish Hardtanh HingeEmbeddingLoss HuberLoss Identity
KLDivLoss L1Loss LPPool1d LPPool2d LPPool3d LeakyReLU LocalResponseNorm LogSigmoid LogSoftmax
MSELoss MarginRankingLoss MaxPool1d MaxPool2d MaxPool3d MaxUnpool1d MaxUnpool2d MaxUnpool3d
Mish Module MultiLabelMarginLoss PairwiseDistance PixelShuffle PixelUnshuffle PoissonNLLLoss
RReLU ReLU ReLU6 ReflectionPad1d ReflectionPad2d ReflectionPad3d ReplicationPad1d
ReplicationPad2d ReplicationPad3d SELU SiLU Sigmoid SmoothL1Loss SoftMarginLoss Softmax
Softmax2d Softmin Softplus Softshrink Softsign Tanh Tanhshrink Threshold TripletMarginLoss
TripletMarginWithDistanceLoss Unflatten Unfold Upsample UpsamplingBilinear2d
UpsamplingNearest2d ZeroPad1d ZeroPad2d ZeroPad3d
""".split())

SKIPPED = {
    "RNNBase": "a base class without forward (RNN, LSTM and GRU above are its subclasses)",
    "RNNCellBase": "a base class without forward (the three cells above are its subclasses)",
}


# Modules whose forward selects rows by their values, as PyTorch's does (a size the device
# reports to the host): their host copies are still forbidden, not these selections.
SELECTS_ROWS = {
    "AdaptiveLogSoftmaxWithLoss": "each cluster's rows by nonzero, as PyTorch's forward",
}


@pytest.fixture(autouse=True)
def float64():
    with default_dtype(torch.float64):
        yield


def _arrays(specs, seed: int = 0) -> list:
    rng = np.random.default_rng(seed)
    out = []
    for kind, shape, low, high in specs:
        if kind == "f":
            out.append(rng.uniform(low, high, shape))
        else:
            out.append(rng.integers(low, high, shape).astype(np.int64))
    return out


def _tensors(arrays, device: str) -> list:
    return [torch.tensor(a, device=device, requires_grad=a.dtype.kind == "f") for a in arrays]


def _flat(out) -> list:
    if isinstance(out, torch.Tensor):
        return [out]
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in _flat(o)]
    return []


def _step(module, inputs, call) -> dict:
    """One training-mode forward and backward; every tensor it gives, by name."""
    outs = _flat(call(module, *inputs) if call else module(*inputs))
    rng = np.random.default_rng(1)
    loss = None
    for o in outs:
        if o.requires_grad:
            g = torch.tensor(rng.standard_normal(tuple(o.shape)), device=o.device)
            term = (o * g).sum()
            loss = term if loss is None else loss + term
    loss.backward()
    found = {f"output {k}": o for k, o in enumerate(outs)}
    found.update({f"grad of {n}": p.grad for n, p in module.named_parameters()
                  if p.grad is not None})
    found.update({f"parameter {n}": p for n, p in module.named_parameters()})
    found.update({f"buffer {n}": b for n, b in module.named_buffers()})
    found.update({f"grad of input {k}": x.grad for k, x in enumerate(inputs)
                  if x.grad is not None})
    return found


def _is_lazy(name: str) -> bool:
    return name.startswith("Lazy")


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_trains_on_the_device_as_on_the_cpu(name):
    build, specs, call = MODULES[name]
    arrays = _arrays(specs)
    torch.manual_seed(0)
    ours = build().train()
    with fake_cuda():
        if _is_lazy(name):
            with torch.no_grad():  # materialise each on its device, then the same weights
                ours(*_tensors(arrays, "cpu"))
                theirs = build().train().to("cuda")
                theirs(*_tensors(arrays, "cuda"))
            theirs.load_state_dict(ours.state_dict())
        else:
            theirs = copy.deepcopy(ours).to("cuda")
        on_cpu = _step(ours, _tensors(arrays, "cpu"), call)
        inputs = _tensors(arrays, "cuda")
        with host_copies_forbidden(data_sized=name not in SELECTS_ROWS):
            on_device = _step(theirs, inputs, call)
        assert sorted(on_device) == sorted(on_cpu)
        for what, t in on_device.items():
            assert t.device.type == "cuda", f"{name}: {what} is on {t.device}"
            expected = on_cpu[what].detach().numpy()
            k = 10 if what.startswith("grad") else 1
            np.testing.assert_allclose(t.detach().cpu().numpy(), expected, atol=ATOL * k,
                                       rtol=RTOL * k, err_msg=f"{name}: {what}")


def test_every_module_with_state_is_here():
    exported = {n for n, c in vars(nn).items()
                if inspect.isclass(c) and issubclass(c, nn.Module)}
    listed = set(MODULES) | STATELESS | set(SKIPPED)
    assert exported - listed == set(), "modules the device test does not know of"
    assert listed - exported == set(), "names the device test lists that nn does not export"
    assert not (set(MODULES) & STATELESS) and not (set(MODULES) & set(SKIPPED))


@pytest.mark.parametrize("build", [
    lambda: nn.Linear(4, 3, device="cuda"), lambda: nn.Conv2d(2, 3, 3, device="cuda"),
    lambda: nn.BatchNorm1d(3, device="cuda"), lambda: nn.GroupNorm(2, 4, device="cuda"),
    lambda: nn.InstanceNorm1d(3, affine=True, track_running_stats=True, device="cuda"),
    lambda: nn.LayerNorm(4, device="cuda"), lambda: nn.Embedding(5, 2, device="cuda"),
    lambda: nn.LSTM(3, 4, device="cuda"), lambda: nn.MultiheadAttention(4, 2, device="cuda"),
    lambda: nn.LazyLinear(3, device="cuda"), lambda: nn.LazyConv1d(3, 2, device="cuda"),
    lambda: nn.LazyBatchNorm1d(device="cuda"),
    lambda: nn.Transformer(8, 2, 1, 1, 16, device="cuda"),
    lambda: nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4], device="cuda"),
    lambda: nn.LinearCrossEntropyLoss(4, 5, device="cuda"),
])
def test_device_argument_builds_every_tensor_there(build):
    """``device='cuda'`` at construction: parameters and buffers are made on the device
    (a lazy module's when its first input materialises them)."""
    with fake_cuda():
        m = build()
        if _is_lazy(type(m).__name__):
            m(torch.randn(2, 3, 4, device="cuda"))
        for name, t in list(m.named_parameters()) + list(m.named_buffers()):
            assert t.device.type == "cuda", f"{type(m).__name__}.{name} is on {t.device}"
