"""``npgrad.library``: define custom ops and call them as ``torch.ops.<namespace>.<name>``,
as ``torch.library``.

Two ways, as PyTorch's: ``@custom_op("mylib::op", mutates_args=())`` on a function with type
annotations (its schema is inferred), or ``Library("mylib", "DEF")`` with ``define(schema)``
and ``impl(name, fn, dispatch_key)``. A kernel gets Tensors and returns Tensors.

Gradients: ``register_autograd(backward, setup_context=...)`` gives the op PyTorch's generated
autograd node (``setup_context(ctx, inputs, output)`` saves what ``backward(ctx, *grads)``
needs). Without it, an output of an op called on tensors that require grad still requires
grad, and backward through it raises PyTorch's error. A ``CompositeImplicitAutograd`` kernel
is differentiated through the npgrad ops it calls instead.

``register_fake`` keeps an op's fake (shape-only) implementation, which PyTorch uses for
tracing; npgrad has no fake tensors, so it is kept for ``opcheck``-style use only.
"""
from __future__ import annotations

import collections.abc
import inspect
import re
import types
import typing
from typing import Callable

from .autograd import engine as _engine
from .autograd.function import Function
from .autograd.grad_mode import STATE
from .backend import device_of
from .dtypes import dtype as _dtype
from .ops.custom import NAMESPACES
from .tensor import Tensor

__all__ = ["Library", "CustomOpDef", "custom_op", "define", "impl", "register_fake",
           "impl_abstract", "register_kernel", "register_autograd", "infer_schema",
           "get_ctx", "fallthrough_kernel", "opcheck", "OpCheckError"]

_KINDS = ("DEF", "IMPL", "FRAGMENT")
_AUTOGRAD_KEYS = ("Autograd", "AutogradCPU", "AutogradCUDA", "CompositeImplicitAutograd")


# ---------------------------------------------------------------------------------------------
# Schemas: "name(Tensor x, float a=1.0) -> Tensor", inferred from annotations or parsed
# ---------------------------------------------------------------------------------------------

