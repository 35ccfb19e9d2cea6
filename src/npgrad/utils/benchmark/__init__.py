"""``npgrad.utils.benchmark``: time Python statements as ``torch.utils.benchmark`` does
(``Timer``, ``Measurement``). npgrad times Python only: no C++ snippets, no Callgrind."""
from .measurement import Measurement, TaskSpec, select_unit, trim_sigfig, unit_to_english
from .timer import Language, Timer, timer

__all__ = ["Language", "Measurement", "TaskSpec", "Timer", "select_unit", "timer",
           "trim_sigfig", "unit_to_english"]
