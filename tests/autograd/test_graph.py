"""autograd.graph (saved-tensor hooks, Node, gradient edges, multi-grad hooks) and the
engine flags, against PyTorch."""
from __future__ import annotations

import pytest
import torch

import npgrad

from ._util import close, pair


def _run_both(fn):
    """``fn(lib, x, y)`` with the same leaves in both libraries; returns both results."""
    a, t = pair([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7]])
    b, u = pair([0.2, -0.4, 0.9])
    return fn(npgrad, a, b), fn(torch, t, u), (a, b, t, u)


# -- saved_tensors_hooks ----------------------------------------------------------------------

def test_pack_hook_sees_what_ops_save_and_unpack_feeds_backward():
    def run(lib, x, y):
        log = []

        def pack(t):
            log.append(("pack", tuple(t.shape), t.requires_grad, t.grad_fn is None,
                        lib.is_grad_enabled()))
            return t.detach().clone() * 1  # a copy: backward must use it
        def unpack(t):
            log.append(("unpack", tuple(t.shape)))
            return t
        with lib.autograd.graph.saved_tensors_hooks(pack, unpack):
            z = ((x * y).exp() * x).sum()
        z.backward()
        return sorted(log), x.grad, y.grad

    (log_a, ga, gb), (log_t, gt, gu), _ = _run_both(run)
    assert log_a == log_t
    close(ga, gt)
    close(gb, gu)


def test_unpacked_tensor_keeps_its_place_in_the_graph_for_double_backward():
    def run(lib, x, y):
        w = x * 2
        with lib.autograd.graph.saved_tensors_hooks(lambda t: t.detach().clone(),
                                                    lambda t: t):
            z = (w * w * y).sin().sum()
        saved = z.grad_fn.next_functions[0][0]  # (Sin's input: the product's node)
        g, = lib.autograd.grad(z, x, create_graph=True)
        gg, = lib.autograd.grad(g.sum(), y)
        return g, gg

    (ga, gga), (gt, ggt), _ = _run_both(run)
    close(ga, gt)
    close(gga, ggt)