def _type_name(annotation, param: str, fn_sig) -> str:
    """The schema type of a Python annotation (PyTorch's table)."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType) and type(None) in args and len(args) == 2:
        inner = next(a for a in args if a is not type(None))
        return _type_name(inner, param, fn_sig) + "?"
    if origin in (list, collections.abc.Sequence) and args:
        return _type_name(args[0], param, fn_sig) + "[]"
    table = {Tensor: "Tensor", int: "SymInt", float: "float", bool: "bool", str: "str",
             _dtype: "ScalarType", type(None): "()"}
    if annotation in table:
        return table[annotation]
    if getattr(annotation, "__name__", "") == "device":
        return "Device"
    raise ValueError(f"infer_schema(func): Parameter {param} has unsupported type "
                     f"{annotation}. Got func with signature {fn_sig})")


def _default_text(value, param: str, fn_sig) -> str:
    if value is None or isinstance(value, (bool, int, float)):
        return str(value)
    if isinstance(value, str):
        return f'"{value}"'
    raise ValueError(f"infer_schema(func): Parameter {param} has an unsupported default value "
                     f"type {type(value)}. Please file an issue on GitHub so we can prioritize "
                     f"this. Got func with signature {fn_sig})")


def infer_schema(prototype_function: Callable, /, *, mutates_args, op_name: str | None = None
                 ) -> str:
    """The schema of a function from its type annotations: ``(Tensor x, float a=1.0) ->
    Tensor``; parameters named in ``mutates_args`` (or all Tensors for ``"unknown"``) get
    an alias annotation ``(a<i>!)``."""
    sig = inspect.signature(prototype_function)
    hints = typing.get_type_hints(prototype_function)
    parts, kw_only_started = [], False
    for i, (name, p) in enumerate(sig.parameters.items()):
        if name not in hints:
            raise ValueError(f"infer_schema(func): Parameter {name} must have a type "
                             f"annotation. Got func with signature {sig})")
        text = _type_name(hints[name], name, sig)
        if mutates_args == "unknown":
            mutated = text.startswith("Tensor")
        else:
            mutated = name in tuple(mutates_args)
        if mutated:
            if not text.startswith("Tensor"):
                raise ValueError(f"infer_schema(func): Parameter {name} is in mutable_args but "
                                 f"only Tensors or collections of Tensors can be mutated Got "
                                 f"func with signature {sig})")
            text = text.replace("Tensor", f"Tensor(a{i}!)", 1)
        if p.kind is p.KEYWORD_ONLY and not kw_only_started:
            parts.append("*")
            kw_only_started = True
        default = "" if p.default is p.empty else "=" + _default_text(p.default, name, sig)
        parts.append(f"{text} {name}{default}")
    ret = hints.get("return", type(None))
    if typing.get_origin(ret) is tuple:
        out = "(" + ", ".join(_type_name(a, "return", sig) for a in typing.get_args(ret)) + ")"
    else:
        out = _type_name(ret, "return", sig)
    return (op_name or "") + f"({', '.join(parts)}) -> {out}"


def _split_top(text: str) -> list:
    """Split at commas outside brackets."""
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    return out + ([cur.strip()] if cur.strip() else [])


def _parse_default(text: str):
    table = {"None": None, "True": True, "False": False}
    if text in table:
        return table[text]
    if text.startswith(("'", '"')):
        return text[1:-1]
    if text.startswith("["):
        return [_parse_default(t) for t in _split_top(text[1:-1])]
    try:
        return int(text)
    except ValueError:
        return float(text)


class _Schema:
    """A parsed schema: the op name, its overload, and its arguments' names and defaults."""

    _RE = re.compile(r"^\s*([\w.]*)\s*\((.*)\)\s*->\s*(.+)$")

    def __init__(self, text: str) -> None:
        match = self._RE.match(text)
        if match is None:
            raise RuntimeError(f"Failed to parse the schema: {text!r}")
        full, args, self.returns = match.groups()
        self.name, _, self.overload = full.partition(".")
        self.args, self.defaults, self.kw_only, self.mutated = [], {}, set(), set()
        kw = False
        for part in _split_top(args):
            if part == "*":
                kw = True
                continue
            decl, _, default = part.partition("=")
            type_text, name = decl.rsplit(None, 1)
            self.args.append(name)
            if "!" in type_text:
                self.mutated.add(name)
            if kw:
                self.kw_only.add(name)
            if default:
                self.defaults[name] = _parse_default(default.strip())
        self.text = text.strip()

    def bind(self, qualname: str, args: tuple, kwargs: dict) -> tuple:
        """All arguments in schema order (defaults filled in), as PyTorch passes them."""
        if len(args) > len(self.args):
            raise TypeError(f"{qualname}() expected at most {len(self.args)} argument(s) but "
                            f"received {len(args)} argument(s). Declaration: {self.text}")
        values = dict(zip(self.args, args))
        for name, value in kwargs.items():
            if name not in self.args or name in values:
                raise TypeError(f"{qualname}() got an unexpected keyword argument '{name}'")
            values[name] = value
        for name in self.args:
            if name not in values:
                if name not in self.defaults:
                    raise TypeError(f"{qualname}() is missing value for argument '{name}'. "
                                    f"Declaration: {self.text}")
                values[name] = self.defaults[name]
        return tuple(values[name] for name in self.args)


# ---------------------------------------------------------------------------------------------
# Ops: torch.ops.<namespace>.<name>(.<overload>)
# ---------------------------------------------------------------------------------------------

