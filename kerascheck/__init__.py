"""kerascheck: catches the mistakes in Keras model code before the training runs."""

__version__ = "0.1.0"

from typing import Any


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext kerascheck`: check each cell as it runs (imported only then)."""
    from kerascheck.integrations.ipython import load

    load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    from kerascheck.integrations.ipython import unload

    unload(ipython)
