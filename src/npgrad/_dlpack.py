"""The device of a DLPack capsule (``to_dlpack``'s output, which, unlike an array, has no
``__dlpack_device__`` to ask): the ``DLDevice`` inside the ``DLTensor`` the capsule points at,
read by the DLPack C ABI (dlpack.h: ``DLManagedTensor`` begins with its ``DLTensor``;
``DLManagedTensorVersioned`` has a version, a context, a deleter and flags before it; a
``DLTensor`` begins with its data pointer, then ``DLDevice {int32 device_type; int32
device_id}``)."""
from __future__ import annotations

import ctypes

KDL_CPU, KDL_CUDA, KDL_CUDA_HOST, KDL_CUDA_MANAGED = 1, 2, 3, 13

_PTR = ctypes.sizeof(ctypes.c_void_p)
# where the DLTensor starts, by capsule name (a consumed capsule is renamed: not listed)
_DLTENSOR_AT = {b"dltensor": 0, b"dltensor_versioned": 2 * 4 + 2 * _PTR + 8}

_get_name = ctypes.pythonapi.PyCapsule_GetName
_get_name.restype, _get_name.argtypes = ctypes.c_char_p, [ctypes.py_object]
_get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_get_pointer.restype, _get_pointer.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_char_p]


def device_field(capsule):
    """The ``(device_type, device_id)`` pair of an unconsumed DLPack capsule, as a (writable)
    ctypes array of two int32 over the capsule's memory; None for anything else (a consumed
    capsule, another object), which the importer then refuses with its own error."""
    if type(capsule).__name__ != "PyCapsule":
        return None
    name = _get_name(capsule)
    if name not in _DLTENSOR_AT:
        return None
    base = _get_pointer(capsule, name)
    return (ctypes.c_int32 * 2).from_address(base + _DLTENSOR_AT[name] + _PTR)
