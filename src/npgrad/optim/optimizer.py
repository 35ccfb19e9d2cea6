"""``Optimizer``: the base of every optimizer, with PyTorch's ``param_groups`` and ``state``.

Updates run on the parameters' NumPy arrays in place, without recording a graph, and bump the
parameters' version counters (as PyTorch's in-place updates do). With ``differentiable=True``
SGD, Adam, AdamW, Adamax, RMSprop, Adagrad and Adadelta run the same rule in npgrad's in-place
tensor ops instead, so the step is recorded (for non-leaf parameters, as in PyTorch); NAdam,
RAdam, Rprop and ASGD refuse such a step (NotImplementedError) rather than silently cutting
the graph.
"""
from __future__ import annotations

import copy
import functools
import itertools
import numbers
from collections import OrderedDict, defaultdict
from typing import Any, Callable, Iterable

import numpy as np

from ..autograd.grad_mode import enable_grad, no_grad
from ..nn.modules.module import _DictHandle
from ..ops._arguments import describe
from ..tensor import Tensor


class _RequiredParameter:
    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()

# hooks of every optimizer's step (register_optimizer_step_pre_hook / _post_hook)
_global_optimizer_pre_hooks: OrderedDict = OrderedDict()
_global_optimizer_post_hooks: OrderedDict = OrderedDict()


def register_optimizer_step_pre_hook(hook: Callable) -> _DictHandle:
    """``hook(optimizer, args, kwargs)`` runs before every optimizer's ``step`` (before the
    optimizer's own pre-hooks); it may return ``(new_args, new_kwargs)``."""
    return _add_hook(_global_optimizer_pre_hooks, hook)


def register_optimizer_step_post_hook(hook: Callable) -> _DictHandle:
    """``hook(optimizer, args, kwargs)`` runs after every optimizer's ``step`` (after the
    optimizer's own post-hooks)."""
    return _add_hook(_global_optimizer_post_hooks, hook)


def _add_hook(hooks: OrderedDict, hook: Callable, prepend: bool = False) -> _DictHandle:
    key = object()
    hooks[key] = hook
    if prepend:
        hooks.move_to_end(key, last=False)
    return _DictHandle(hooks, key)


