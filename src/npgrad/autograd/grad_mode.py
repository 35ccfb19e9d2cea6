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
