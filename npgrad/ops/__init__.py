"""npgrad's ops, one module per family. Each primitive is a small ``Primitive`` class with
``forward`` (on arrays) and ``backward`` (in npgrad ops) side by side; composites are plain
functions of other ops and need no backward."""
