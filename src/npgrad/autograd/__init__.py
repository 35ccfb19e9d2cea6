"""Automatic differentiation: the engine's entry points, grad modes, custom Functions,
gradient checks and anomaly detection, under PyTorch's names."""
from .anomaly_mode import (detect_anomaly, is_anomaly_check_nan_enabled, is_anomaly_enabled,
                           set_detect_anomaly)
from .engine import backward, grad
from .function import Function
from .grad_mode import (enable_grad, enforce_grad_layout_policy, inference_mode,
                        is_grad_enabled, is_multithreading_enabled, is_view_replay_enabled,
                        no_grad, set_grad_enabled, set_multithreading_enabled)
from . import forward_ad, functional, graph, profiler, profiler_util
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .variable import Variable

__all__ = ["Function", "backward", "grad", "no_grad", "enable_grad", "set_grad_enabled",
           "inference_mode", "is_grad_enabled", "detect_anomaly", "set_detect_anomaly",
           "is_anomaly_enabled", "is_anomaly_check_nan_enabled", "gradcheck", "gradgradcheck",
           "GradcheckError", "Variable", "set_multithreading_enabled",
           "is_multithreading_enabled", "enforce_grad_layout_policy", "is_view_replay_enabled",
           "forward_ad", "functional", "graph", "profiler", "profiler_util"]
