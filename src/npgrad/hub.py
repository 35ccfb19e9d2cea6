"""``npgrad.hub``: PyTorch Hub's functions that work without a network.

npgrad downloads nothing. What already lies on disk works as in PyTorch: ``get_dir`` /
``set_dir`` name the same folder PyTorch uses (``$TORCH_HOME/hub``, by default
``~/.cache/torch/hub``), ``load(..., source='local')`` runs a local repository's
``hubconf.py``, and ``load_state_dict_from_url`` loads a checkpoint already in
``<hub dir>/checkpoints``. Anything that would fetch from GitHub or a URL raises an error
saying so.
"""
from __future__ import annotations

import importlib.util
import os
import sys
import warnings
from urllib.parse import urlparse

from .serialization import load as _load_file

__all__ = ["get_dir", "set_dir", "load", "list", "help", "load_state_dict_from_url",
           "download_url_to_file"]

_hub_dir: str | None = None


def _torch_home() -> str:
    """PyTorch's cache root: ``$TORCH_HOME``, else ``$XDG_CACHE_HOME/torch``, else
    ``~/.cache/torch``."""
    cache = os.getenv("XDG_CACHE_HOME", os.path.join("~", ".cache"))
    return os.path.expanduser(os.getenv("TORCH_HOME", os.path.join(cache, "torch")))


def get_dir() -> str:
    """The hub folder: the one given to :func:`set_dir`, else ``<torch home>/hub``."""
    if os.getenv("TORCH_HUB"):
        warnings.warn("TORCH_HUB is deprecated, please use env TORCH_HOME instead",
                      stacklevel=2)
    if _hub_dir is not None:
        return _hub_dir
    return os.path.join(_torch_home(), "hub")


def set_dir(d) -> None:
    """Use folder ``d`` (``~`` expanded) for the hub from now on."""
    global _hub_dir
    _hub_dir = os.path.expanduser(os.fspath(d))


def _no_network(what: str) -> RuntimeError:
    return RuntimeError(f"npgrad.hub.{what}: npgrad does not download anything (no network "
                        f"access, and no GitHub hub support). Clone the repository and use "
                        f"source='local', or put the checkpoint file in "
                        f"{os.path.join(get_dir(), 'checkpoints')} yourself.")


def _hubconf(repo_dir: str):
    path = os.path.join(repo_dir, "hubconf.py")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"Cannot find hubconf.py in {repo_dir}")
    spec = importlib.util.spec_from_file_location("hubconf", path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, repo_dir)  # hubconf imports the repository's own modules
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(repo_dir)
    return module


def _entry(module, model: str):
    fn = getattr(module, model, None)
    if fn is None or not callable(fn):
        raise RuntimeError(f"Cannot find callable {model} in hubconf")
    return fn


def _local(repo_or_dir: str, source: str, what: str) -> str:
    if source not in ("github", "local"):
        raise ValueError(f'Unknown source: "{source}". Allowed values: "github" | "local".')
    if source != "local":
        raise _no_network(what)
    return repo_or_dir


def load(repo_or_dir: str, model: str, *args, source: str = "github", trust_repo=None,
         force_reload: bool = False, verbose: bool = True, skip_validation: bool = False,
         **kwargs):
    """Build ``model`` from a repository's ``hubconf.py``: with ``source='local'`` from the
    folder ``repo_or_dir``; from GitHub it raises (no network)."""
    module = _hubconf(_local(repo_or_dir, source, "load"))
    return _entry(module, model)(*args, **kwargs)


def list(github: str, force_reload: bool = False, skip_validation: bool = False,  # noqa: A001
         trust_repo=None, verbose: bool = True, source: str = "github"):
    """The entry points of a repository's ``hubconf.py`` (``source='local'`` only)."""
    module = _hubconf(_local(github, source, "list"))
    return [name for name in dir(module)
            if callable(getattr(module, name)) and not name.startswith("_")]


def help(github: str, model: str, force_reload: bool = False,  # noqa: A001
         skip_validation: bool = False, trust_repo=None, source: str = "github") -> str:
    """The docstring of an entry point (``source='local'`` only)."""
    return _entry(_hubconf(_local(github, source, "help")), model).__doc__


def download_url_to_file(url: str, dst: str, hash_prefix=None, progress: bool = True) -> None:
    """Refuse: npgrad does not download."""
    raise _no_network("download_url_to_file")


def load_state_dict_from_url(url: str, model_dir: str | None = None, map_location=None,
                             progress: bool = True, check_hash: bool = False,
                             file_name: str | None = None, weights_only: bool = False):
    """Load the checkpoint that PyTorch would have downloaded from ``url``, if it is already in
    ``model_dir`` (default ``<hub dir>/checkpoints``) under its file name; else raise."""
    if model_dir is None:
        model_dir = os.path.join(get_dir(), "checkpoints")
    name = file_name or os.path.basename(urlparse(url).path)
    path = os.path.join(model_dir, name)
    if not os.path.exists(path):
        raise _no_network("load_state_dict_from_url") from FileNotFoundError(path)
    return _load_file(path, map_location=map_location, weights_only=weights_only)
