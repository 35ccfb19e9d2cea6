"""``npgrad.optim``: optimizers with PyTorch's update rules, and learning-rate schedulers."""
from . import lr_scheduler, swa_utils  # noqa: F401
from .adafactor import Adafactor
from .adam import Adam, Adamax, AdamW, NAdam, RAdam
from .asgd import ASGD
from .lbfgs import LBFGS
from .muon import Muon
from .optimizer import Optimizer
from .rmsprop import Adadelta, Adagrad, RMSprop
from .rprop import Rprop
from .sgd import SGD
from .sparse_adam import SparseAdam
from .swap_in import swap_in_optimizer_params_and_state

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "RMSprop",
           "Adagrad", "Adadelta", "LBFGS", "Rprop", "ASGD", "Adafactor", "SparseAdam", "Muon",
           "swap_in_optimizer_params_and_state", "lr_scheduler", "swa_utils"]
