"""``npgrad.utils.tensorboard``: ``SummaryWriter``, which writes TensorBoard event files
through the ``tensorboard`` package (``pip install tensorboard``), as
``torch.utils.tensorboard`` does; without the package, or with one older than 1.15, importing
this raises the same error as PyTorch's."""
import tensorboard


def _version(text: str) -> tuple:
    parts = []
    for part in text.split(".")[:2]:
        digits = "".join(c for c in part if c.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


if _version(getattr(tensorboard, "__version__", "0")) < (1, 15):
    raise ImportError("TensorBoard logging requires TensorBoard version 1.15 or above")

del tensorboard

from .writer import SummaryWriter  # noqa: E402  (once the package is known to be usable)

__all__ = ["SummaryWriter"]
