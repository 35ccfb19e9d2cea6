"""The errors a checkpoint load raises, and PyTorch's wording for a weights-only refusal."""
from __future__ import annotations

import pickle
import re


class CheckpointError(RuntimeError):
    """A file that is not a valid checkpoint (truncated, corrupted or of another format)."""


class WeightsOnlyError(CheckpointError, pickle.UnpicklingError):
    """``load(weights_only=True)`` met something it will not build (a global outside the
    allowlist, an opcode that could run code). PyTorch raises ``pickle.UnpicklingError``
    here, so this is one; it is also a CheckpointError, the one error a bad file gives."""


# What PyTorch 2.13 says around the unpickler's own message, so that users (and their search
# engines) meet the text they know.
UNSAFE_MESSAGE = (
    "In PyTorch 2.6, we changed the default value of the `weights_only` argument in "
    "`torch.load` from `False` to `True`. Re-running `torch.load` with `weights_only` set to "
    "`False` will likely succeed, but it can result in arbitrary code execution. Do it only if "
    "you got the file from a trusted source.")
_DOCS_MESSAGE = (
    "\n\nCheck the documentation of torch.load to learn more about types accepted by default "
    "with weights_only https://pytorch.org/docs/stable/generated/torch.load.html.")


def weights_only_message(message: str) -> str:
    """The whole message of a weights-only refusal whose reason is ``message``."""
    if re.search(r"GLOBAL (\S+) was not an allowed global by default.", message):
        return ("Weights only load failed. This file can still be loaded, to do so you have two "
                "options, \033[1mdo those steps only if you trust the source of the "
                f"checkpoint\033[0m. \n\t(1) {UNSAFE_MESSAGE}\n\t(2) Alternatively, to load "
                "with `weights_only=True` please check the recommended steps in the following "
                f"error message.\n\tWeightsUnpickler error: {message}{_DOCS_MESSAGE}")
    text = f"Weights only load failed. {UNSAFE_MESSAGE}\n"
    if not re.search(r"whose module (\S+) is blocked", message):
        text += ("Please file an issue with the following so that we can make "
                 "`weights_only=True` compatible with your use case: WeightsUnpickler error: ")
    return f"{text}\n\n{message}{_DOCS_MESSAGE}"
