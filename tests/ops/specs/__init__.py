"""The op table: every module here defines ``SPECS``, a list of ``OpSpec``, one module per op
family as ``npgrad/ops/`` has one sub-package per family (``elementwise.py`` holds the specs of
``npgrad/ops/elementwise/``...)."""
import importlib
import pkgutil

ALL_SPECS = []
for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    ALL_SPECS.extend(importlib.import_module(f"{__name__}.{_info.name}").SPECS)
