"""Specs: loss functions of nn.functional (issue 4)."""
import numpy as np

from ..harness import A, C, F, I, OpSpec

R = ("none", "mean", "sum")


def _f(name):
    return lambda lib, *a, **kw: getattr(lib.nn.functional, name)(*a, **kw)


def _reductions(name, args, **kw):
    return [OpSpec(f"nn.functional.{name}" + ("" if r == "mean" else f"-{r}"),
                   (lambda r: lambda lib, *a: getattr(lib.nn.functional, name)(
                       *a, reduction=r, **kw))(r), args) for r in R]


W = A(np.array([0.2, 1.0, 2.0, 0.5]))
SPECS = [
    *_reductions("mse_loss", [[(3, 4), (3, 4)], [(2, 3, 2), (2, 3, 2)]]),
    *_reductions("l1_loss", [[(3, 4), (3, 4)]]),
    *_reductions("smooth_l1_loss", [[(3, 4), (3, 4)]], beta=0.5),
    *_reductions("huber_loss", [[(3, 4), (3, 4)]], delta=0.7),
    *_reductions("cross_entropy", [[(5, 4), I((5,), 0, 4)], [(2, 4, 3), I((2, 3), 0, 4)],
                                   [(4,), A(np.array(2))]]),
    OpSpec("nn.functional.cross_entropy-weight-ignore", lambda lib, x, t, w:
           lib.nn.functional.cross_entropy(x, t, weight=w, ignore_index=1),
           [[(6, 4), I((6,), 0, 4), W]]),
    OpSpec("nn.functional.cross_entropy-smoothing", lambda lib, x, t, w, r:
           lib.nn.functional.cross_entropy(x, t, weight=w, label_smoothing=0.2, reduction=r,
                                           ignore_index=0),
           [[(6, 4), I((6,), 0, 4), W, C("mean")], [(6, 4), I((6,), 0, 4), W, C("none")],
            [(2, 4, 3), I((2, 3), 0, 4), C(None), C("sum")]]),
    OpSpec("nn.functional.cross_entropy-probs", lambda lib, x, p, r:
           lib.nn.functional.cross_entropy(x, lib.nn.functional.softmax(p, 1), reduction=r,
                                           label_smoothing=0.1),
           [[(3, 4), (3, 4), C("mean")], [(2, 4, 3), (2, 4, 3), C("none")]]),
    *_reductions("nll_loss", [[(5, 4), I((5,), 0, 4)], [(2, 4, 3), I((2, 3), 0, 4)]]),
    OpSpec("nn.functional.nll_loss-weight", lambda lib, x, t, w:
           lib.nn.functional.nll_loss(x, t, weight=w, ignore_index=2),
           [[(6, 4), I((6,), 0, 4), W]]),
    *_reductions("binary_cross_entropy", [[F((3, 4), 0.05, 0.95), F((3, 4), 0, 1, grad=False)]]),
    OpSpec("nn.functional.binary_cross_entropy-weight", lambda lib, x, t, w:
           lib.nn.functional.binary_cross_entropy(x, t, weight=w),
           [[F((3, 4), 0.05, 0.95), F((3, 4), 0, 1), F((4,), 0.5, 2, grad=False)]]),
    *_reductions("binary_cross_entropy_with_logits", [[(3, 4), F((3, 4), 0, 1)]]),
    OpSpec("nn.functional.binary_cross_entropy_with_logits-pos", lambda lib, x, t, w, pw:
           lib.nn.functional.binary_cross_entropy_with_logits(x * 10, t, weight=w,
                                                              pos_weight=pw),
           [[(3, 4), F((3, 4), 0, 1), F((4,), 0.5, 2, grad=False), F((4,), 0.5, 3, grad=False)]]),
    *_reductions("kl_div", [[(3, 4), F((3, 4), 0, 1)]]),
    OpSpec("nn.functional.kl_div-batchmean", lambda lib, x, t:
           lib.nn.functional.kl_div(x, t, reduction="batchmean", log_target=True),
           [[(3, 4), (3, 4)]]),
    *_reductions("cosine_embedding_loss", [[(4, 5), (4, 5), A(np.array([1, -1, -1, 1]))]],
                 margin=0.1),
    *_reductions("margin_ranking_loss", [[(6,), (6,), A(np.array([1, -1, 1, 1, -1, -1]))]],
                 margin=0.2),
    *_reductions("hinge_embedding_loss", [[(6,), A(np.array([1, -1, 1, 1, -1, -1]))]]),
    *_reductions("soft_margin_loss", [[(6,), A(np.array([1, -1, 1, 1, -1, -1]))]]),
    *_reductions("triplet_margin_loss", [[(4, 5), (4, 5), (4, 5)]]),
    OpSpec("nn.functional.triplet_margin_loss-swap", lambda lib, a, p, n:
           lib.nn.functional.triplet_margin_loss(a, p, n, p=1, swap=True, margin=2.0),
           [[(4, 5), (4, 5), (4, 5)]]),
    *_reductions("gaussian_nll_loss", [[(3, 4), (3, 4), F((3, 4), 0.1, 2)],
                                       [(3, 4), (3, 4), F((3,), 0.1, 2)]]),
    OpSpec("nn.functional.gaussian_nll_loss-full", lambda lib, x, t, v:
           lib.nn.functional.gaussian_nll_loss(x, t, v, full=True),
           [[(3, 4), (3, 4), F((3, 1), 0.1, 2)]]),
    *_reductions("poisson_nll_loss", [[(3, 4), F((3, 4), 0, 4)]]),
    OpSpec("nn.functional.poisson_nll_loss-full", lambda lib, x, t:
           lib.nn.functional.poisson_nll_loss(x, t, log_input=False, full=True),
           [[F((3, 4), 0.5, 3), F((3, 4), 0, 4)]]),
    OpSpec("nn.functional.cosine_similarity", lambda lib, a, b, d:
           lib.nn.functional.cosine_similarity(a, b, dim=d),
           [[(4, 5), (4, 5), C(1)], [(3, 4, 2), (4, 1), C(-2)]]),
    OpSpec("nn.functional.pairwise_distance", lambda lib, a, b, p:
           lib.nn.functional.pairwise_distance(a, b, p=p),
           [[(4, 5), (4, 5), C(2.0)], [(4, 5), (5,), C(1.0)], [(3, 4), (3, 4), C(3.0)]]),
]
