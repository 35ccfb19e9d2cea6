"""Functions that make new tensors: from data or filled (``factories.py``), random sampling
(``random.py``), signal windows (``windows.py``), grids and index sets (``grids.py``).
"""
