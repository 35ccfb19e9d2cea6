"""``SummaryWriter``: log scalars, histograms, images, text, figures and hyper-parameters to
TensorBoard event files, with ``torch.utils.tensorboard.SummaryWriter``'s methods.

Each record is a ``Summary`` (built in ``summary.py``) wrapped in an ``Event`` with its step
and wall time, and handed to the ``tensorboard`` package's ``EventFileWriter``, which queues
it and writes it from a background thread (every ``flush_secs``, or on ``flush``/``close``).
"""
from __future__ import annotations

import os
import socket
import time
from datetime import datetime

from tensorboard.compat.proto.event_pb2 import Event, SessionLog
from tensorboard.summary.writer.event_file_writer import EventFileWriter

from ...autograd.grad_mode import enable_grad
from ...tensor import Tensor
from .. import viz
from . import summary as summaries

__all__ = ["SummaryWriter"]


def _default_logdir(comment: str) -> str:
    """PyTorch's default: ``runs/<Mon>DD_HH-MM-SS_<host><comment>``."""
    stamp = datetime.now().strftime("%b%d_%H-%M-%S")
    return os.path.join("runs", f"{stamp}_{socket.gethostname()}{comment}")


def _tensors(out) -> list:
    """The tensors in a model's output: a tensor, or tuples, lists and dicts of them."""
    if isinstance(out, Tensor):
        return [out]
    if isinstance(out, dict):
        out = list(out.values())
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in _tensors(o)]
    return []


