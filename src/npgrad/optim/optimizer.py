"""``Optimizer``: the base of every optimizer, with PyTorch's ``param_groups`` and ``state``.

Updates run on the parameters' NumPy arrays in place, without recording a graph, and bump the
parameters' version counters (as PyTorch's in-place updates do).
"""
from __future__ import annotations

import copy
import numbers
from collections import defaultdict
from typing import Any, Callable, Iterable

import numpy as np

from ..autograd.grad_mode import enable_grad, no_grad
from ..ops._arguments import describe
from ..tensor import Tensor


class _RequiredParameter:
    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


class Optimizer:
    """Base class: holds ``param_groups`` (a list of dicts with ``'params'`` and options) and
    per-parameter ``state``; subclasses implement ``step``.

    >>> opt = npgrad.optim.SGD(model.parameters(), lr=0.1)
    >>> opt.zero_grad(); loss.backward(); opt.step()
    """

    def __init__(self, params: Iterable, defaults: dict) -> None:
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

    def add_param_group(self, param_group: dict) -> None:
        """Add a group of parameters with its own options (missing ones take the defaults)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is "
                                f"{type(p).__name__}")
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        group = dict(param_group, params=params)
        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError(f"parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            group.setdefault(name, default)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset every parameter's gradient (to None by default, as PyTorch 2)."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    p.grad._data[...] = 0

    def step(self, closure: Callable[[], Any] | None = None):
        """Update the parameters; ``closure`` re-evaluates the loss (needed by LBFGS)."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        self._check_step()
        with no_grad():
            for group in self.param_groups:
                self._update_group(group)
        return loss

    # state tensors that are not one value per element of their parameter
    _SCALAR_STATE = frozenset({"step", "mu_product"})

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
                state = self.state.get(p) if p.grad is not None else None
                for key, value in (state or {}).items():
                    if isinstance(value, Tensor) and key not in self._SCALAR_STATE \
                            and value._data.shape != p._data.shape:
                        raise RuntimeError(
                            f"{name}.step(): the shape of state '{key}' of parameter {index} "
                            f"does not match the parameter's (state and parameter: "
                            f"{describe(value, p)})")
                index += 1

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
        parameters numbered in order across groups, as PyTorch does."""
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
