"""L-BFGS (Liu & Nocedal), with PyTorch's algorithm, defaults and stopping rules.

It needs a ``closure`` that re-evaluates the model and returns the loss. The parameters are
treated as one flat vector; the inverse Hessian is approximated from the last
``history_size`` steps with the two-loop recursion. ``line_search_fn='strong_wolfe'`` picks
each step length with a line search satisfying the strong Wolfe conditions.
"""
from __future__ import annotations

import numpy as np

from ..autograd.grad_mode import enable_grad, no_grad
from ..tensor import Tensor
from .optimizer import Optimizer


def _cubic_min(x1, f1, g1, x2, f2, g2, bounds=None) -> float:
    """Minimiser of the cubic that interpolates (x1, f1, g1) and (x2, f2, g2)."""
    lo, hi = bounds if bounds is not None else (min(x1, x2), max(x1, x2))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_sq = d1 * d1 - g1 * g2
    if d2_sq >= 0:
        d2 = np.sqrt(d2_sq)
        x = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)) if x1 <= x2 else \
            x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        return float(min(max(x, lo), hi))
    return (lo + hi) / 2.0


def _strong_wolfe(evaluate, x, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9,
                  max_ls=25):
    """Step length ``t`` along ``d`` with sufficient decrease and curvature (N&W 3.5-3.6).

    ``evaluate(x, t, d)`` returns (loss, flat gradient) at ``x + t d``.
    """
    d_norm = np.abs(d).max()
    f_new, g_new = evaluate(x, t, d)
    evals = 1
    gtd_new = g_new.dot(d)
    t_prev, f_prev, g_prev, gtd_prev = 0.0, f, g, gtd
    done = False
    it = 0
    while it < max_ls:
        if f_new > f + c1 * t * gtd or (it > 1 and f_new >= f_prev):
            bracket, bf, bg, bgtd = [t_prev, t], [f_prev, f_new], [g_prev, g_new], \
                [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bf, bg = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, bf, bg, bgtd = [t_prev, t], [f_prev, f_new], [g_prev, g_new], \
                [gtd_prev, gtd_new]
            break
        lo, hi = t + 0.01 * (t - t_prev), t * 10
        t_next = _cubic_min(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, (lo, hi))
        t_prev, f_prev, g_prev, gtd_prev = t, f_new, g_new.copy(), gtd_new
        t = t_next
        f_new, g_new = evaluate(x, t, d)
        evals += 1
        gtd_new = g_new.dot(d)
        it += 1
    if it == max_ls:
        bracket, bf, bg = [0.0, t], [f, f_new], [g, g_new]
        bgtd = [gtd, gtd_new]
    insuf = False
    lo_i, hi_i = (0, 1) if bf[0] <= bf[-1] else (1, 0)
    while not done and it < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_min(bracket[0], bf[0], bgtd[0], bracket[1], bf[1], bgtd[1])
        lo, hi = min(bracket), max(bracket)
        eps = 0.1 * (hi - lo)
        if min(hi - t, t - lo) < eps:
            if insuf or t >= hi or t <= lo:
                t = hi - eps if abs(t - hi) < abs(t - lo) else lo + eps
                insuf = False
            else:
                insuf = True
        else:
            insuf = False
        f_new, g_new = evaluate(x, t, d)
        evals += 1
        gtd_new = g_new.dot(d)
        it += 1
        if f_new > f + c1 * t * gtd or f_new >= bf[lo_i]:
            bracket[hi_i], bf[hi_i], bg[hi_i], bgtd[hi_i] = t, f_new, g_new.copy(), gtd_new
            lo_i, hi_i = (0, 1) if bf[0] <= bf[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[hi_i] - bracket[lo_i]) >= 0:
                bracket[hi_i], bf[hi_i], bg[hi_i], bgtd[hi_i] = bracket[lo_i], bf[lo_i], \
                    bg[lo_i], bgtd[lo_i]
            bracket[lo_i], bf[lo_i], bg[lo_i], bgtd[lo_i] = t, f_new, g_new.copy(), gtd_new
    t = bracket[lo_i]
    return bf[lo_i], bg[lo_i], t, evals


class LBFGS(Optimizer):
    """Limited-memory BFGS; call ``step(closure)`` with a closure that computes the loss,
    calls ``backward()`` and returns the loss."""

    def __init__(self, params, lr: float = 1, max_iter: int = 20, max_eval: int | None = None,
                 tolerance_grad: float = 1e-7, tolerance_change: float = 1e-9,
                 history_size: int = 100, line_search_fn: str | None = None) -> None:
        if line_search_fn not in (None, "strong_wolfe"):
            raise RuntimeError("only 'strong_wolfe' is supported")
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        super().__init__(params, dict(lr=lr, max_iter=max_iter, max_eval=max_eval,
                                      tolerance_grad=tolerance_grad,
                                      tolerance_change=tolerance_change,
                                      history_size=history_size,
                                      line_search_fn=line_search_fn))
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]

    def _dtype(self) -> np.dtype:
        """The flat vectors' dtype: the parameters' (PyTorch computes in it too)."""
        return np.result_type(*(p._data.dtype for p in self._params))

    def _flat_grad(self) -> np.ndarray:
        dtype = self._dtype()
        return np.concatenate([np.zeros_like(p._data, dtype, shape=p.numel())
                               if p.grad is None else p.grad._data.reshape(-1).astype(dtype)
                               for p in self._params])

    def _flat_params(self) -> np.ndarray:
        dtype = self._dtype()
        return np.concatenate([p._data.reshape(-1).astype(dtype) for p in self._params])

    def _load(self, state: dict) -> tuple:
        """The saved search state as arrays of the parameters' dtype (the state holds tensors,
        as PyTorch's, so a state_dict loads into either library)."""
        dtype = self._dtype()

        def array(v):
            return v._data.astype(dtype, copy=False) if isinstance(v, Tensor) else v
        t = state.get("t")
        return (array(state.get("d")), float(t) if isinstance(t, Tensor) else t,
                [array(v) for v in state.get("old_dirs", [])],
                [array(v) for v in state.get("old_stps", [])],
                [array(v) for v in state.get("ro", [])], array(state.get("H_diag", 1.0)),
                array(state.get("prev_flat_grad")), state.get("prev_loss"))

    @staticmethod
    def _store(state: dict, ref: np.ndarray, d, t, old_dirs, old_stps, ro, h_diag, prev_g,
               prev_loss) -> None:
        def tensor(v):
            return Tensor._make(np.full_like(ref, v, shape=()) if np.ndim(v) == 0 else v)
        state.update(d=tensor(d), t=t, old_dirs=[tensor(v) for v in old_dirs],
                     old_stps=[tensor(v) for v in old_stps], ro=[tensor(v) for v in ro],
                     H_diag=tensor(h_diag), prev_flat_grad=tensor(prev_g),
                     prev_loss=prev_loss)

    def _set_params(self, flat: np.ndarray) -> None:
        start = 0
        for p in self._params:
            n = p.numel()
            self._write(p, flat[start:start + n].reshape(p.shape))
            start += n

    # L-BFGS's state tensors are flat vectors over all parameters (checked below), not one
    # value per element of the first parameter
    _SCALAR_STATE = Optimizer._SCALAR_STATE | {"d", "prev_flat_grad", "H_diag", "al"}

    def _check_step(self) -> None:
        """The other optimizers' checks (options that are numbers), and L-BFGS's own state:
        its flat vectors (a loaded state_dict) must have one element per parameter element,
        or the update would fail halfway through."""
        super()._check_step()
        n = sum(p.numel() for p in self._params)
        state = self.state.get(self._params[0], {})
        vectors = [(k, state.get(k)) for k in ("d", "prev_flat_grad")]
        vectors += [(f"{k}[{i}]", v) for k in ("old_dirs", "old_stps")
                    for i, v in enumerate(state.get(k, []))]
        for key, v in vectors:
            shape = tuple(getattr(v, "shape", ()))
            if v is not None and shape != (n,):
                raise RuntimeError(f"LBFGS.step(): state '{key}' has shape {shape}, but the "
                                   f"parameters have {n} elements in all")

    def step(self, closure):  # type: ignore[override]
        """One optimisation step (up to ``max_iter`` iterations); returns the first loss."""
        if closure is None:
            raise RuntimeError("LBFGS requires a closure that reevaluates the model")
        group = self.param_groups[0]
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tol_grad, tol_change = group["tolerance_grad"], group["tolerance_change"]
        history = group["history_size"]
        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        def evaluate():
            with enable_grad():
                return float(closure())

        with enable_grad():
            orig_loss = closure()
        self._check_step()
        loss = float(orig_loss)
        evals = 1
        state["func_evals"] += 1
        g = self._flat_grad()
        if np.abs(g).max() <= tol_grad:
            return orig_loss
        d, t, old_dirs, old_stps, ro, h_diag, prev_g, prev_loss = self._load(state)
        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d = -g
                old_dirs, old_stps, ro, h_diag = [], [], [], 1.0
            else:
                y, s = g - prev_g, d * t
                ys = y.dot(s)
                if ys > 1e-10:
                    if len(old_dirs) == history:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    h_diag = ys / y.dot(y)
                q = -g
                al = [0.0] * len(old_dirs)
                for i in range(len(old_dirs) - 1, -1, -1):
                    al[i] = old_stps[i].dot(q) * ro[i]
                    q = q - al[i] * old_dirs[i]
                d = q * h_diag
                for i in range(len(old_dirs)):
                    d = d + old_stps[i] * (al[i] - old_dirs[i].dot(d) * ro[i])
            prev_g, prev_loss = g.copy(), loss
            t = min(1.0, 1.0 / np.abs(g).sum()) * lr if state["n_iter"] == 1 else lr
            gtd = g.dot(d)
            if gtd > -tol_change:
                break
            ls_evals = 0
            if group["line_search_fn"] == "strong_wolfe":
                x0 = self._flat_params()

                def at(x, step, direction):
                    self._set_params(x + step * direction)
                    value = evaluate()
                    return value, self._flat_grad()
                loss, g, t, ls_evals = _strong_wolfe(at, x0, t, d, loss, g, gtd)
                self._set_params(x0 + t * d)
            else:
                with no_grad():
                    self._set_params(self._flat_params() + t * d)
                if n_iter != max_iter:
                    loss = evaluate()
                    g = self._flat_grad()
                    ls_evals = 1
            evals += ls_evals
            state["func_evals"] += ls_evals
            if n_iter == max_iter or evals >= max_eval:
                break
            if np.abs(g).max() <= tol_grad:
                break
            if np.abs(d * t).max() <= tol_change or abs(loss - prev_loss) < tol_change:
                break
        self._store(state, g, d, t, old_dirs, old_stps, ro, h_diag, prev_g, prev_loss)
        return orig_loss
