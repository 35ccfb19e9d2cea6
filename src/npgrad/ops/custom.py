"""The namespaces of custom ops, ``torch.ops.<namespace>.<op>``.

``npgrad.library`` defines the ops (``custom_op``, ``Library.define``) and files each
namespace here; ``npgrad.ops`` answers ``npgrad.ops.<namespace>`` from this table (the
package's own modules, the built-in op families, come first).
"""
from __future__ import annotations

NAMESPACES: dict = {}  # namespace name -> its op namespace object (npgrad.library._OpNamespace)
