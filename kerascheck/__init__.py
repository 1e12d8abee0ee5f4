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


def __getattr__(name: str) -> Any:
    """`kerascheck.Callback`, the Keras callback, loaded (with Keras) only when asked for."""
    if name in ("Callback", "FindingsError"):
        # Here, not at the top: `import kerascheck` must never load Keras, TensorFlow or NumPy.
        from kerascheck.integrations import keras_callback

        return getattr(keras_callback, name)
    raise AttributeError(f"module 'kerascheck' has no attribute {name!r}")
