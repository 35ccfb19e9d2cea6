"""Reading and writing at positions: subscripts and the ``index_*`` family (``indexing.py``),
gather/scatter along a dimension (``scatter.py``), masks (``masked.py``), sorting and searching
(``sorting.py``).
"""
