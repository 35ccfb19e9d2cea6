"""npgrad's names against PyTorch 2.13's, namespace by namespace (issue #18).

For each namespace below, every public name of PyTorch's ``dir()`` must be in npgrad's, or be
excluded with a reason (``EXCLUDED``: what has no meaning for a NumPy CPU library), or be on
``NOT_YET`` (names still to build). ``NOT_YET`` may only shrink, and it is checked to be exact:
a name on it that npgrad now has fails the test too, so the list stays honest.

Some of PyTorch's names are not API at all and are left out by rule (``_noise``): modules a
namespace's source imports for itself (``math``, ``warnings``, ``torch``), typing helpers,
docstring fragments, classes re-exported from ``torch`` (``torch.special.Tensor``).

``python tests/test_api_coverage.py`` prints the coverage table (the README shows it). The
test compares in a fresh interpreter: ``dir(torch)`` grows with every torch submodule that
something imported (``torch.onnx``...), so within the test session it depends on test order.
"""
from __future__ import annotations

import functools
import json
import subprocess
import sys
import types

import pytest
import torch

import npgrad

NAMESPACES = ("", "Tensor", "nn", "nn.functional", "nn.init", "nn.utils", "nn.utils.rnn",
              "optim", "linalg", "special", "autograd", "utils.data", "distributions")

_TYPING_MODULES = ("typing", "typing_extensions", "collections.abc", "dataclasses")


def _words(text: str) -> frozenset:
    return frozenset(text.split())


# ---------------------------------------------------------------------------------------------
# Exclusions: namespace -> {reason: names}
# ---------------------------------------------------------------------------------------------

_QUANT = "quantization (quantized dtypes, qschemes, fake-quantize and FBGEMM kernels)"
_SPARSE = "sparse layout (COO/CSR/CSC/BSR/BSC tensors and their kernels)"
_COMPLEX = "needs complex numbers: later issue"
_VENDOR = "vendor backend (cuDNN, MIOpen, MKL-DNN, Vulkan, XPU, MPS, MTIA, IPU, XLA, Maia)"
_JIT = "TorchScript / C++ binding internals (IR, JIT types, script objects, dispatcher)"
_STORAGE = "storage classes (npgrad tensors wrap NumPy arrays, not storages)"
_REMOVED = "removed from PyTorch: the name only raises an error pointing to its replacement"
_COMPILE = "graph capture and compilation (torch.compile, export, fx, symbolic shapes)"
_BUILD = "build / loader internals of the PyTorch binary"
_TINY_DTYPES = "sub-byte, bit and float8 dtypes (no NumPy counterpart)"
_NESTED = "nested / jagged tensor layout"
_OVERRIDES = "__torch_function__ override machinery"