class OpOverload:
    """One overload of a custom op (``torch.ops.mylib.foo.default``): its schema and
    kernels, and the call that dispatches to them."""

    def __init__(self, namespace: str, name: str, schema: _Schema) -> None:
        self._namespace, self._opname, self._schema = namespace, name, schema
        self._overloadname = schema.overload or "default"
        self._kernels: dict = {}      # "cpu" / "cuda" / "composite" / "autograd" -> fn
        self._custom = False          # defined by custom_op (its autograd node is generated)
        self.fake = None
        self.backward = self.setup_context = None
        self._node = _generated_node(self)

    @property
    def _qualified_op_name(self) -> str:
        return f"{self._namespace}::{self._opname}"

    def name(self) -> str:
        return self._qualified_op_name + ("" if self._overloadname == "default"
                                          else f".{self._overloadname}")

    def __str__(self) -> str:
        return f"{self._namespace}.{self._opname}.{self._overloadname}"

    def __repr__(self) -> str:
        return (f"<OpOverload(op='{self._namespace}.{self._opname}', "
                f"overload='{self._overloadname}')>")

    def _kernel_for(self, args: tuple) -> tuple:
        """(kernel, whether it is differentiated through its own ops)."""
        device = next((device_of(a._data).type for a in args if isinstance(a, Tensor)), "cpu")
        for key, through in ((device, False), ("backend", False), ("autograd", True),
                             ("composite", True)):
            if key in self._kernels:
                return self._kernels[key], through
        raise NotImplementedError(f"Could not run '{self._qualified_op_name}' with arguments "
                                  f"from the '{device.upper()}' backend: no kernel was "
                                  f"registered for it.")

    def __call__(self, *args, **kwargs):
        inputs = self._schema.bind(self.name(), args, kwargs)
        kernel, through = self._kernel_for(inputs)
        needs_node = STATE.enabled and any(isinstance(a, Tensor) and a.requires_grad
                                           for a in inputs)
        if through or not needs_node:
            out = kernel(*inputs)
        else:
            out = self._node.apply(kernel, *inputs)
        for name, value in zip(self._schema.args, inputs):
            if name in self._schema.mutated and isinstance(value, Tensor):
                value._bump()  # the kernel wrote into it
        return out


def _generated_node(op: OpOverload) -> type:
    """The autograd node of ``op``, named as PyTorch's generated one; it calls the op's
    registered ``setup_context`` and ``backward``."""
    def forward(ctx, kernel, *inputs):
        out = kernel(*inputs)
        if op.setup_context is not None:
            op.setup_context(ctx, inputs, out)
        return out

    def backward(ctx, *grads):
        if op.backward is None:
            raise RuntimeError(f"Trying to backward through {op._namespace}.{op._opname}."
                               f"{op._overloadname} but no autograd formula was registered. "
                               f"Please use register_autograd to add one.")
        result = op.backward(ctx, *grads)
        result = result if isinstance(result, tuple) else (result,)
        return (None,) + tuple(result)

    name = f"GeneratedBackwardFor_{op._namespace}_{op._opname}_{op._overloadname}"
    return type(name, (Function,), {"forward": staticmethod(forward),
                                    "backward": staticmethod(backward)})


class OpOverloadPacket:
    """All overloads of one custom op name (``torch.ops.mylib.foo``); calling it calls the
    default overload."""

    def __init__(self, namespace: str, name: str) -> None:
        self._namespace, self._opname, self._overloads = namespace, name, {}

    @property
    def _qualified_op_name(self) -> str:
        return f"{self._namespace}::{self._opname}"

    def overloads(self) -> list:
        return list(self._overloads)

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self._overloads[name]
        except KeyError:
            raise AttributeError(f"The underlying op of '{self._namespace}.{self._opname}' "
                                 f"has no overload name '{name}'") from None

    def __call__(self, *args, **kwargs):
        return self.default(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self._namespace}.{self._opname}"

    def __repr__(self) -> str:
        return f"<OpOverloadPacket(op='{self._namespace}.{self._opname}')>"


class _OpNamespace:
    """``torch.ops.<namespace>``: its ops as attributes."""

    def __init__(self, name: str) -> None:
        self.name, self._ops = name, {}

    def __getattr__(self, op: str):
        if op.startswith("__"):
            raise AttributeError(op)
        try:
            return self._ops[op]
        except KeyError:
            raise AttributeError(f"'_OpNamespace' '{self.name}' object has no attribute "
                                 f"'{op}'") from None


def _lookup(qualname) -> OpOverload:
    """The overload a ``"ns::name(.overload)"`` string, packet or CustomOpDef names."""
    if isinstance(qualname, CustomOpDef):
        return qualname._op
    if isinstance(qualname, OpOverload):
        return qualname
    if isinstance(qualname, OpOverloadPacket):
        return qualname.default
    namespace, name, overload = _split_qualname(qualname)
    try:
        return getattr(NAMESPACES[namespace]._ops[name], overload or "default")
    except (KeyError, AttributeError):
        raise RuntimeError(f"operator {qualname} does not exist") from None


def _split_qualname(qualname: str) -> tuple:
    namespace, sep, rest = qualname.partition("::")
    if not sep or not namespace or not rest:
        raise ValueError(f"Expected there to be a namespace in {qualname}, i.e. The operator "
                         f"name should look something like ns::foo")
    name, _, overload = rest.partition(".")
    return namespace, name, overload


