"""``npgrad.onnx``: importable, so programs that import it at the top run; npgrad has no ONNX
exporter yet, and ``export`` says so."""
from __future__ import annotations

__all__ = ["export", "is_in_onnx_export", "OnnxExporterError"]


class OnnxExporterError(RuntimeError):
    """An ONNX export failed (``torch.onnx.OnnxExporterError``)."""


def is_in_onnx_export() -> bool:
    """False: npgrad never runs a model for an ONNX export (models branch on this)."""
    return False


def export(model, args=(), f=None, **kwargs):
    """Refuse clearly: npgrad cannot write ONNX files yet."""
    raise OnnxExporterError(
        "npgrad.onnx.export: npgrad has no ONNX exporter yet. To get an ONNX file, run the same "
        "model class in PyTorch with the weights saved by npgrad.save(model.state_dict(), path) "
        "and export it there.")


def dynamo_export(model, *args, **kwargs):
    """Refuse clearly, as :func:`export`."""
    export(model)