EXCLUDED: dict[str, dict[str, frozenset]] = {
    "": {
        _QUANT: _words("""
            choose_qparams_optimized dequantize empty_quantized fake_quantize_per_channel_affine
            fake_quantize_per_tensor_affine fbgemm_linear_fp16_weight
            fbgemm_linear_fp16_weight_fp32_activation fbgemm_linear_int8_weight
            fbgemm_linear_int8_weight_fp32_activation fbgemm_linear_quantize_weight
            fbgemm_pack_gemm_matrix_fp16 fbgemm_pack_quantized_matrix
            fused_moving_avg_obs_fake_quant int_repr per_channel_affine
            per_channel_affine_float_qparams per_channel_symmetric per_tensor_affine
            per_tensor_symmetric q_per_channel_axis q_per_channel_scales
            q_per_channel_zero_points q_scale q_zero_point qint32 qint8 qscheme quint2x4
            quint4x2 quint8 quantize_per_channel quantize_per_tensor quantize_per_tensor_dynamic
            quantized_batch_norm quantized_gru quantized_gru_cell quantized_lstm
            quantized_lstm_cell quantized_max_pool1d quantized_max_pool2d quantized_max_pool3d
            quantized_rnn_relu_cell quantized_rnn_tanh_cell ao quantization"""),
        _SPARSE: _words("""
            sparse sparse_bsc sparse_bsr sparse_coo sparse_csc sparse_csr sparse_bsc_tensor
            sparse_bsr_tensor sparse_compressed_tensor sparse_coo_tensor sparse_csc_tensor
            sparse_csr_tensor ccol_indices_copy col_indices_copy crow_indices_copy
            row_indices_copy indices_copy values_copy dsmm hsmm hspmm smm spmm saddmm sspaddmm
            resize_as_sparse_ native_norm"""),
        _NESTED: _words("nested jagged"),
        _COMPLEX: _words("""
            complex complex128 complex64 complex32 cdouble cfloat chalf polar imag
            view_as_complex view_as_complex_copy view_as_real view_as_real_copy stft istft
            fft"""),
        _VENDOR: _words("""
            cudnn_affine_grid_generator cudnn_batch_norm cudnn_convolution
            cudnn_convolution_add_relu cudnn_convolution_relu cudnn_convolution_transpose
            cudnn_grid_sampler cudnn_is_acceptable miopen_batch_norm miopen_convolution
            miopen_convolution_add_relu miopen_convolution_relu miopen_convolution_transpose
            miopen_ctc_loss miopen_depthwise_convolution miopen_rnn mkldnn_adaptive_avg_pool2d
            mkldnn_convolution mkldnn_linear_backward_weights mkldnn_max_pool2d
            mkldnn_max_pool3d mkldnn_rnn_layer is_vulkan_available mps mtia xpu
            get_autocast_ipu_dtype get_autocast_xla_dtype is_autocast_ipu_enabled
            is_autocast_xla_enabled set_autocast_ipu_dtype set_autocast_ipu_enabled
            set_autocast_xla_dtype set_autocast_xla_enabled"""),
        _JIT: _words("""
            AVG SUM AggregationType AliasDb AnyType Argument ArgumentSpec AwaitType
            BenchmarkConfig BenchmarkExecutionStats Block BoolType BufferDict CallStack Capsule
            ClassType Code CompilationUnit CompleteArgumentSpec ComplexType ConcreteModuleType
            ConcreteModuleTypeBuilder DeepCopyMemoTable DeserializationStorageContext
            DeviceObjType DictType DispatchKey DispatchKeySet EnumType ErrorReport
            ExcludeDispatchKeyGuard ExecutionPlan FileCheck FloatType FunctionSchema Future
            FutureType Gradient Graph GraphExecutorState IODescriptor InferredType IntType
            InterfaceType JITException ListType LiteScriptModule LockingLogger LoggerBase
            ModuleDict Node NoneType NoopLogger NumberType OperatorInfo OptionalType
            ParameterDict PyObjectType PyTorchFileReader PyTorchFileWriter RRefType ScriptClass
            ScriptClassFunction ScriptDict ScriptDictIterator ScriptDictKeyIterator ScriptList
            ScriptListIterator ScriptMethod ScriptModule ScriptModuleSerializer ScriptObject
            ScriptObjectProperty ScriptFunction SerializationStorageContext StaticModule
            StreamObjType StringType SymBoolType SymIntType Tag TensorType ThroughputBenchmark
            TracingState TupleType Type UnionType Use Value PRIVATE_OPS classes
            import_ir_module import_ir_module_from_buffer merge_type_from_type_comment parse_ir
            parse_schema parse_type_comment unify_type_list fork wait futures
            DisableTorchFunction DisableTorchFunctionSubclass"""),
        _OVERRIDES: _words("overrides"),
        _STORAGE: _words("""
            BFloat16Storage BoolStorage ByteStorage CharStorage ComplexDoubleStorage
            ComplexFloatStorage DoubleStorage FloatStorage HalfStorage IntStorage LongStorage
            QInt32Storage QInt8Storage QUInt2x4Storage QUInt4x2Storage QUInt8Storage
            ShortStorage Storage StorageBase TypedStorage UntypedStorage storage"""),
        _REMOVED: _words("eig lstsq solve symeig"),
        _COMPILE: _words("""
            SymBool SymFloat SymInt sym_constrain_range sym_constrain_range_for_size sym_float
            sym_fresh_size sym_int sym_ite sym_max sym_min sym_not sym_sqrt sym_sum compiler
            export fx cond while_loop package"""),
        _BUILD: _words("""
            TYPE_CHECKING USE_GLOBAL_DEPS USE_RTLD_GLOBAL_WITH_LIBTORCH compiled_with_cxx11_abi
            get_file_path prepare_multiprocessing_environment
            profiler_allow_cudagraph_cupti_lazy_reinit_cuda12 classproperty init_num_threads
            cpp windows"""),
        _TINY_DTYPES: _words("""
            bit bits16 bits1x8 bits2x4 bits4x2 bits8 float4_e2m1fn_x2 float8_e4m3fn
            float8_e4m3fnuz float8_e5m2 float8_e5m2fnuz float8_e8m0fnu int1 int2 int3 int4 int5
            int6 int7 uint1 uint2 uint3 uint4 uint5 uint6 uint7"""),
        "kernels of SyncBatchNorm's multi-device path (statistics gathered across devices)":
            _words("""
            batch_norm_backward_elemt batch_norm_backward_reduce batch_norm_elemt
            batch_norm_gather_stats batch_norm_gather_stats_with_counts batch_norm_stats
            batch_norm_update_stats"""),
    },
    "Tensor": {
        _QUANT: _words("""dequantize int_repr is_quantized q_per_channel_axis
            q_per_channel_scales q_per_channel_zero_points q_scale q_zero_point qscheme"""),
        _SPARSE: _words("""
            ccol_indices col_indices crow_indices row_indices coalesce is_coalesced dense_dim
            sparse_dim indices values is_sparse is_sparse_csr sparse_mask sparse_resize_
            sparse_resize_and_clear_ to_sparse to_sparse_bsc to_sparse_bsr to_sparse_coo
            to_sparse_csc to_sparse_csr smm sspaddmm resize_as_sparse_"""),
        _NESTED: _words("is_nested to_padded_tensor"),
        _COMPLEX: _words("cdouble cfloat chalf stft istft"),
        _VENDOR: _words("""ipu is_ipu is_maia is_mkldnn is_mps is_mtia is_vulkan is_xla is_xpu
            mtia xpu to_mkldnn record_stream"""),
        _STORAGE: _words("storage storage_type untyped_storage set_ is_set_to"),
        _REMOVED: _words("eig lstsq solve symeig"),
        "legacy Lua-torch / Variable leftovers that raise in PyTorch 2": _words(
            "map2_ reinforce volatile"),
        "functorch.dim first-class dimensions (binds positions to Dim objects)": _words(
            "index"),
    },
    "nn": {
        _QUANT: _words("qat quantizable quantized intrinsic"),
        "typing aliases and an undocumented helper of PyTorch's module constructors": _words(
            "common_types factory_kwargs"),
    },
    "nn.functional": {
        _JIT: _words("BroadcastingList1 BroadcastingList2 BroadcastingList3 boolean_dispatch"),
        _OVERRIDES: _words("""handle_torch_function has_torch_function has_torch_function_unary
            has_torch_function_variadic"""),
        "typing alias or flag": _words("DType TYPE_CHECKING"),
        "undocumented argument check of PyTorch's F.fold/F.unfold": _words("assert_int_or_pair"),
        "float8 scaled matmul for GPUs (its options and kernels)": _words(
            "scaled_mm scaled_grouped_mm ScalingType SwizzleType"),
    },
    "linalg": {
        _COMPLEX: _words("eig eigvals"),
    },
    "nn.utils.rnn": {
        "undocumented helpers that copy Tensor methods onto PackedSequence": _words(
            "bind copy_method_params"),
    },
    "autograd": {
        _OVERRIDES: _words("handle_torch_function has_torch_function is_tensor_like"),
        "the Kineto / legacy profiler's C++ types (no profiler backend in npgrad)": _words(
            "DeviceType ProfilerActivity ProfilerConfig ProfilerEvent ProfilerState "
            "kineto_available profiler_legacy"),
        _JIT: _words("SavedTensor NestedIOFunction"),
    },
    "utils.data": {
        "DataPipes: deprecated in PyTorch and kept only for torchdata": _words("""
            DFIterDataPipe DataChunk IterDataPipe MapDataPipe argument_validation datapipes
            functional_datapipe graph graph_settings guaranteed_datapipes_determinism
            non_deterministic runtime_validation runtime_validation_disabled"""),
    },
}