class SummaryWriter:
    """Write TensorBoard event files into ``log_dir`` (default
    ``runs/<date>_<host><comment>``); view them with ``tensorboard --logdir runs``.

    >>> with SummaryWriter("runs/exp1") as writer:
    ...     for step in range(100):
    ...         writer.add_scalar("loss/train", loss, step)
    """

    def __init__(self, log_dir: str | None = None, comment: str = "",
                 purge_step: int | None = None, max_queue: int = 10, flush_secs: int = 120,
                 filename_suffix: str = "") -> None:
        self.log_dir = os.fspath(log_dir) if log_dir else _default_logdir(comment)
        self.purge_step, self.max_queue = purge_step, max_queue
        self.flush_secs, self.filename_suffix = flush_secs, filename_suffix
        self._writer = self._open(self.log_dir)
        self._scalar_writers: dict[str, EventFileWriter] = {}  # add_scalars' runs
        if purge_step is not None:
            # TensorBoard drops the events of steps >= purge_step that came before this
            self._writer.add_event(Event(step=purge_step, wall_time=time.time(),
                                         session_log=SessionLog(status=SessionLog.START)))

    def _open(self, log_dir: str) -> EventFileWriter:
        return EventFileWriter(log_dir, self.max_queue, self.flush_secs, self.filename_suffix)

    def get_logdir(self) -> str:
        """The folder the event files go to."""
        return self.log_dir

    def _write(self, summary, global_step=None, walltime=None, writer=None) -> None:
        event = Event(summary=summary, wall_time=time.time() if walltime is None else walltime)
        if global_step is not None:
            event.step = int(summaries.as_float(global_step))
        (writer or self._writer).add_event(event)

    # -- records -----------------------------------------------------------------------------
    def add_scalar(self, tag: str, scalar_value, global_step=None, walltime=None,
                   new_style: bool = False, double_precision: bool = False) -> None:
        """Log one number (a Python or NumPy number, or a one-element tensor)."""
        self._write(summaries.scalar(tag, scalar_value, new_style, double_precision),
                    global_step, walltime)

    def add_scalars(self, main_tag: str, tag_scalar_dict: dict, global_step=None,
                    walltime=None) -> None:
        """Log several numbers on one chart: each key becomes its own run, in the folder
        ``<log_dir>/<main_tag>_<key>``, under the tag ``main_tag``."""
        walltime = time.time() if walltime is None else walltime
        for tag, value in tag_scalar_dict.items():
            run = os.path.join(self.log_dir, main_tag.replace("/", "_") + "_" + tag)
            writer = self._scalar_writers.get(run)
            if writer is None:
                writer = self._scalar_writers[run] = self._open(run)
            self._write(summaries.scalar(main_tag, value), global_step, walltime, writer)

    def add_histogram(self, tag: str, values, global_step=None, bins="tensorflow",
                      walltime=None, max_bins: int | None = None) -> None:
        """Log the distribution of ``values``; ``bins`` as ``numpy.histogram`` takes them, or
        'tensorflow' (the default, TensorFlow's exponential buckets)."""
        self._write(summaries.histogram(tag, values, bins, max_bins), global_step, walltime)

    def add_image(self, tag: str, img_tensor, global_step=None, walltime=None,
                  dataformats: str = "CHW") -> None:
        """Log an image: floats in [0, 1] or uint8 in [0, 255], laid out as ``dataformats``
        says (``CHW``, ``HWC``, ``HW``); one channel is shown grey."""
        hwc = summaries.to_hwc(img_tensor, dataformats)
        self._write(summaries.image(tag, hwc), global_step, walltime)

    def add_images(self, tag: str, img_tensor, global_step=None, walltime=None,
                   dataformats: str = "NCHW") -> None:
        """Log a batch of images as one grid (up to 8 a row)."""
        self.add_image(tag, img_tensor, global_step, walltime, dataformats)

    def add_figure(self, tag: str, figure, global_step=None, close: bool = True,
                   walltime=None) -> None:
        """Log a matplotlib figure (or a list of them, as a grid) as an image; ``close``
        closes the figures afterwards."""
        import numpy as np  # (a figure is a picture: only this method needs pixels)
        figures = figure if isinstance(figure, list) else [figure]
        pictures = []
        for fig in figures:
            fig.canvas.draw()
            pictures.append(np.asarray(fig.canvas.buffer_rgba())[..., :3].copy())
            if close:
                import matplotlib.pyplot as plt  # (only to close figures pyplot tracks)
                plt.close(fig)
        if isinstance(figure, list):
            self.add_images(tag, np.stack(pictures), global_step, walltime, "NHWC")
        else:
            self.add_image(tag, pictures[0], global_step, walltime, "HWC")

    def add_text(self, tag: str, text_string: str, global_step=None, walltime=None) -> None:
        """Log text (rendered as Markdown by TensorBoard)."""
        self._write(summaries.text(tag, text_string), global_step, walltime)

    def add_hparams(self, hparam_dict: dict, metric_dict: dict,
                    hparam_domain_discrete: dict | None = None, run_name: str | None = None,
                    global_step=None) -> None:
        """Log one run's hyper-parameters and its final metrics for TensorBoard's HParams
        table: written, as PyTorch does, to a sub-folder ``run_name`` (default: the time)."""
        if type(hparam_dict) is not dict or type(metric_dict) is not dict:
            raise TypeError("hparam_dict and metric_dict should be dictionary.")
        records = summaries.hparams(hparam_dict, metric_dict, hparam_domain_discrete)
        run = os.path.join(self.log_dir, run_name or str(time.time()))
        with SummaryWriter(run, max_queue=self.max_queue, flush_secs=self.flush_secs,
                           filename_suffix=self.filename_suffix) as writer:
            for record in records:
                writer._write(record, global_step)
            for name, value in metric_dict.items():
                writer.add_scalar(name, value, global_step)

    def add_graph(self, model, input_to_model=None, verbose: bool = False,
                  use_strict_trace: bool = True) -> None:
        """Log the graph of one forward pass of ``model`` on ``input_to_model`` (a tensor or a
        tuple of them) for TensorBoard's Graphs tab. NOTE: PyTorch traces the model with
        TorchScript; npgrad draws the autograd graph the call records (ops by their backward
        names, parameters by their names), the same graph ``npgrad.utils.viz`` draws."""
        inputs = input_to_model if isinstance(input_to_model, (tuple, list)) else \
            (() if input_to_model is None else (input_to_model,))
        # inputs become leaves of the graph (float ones), named input_0, input_1...
        leaves = tuple(t.detach().requires_grad_(t.is_floating_point())
                       if isinstance(t, Tensor) else t for t in inputs)
        names = dict(model.named_parameters()) if hasattr(model, "named_parameters") else {}
        names.update({f"input_{i}": t for i, t in enumerate(leaves) if isinstance(t, Tensor)})
        with enable_grad():
            out = model(*leaves)
        outs = [t for t in _tensors(out) if t.grad_fn is not None]
        nodes, edges = viz.build_graph(outs, names, show_saved=verbose, max_nodes=10_000)
        self._writer.add_event(Event(graph_def=summaries.graph(nodes, edges),
                                     wall_time=time.time()))

    # -- lifetime ----------------------------------------------------------------------------
    def _writers(self) -> list:
        return [self._writer, *self._scalar_writers.values()]

    def flush(self) -> None:
        """Write every queued record to disk now."""
        for writer in self._writers():
            writer.flush()

    def close(self) -> None:
        """Flush and close the event files; the writer takes no more records."""
        for writer in self._writers():
            writer.flush()
            writer.close()
        self._scalar_writers.clear()

    def __enter__(self) -> "SummaryWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