class Optimizer:
    """Base class: holds ``param_groups`` (a list of dicts with ``'params'`` and options) and
    per-parameter ``state``; subclasses implement ``step``.

    >>> opt = npgrad.optim.SGD(model.parameters(), lr=0.1)
    >>> opt.zero_grad(); loss.backward(); opt.step()
    """

    def __init_subclass__(cls, **kwargs) -> None:
        """A subclass's own ``step`` runs the step hooks too (PyTorch patches it likewise)."""
        super().__init_subclass__(**kwargs)
        if "step" in cls.__dict__:
            cls.step = Optimizer.profile_hook_step(cls.__dict__["step"])

    @staticmethod
    def profile_hook_step(func: Callable) -> Callable:
        """Wrap a ``step`` function so that the global and the optimizer's step pre-hooks run
        before it and its post-hooks after it (once, when one hooked step calls another)."""
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            self = args[0]
            if getattr(self, "_in_step", False):
                return func(*args, **kwargs)
            for hook in itertools.chain(_global_optimizer_pre_hooks.values(),
                                        self._optimizer_step_pre_hooks.values()):
                result = hook(self, args, kwargs)
                if result is not None:
                    if not (isinstance(result, tuple) and len(result) == 2):
                        raise RuntimeError(f"{func} must return None or a tuple of "
                                           f"(new_args, new_kwargs), but got {result}.")
                    args, kwargs = result
            self._in_step = True
            try:
                out = func(*args, **kwargs)
            finally:
                self._in_step = False
            for hook in itertools.chain(self._optimizer_step_post_hooks.values(),
                                        _global_optimizer_post_hooks.values()):
                hook(self, args, kwargs)
            return out
        return wrapper

    def register_step_pre_hook(self, hook: Callable) -> _DictHandle:
        """``hook(optimizer, args, kwargs)`` runs before each ``step``; it may return
        ``(new_args, new_kwargs)`` to call it with."""
        return _add_hook(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook: Callable) -> _DictHandle:
        """``hook(optimizer, args, kwargs)`` runs after each ``step``."""
        return _add_hook(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook: Callable, prepend: bool = False
                                     ) -> _DictHandle:
        """``hook(optimizer)`` runs before :meth:`state_dict` builds its dict."""
        return _add_hook(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook: Callable, prepend: bool = False
                                      ) -> _DictHandle:
        """``hook(optimizer, state_dict)`` runs on the dict :meth:`state_dict` built; it may
        return a replacement."""
        return _add_hook(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook: Callable, prepend: bool = False
                                          ) -> _DictHandle:
        """``hook(optimizer, state_dict)`` runs before :meth:`load_state_dict`; it may return
        the state_dict to load instead."""
        return _add_hook(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook: Callable, prepend: bool = False
                                           ) -> _DictHandle:
        """``hook(optimizer)`` runs after :meth:`load_state_dict`."""
        return _add_hook(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    def __init__(self, params: Iterable, defaults: dict) -> None:
        self._optimizer_step_pre_hooks: OrderedDict = OrderedDict()
        self._optimizer_step_post_hooks: OrderedDict = OrderedDict()
        self._optimizer_state_dict_pre_hooks: OrderedDict = OrderedDict()
        self._optimizer_state_dict_post_hooks: OrderedDict = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks: OrderedDict = OrderedDict()
        self._optimizer_load_state_dict_post_hooks: OrderedDict = OrderedDict()
        self.defaults = defaults
        self.state: defaultdict = defaultdict(dict)
        self.param_groups: list[dict] = []
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            "Tensors or dicts, but got a Tensor")
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for g in groups:
            self.add_param_group(g)

    def _check_fused(self) -> None:
        """The ``fused`` option's conflicts, refused at construction as PyTorch does (SGD,
        Adam, AdamW and Adagrad have it). Every update here is one NumPy pass per parameter,
        so ``fused`` and ``foreach`` select the same arithmetic: they are accepted and kept
        in ``param_groups`` (and in state_dicts) only."""
        if not self.defaults.get("fused"):
            return
        if self.defaults.get("differentiable"):
            raise RuntimeError("`fused` does not support `differentiable`")
        if self.defaults.get("foreach"):
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")

    def add_param_group(self, param_group: dict) -> None:
        """Add a group of parameters with its own options (missing ones take the defaults)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, "
                            "but the ordering of tensors in sets will change between runs. "
                            "Please use a list instead.")
        params = [params] if isinstance(params, Tensor) else list(params)
        group = dict(param_group)
        params = self._split_names(params, group)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is "
                                f"{type(p).__name__}")
            if not self.defaults.get("differentiable") and not (p.is_leaf or p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        group["params"] = params
        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError(f"parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            group.setdefault(name, default)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def _split_names(self, params: list, group: dict) -> list:
        """Parameters given as ``(name, tensor)`` pairs (``model.named_parameters()``): their
        names go to ``group['param_names']``, as PyTorch keeps them, all or none per group and
        across groups."""
        named = [isinstance(p, tuple) for p in params]
        if any(named) and not all(named):
            raise ValueError("all optimizer params should be with/without names. Some param "
                             "names are missing")
        if self.param_groups and ("param_names" in self.param_groups[0]) != all(named):
            kind = "with" if all(named) else "without"
            raise ValueError(f"all optimizer param groups should be with/without names. cannot "
                             f"add param group {kind} names to the optimizer")
        if not params or not all(named):
            return params
        group["param_names"] = [name for name, _ in params]
        return [p for _, p in params]

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset every parameter's gradient (to None by default, as PyTorch 2)."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                    continue
                # zeroed in place, out of any graph (a grad made with create_graph=True)
                if p.grad.grad_fn is not None:
                    p.grad.detach_()
                else:
                    p.grad.requires_grad_(False)
                p.grad.zero_()

    def step(self, closure: Callable[[], Any] | None = None):
        """Update the parameters; ``closure`` re-evaluates the loss (needed by LBFGS)."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        self._check_step()
        for group in self.param_groups:
            if group.get("differentiable") and self._differentiable_update is not None:
                with enable_grad():     # even under no_grad, as PyTorch's differentiable step
                    self._differentiable_update(_plain_options(group))
            else:
                with no_grad():
                    self._update_group(_plain_options(group))
        return loss

    # Optimizers whose update can be recorded by autograd (``differentiable=True``) define
    # ``_differentiable_update(group)``: the same rule in npgrad's in-place tensor ops.
    _differentiable_update: Callable[[dict], None] | None = None

    # state tensors that are not one value per element of their parameter
    _SCALAR_STATE = frozenset({"step", "mu_product"})
    # What PyTorch's capturable check names, and whether its list of allowed devices has
    # 'xla', in its (single-tensor, foreach) paths: an optimizer with ``capturable=True``
    # refuses CPU parameters at its first step.
    _CAPTURABLE_STATE = ("params and state_steps",) * 2
    _CAPTURABLE_XLA = (True, False)

    def _check_step(self) -> None:
        """Refuse, before any parameter or state is touched, what would fail halfway through
        the update (PyTorch fails there, after updating some of them): an option that is not a
        number, a state tensor whose shape is not its parameter's (a loaded state_dict saved
        for other parameters)."""
        name = type(self).__name__
        numeric = [k for k, v in self.defaults.items() if _is_number(v, False) or (
            isinstance(v, tuple) and v and all(_is_number(b, False) for b in v))]
        index = 0
        for i, group in enumerate(self.param_groups):
            for key in numeric:
                value = group.get(key)
                if isinstance(self.defaults[key], tuple):  # betas
                    if not (isinstance(value, (tuple, list)) and all(
                            _is_number(v) or isinstance(v, Tensor) for v in value)):
                        raise TypeError(f"{name}.step(): param_groups[{i}]['{key}'] must be a "
                                        f"tuple of numbers, not {value!r}")
                elif not (_is_number(value) or isinstance(value, Tensor)):
                    raise TypeError(f"{name}.step(): param_groups[{i}]['{key}'] must be a "
                                    f"number, not {type(value).__name__} ({value!r})")
            for p in group["params"]:
                if p.grad is not None:
                    self._check_flags(group, p)
                state = self.state.get(p) if p.grad is not None else None
                for key, value in (state or {}).items():
                    if isinstance(value, Tensor) and key not in self._SCALAR_STATE \
                            and value._data.shape != p._data.shape:
                        raise RuntimeError(
                            f"{name}.step(): the shape of state '{key}' of parameter {index} "
                            f"does not match the parameter's (state and parameter: "
                            f"{describe(value, p)})")
                index += 1

    def _check_flags(self, group: dict, p: Tensor) -> None:
        """``capturable`` and ``differentiable`` at a step, as PyTorch on CPU: a capturable
        update is for CUDA graphs and refuses CPU parameters; a differentiable one runs
        in-place under autograd, which PyTorch refuses on a leaf that requires grad."""
        if group.get("capturable") and p.device.type == "cpu":
            path = 1 if group.get("foreach") else 0
            devices = ["cuda", "xpu", "hpu", "privateuseone"] + \
                ["xla"] * self._CAPTURABLE_XLA[path]
            raise AssertionError(f"If capturable=True, {self._CAPTURABLE_STATE[path]} must be "
                                 f"on supported devices: {devices}.")
        if group.get("differentiable") and p.requires_grad:  # even under no_grad, as PyTorch
            if p.is_leaf:
                raise RuntimeError("a leaf Variable that requires grad is being used in an "
                                   "in-place operation.")
            if self._differentiable_update is None:
                # this optimizer's update runs on the arrays, outside the graph
                raise NotImplementedError(
                    f"{type(self).__name__}.step(): differentiable=True through a non-leaf "
                    f"parameter is not supported by npgrad for this optimizer (SGD, Adam, "
                    f"AdamW, Adamax, RMSprop, Adagrad and Adadelta have it)")

    def _update_group(self, group: dict) -> None:
        raise NotImplementedError

    def _params_with_grad(self, group: dict):
        """``(param, state, grad array)`` for parameters that have a gradient."""
        for p in group["params"]:
            if p.grad is None:
                continue
            g = p.grad._data
            if group.get("maximize", False):
                g = -g
            yield p, self.state[p], g

    @staticmethod
    def _write(p: Tensor, new: np.ndarray) -> None:
        """Store an updated value into the parameter's own array."""
        np.copyto(p._data, new, casting="unsafe")
        p._bump()

    # -- state dict ---------------------------------------------------------------------------
    def state_dict(self) -> dict:
        """``{'state': {index: {...}}, 'param_groups': [{..., 'params': [indices]}]}``, with
        parameters numbered in order across groups, as PyTorch does (its state tensors are
        copies, where PyTorch's share the optimizer's)."""
        for hook in self._optimizer_state_dict_pre_hooks.values():
            hook(self)
        state_dict = self._state_dict()
        for hook in self._optimizer_state_dict_post_hooks.values():
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    def _state_dict(self) -> dict:
        index, groups, n = {}, [], 0
        for g in self.param_groups:
            ids = []
            for p in g["params"]:
                if id(p) not in index:
                    index[id(p)] = n
                    n += 1
                ids.append(index[id(p)])
            groups.append({**{k: v for k, v in g.items() if k != "params"}, "params": ids})
        state = {}
        for g in self.param_groups:
            for p in g["params"]:
                if self.state.get(p):
                    state[index[id(p)]] = {k: (v.clone() if isinstance(v, Tensor) else
                                               copy.deepcopy(v))
                                           for k, v in self.state[p].items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore options and per-parameter state saved by :meth:`state_dict`."""
        for hook in self._optimizer_load_state_dict_pre_hooks.values():
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        self._load_state_dict(state_dict)
        for hook in self._optimizer_load_state_dict_post_hooks.values():
            hook(self)

    def _load_state_dict(self, state_dict: dict) -> None:
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        for ours, theirs in zip(self.param_groups, groups):
            if len(ours["params"]) != len(theirs["params"]):
                raise ValueError("loaded state dict contains a parameter group that doesn't "
                                 "match the size of optimizer's group")
        self.state = defaultdict(dict)
        for ours, theirs in zip(self.param_groups, groups):
            for p, idx in zip(ours["params"], theirs["params"]):
                saved = state_dict["state"].get(idx, state_dict["state"].get(str(idx)))
                if saved is not None:
                    self.state[p] = {k: _to_param_dtype(v, p, k) for k, v in saved.items()}
            ours.update({k: v for k, v in theirs.items() if k != "params"})

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, g in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for k in sorted(g):
                if k != "params":
                    lines.append(f"    {k}: {g[k]}")
        lines.append(")")
        return "\n".join(lines)


def _plain_options(group: dict) -> dict:
    """The group with tensor options (``lr=torch.tensor(0.01)``, tensor betas) as floats: the
    updates compute on arrays with Python scalars. A shallow copy: the updates only read it."""
    def plain(v):
        if isinstance(v, Tensor):
            return float(v)
        if isinstance(v, tuple) and any(isinstance(b, Tensor) for b in v):
            return tuple(plain(b) for b in v)
        return v
    return {k: plain(v) for k, v in group.items()}


def _check_lr(lr) -> None:
    """PyTorch's checks of a learning rate, shared by every optimizer's constructor."""
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")


def _lerp_(start: np.ndarray, end, weight: float) -> np.ndarray:
    """``start.lerp_(end, weight)`` on arrays, in place, with PyTorch's two formulas (the one
    that is exact at its end of the interval), so moving averages round as PyTorch's do."""
    if abs(weight) < 0.5:
        start += weight * (end - start)
    else:
        np.subtract(end, (end - start) * (1 - weight), out=start, casting="unsafe")
    return start


Optimizer.step = Optimizer.profile_hook_step(Optimizer.step)  # (subclasses': __init_subclass__)


def _is_number(x, bools: bool = True) -> bool:
    return isinstance(x, numbers.Real) and (bools or not isinstance(x, bool))


def _to_param_dtype(value, p: Tensor, key: str):
    """State tensors follow the parameter's dtype, except ``step`` (as PyTorch)."""
    if isinstance(value, Tensor):
        value = value.clone()
        if key != "step" and value.is_floating_point():
            value = value.to(p.dtype)
        return value
    return copy.deepcopy(value)