# ---------------------------------------------------------------------------------------------
# Names still to build: namespace -> names. This list may only shrink.
# ---------------------------------------------------------------------------------------------

NOT_YET: dict[str, frozenset] = {
    "": _words(""),
    "Tensor": _words(""),
    "nn": _words(""),
    "nn.functional": _words(""),
}


# ---------------------------------------------------------------------------------------------
# The comparison
# ---------------------------------------------------------------------------------------------

def _resolve(root, namespace: str):
    obj = root
    for part in namespace.split(".") if namespace else ():
        obj = getattr(obj, part, None)
    return obj


def _noise(namespace: str, name: str, obj) -> str | None:
    """Why a name of PyTorch's namespace is not API at all, or None when it is."""
    where = "torch" + ("." + namespace if namespace else "")
    if isinstance(obj, types.ModuleType):
        if obj.__name__ != f"{where}.{name}" and not obj.__name__.startswith(where + "."):
            return "a module the namespace's source imports for itself"
        return None
    if getattr(obj, "__module__", None) in _TYPING_MODULES:
        return "typing helper"
    if isinstance(obj, (dict, str)):
        return "docstring fragment"
    if namespace and isinstance(obj, type) and getattr(torch, name, None) is obj:
        return f"re-export of torch.{name}"
    return None


