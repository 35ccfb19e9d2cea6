"""Linear algebra: products (``matmul``, ``einsum``...), inverses and solvers, decompositions
with their gradients, and norms. ``npgrad/linalg.py`` is the public ``torch.linalg`` namespace
over these modules.
"""
