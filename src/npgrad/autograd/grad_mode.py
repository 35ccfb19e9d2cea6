"""Grad modes: ``no_grad``, ``enable_grad``, ``set_grad_enabled``, ``inference_mode``.

The flag is thread-local, as in PyTorch: each thread starts with gradients enabled. Every
mode works as a context manager and as a decorator, and restores the previous state on exit,
so nesting is always correct.
"""
from __future__ import annotations

import builtins
import functools
import inspect
import threading


class _State(threading.local):
    enabled = True


STATE = _State()


class _Anomaly:
    """Anomaly detection's flags. Process-wide, as in PyTorch (whose grad mode is per thread
    but whose anomaly mode is one global flag); a plain object is also read faster than a
    thread-local one, and every op reads it."""

    __slots__ = ("enabled", "check_nan")

    def __init__(self) -> None:
        self.enabled, self.check_nan = False, True


ANOMALY = _Anomaly()


class _SavedHooks:
    """``autograd.graph.saved_tensors_hooks``' state: ``stack`` holds the ``(pack, unpack)``
    pairs entered (innermost last; only it applies), ``disabled`` the error message of an
    active ``disable_saved_tensors_hooks``. Process-wide, unlike PyTorch's per-thread stack:
    every op that saves a tensor reads it, and a plain object is read faster than a
    thread-local one (as ``ANOMALY``)."""

    __slots__ = ("stack", "disabled")

    def __init__(self) -> None:
        self.stack: list = []
        self.disabled: str | None = None


SAVED_HOOKS = _SavedHooks()


def is_grad_enabled() -> bool:
    """True when operations record a graph for autograd."""
    return STATE.enabled


class _GradMode:
    """Base of the grad modes. ``_mode`` is the state to set; None leaves it as it is."""

    _mode: bool | None = True

    def __enter__(self):
        # A stack, not one slot: the same instance may be entered again while active.
        self.__dict__.setdefault("_prevs", []).append(STATE.enabled)
        if self._mode is not None:
            STATE.enabled = self._mode
        return self

    def __exit__(self, *exc) -> None:
        STATE.enabled = self._prevs.pop()

    def __call__(self, fn):
        """Use the mode as a decorator: ``@npgrad.no_grad()``."""
        mode = self._mode
        if inspect.isgeneratorfunction(fn):
            return _wrap_generator(fn, mode)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            prev = STATE.enabled
            if mode is not None:
                STATE.enabled = mode
            try:
                return fn(*args, **kwargs)
            finally:
                STATE.enabled = prev
        return wrapper