def test_unpacked_leaf_is_a_new_leaf_that_accumulates_into_the_original():
    for lib in (npgrad, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        with lib.autograd.graph.saved_tensors_hooks(lambda t: t.detach().clone(),
                                                    lambda t: t):
            y = x * x
        if lib is npgrad:
            s = y.grad_fn.saved_tensors[0]
        else:
            s = y.grad_fn._saved_self
        assert s is not x and s.requires_grad and s.is_leaf and s.grad_fn is None


def test_only_the_innermost_hooks_apply_and_no_version_check_with_hooks():
    for lib in (npgrad, torch):
        calls = []
        x = lib.tensor([1.0, 2.0], requires_grad=True).clone()
        with lib.autograd.graph.saved_tensors_hooks(lambda t: calls.append("outer") or t,
                                                    lambda t: t):
            with lib.autograd.graph.saved_tensors_hooks(
                    lambda t: calls.append("inner") or t, lambda t: t):
                y = x.sin()
        assert calls == ["inner"]
        with lib.no_grad():
            x.mul_(2)  # torch does not check versions of tensors saved through hooks
        y.sum().backward()


def test_unpack_must_return_a_tensor():
    for lib in (npgrad, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        with lib.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: 5):
            y = x * x
        with pytest.raises(TypeError, match="unpack_hook expected to be a Tensor but got "
                                            "result of type int"):
            y.sum().backward()


def test_custom_function_saves_pass_through_hooks_and_none_does_not():
    def make(lib):
        class F(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x, None)
                return x * 2

            @staticmethod
            def backward(ctx, g):
                x, none = ctx.saved_tensors
                assert none is None
                return g * x
        return F

    for lib in (npgrad, torch):
        log = []
        x = lib.tensor([1.0, 3.0], requires_grad=True)
        with lib.autograd.graph.saved_tensors_hooks(lambda t: log.append("p") or t,
                                                    lambda t: log.append("u") or t):
            y = make(lib).apply(x)
        y.sum().backward()
        assert log == ["p", "u"]
        assert x.grad.tolist() == [1.0, 3.0]


def test_disable_saved_tensors_hooks():
    for lib in (npgrad, torch):
        g = lib.autograd.graph
        with g.disable_saved_tensors_hooks("no hooks here"):
            with pytest.raises(RuntimeError, match="no hooks here"):
                with g.saved_tensors_hooks(lambda t: t, lambda t: t):
                    pass
        with g.saved_tensors_hooks(lambda t: t, lambda t: t):
            with pytest.raises(RuntimeError, match="nope"):
                with g.disable_saved_tensors_hooks("nope"):
                    pass
        with g.saved_tensors_hooks(lambda t: t, lambda t: t):  # usable again afterwards
            pass


def test_save_on_cpu_gives_the_same_gradients():
    def run(lib, x, y):
        with lib.autograd.graph.save_on_cpu(pin_memory=False):
            z = (x.tanh() @ y).pow(2).sum()
        z.backward()
        return x.grad, y.grad

    (ga, gb), (gt, gu), _ = _run_both(run)
    close(ga, gt)
    close(gb, gu)


def test_allow_mutation_on_saved_tensors():
    for lib in (npgrad, torch):
        g = lib.autograd.graph
        with g.allow_mutation_on_saved_tensors():
            leaf = lib.tensor([0.5, 1.0, 2.0], requires_grad=True)
            a = leaf.clone()
            b = a.sin()
            a.mul_(2)  # modifies a saved tensor: backward still sees the old values
            b.sum().backward()
            with pytest.raises(RuntimeError, match="cannot be nested"):
                with g.allow_mutation_on_saved_tensors():
                    pass
            c = leaf.clone().sin()
        assert abs(leaf.grad[2].item() - float(torch.cos(torch.tensor(2.0)))) < 1e-6
        with pytest.raises(AssertionError, match="outside of the"):
            c.sum().backward()


# -- Node, edges, versions ----------------------------------------------------------------------

def test_grad_fn_is_a_node_with_metadata_and_next_functions():
    for lib in (npgrad, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = (x * 2).sum()
        assert isinstance(y.grad_fn, lib.autograd.graph.Node)
        assert y.grad_fn.name() == "SumBackward0"
        assert y.grad_fn.metadata == {}
        y.grad_fn.metadata["k"] = 1
        assert y.grad_fn.metadata == {"k": 1}
        assert y.grad_fn.next_functions[0][0].name() == "MulBackward0"


def test_node_post_hook_can_replace_grad_inputs():
    res = []
    for lib in (npgrad, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        z = x * 2
        z.grad_fn.register_hook(lambda gi, go: (gi[0] * 3, None))
        z.sum().backward()
        res.append(x.grad.tolist())
        z = x * 2
        z.grad_fn.register_hook(lambda gi, go: (gi[0], gi[0], gi[0]))
        with pytest.raises(RuntimeError, match="incorrect number of values"):
            z.sum().backward()
    assert res[0] == res[1] == [6.0, 6.0]


def test_gradient_edge():
    for lib in (npgrad, torch):
        g = lib.autograd.graph
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        e = g.get_gradient_edge(x)
        assert isinstance(e, g.GradientEdge) and e.output_nr == 0
        w = x * 3
        ew = g.get_gradient_edge(w)
        assert ew.node is w.grad_fn
        gw, = lib.autograd.grad((w * w).sum(), ew)
        assert gw.tolist() == (2 * w).tolist()
        with pytest.raises(RuntimeError, match="does not require gradients"):
            g.get_gradient_edge(lib.ones(2))


def test_increment_version():
    for lib in (npgrad, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True).clone()
        y = x.sin()
        v = x._version
        lib.autograd.graph.increment_version(x)
        lib.autograd.graph.increment_version([x])
        assert x._version == v + 2
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()


# -- register_multi_grad_hook ---------------------------------------------------------------------

def test_multi_grad_hook_all_mode_gets_every_gradient_once_per_pass():
    out = {}
    for lib in (npgrad, torch):
        calls = []
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        b = lib.tensor([3.0], requires_grad=True)
        c = lib.tensor([5.0], requires_grad=True)
        h = lib.autograd.graph.register_multi_grad_hook(
            (a, b, c), lambda grads: calls.append([None if g is None else g.tolist()
                                                   for g in grads]))
        ((a * 2).sum() + (b * 3).sum()).backward()   # c is not reached: None
        ((a * c).sum() + (b * c).sum()).backward()
        h.remove()
        (a.sum() + b.sum()).backward()
        out[lib.__name__] = calls
    assert out["npgrad"] == out["torch"]
    assert len(out["npgrad"]) == 2


def test_multi_grad_hook_any_mode_fires_once_with_the_first_gradient():
    out = {}
    for lib in (npgrad, torch):
        calls = []
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        b = lib.tensor([3.0, 4.0], requires_grad=True)
        lib.autograd.graph.register_multi_grad_hook(
            (a, b), lambda g: calls.append(g.tolist()), mode="any")
        ((a * 2) * (b * 3)).sum().backward()
        (b * 5).sum().backward()
        out[lib.__name__] = calls
    assert out["npgrad"] == out["torch"]
    with pytest.raises(ValueError, match="Expects mode to be one of"):
        npgrad.autograd.graph.register_multi_grad_hook((), print, mode="some")


# -- engine flags --------------------------------------------------------------------------------

def _layout_flag(lib) -> bool:
    if lib is npgrad:
        return npgrad.autograd.grad_mode._ENGINE_FLAGS.grad_layout_enforced
    return torch._C._is_grad_layout_enforcement_enabled()  # (no public getter in PyTorch)


@pytest.mark.parametrize("name, get", [
    ("set_multithreading_enabled", lambda lib: lib.autograd.is_multithreading_enabled()),
    ("enforce_grad_layout_policy", _layout_flag)])
def test_flag_setters_behave_as_pytorchs(name, get):
    seen = {}
    for lib in (npgrad, torch):
        setter = getattr(lib.autograd, name)
        log = [get(lib)]
        with setter(False):
            log.append(get(lib))
        log.append(get(lib))
        setter(False)  # as a function: takes effect at once, and stays
        log.append(get(lib))
        setter(True)
        log.append(get(lib))

        @setter(False)
        def inside():
            return get(lib)
        log.append(get(lib))  # (set_multithreading_enabled's decorator leaves it set, as torch)
        log.append(inside())
        log.append(get(lib))
        setter(True)
        seen[lib.__name__] = log
    assert seen["npgrad"] == seen["torch"]


def test_view_replay_is_what_npgrad_does():
    x = npgrad.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True).clone()
    v = x[1:3]
    v.mul_(2)
    assert v.grad_fn.name() == "SliceBackward0"  # PyTorch's name with view replay enabled
    assert npgrad.autograd.is_view_replay_enabled() is True


def test_a_number_on_the_left_of_add_and_mul_is_the_second_input_as_in_pytorch():
    def edges(lib, make):
        b = lib.ones(2, requires_grad=True).sin()
        return [f.name() if f is not None else None
                for f, _ in make(b).grad_fn.next_functions]
    for make in (lambda b: 2 * b, lambda b: 2 + b, lambda b: 2.5 * b, lambda b: b * 2):
        assert edges(npgrad, make) == edges(torch, make) == ["SinBackward0", None]


def test_mse_loss_is_one_node_on_its_two_operands_as_in_pytorch():
    def edges(lib):
        x = lib.ones(3, requires_grad=True)
        loss = lib.nn.functional.mse_loss(x.sin(), lib.zeros(3).requires_grad_())
        # (npgrad also lists a (None, 0) edge for the reduction argument: the first two)
        return loss.grad_fn.name(), [f.name() for f, _ in loss.grad_fn.next_functions[:2]]
    assert edges(npgrad) == edges(torch) == ("MseLossBackward0",
                                             ["SinBackward0", "torch::autograd::AccumulateGrad"])


def test_bce_with_logits_is_one_node_as_in_pytorch():
    for lib in (npgrad, torch):
        x = lib.zeros(3, requires_grad=True)
        loss = lib.nn.functional.binary_cross_entropy_with_logits(x * 2, lib.ones(3))
        assert loss.grad_fn.name() == "BinaryCrossEntropyWithLogitsBackward0"
        assert loss.grad_fn.next_functions[0][0].name() == "MulBackward0"
