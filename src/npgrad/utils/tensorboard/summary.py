"""Summary protocol buffers for each kind of record (scalar, histogram, image, text,
hyper-parameters, graph), built from NumPy values on the ``tensorboard`` package's messages, in the
forms TensorBoard's plugins (and PyTorch's writer) use."""
from __future__ import annotations

import functools
import struct
import zlib

import numpy as np
from google.protobuf import struct_pb2
from tensorboard.compat.proto.attr_value_pb2 import AttrValue
from tensorboard.compat.proto.graph_pb2 import GraphDef
from tensorboard.compat.proto.node_def_pb2 import NodeDef
from tensorboard.compat.proto.summary_pb2 import HistogramProto, Summary, SummaryMetadata
from tensorboard.compat.proto.tensor_pb2 import TensorProto
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
from tensorboard.compat.proto.versions_pb2 import VersionDef
from tensorboard.plugins.hparams import api_pb2, plugin_data_pb2
from tensorboard.plugins.hparams import metadata as hparams_metadata

from ...tensor import Tensor


def as_array(value) -> np.ndarray:
    """A value (npgrad Tensor, NumPy array, anything with ``.numpy()``, number or list) as a
    NumPy array."""
    if isinstance(value, Tensor):
        return value.detach().numpy()
    if hasattr(value, "detach") and hasattr(value, "numpy"):  # e.g. a torch.Tensor
        return value.detach().cpu().numpy()
    return np.asarray(value)


def as_float(value) -> float:
    array = as_array(value)
    if array.size != 1:
        raise ValueError(f"scalar should be 0D, got an array of shape {array.shape}")
    return float(array.reshape(()))


# -- scalars ---------------------------------------------------------------------------------

def scalar(tag: str, value, new_style: bool = False, double_precision: bool = False) -> Summary:
    """A scalar: the classic ``simple_value`` form, or (``new_style``) a 0-d tensor under the
    scalars plugin."""
    value = as_float(value)
    if not new_style:
        return Summary(value=[Summary.Value(tag=tag, simple_value=value)])
    tensor = TensorProto(dtype="DT_DOUBLE" if double_precision else "DT_FLOAT")  # a 0-d shape
    if double_precision:
        tensor.double_val.append(value)
    else:
        tensor.float_val.append(value)
    meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="scalars"))
    return Summary(value=[Summary.Value(tag=tag, tensor=tensor, metadata=meta)])


# -- histograms ------------------------------------------------------------------------------

@functools.cache
def _tensorflow_edges() -> np.ndarray:
    """TensorFlow's default histogram bucket edges (PyTorch's too): +-1e-12 growing by 10%
    while below 1e20, and 0 in the middle."""
    positive, v = [], 1e-12
    while v < 1e20:
        positive.append(v)
        v *= 1.1  # by repeated products, as TensorFlow builds them (not 1.1 ** k)
    return np.array([-p for p in reversed(positive)] + [0.0] + positive)


def histogram(tag: str, values, bins="tensorflow", max_bins: int | None = None) -> Summary:
    """A histogram of ``values`` (flattened): ``bins`` as NumPy's ``histogram`` takes them, or
    'tensorflow' for TensorFlow's exponential buckets. ``max_bins`` merges neighbouring
    buckets in groups of ``n_buckets // max_bins``, as PyTorch does."""
    values = as_array(values).astype(np.float64).ravel()
    if values.size == 0:
        raise ValueError("The input has no element.")
    counts, edges = np.histogram(values, bins=_tensorflow_edges() if bins == "tensorflow"
                                 else bins)
    if max_bins is not None and len(counts) > max_bins:
        group = len(counts) // max_bins
        counts = np.pad(counts, (0, (-len(counts)) % group)).reshape(-1, group).sum(1)
        edges = np.concatenate([edges[:-1:group], edges[-1:]])
    # TensorBoard keeps only each bucket's right edge: the empty buckets at both ends are left
    # out, but one empty bucket is put before the first, so its left edge is shown too
    nonzero = np.flatnonzero(counts)
    first, last = (nonzero[0], nonzero[-1]) if nonzero.size else (0, len(counts) - 1)
    return Summary(value=[Summary.Value(tag=tag, histo=HistogramProto(
        min=values.min(), max=values.max(), num=values.size, sum=values.sum(),
        sum_squares=float(values @ values), bucket_limit=edges[first:last + 2].tolist(),
        bucket=[0.0] + counts[first:last + 1].astype(np.float64).tolist()))])


# -- images ----------------------------------------------------------------------------------

def to_hwc(image, dataformats: str) -> np.ndarray:
    """An image in any layout (``CHW``, ``HWC``, ``HW``, and with ``N`` a batch laid out as a
    grid of up to 8 columns) as height x width x 3 (or 4) uint8. Floats are taken in [0, 1],
    as PyTorch takes them."""
    array = as_array(image)
    dataformats = dataformats.upper()
    if len(set(dataformats)) != len(dataformats) or set(dataformats) - set("NCHW") or \
            array.ndim != len(dataformats):
        raise ValueError(f"size of input tensor and input format are different. tensor shape: "
                         f"{array.shape}, input_format: {dataformats}")
    if "C" not in dataformats:
        array, dataformats = array[..., None], dataformats + "C"
    if "N" not in dataformats:
        array, dataformats = array[None], "N" + dataformats
    array = array.transpose([dataformats.index(d) for d in "NHWC"])  # to NHWC
    if array.shape[-1] == 1:
        array = np.repeat(array, 3, axis=-1)
    scale = 1 if array.dtype == np.uint8 else 255
    array = np.clip(array.astype(np.float64) * scale, 0, 255).astype(np.uint8) \
        if scale != 1 else array
    n, h, w, c = array.shape
    cols = min(n, 8)
    rows = -(-n // cols)
    grid = np.zeros((rows * h, cols * w, c), np.uint8)
    for i in range(n):
        r, col = divmod(i, cols)
        grid[r * h:(r + 1) * h, col * w:(col + 1) * w] = array[i]
    return grid


def png(image: np.ndarray) -> bytes:
    """PNG bytes of an H x W x 3 (RGB) or 4 (RGBA) uint8 image: one IDAT chunk, no filter."""
    h, w, c = image.shape
    color_type = {3: 2, 4: 6}[c]

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = np.concatenate([np.zeros((h, 1), np.uint8), image.reshape(h, w * c)], axis=1)
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, color_type, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows.tobytes(), 6)) + chunk(b"IEND", b""))


