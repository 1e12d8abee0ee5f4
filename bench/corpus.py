"""Write a deterministic corpus of Keras-heavy files (scripts and notebooks) for the benchmark."""

from __future__ import annotations

import argparse
import json
import os
import random
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_FILES = 320
DEFAULT_SEED = 7
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "corpus")


@dataclass(frozen=True)
class Spelling:
    """How one file spells Keras: the import lines and the prefixes used in the code."""

    imports: str
    layers: str
    sequential: str
    model: str
    inp: str
    optimizers: str
    callbacks: str
    seed: str


SPELLINGS = (
    Spelling(
        "import keras\nimport numpy as np\n",
        "keras.layers.",
        "keras.Sequential",
        "keras.Model",
        "keras.Input",
        "keras.optimizers.",
        "keras.callbacks.",
        "keras.utils.set_random_seed",
    ),
    Spelling(
        "import numpy as np\nimport tensorflow as tf\n",
        "tf.keras.layers.",
        "tf.keras.models.Sequential",
        "tf.keras.models.Model",
        "tf.keras.layers.Input",
        "tf.keras.optimizers.",
        "tf.keras.callbacks.",
        "tf.random.set_seed",
    ),
    Spelling(
        "import numpy as np\nfrom tensorflow import keras\n",
        "keras.layers.",
        "keras.models.Sequential",
        "keras.models.Model",
        "keras.layers.Input",
        "keras.optimizers.",
        "keras.callbacks.",
        "keras.utils.set_random_seed",
    ),
    Spelling(
        "import numpy as np\nfrom tensorflow.keras import (\n    callbacks, layers, models, optimizers, regularizers,\n)\n",
        "layers.",
        "models.Sequential",
        "models.Model",
        "layers.Input",
        "optimizers.",
        "callbacks.",
        "np.random.seed",
    ),
    Spelling(
        "import keras\nimport numpy as np\nfrom keras import layers as L\n",
        "L.",
        "keras.Sequential",
        "keras.Model",
        "keras.Input",
        "keras.optimizers.",
        "keras.callbacks.",
        "keras.utils.set_random_seed",
    ),
)

ACTIVATIONS = ("relu", "relu", "elu", "selu", "tanh", "gelu", "swish", "sigmoid")
INITIALIZERS = ("he_normal", "glorot_uniform", "lecun_normal", "he_uniform")
OPTIMIZERS = ("Adam", "SGD", "RMSprop", "Nadam", "AdamW")
LOSSES = (
    ("sparse_categorical_crossentropy", "softmax", "accuracy"),
    ("categorical_crossentropy", "softmax", "accuracy"),
    ("binary_crossentropy", "sigmoid", "AUC"),
    ("mse", None, "mae"),
    ("huber", None, "mae"),
)


