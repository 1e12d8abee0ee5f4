"""kerascheck: catches the mistakes in Keras model code before the training runs."""

__version__ = "0.1.0"

from typing import Any


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext kerascheck`: check each cell as it runs (imported only then)."""
    # Here, not at the top: `import kerascheck` must stay cheap and never load IPython.
    from kerascheck.integrations.ipython import load

    load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    # Start-up cost, as above.
    from kerascheck.integrations.ipython import unload

    unload(ipython)
