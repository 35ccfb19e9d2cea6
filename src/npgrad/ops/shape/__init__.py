"""Ops that change a tensor's shape or arrangement, not its values: views that share memory
(``views.py``), joins and splits (``joins.py``), copies that repeat or reorder (``tiling.py``),
and diagonals and triangles (``diag.py``).
"""