class Writer:
    """Collects indented source lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, text: str = "", indent: int = 0) -> None:
        block = textwrap.dedent(text).strip("\n")
        for line in block.splitlines() or [""]:
            self.lines.append(("    " * indent + line) if line.strip() else "")

    def blank(self) -> None:
        self.lines.append("")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def dense(rng: random.Random, sp: Spelling, units: int | str) -> str:
    act = rng.choice(ACTIVATIONS)
    args = [str(units), f'activation="{act}"']
    if rng.random() < 0.4:
        args.append(f'kernel_initializer="{rng.choice(INITIALIZERS)}"')
    if rng.random() < 0.2:
        args.append(f"kernel_regularizer=keras_reg({rng.choice((1e-4, 1e-3, 1e-2))})")
    if rng.random() < 0.3:
        args.append(f'name="dense_{rng.randrange(100)}"')
    return f"{sp.layers}Dense({', '.join(args)})"


def conv(rng: random.Random, sp: Spelling) -> str:
    filters = rng.choice((16, 32, 64, 128))
    kernel = rng.choice((3, 5))
    return (
        f'{sp.layers}Conv2D({filters}, {kernel}, padding="same", '
        f'activation="{rng.choice(ACTIVATIONS)}")'
    )


def data_helpers(w: Writer, rng: random.Random) -> None:
    """Plain Python around the model: loading, splitting, scaling, like real scripts have."""
    features = rng.choice((8, 13, 20, 28 * 28))
    w.add(
        f'''
        def load_data(path=None, n_samples={rng.choice((1000, 5000, 20000))}):
            """Load the data set, or synthesise one when no path is given."""
            rng = np.random.default_rng({rng.randrange(1000)})
            if path is not None and os.path.exists(path):
                with open(path, "rb") as handle:
                    arrays = np.load(handle)
                    return arrays["x"], arrays["y"]
            x = rng.standard_normal((n_samples, {features})).astype("float32")
            y = (x.sum(axis=1) > 0).astype("int64")
            return x, y


        def split(x, y, valid_fraction={rng.choice((0.1, 0.15, 0.2))}, test_fraction=0.1):
            n = len(x)
            n_test = int(n * test_fraction)
            n_valid = int(n * valid_fraction)
            x_test, y_test = x[:n_test], y[:n_test]
            x_valid, y_valid = x[n_test : n_test + n_valid], y[n_test : n_test + n_valid]
            x_train, y_train = x[n_test + n_valid :], y[n_test + n_valid :]
            return (x_train, y_train), (x_valid, y_valid), (x_test, y_test)


        def standardize(train, *others):
            mean = train.mean(axis=0, keepdims=True)
            std = train.std(axis=0, keepdims=True) + 1e-7
            scaled = [(train - mean) / std]
            for other in others:
                scaled.append((other - mean) / std)
            return scaled
        '''
    )
    w.blank()
    w.blank()
    if rng.random() < 0.5:
        w.add(
            """
            def batches(x, y, batch_size=32, shuffle=True):
                indices = np.arange(len(x))
                if shuffle:
                    np.random.shuffle(indices)
                for start in range(0, len(x), batch_size):
                    chunk = indices[start : start + batch_size]
                    yield x[chunk], y[chunk]
            """
        )
        w.blank()
        w.blank()


def plotting(w: Writer, rng: random.Random) -> None:
    w.add(
        f'''
        def plot_history(history, keys=("loss", "val_loss"), path="history_{rng.randrange(99)}.png"):
            """Save the learning curves next to the script."""
            import matplotlib.pyplot as plt

            figure, axis = plt.subplots(figsize=(8, 5))
            for key in keys:
                if key in history.history:
                    axis.plot(history.history[key], label=key)
            axis.set_xlabel("epoch")
            axis.grid(True)
            axis.legend()
            figure.savefig(path)
            plt.close(figure)
        '''
    )
    w.blank()
    w.blank()


def sequential_builder(w: Writer, rng: random.Random, sp: Spelling, name: str) -> None:
    loss, last_act, metric = rng.choice(LOSSES)
    n_hidden = rng.randint(2, 6)
    w.add(f"def {name}(input_shape, n_outputs={rng.choice((1, 10, 46))}):")
    w.add('"""A plain stack of layers."""', 1)
    if rng.random() < 0.5:
        w.add(f"model = {sp.sequential}([", 1)
        w.add(f"{sp.inp}(shape=input_shape),", 2)
        if rng.random() < 0.4:
            w.add(f"{sp.layers}Flatten(),", 2)
        for _ in range(n_hidden):
            w.add(f"{dense(rng, sp, rng.choice((32, 64, 100, 128, 256, 300)))},", 2)
            if rng.random() < 0.3:
                w.add(f"{sp.layers}BatchNormalization(),", 2)
            if rng.random() < 0.3:
                w.add(f"{sp.layers}Dropout({rng.choice((0.1, 0.2, 0.3, 0.5))}),", 2)
        out_act = f', activation="{last_act}"' if last_act else ""
        w.add(f"{sp.layers}Dense(n_outputs{out_act}),", 2)
        w.add("])", 1)
    else:
        w.add(f"model = {sp.sequential}()", 1)
        w.add(f"model.add({sp.inp}(shape=input_shape))", 1)
        w.add(f"for _ in range({n_hidden * 5}):", 1)
        w.add(f"model.add({dense(rng, sp, 100)})", 2)
        if rng.random() < 0.5:
            w.add(f"model.add({sp.layers}BatchNormalization())", 2)
        out_act = f', activation="{last_act}"' if last_act else ""
        w.add(f"model.add({sp.layers}Dense(n_outputs{out_act}))", 1)
    compile_call(w, rng, sp, loss, metric, indent=1)
    w.add("return model", 1)
    w.blank()
    w.blank()


def compile_call(
    w: Writer, rng: random.Random, sp: Spelling, loss: str, metric: str, indent: int
) -> None:
    opt = rng.choice(OPTIMIZERS)
    lr = rng.choice((1e-2, 1e-3, 3e-4))
    if rng.random() < 0.5:
        optimizer = f"{sp.optimizers}{opt}(learning_rate={lr})"
    else:
        optimizer = f'"{opt.lower()}"'
    w.add(f'model.compile(loss="{loss}", optimizer={optimizer}, metrics=["{metric}"])', indent)


def functional_builder(w: Writer, rng: random.Random, sp: Spelling, name: str) -> None:
    loss, last_act, _metric = rng.choice(LOSSES)
    w.add(f"def {name}(wide_shape=(5,), deep_shape=(6,)):")
    w.add('"""Wide and deep: two inputs, a deep path, a merge, two heads."""', 1)
    w.add(f'input_a = {sp.inp}(shape=wide_shape, name="wide_input")', 1)
    w.add(f'input_b = {sp.inp}(shape=deep_shape, name="deep_input")', 1)
    w.add("x = input_b", 1)
    for i in range(rng.randint(2, 5)):
        w.add(f"hidden{i} = {dense(rng, sp, rng.choice((30, 64, 128)))}(x)", 1)
        if rng.random() < 0.3:
            w.add(f"hidden{i} = {sp.layers}BatchNormalization()(hidden{i})", 1)
            w.add(f'hidden{i} = {sp.layers}Activation("{rng.choice(ACTIVATIONS)}")(hidden{i})', 1)
        w.add(f"x = hidden{i}", 1)
    if rng.random() < 0.5:
        w.add(f"concat = {sp.layers}concatenate([input_a, x])", 1)
    else:
        w.add(f"concat = {sp.layers}Concatenate()([input_a, x])", 1)
    out_act = f', activation="{last_act}"' if last_act else ""
    w.add(f'output = {sp.layers}Dense(1{out_act}, name="main_output")(concat)', 1)
    w.add(f'aux_output = {sp.layers}Dense(1, name="aux_output")(x)', 1)
    w.add(f"model = {sp.model}(inputs=[input_a, input_b], outputs=[output, aux_output])", 1)
    w.add(
        f'model.compile(loss=["{loss}", "{loss}"], loss_weights=[0.9, 0.1], '
        f'optimizer="{rng.choice(OPTIMIZERS).lower()}")',
        1,
    )
    w.add("return model", 1)
    w.blank()
    w.blank()


def residual_builder(w: Writer, rng: random.Random, sp: Spelling, name: str) -> None:
    w.add(f"def {name}(input_shape=(32, 32, 3), n_classes={rng.choice((10, 100))}):")
    w.add("inputs = " + f"{sp.inp}(shape=input_shape)", 1)
    w.add(f"x = {conv(rng, sp)}(inputs)", 1)
    for i in range(rng.randint(2, 4)):
        w.add("shortcut = x", 1)
        w.add(f"x = {conv(rng, sp)}(x)", 1)
        w.add(f"x = {sp.layers}BatchNormalization()(x)", 1)
        w.add(f'x = {sp.layers}Conv2D(int(x.shape[-1]), 3, padding="same")(x)', 1)
        w.add(f"x = {sp.layers}Add()([x, shortcut])", 1)
        w.add(f'x = {sp.layers}Activation("relu")(x)', 1)
        if i % 2:
            w.add(f"x = {sp.layers}MaxPooling2D()(x)", 1)
    w.add(f"x = {sp.layers}GlobalAveragePooling2D()(x)", 1)
    w.add(f'outputs = {sp.layers}Dense(n_classes, activation="softmax")(x)', 1)
    w.add(f"model = {sp.model}(inputs, outputs)", 1)
    compile_call(w, rng, sp, "sparse_categorical_crossentropy", "accuracy", indent=1)
    w.add("return model", 1)
    w.blank()
    w.blank()


def subclassed_model(w: Writer, rng: random.Random, sp: Spelling, name: str) -> None:
    base = sp.model
    units = [rng.choice((30, 64, 128)) for _ in range(rng.randint(2, 4))]
    w.add(f"class {name}({base}):")
    w.add('"""A subclassed model with a main and an auxiliary output."""', 1)
    w.blank()
    w.add(
        f'def __init__(self, units={units[0]}, activation="{rng.choice(ACTIVATIONS)}", **kwargs):',
        1,
    )
    w.add("super().__init__(**kwargs)", 2)
    for i, u in enumerate(units):
        w.add(f"self.hidden{i} = {sp.layers}Dense({u}, activation=activation)", 2)
    w.add(f"self.main_output = {sp.layers}Dense(1)", 2)
    w.add(f"self.aux_output = {sp.layers}Dense(1)", 2)
    if rng.random() < 0.5:
        w.add(f"self.dropout = {sp.layers}Dropout({rng.choice((0.2, 0.5))})", 2)
    w.blank()
    w.add("def call(self, inputs, training=None):", 1)
    w.add("input_a, input_b = inputs", 2)
    w.add("x = input_b", 2)
    for i in range(len(units)):
        w.add(f"x = self.hidden{i}(x)", 2)
    w.add(f"concat = {sp.layers}concatenate([input_a, x])", 2)
    w.add("return self.main_output(concat), self.aux_output(x)", 2)
    w.blank()
    w.add("def get_config(self):", 1)
    w.add("config = super().get_config()", 2)
    w.add('config.update({"units": self.hidden0.units})', 2)
    w.add("return config", 2)
    w.blank()
    w.blank()


def partial_factories(w: Writer, rng: random.Random, sp: Spelling, name: str) -> None:
    act = rng.choice(("selu", "elu", "relu"))
    init = rng.choice(("lecun_normal", "he_normal", None))
    init_arg = f', kernel_initializer="{init}"' if init else ""
    w.add(f'DefaultDense = partial({sp.layers}Dense, activation="{act}"{init_arg})')
    w.add(
        f'DefaultConv2D = partial({sp.layers}Conv2D, kernel_size=3, padding="SAME", '
        f'activation="relu")'
    )
    w.blank()
    w.blank()
    w.add(f"def {name}(input_shape=(28, 28, 1)):")
    w.add(f"model = {sp.sequential}([", 1)
    w.add(f"{sp.inp}(shape=input_shape),", 2)
    w.add("DefaultConv2D(filters=64, kernel_size=7),", 2)
    w.add(f"{sp.layers}MaxPooling2D(pool_size=2),", 2)
    for filters in (128, 256)[: rng.randint(1, 2)]:
        w.add(f"DefaultConv2D(filters={filters}),", 2)
        w.add(f"DefaultConv2D(filters={filters}),", 2)
        w.add(f"{sp.layers}MaxPooling2D(pool_size=2),", 2)
    w.add(f"{sp.layers}Flatten(),", 2)
    w.add(f"DefaultDense(units={rng.choice((64, 128))}),", 2)
    w.add(f"{sp.layers}Dropout(0.5),", 2)
    w.add("DefaultDense(units=64),", 2)
    w.add(f'{sp.layers}Dense(units=10, activation="softmax"),', 2)
    w.add("])", 1)
    compile_call(w, rng, sp, "sparse_categorical_crossentropy", "accuracy", indent=1)
    w.add("return model", 1)
    w.blank()
    w.blank()


def training_main(w: Writer, rng: random.Random, sp: Spelling, builder: str, shape: str) -> None:
    epochs = rng.choice((10, 20, 30, 100))
    w.add("def main(argv=None):")
    w.add("parser = argparse.ArgumentParser(description=__doc__)", 1)
    w.add(f'parser.add_argument("--epochs", type=int, default={epochs})', 1)
    w.add(f'parser.add_argument("--batch-size", type=int, default={rng.choice((32, 64, 128))})', 1)
    w.add('parser.add_argument("--data", default=None)', 1)
    w.add("args = parser.parse_args(argv)", 1)
    w.add("x, y = load_data(args.data)", 1)
    w.add("(x_train, y_train), (x_valid, y_valid), (x_test, y_test) = split(x, y)", 1)
    w.add("x_train, x_valid, x_test = standardize(x_train, x_valid, x_test)", 1)
    w.add(f"model = {builder}({shape})", 1)
    cbs = []
    if rng.random() < 0.6:
        w.add(
            f'checkpoint_cb = {sp.callbacks}ModelCheckpoint("best.keras", save_best_only=True)', 1
        )
        cbs.append("checkpoint_cb")
    if rng.random() < 0.6:
        w.add(
            f"early_stopping_cb = {sp.callbacks}EarlyStopping(patience={rng.choice((5, 10))}, "
            "restore_best_weights=True)",
            1,
        )
        cbs.append("early_stopping_cb")
    callbacks = f", callbacks=[{', '.join(cbs)}]" if cbs else ""
    if rng.random() < 0.75:
        w.add(
            "history = model.fit(x_train, y_train, epochs=args.epochs, batch_size=args.batch_size,"
            f" validation_data=(x_valid, y_valid){callbacks})",
            1,
        )
    else:
        w.add(f"history = model.fit(x_train, y_train, epochs=args.epochs{callbacks})", 1)
    w.add("print(model.evaluate(x_test, y_test, verbose=0))", 1)
    w.add("plot_history(history)", 1)
    w.add('model.save("model.keras")', 1)
    w.add("return 0", 1)
    w.blank()
    w.blank()
    w.add('if __name__ == "__main__":')
    w.add("sys.exit(main())", 1)


def regularizers(sp: Spelling) -> str:
    if sp.layers.endswith("keras.layers."):
        return sp.layers[: -len("layers.")] + "regularizers"
    if sp.layers == "layers.":
        return "regularizers"
    return "keras.regularizers"


def header(w: Writer, rng: random.Random, sp: Spelling, title: str) -> None:
    w.add(f'"""{title}"""')
    w.blank()
    w.add("import argparse\nimport os\nimport sys\nfrom functools import partial")
    w.blank()
    w.add(sp.imports)
    w.blank()
    if rng.random() < 0.7:
        w.add(f"{sp.seed}({rng.randrange(100)})")
    w.add(f"keras_reg = {regularizers(sp)}.l2")
    w.blank()
    w.blank()


Builder = Callable[[Writer, random.Random, Spelling, str], None]
BUILDERS: dict[str, tuple[Builder, str]] = {
    "sequential": (sequential_builder, "x_train.shape[1:]"),
    "functional": (functional_builder, ""),
    "residual": (residual_builder, ""),
    "subclassed": (subclassed_model, ""),
    "partial": (partial_factories, ""),
}


def script(rng: random.Random, kind: str) -> str:
    sp = rng.choice(SPELLINGS)
    w = Writer()
    header(w, rng, sp, f"Train a {kind} Keras model on the data set (generated benchmark file).")
    data_helpers(w, rng)
    plotting(w, rng)
    build, shape = BUILDERS[kind]
    name = {"subclassed": "WideAndDeepModel"}.get(kind, f"build_{kind}_model")
    build(w, rng, sp, name)
    # A second, smaller model in many files: real scripts compare variants.
    if rng.random() < 0.5:
        extra = rng.choice(("sequential", "functional"))
        BUILDERS[extra][0](w, rng, sp, f"build_{extra}_baseline")
    builder = name if kind != "subclassed" else "WideAndDeepModel"
    training_main(w, rng, sp, builder, shape if kind != "subclassed" else "")
    return w.text()


def notebook(rng: random.Random) -> str:
    """A notebook: markdown, a magic or two, and the same kind of code split into cells."""
    kind = rng.choice(("sequential", "functional", "partial"))
    code = script(rng, kind)
    chunks = code.split("\n\n\n")
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Experiment\n", "Notes.\n"]},
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": ["%matplotlib inline\n", "!pip list | grep keras\n"],
        },
    ]
    for i, chunk in enumerate(chunks):
        lines = (chunk.strip("\n") + "\n").splitlines(keepends=True)
        lines[-1] = lines[-1].rstrip("\n")
        cells.append(
            {
                "cell_type": "code",
                "execution_count": i + 1,
                "metadata": {},
                "outputs": [],
                "source": lines,
            }
        )
    book = {
        "cells": cells,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(book, indent=1) + "\n"


KINDS = ("sequential", "functional", "subclassed", "partial", "residual", "notebook")


def generate(
    out: str = DEFAULT_OUT, files: int = DEFAULT_FILES, seed: int = DEFAULT_SEED
) -> list[str]:
    """Write `files` files under `out` (replacing earlier generated ones); return their paths."""
    os.makedirs(out, exist_ok=True)
    for old in os.listdir(out):
        if old.startswith("gen_"):
            os.remove(os.path.join(out, old))
    paths = []
    for i in range(files):
        rng = random.Random(seed * 1_000_003 + i)
        kind = KINDS[i % len(KINDS)]
        if kind == "notebook":
            path, text = os.path.join(out, f"gen_{i:04d}_notebook.ipynb"), notebook(rng)
        else:
            path, text = os.path.join(out, f"gen_{i:04d}_{kind}.py"), script(rng, kind)
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        paths.append(path)
    return paths


def big_file(path: str, lines: int, seed: int = DEFAULT_SEED) -> str:
    """One file of about `lines` lines: many model builders in one module, for scaling."""
    rng = random.Random(seed)
    sp = SPELLINGS[0]
    w = Writer()
    header(w, rng, sp, f"A generated {lines}-line module of model builders.")
    data_helpers(w, rng)
    plotting(w, rng)
    i = 0
    kinds = ("sequential", "functional", "residual", "partial")
    while len(w.lines) < lines:
        kind = kinds[i % len(kinds)]
        BUILDERS[kind][0](w, rng, sp, f"build_{kind}_{i}")
        i += 1
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(w.text())
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=DEFAULT_FILES)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", default=DEFAULT_OUT)
    args = parser.parse_args()
    paths = generate(args.out, args.files, args.seed)
    print(f"wrote {len(paths)} files to {args.out}")


if __name__ == "__main__":
    main()