def _define(namespace: str, schema_text: str, replace: bool = False) -> OpOverload:
    """Define an op; ``replace`` (``custom_op`` again under one name, as PyTorch allows)
    gives an existing op the new schema and forgets its kernels and autograd."""
    schema = _Schema(schema_text)
    ns = NAMESPACES.setdefault(namespace, _OpNamespace(namespace))
    packet = ns._ops.setdefault(schema.name, OpOverloadPacket(namespace, schema.name))
    overload = schema.overload or "default"
    if overload in packet._overloads:
        if not replace:
            raise RuntimeError(f"Tried to register an operator ({namespace}::"
                               f"{schema.text}) with the same name and overload name multiple "
                               f"times. Each overload's schema should only be registered with "
                               f"a single call to def().")
        packet._overloads[overload].__init__(namespace, schema.name, schema)
        return packet._overloads[overload]
    op = OpOverload(namespace, schema.name, schema)
    packet._overloads[overload] = op
    return op


def _kernel_key(dispatch_key: str) -> str:
    """Where a kernel registered under a PyTorch dispatch key goes."""
    key = dispatch_key or "CompositeImplicitAutograd"
    if key in ("CPU", "cpu"):
        return "cpu"
    if key in ("CUDA", "cuda"):
        return "cuda"
    if key == "CompositeImplicitAutograd":
        return "composite"
    if key in _AUTOGRAD_KEYS:
        return "autograd"
    if key == "CompositeExplicitAutograd":
        return "backend"
    if key == "Meta":
        return "meta"
    raise ValueError(f"impl: npgrad has no dispatch key {key!r} (it has CPU, CUDA, "
                     f"CompositeImplicitAutograd, CompositeExplicitAutograd, Autograd, Meta)")


# ---------------------------------------------------------------------------------------------
# The public API
# ---------------------------------------------------------------------------------------------

class Library:
    """A set of ops in namespace ``ns``: ``kind`` "DEF" (defines the namespace: once per
    process), "FRAGMENT" (adds definitions to it) or "IMPL" (adds kernels only)."""

    _defined: set = set()

    def __init__(self, ns: str, kind: str, dispatch_key: str = "") -> None:
        if kind not in _KINDS:
            raise ValueError(f"Unsupported kind: {kind}")
        if kind == "DEF" and ns in Library._defined:
            raise RuntimeError(f"Only a single TORCH_LIBRARY can be used to register the "
                               f"namespace {ns}; please put all of your definitions in a single "
                               f"TORCH_LIBRARY block.  If you were trying to specify "
                               f"implementations, consider using TORCH_LIBRARY_IMPL (which can "
                               f"be duplicated).")
        if kind == "DEF":
            Library._defined.add(ns)
        self.ns, self.kind, self.dispatch_key = ns, kind, dispatch_key

    def __repr__(self) -> str:
        return f"Library(kind={self.kind}, ns={self.ns}, dispatch_key={self.dispatch_key})>"

    def define(self, schema: str, alias_analysis: str = "", *, tags=()) -> str:
        """Define an op from its schema (``"foo(Tensor x) -> Tensor"``); returns its name."""
        if self.kind == "IMPL":
            raise RuntimeError("define(): a Library of kind IMPL cannot define ops")
        return _define(self.ns, schema)._opname

    def impl(self, op_name, fn: Callable, dispatch_key: str = "", *,
             with_keyset: bool = False) -> None:
        """Register ``fn`` as the kernel of op ``op_name`` (of this namespace) for
        ``dispatch_key`` ('CPU', 'CUDA', 'CompositeImplicitAutograd', 'Autograd'...)."""
        name = op_name if isinstance(op_name, str) else op_name.name()
        qualname = name if "::" in name else f"{self.ns}::{name}"
        key = _kernel_key(dispatch_key or self.dispatch_key)
        op = _lookup(qualname)
        if key == "meta":
            op.fake = fn
        else:
            op._kernels[key] = fn

    def _destroy(self) -> None:
        Library._defined.discard(self.ns)


def fallthrough_kernel() -> None:
    """A dummy kernel to register as a fallthrough (PyTorch's marker)."""
    raise NotImplementedError("fallthrough_kernel() should never be called.")


