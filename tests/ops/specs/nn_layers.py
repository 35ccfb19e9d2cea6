"""Specs: normalization, dropout, embedding and attention functions of nn.functional."""
import numpy as np

from ..harness import A, C, F, I, OpSpec

RM, RV = A(np.array([0.1, -0.2, 0.3])), A(np.array([1.0, 0.5, 2.0]))

SPECS = [
    OpSpec("nn.functional.linear", lambda lib, x, w, b: lib.nn.functional.linear(x, w, b),
           [[(3, 4), (5, 4), (5,)], [(2, 3, 4), (5, 4), (5,)], [(4,), (5, 4), (5,)],
            [(0, 4), (5, 4), (5,)]]),
    OpSpec("nn.functional.linear-nobias", lambda lib, x, w: lib.nn.functional.linear(x, w),
           [[(3, 4), (5, 4)]]),
    OpSpec("nn.functional.bilinear", lambda lib, a, b, w, c: lib.nn.functional.bilinear(
        a, b, w, c), [[(3, 2), (3, 4), (5, 2, 4), (5,)], [(2, 3, 2), (2, 3, 4), (5, 2, 4),
                                                          (5,)]]),
    OpSpec("nn.functional.layer_norm", lambda lib, x, w, b: lib.nn.functional.layer_norm(
        x, (4,), w, b), [[(3, 4), (4,), (4,)], [(2, 3, 4), (4,), (4,)]]),
    OpSpec("nn.functional.layer_norm-2d", lambda lib, x, w: lib.nn.functional.layer_norm(
        x, (3, 4), w, eps=1e-3), [[(2, 3, 4), (3, 4)]]),
    OpSpec("nn.functional.layer_norm-noaffine", lambda lib, x: lib.nn.functional.layer_norm(
        x, [5]), [[(2, 5)], [(0, 5)]]),
    OpSpec("nn.functional.rms_norm", lambda lib, x, w: lib.nn.functional.rms_norm(
        x, (4,), w), [[(3, 4), (4,)], [(2, 3, 4), (4,)]]),
    OpSpec("nn.functional.group_norm", lambda lib, x, w, b: lib.nn.functional.group_norm(
        x, 2, w, b), [[(2, 4, 3), (4,), (4,)], [(2, 4, 2, 2), (4,), (4,)]]),
    OpSpec("nn.functional.batch_norm", lambda lib, x, rm, rv, w, b:
           lib.nn.functional.batch_norm(x, rm, rv, w, b, training=True, momentum=0.2),
           [[(4, 3), RM, RV, (3,), (3,)], [(2, 3, 4), RM, RV, (3,), (3,)],
            [(2, 3, 2, 2), RM, RV, (3,), (3,)]]),
    OpSpec("nn.functional.batch_norm-eval", lambda lib, x, rm, rv, w, b:
           lib.nn.functional.batch_norm(x, rm, rv, w, b, training=False),
           [[(4, 3), RM, RV, (3,), (3,)], [(2, 3, 2, 2), RM, RV, (3,), (3,)]]),
    OpSpec("nn.functional.instance_norm", lambda lib, x, w, b:
           lib.nn.functional.instance_norm(x, weight=w, bias=b), [[(2, 3, 4), (3,), (3,)]]),
    OpSpec("nn.functional.normalize", lambda lib, x, p, d: lib.nn.functional.normalize(
        x, p, d), [[(3, 4), C(2.0), C(1)], [(3, 4), C(1.0), C(0)]]),
    OpSpec("nn.functional.dropout", lambda lib, x: lib.nn.functional.dropout(
        x, 0.3, training=False), [[(3, 4)]], covers=("nn.functional.alpha_dropout",
                                                      "nn.functional.dropout1d",
                                                      "nn.functional.dropout3d")),
    OpSpec("nn.functional.dropout-train", lambda lib, x: lib.nn.functional.dropout(x, 0.3),
           [[(3, 4)]], nondet_values=True, grad=False),
    OpSpec("nn.functional.dropout2d", lambda lib, x: lib.nn.functional.dropout2d(x, 0.5),
           [[(2, 3, 4, 4)]], nondet_values=True, grad=False),
    OpSpec("nn.functional.embedding", lambda lib, i, w: lib.nn.functional.embedding(i, w),
           [[I((5,), 0, 4), (4, 3)], [I((2, 3), 0, 4), (4, 3)]]),
    # the padding row gets no gradient by definition, so finite differences disagree there
    OpSpec("nn.functional.embedding-padding", lambda lib, i, w: lib.nn.functional.embedding(
        i, w, padding_idx=1), [[A(np.array([[0, 1, 1], [3, 2, 1]])), (4, 3)]],
           gradcheck=False),
    OpSpec("nn.functional.scaled_dot_product_attention", lambda lib, q, k, v:
           lib.nn.functional.scaled_dot_product_attention(q, k, v),
           [[(2, 3, 4), (2, 5, 4), (2, 5, 2)], [(1, 2, 3, 4), (1, 2, 3, 4), (1, 2, 3, 4)]]),
    OpSpec("nn.functional.scaled_dot_product_attention-causal", lambda lib, q, k, v:
           lib.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True, scale=0.3),
           [[(2, 3, 4), (2, 3, 4), (2, 3, 2)]]),
    OpSpec("nn.functional.scaled_dot_product_attention-mask", lambda lib, q, k, v, m:
           lib.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=m),
           [[(2, 3, 4), (2, 3, 4), (2, 3, 2), A(np.array([[True, False, True]] * 3))],
            [(2, 3, 4), (2, 3, 4), (2, 3, 2), F((3, 3), grad=True)]]),
]
