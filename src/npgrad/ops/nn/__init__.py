"""The ops behind ``nn.functional`` (``npgrad/nn/functional.py`` is the public namespace):
activations, losses, normalization, dropout/embedding/attention, convolution, pooling,
resampling, padding and the linear layers. The top-level forms that ``torch`` also has
(``torch.conv2d``, ``torch.batch_norm``...) live beside them.
"""