def image(tag: str, hwc: np.ndarray) -> Summary:
    h, w, c = hwc.shape
    return Summary(value=[Summary.Value(tag=tag, image=Summary.Image(
        height=h, width=w, colorspace=c, encoded_image_string=png(hwc)))])


# -- text ------------------------------------------------------------------------------------

def text(tag: str, string: str) -> Summary:
    """Text (Markdown) under the text plugin, in the tag ``<tag>/text_summary`` as PyTorch."""
    meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="text"))
    tensor = TensorProto(dtype="DT_STRING", string_val=[string.encode("utf-8")],
                         tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=1)]))
    return Summary(value=[Summary.Value(tag=tag + "/text_summary", metadata=meta,
                                        tensor=tensor)])


# -- hyper-parameters ------------------------------------------------------------------------

def _hparam_value(name: str, value) -> tuple:
    """A hyper-parameter as (protobuf Value, HParams data type). NOTE: a bool is a number
    (True is 1.0), as PyTorch writes it: ``bool`` is a subclass of ``int``."""
    if isinstance(value, (int, float, np.number, Tensor)) or hasattr(value, "numpy"):
        return struct_pb2.Value(number_value=as_float(value)), api_pb2.DATA_TYPE_FLOAT64
    if isinstance(value, str):
        return struct_pb2.Value(string_value=value), api_pb2.DATA_TYPE_STRING
    raise ValueError(f"value should be one of int, float, str, bool, or torch.Tensor "
                     f"(hparam {name!r} is a {type(value).__name__})")


def _plugin_summary(tag: str, data: plugin_data_pb2.HParamsPluginData) -> Summary:
    meta = hparams_metadata.create_summary_metadata(data)
    return Summary(value=[Summary.Value(tag=tag, metadata=meta)])


def hparams(hparam_dict: dict, metric_dict: dict, domain_discrete: dict | None = None) -> tuple:
    """The three summaries of one HParams session: the experiment (hyper-parameters and
    metrics it has), the session's start (their values) and its end."""
    domain_discrete = domain_discrete or {}
    infos, start = [], plugin_data_pb2.SessionStartInfo()
    for name, value in hparam_dict.items():
        if value is None:
            continue
        proto, kind = _hparam_value(name, value)
        start.hparams[name].CopyFrom(proto)
        info = api_pb2.HParamInfo(name=name, type=kind)
        if name in domain_discrete:
            info.domain_discrete.extend(domain_discrete[name])
        infos.append(info)
    metrics = [api_pb2.MetricInfo(name=api_pb2.MetricName(tag=k)) for k in metric_dict]
    experiment = api_pb2.Experiment(hparam_infos=infos, metric_infos=metrics)
    end = plugin_data_pb2.SessionEndInfo(status=api_pb2.STATUS_SUCCESS)
    return (_plugin_summary(hparams_metadata.EXPERIMENT_TAG,
                            plugin_data_pb2.HParamsPluginData(experiment=experiment)),
            _plugin_summary(hparams_metadata.SESSION_START_INFO_TAG,
                            plugin_data_pb2.HParamsPluginData(session_start_info=start)),
            _plugin_summary(hparams_metadata.SESSION_END_INFO_TAG,
                            plugin_data_pb2.HParamsPluginData(session_end_info=end)))


# -- graphs ----------------------------------------------------------------------------------

def graph(nodes: list, edges: list) -> bytes:
    """A serialized ``GraphDef`` of an autograd graph walked by ``viz.build_graph``: one node
    per op (named by its kind: ``AddmmBackward0``), per parameter (its name, with ``/`` for
    ``.``, so TensorBoard folds a module's parameters together) and per input; each node lists
    the nodes that feed it, and carries its shape and dtype (or what it saved) as text."""
    names, defs = {}, []
    for nid, kind, label in nodes:
        first, _, rest = label.partition("\n")
        if kind == "op":
            op, name = first, f"{first}_{nid[1:]}"
        elif kind == "leaf":
            op = "Input" if first.startswith("input_") else "Parameter"
            name = first.replace(".", "/") if rest else f"leaf_{nid[1:]}"
        elif kind == "output":
            op, name = "Output", f"{first.replace(' ', '_') or 'output'}_{nid[1:]}"
        else:  # the summary of nodes left out
            op, name = "Omitted", f"omitted_{nid[1:]}"
        names[nid] = name
        defs.append(NodeDef(name=name, op=op,
                            attr={"attr": AttrValue(s=(rest or first).encode("utf-8"))}))
    inputs: dict = {}
    for a, b, _ in edges:
        inputs.setdefault(b, []).append(names[a])
    for (nid, _, _), node in zip(nodes, defs):
        node.input.extend(inputs.get(nid, []))
    return GraphDef(node=defs, versions=VersionDef(producer=22)).SerializeToString()
