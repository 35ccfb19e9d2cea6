"""``npgrad.backends``: PyTorch's ``torch.backends`` switches and questions, with a CPU-only
PyTorch build's answers (no CUDA, cuDNN or MPS). The switches scripts set
(``torch.backends.cudnn.benchmark = True``...) keep what is assigned and check it as PyTorch
does; they change nothing in npgrad's results. One submodule per PyTorch submodule, so
``import torch.backends.cudnn`` resolves."""
from . import cuda, cudnn, mkldnn, mps, openmp, opt_einsum

__all__ = ["cuda", "cudnn", "mkldnn", "mps", "openmp", "opt_einsum"]