def define(qualname: str, schema: str, *, lib: Library | None = None, tags=()) -> None:
    """Define op ``qualname`` ("ns::name") with ``schema`` (its arguments and returns:
    ``"(Tensor x) -> Tensor"``)."""
    namespace, name, _ = _split_qualname(qualname)
    _define(namespace, name + schema)


def impl(qualname, types, func: Callable | None = None, *, lib: Library | None = None):
    """Register ``func`` as the kernel of ``qualname`` for the device ``types`` ('cpu',
    'cuda', or a dispatch key); as a decorator without ``func``."""
    def register(fn: Callable) -> Callable:
        op = _lookup(qualname)
        keys = [types] if isinstance(types, str) else list(types)
        for key in keys:
            kernel_key = _kernel_key(key)
            if kernel_key == "meta":
                op.fake = fn
            else:
                op._kernels[kernel_key] = fn
        return fn
    return register if func is None else register(func)


def register_kernel(op, device_types, func: Callable | None = None, /, *,
                    lib: Library | None = None):
    """Register ``func`` as the kernel of ``op`` for ``device_types`` ('cpu', 'cuda', a
    list of them, or None for all)."""
    return impl(op, "CompositeExplicitAutograd" if device_types is None else device_types,
                func)


def register_fake(op, func: Callable | None = None, /, *, lib: Library | None = None,
                  _stacklevel: int = 1, allow_override: bool = False):
    """Keep ``func`` as the fake (shape and dtype only) implementation of ``op``."""
    def register(fn: Callable) -> Callable:
        _lookup(op).fake = fn
        return fn
    return register if func is None else register(func)


def impl_abstract(qualname, func: Callable | None = None, *, lib: Library | None = None,
                  _stacklevel: int = 1):
    """The former name of :func:`register_fake`."""
    return register_fake(qualname, func, lib=lib)


def register_autograd(op, backward: Callable, /, *, setup_context: Callable | None = None,
                      lib: Library | None = None) -> None:
    """Make ``op`` differentiable: ``setup_context(ctx, inputs, output)`` runs after the
    forward, ``backward(ctx, *grads)`` returns one gradient per input (None for
    non-Tensors)."""
    target = _lookup(op)
    target.backward, target.setup_context = backward, setup_context


def get_ctx():
    """The context of a fake implementation; npgrad runs none (it has no fake tensors)."""
    raise RuntimeError("get_ctx() called outside of a fake (abstract) implementation")


class CustomOpDef:
    """What ``@custom_op`` returns: the op, callable, with ``register_fake``,
    ``register_kernel`` and ``register_autograd`` as methods."""

    def __init__(self, namespace: str, name: str, schema: str, fn: Callable) -> None:
        self._namespace, self._name, self._init_fn = namespace, name, fn
        self._op = _define(namespace, name + schema, replace=True)
        self._op._kernels["backend"] = fn
        self._op._custom = True

    def __repr__(self) -> str:
        return f"<CustomOpDef({self._namespace}::{self._name})>"

    def __call__(self, *args, **kwargs):
        return self._op(*args, **kwargs)

    def register_fake(self, fn: Callable) -> Callable:
        self._op.fake = fn
        return fn

    def register_kernel(self, device_types, fn: Callable | None = None):
        return register_kernel(self._op, device_types, fn)

    def register_autograd(self, backward: Callable, /, *,
                          setup_context: Callable | None = None) -> None:
        register_autograd(self._op, backward, setup_context=setup_context)


def custom_op(name: str, fn: Callable | None = None, /, *, mutates_args, device_types=None,
              schema: str | None = None, tags=None):
    """Make ``fn`` a custom op ``name`` ("ns::op"), callable as ``torch.ops.ns.op`` too; its
    schema comes from ``fn``'s annotations unless given. As a decorator without ``fn``."""
    def wrap(func: Callable) -> CustomOpDef:
        namespace, opname, _ = _split_qualname(name)
        text = schema if schema is not None else infer_schema(func, mutates_args=mutates_args)
        op = CustomOpDef(namespace, opname, text, func)
        if device_types is not None:
            del op._op._kernels["backend"]
            op.register_kernel(device_types, func)
        return op
    return wrap if fn is None else wrap(fn)


