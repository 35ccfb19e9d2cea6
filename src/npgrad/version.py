"""``npgrad.version``: what a CPU-only PyTorch build's ``torch.version`` says about its build, for
the programs that print it (``torch.version.cuda`` is None without CUDA)."""
from __future__ import annotations

__all__ = ["__version__", "cuda", "debug", "git_version", "hip", "rocm", "xpu"]

__version__ = "0.1.0"
cuda: str | None = None   # no CUDA toolkit behind npgrad (a CuPy backend will set it)
hip: str | None = None
rocm: str | None = None
xpu: str | None = None
debug = False
git_version = "unknown"
