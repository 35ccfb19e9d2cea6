"""Reductions over dimensions: sums, products and extremes (``reduce.py``), statistics
(``stats.py``), scans along one dimension (``scans.py``) and counting (``histograms.py``).
"""