def _excluded(namespace: str) -> dict[str, str]:
    return {name: reason for reason, names in EXCLUDED.get(namespace, {}).items()
            for name in names}


def compare(namespace: str) -> dict:
    """PyTorch's API names of ``namespace`` (less the excluded ones), those npgrad has, and
    those it lacks."""
    theirs = _resolve(torch, namespace)
    ours = _resolve(npgrad, namespace)
    excluded = _excluded(namespace)
    names = {n for n in dir(theirs) if not n.startswith("_")
             and _noise(namespace, n, getattr(theirs, n)) is None and n not in excluded}
    have = {n for n in dir(ours) if not n.startswith("_")} if ours is not None else set()
    return {"api": names, "have": names & have, "missing": names - have,
            "excluded": {n for n in excluded if hasattr(theirs, n)}}


def table() -> str:
    """The coverage table: namespace, names npgrad has, PyTorch's (less exclusions), percent."""
    rows = ["| namespace | npgrad | PyTorch 2.13 | % | excluded | not yet |",
            "|---|---:|---:|---:|---:|---:|"]
    for ns in NAMESPACES:
        c = compare(ns)
        pct = 100 * len(c["have"]) / max(len(c["api"]), 1)
        rows.append(f"| `torch{'.' + ns if ns else ''}` | {len(c['have'])} | {len(c['api'])} | "
                    f"{pct:.0f}% | {len(c['excluded'])} | {len(c['missing'])} |")
    return "\n".join(rows)


@functools.lru_cache(maxsize=None)
def _fresh() -> dict:
    """``compare`` of every namespace, run right after ``import torch, npgrad`` in a new
    interpreter (see the module docstring)."""
    out = subprocess.run([sys.executable, __file__, "--json"], capture_output=True, text=True,
                         timeout=300, check=True).stdout
    return {ns: {k: set(v) for k, v in c.items()} for ns, c in json.loads(out).items()}


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_every_name_is_there_excluded_or_not_yet(namespace):
    missing = _fresh()[namespace]["missing"]
    not_yet = NOT_YET.get(namespace, frozenset())
    unlisted = sorted(missing - not_yet)
    assert not unlisted, (f"torch.{namespace}: names neither in npgrad, EXCLUDED nor NOT_YET "
                          f"(build them, or exclude them with a reason): {unlisted}")
    done = sorted(not_yet - missing)
    assert not done, (f"torch.{namespace}: names on NOT_YET that npgrad now has (or PyTorch "
                      f"lacks): remove them from NOT_YET: {done}")


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_exclusions_name_pytorch_names(namespace):
    """An exclusion for a name PyTorch does not have is a typo, or a name gone from PyTorch."""
    theirs = _resolve(torch, namespace)
    stale = sorted(n for n in _excluded(namespace) if not hasattr(theirs, n))
    assert not stale, f"torch.{namespace}: excluded names PyTorch does not have: {stale}"


def test_print_table(capsys):
    with capsys.disabled():
        print("\n" + table())


if __name__ == "__main__":
    if "--json" in sys.argv:
        print(json.dumps({ns: {k: sorted(v) for k, v in compare(ns).items()}
                          for ns in NAMESPACES}))
    elif "--not-yet" in sys.argv:  # the current missing names, to paste into NOT_YET
        for ns in NAMESPACES:
            print(f'    "{ns}": _words("""{" ".join(sorted(compare(ns)["missing"]))}"""),')
    else:
        print(table())
