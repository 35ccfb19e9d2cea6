"""``swap_in_optimizer_params_and_state``: run an optimizer's API on other parameters and
another state_dict for a while (PyTorch uses it to trace a step on fake tensors)."""
from __future__ import annotations

import contextlib
from collections import defaultdict
from typing import Any, Iterator

from ..tensor import Tensor
from .optimizer import Optimizer

_NAME = "swap_in_optimizer_params_and_state"


@contextlib.contextmanager
def swap_in_optimizer_params_and_state(optimizer: Optimizer,
                                       swapin_parameters: dict[str, Tensor],
                                       swapin_optim_state: dict[str, Any]) -> Iterator[None]:
    """Inside the ``with`` block the optimizer's groups hold ``swapin_parameters`` (in the
    order of its own parameters) and the options of ``swapin_optim_state['param_groups']``,
    and its state is ``swapin_optim_state['state']`` keyed by those parameters; on exit the
    live parameters, options and state come back.

    In-place changes to the swapped-in state tensors (what ``step()`` does) reach
    ``swapin_optim_state``; new entries or replaced tensors stay inside the block, as in
    PyTorch. The optimizer's own state must already exist (one step taken).

    >>> with swap_in_optimizer_params_and_state(opt, dict(model.named_parameters()), sd):
    ...     opt.step()
    """
    state, swaps = _validated(optimizer, swapin_parameters, swapin_optim_state)
    live_state = optimizer.state
    snapshots = [dict(g) for g in optimizer.param_groups]   # same 'params' list object
    try:
        swapped: defaultdict = defaultdict(dict)
        for live, saved, params in swaps:
            live.update({k: v for k, v in saved.items() if k != "params"}, params=params)
            for p, index in zip(params, saved["params"]):
                swapped[p] = dict(state.get(index, {}))
        optimizer.state = swapped
        yield
    finally:
        for group, snapshot in zip(optimizer.param_groups, snapshots):
            group.clear()
            group.update(snapshot)
        optimizer.state = live_state


def _validated(optimizer: Optimizer, parameters: dict, state_dict: Any):
    """``(state keyed by packed id, [(live group, saved group, its parameters)])``, after
    PyTorch's checks of the state_dict's shape against the live optimizer."""
    if not optimizer.state:
        raise RuntimeError(f"{_NAME} requires initialized optimizer state.")
    if not isinstance(state_dict, dict):
        raise RuntimeError(f"{_NAME} requires a DCP-style optimizer state_dict.")
    state = state_dict.get("state")
    if not isinstance(state, dict):
        raise RuntimeError(f"{_NAME} requires swapin_optim_state['state'] to be a dict mapping "
                           f"packed parameter ids to per-param state dicts, got "
                           f"{type(state).__name__}.")
    if any(isinstance(k, Tensor) for k in state):
        raise RuntimeError(f"{_NAME} requires optimizer.state_dict()-style state keyed by "
                           f"packed parameter ids.")
    if any(isinstance(k, int) and not isinstance(v, dict) for k, v in state.items()):
        raise RuntimeError(f"{_NAME} requires per-parameter optimizer state entries to be "
                           f"dictionaries.")
    groups = state_dict.get("param_groups")
    if not isinstance(groups, list):
        raise RuntimeError(f"{_NAME} requires swapin_optim_state['param_groups'] to be a list "
                           f"of param-group dicts, got {type(groups).__name__}.")
    if len(groups) != len(optimizer.param_groups):
        raise RuntimeError("swapin_optim_state has a different number of parameter groups "
                           "than the live optimizer.")
    flat, offset, seen, swaps = list(parameters.values()), 0, set(), []
    for i, (live, saved) in enumerate(zip(optimizer.param_groups, groups)):
        ids = _group_ids(i, live, saved)
        seen.update(ids)
        if offset + len(ids) > len(flat):
            raise RuntimeError(f"{_NAME} requires the explicit parameter state to match "
                               f"optimizer.param_groups ordering.")
        swaps.append((live, saved, flat[offset:offset + len(ids)]))
        offset += len(ids)
    extra = [k for k in state if k not in seen]
    if extra:
        raise RuntimeError(f"{_NAME} requires swapin_optim_state['state'] to be keyed only by "
                           f"packed parameter ids from param_groups[*]['params']; got extra "
                           f"keys {extra!r}.")
    return state, swaps


def _group_ids(i: int, live: dict, saved: Any) -> list[int]:
    """The packed ids of saved group ``i``, which must have the live group's keys and size."""
    if not isinstance(saved, dict):
        raise RuntimeError(f"{_NAME} requires each optimizer param group to be a dictionary.")
    ids = saved.get("params")
    if not isinstance(ids, list) or not all(isinstance(k, int) for k in ids):
        raise RuntimeError(f"{_NAME} requires optimizer.state_dict()-style "
                           f"param_groups[*]['params'] entries keyed by packed parameter ids.")
    if len(live["params"]) != len(ids):
        raise RuntimeError(f"swapin_optim_state param group {i} has a different number of "
                           f"params than the live optimizer param group.")
    only_saved = [k for k in saved if k not in live]
    only_live = [k for k in live if k not in saved]
    if only_saved or only_live:
        raise RuntimeError(f"{_NAME} requires optimizer.state_dict()-style param group keys to "
                           f"exactly match the live optimizer group keys for group {i}. Keys "
                           f"only in swap-in: {only_saved}. Keys only in live: {only_live}.")
    return ids