def _wrap_generator(fn, mode):
    """As PyTorch: each step of a decorated generator runs in the mode; the caller's code
    between steps runs in the caller's mode."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        gen = fn(*args, **kwargs)
        send, exc = None, None
        while True:
            prev = STATE.enabled
            if mode is not None:
                STATE.enabled = mode
            try:
                item = gen.send(send) if exc is None else gen.throw(exc)
            except StopIteration as stop:
                return stop.value
            finally:
                STATE.enabled = prev
            send, exc = None, None
            try:
                send = yield item
            except GeneratorExit:
                gen.close()
                raise
            except BaseException as e:  # forward throw() into the wrapped generator
                exc = e
    return wrapper


def _maybe_bare_decorator(cls, mode, func):
    """Support ``@no_grad`` without parentheses, as PyTorch does."""
    self = object.__new__(cls)
    self._mode = mode
    return self(func) if callable(func) else self


class no_grad(_GradMode):
    """Context manager and decorator that disables graph recording.

    >>> with npgrad.no_grad():
    ...     y = x * 2          # y.requires_grad is False
    """

    def __new__(cls, func=None):
        return _maybe_bare_decorator(cls, False, func)

    def __init__(self, func=None):
        pass


class enable_grad(_GradMode):
    """Context manager and decorator that enables graph recording inside ``no_grad``."""

    def __new__(cls, func=None):
        return _maybe_bare_decorator(cls, True, func)

    def __init__(self, func=None):
        pass


class inference_mode(_GradMode):
    """Like :class:`no_grad` (npgrad has no separate inference tensors); ``mode=False`` is a
    no-op."""

    def __new__(cls, mode=True):
        if callable(mode):
            return _maybe_bare_decorator(cls, False, mode)
        return _maybe_bare_decorator(cls, False if mode else None, None)

    def __init__(self, mode=True):
        pass


class set_grad_enabled(_GradMode):
    """Set grad mode on or off; works as a function, a context manager and a decorator.

    >>> npgrad.set_grad_enabled(False)   # like torch, takes effect immediately
    """

    def __init__(self, mode: bool):
        self._prev = STATE.enabled
        self._mode = bool(mode)
        STATE.enabled = self._mode

    def __enter__(self):
        # __init__ already switched the mode; restore what was there before it on exit.
        self.__dict__.setdefault("_prevs", []).append(self._prev)
        STATE.enabled = self._mode
        return self

    def __call__(self, fn):
        # As a decorator it must not change the mode now: undo what __init__ did.
        STATE.enabled = self._prev
        return super().__call__(fn)


def is_inference_mode_enabled() -> builtins.bool:
    """False: ``inference_mode`` is ``no_grad`` in npgrad and is not tracked separately."""
    return False


# ---------------------------------------------------------------------------------------------
# Engine settings that npgrad's single-threaded, NumPy-only engine accepts but does not need
# ---------------------------------------------------------------------------------------------

class _EngineFlags(threading.local):
    multithreading = True
    grad_layout_enforced = True


_ENGINE_FLAGS = _EngineFlags()


class _FlagSetter:
    """Base of PyTorch's flag-setting context managers (``set_multithreading_enabled``...):
    the flag changes as soon as the object is made, ``with`` restores the old value on exit,
    and as a decorator each call runs under a fresh copy (PyTorch's behaviour, quirks kept)."""

    _flag = ""

    def __init__(self, mode: builtins.bool) -> None:
        self.prev = getattr(_ENGINE_FLAGS, self._flag)
        setattr(_ENGINE_FLAGS, self._flag, builtins.bool(mode))
        self.mode = mode

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc) -> None:
        setattr(_ENGINE_FLAGS, self._flag, self.prev)

    def clone(self):
        """A copy of this context manager (made anew, so it sets the flag again)."""
        return self.__class__(self.mode)

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.clone():
                return fn(*args, **kwargs)
        return wrapper


class set_multithreading_enabled(_FlagSetter):
    """Enable or disable multithreaded backward (a function, context manager or decorator).

    npgrad's backward always runs on the calling thread, so the flag is only recorded and
    reported by :func:`is_multithreading_enabled`."""

    _flag = "multithreading"


def is_multithreading_enabled() -> builtins.bool:
    """Whether multithreaded backward is enabled (see :class:`set_multithreading_enabled`)."""
    return _ENGINE_FLAGS.multithreading


class enforce_grad_layout_policy(_FlagSetter):
    """Whether accumulated gradients must follow their parameter's memory layout.

    npgrad makes every accumulated gradient a new C-contiguous array (its parameters are
    C-contiguous too), so the flag is only recorded."""

    _flag = "grad_layout_enforced"

    def __init__(self, enable: builtins.bool = True) -> None:
        super().__init__(enable)

    def __call__(self, fn):
        setattr(_ENGINE_FLAGS, self._flag, self.prev)  # (as a decorator: no change now)
        return super().__call__(fn)


def is_view_replay_enabled() -> builtins.bool:
    """True: after an in-place change to a view, npgrad always recomputes the view by
    replaying the ops that made it (its grad_fn is then e.g. ``SliceBackward0``), which is
    what PyTorch does only with view replay enabled (its default is ``AsStridedBackward0``,
    and this returns False there)."""
    return True
