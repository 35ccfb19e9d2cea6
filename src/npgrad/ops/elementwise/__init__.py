"""Elementwise ops: every output element is a function of the input elements at the same
(broadcast) position. Operands broadcast and compute in PyTorch's result dtype; the engine
sums gradients back to each input's shape.
"""