# ---------------------------------------------------------------------------------------------
# opcheck: the tests PyTorch runs on a custom op's registrations
# ---------------------------------------------------------------------------------------------

class OpCheckError(Exception):
    """An ``opcheck`` test failed (PyTorch's class of the same name)."""


_OPCHECK_TESTS = ("test_schema", "test_autograd_registration", "test_faketensor",
                  "test_aot_dispatch_dynamic")


def _tensors(out) -> list:
    return [o for o in (out if isinstance(out, (tuple, list)) else (out,))
            if isinstance(o, Tensor)]


def _test_schema(op: OpOverload, display: str, inputs: tuple) -> None:
    """No argument the schema does not declare mutable is changed by the op."""
    before = {n: a._data.copy() for n, a in zip(op._schema.args, inputs)
              if isinstance(a, Tensor) and n not in op._schema.mutated}
    op(*inputs)
    for name, a in zip(op._schema.args, inputs):
        if name in before and not (before[name].shape == a._data.shape and (
                (before[name] == a._data) | (before[name] != before[name])).all()):
            raise RuntimeError(f"Argument {name} is not defined as mutable but was mutated")


def _test_autograd_registration(op: OpOverload, display: str, inputs: tuple) -> None:
    """An op called on tensors that require grad has a way to differentiate it."""
    if not any(isinstance(a, Tensor) and a.requires_grad for a in inputs):
        return
    if op._custom or op.backward is not None or {"autograd", "composite"} & set(op._kernels):
        return
    raise RuntimeError(f"{op.name()}: an autograd kernel was not registered for this op, but "
                       f"it is called on tensors that require grad (use register_autograd)")


def _test_faketensor(op: OpOverload, display: str, inputs: tuple) -> None:
    """A fake implementation exists and gives the real outputs' shapes and dtypes."""
    if op.fake is None:
        raise RuntimeError(f"There was no fake impl registered for {display}. This is "
                           f"necessary for torch.compile/export/fx tracing to work. Please use "
                           f"`{op._opname}.register_fake` to add an fake impl.")
    real, fake = _tensors(op(*inputs)), _tensors(op.fake(*inputs))
    got = [(tuple(t.shape), t.dtype) for t in fake]
    want = [(tuple(t.shape), t.dtype) for t in real]
    if got != want:
        raise RuntimeError(f"{display}: the fake impl's outputs (shapes and dtypes {got}) differ "
                           f"from the op's ({want})")


def _test_aot_dispatch_dynamic(op: OpOverload, display: str, inputs: tuple) -> None:
    """The op runs forward and backward (PyTorch runs both through its AOT tracer; npgrad
    has none, so it runs them eagerly)."""
    outs = [o for o in _tensors(op(*inputs)) if o.requires_grad]
    if outs:
        _engine.backward(outs, [o.new_ones(o.shape) for o in outs])


def opcheck(op, args: tuple, kwargs: dict | None = None, *, test_utils=_OPCHECK_TESTS,
            raise_exception: bool = True, atol=None, rtol=None) -> dict:
    """Run PyTorch's checks of a custom op's registrations on one call: the schema's
    mutability, the autograd registration, the fake implementation, forward and backward.
    Returns ``{test: "SUCCESS" or the exception}``; with ``raise_exception`` the first
    failure raises :class:`OpCheckError`."""
    target = _lookup(op)
    display = repr(op) if isinstance(op, CustomOpDef) else str(target)
    inputs = target._schema.bind(target.name(), tuple(args), dict(kwargs or {}))
    tests = {"test_schema": _test_schema,
             "test_autograd_registration": _test_autograd_registration,
             "test_faketensor": _test_faketensor,
             "test_aot_dispatch_dynamic": _test_aot_dispatch_dynamic}
    names = (test_utils,) if isinstance(test_utils, str) else tuple(test_utils)
    results = {}
    for name in names:
        if name not in tests:
            raise ValueError(f"Got an unknown test_utils {name!r}; expected one of "
                             f"{list(tests)}")
        try:
            tests[name](target, display, inputs)
            results[name] = "SUCCESS"
        except Exception as e:  # noqa: BLE001 (each failure is reported, as PyTorch's)
            if raise_exception:
                raise OpCheckError(f"opcheck(op, ...): {name} failed with {e} (scroll up "
                                   f"for stack trace)") from e
            results[name] = e
    return results
