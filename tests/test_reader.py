"""The model description: every spelling, loops, graphs, factories and constants."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from kerascheck.knowledge import keras_facts as facts
from kerascheck.model.description import FileModel, SeedKind
from kerascheck.model.values import is_unknown
from kerascheck.read.reader import read_module


def read(code: str) -> FileModel:
    return read_module(cst.parse_module(textwrap.dedent(code)), "t.py")


SPELLINGS = [
    "import keras\nL = keras.layers.Dense",
    "from tensorflow import keras\nL = keras.layers.Dense",
    "import tensorflow as tf\nL = tf.keras.layers.Dense",
    "from tensorflow.keras.layers import Dense as L",
    "from keras.layers import Dense as L",
    "import keras.layers as KL\nL = KL.Dense",
    "from keras import layers\nL = layers.Dense",
    "import tf_keras\nL = tf_keras.layers.Dense",
    "import tensorflow.keras as K\nL = K.layers.Dense",
]


@pytest.mark.parametrize("prelude", SPELLINGS)
def test_every_spelling_is_canonical(prelude: str) -> None:
    file = read(prelude + "\nx = L(3, activation='selu')\n")
    (layer,) = file.layers
    assert layer.cls == "keras.layers.Dense"
    assert facts.own_activation(layer) == "selu"
    assert facts.units(layer) == 3


def test_raw_spelling_is_kept() -> None:
    file = read(
        "import tensorflow as tf\nm = tf.keras.models.Sequential([tf.keras.layers.Dense(1)])"
    )
    (model,) = file.models
    assert model.kind == "sequential"
    assert model.layers[0].raw == "tf.keras.layers.Dense"


def test_add_in_loops_and_constants() -> None:
    file = read(
        """
        import keras
        n_classes = 46
        depth = 10 * 5
        model = keras.Sequential()
        model.add(keras.Input(shape=(784,)))
        for _ in range(depth):
            model.add(keras.layers.Dense(100, activation="selu"))
        for _ in range(get_n()):
            model.add(keras.layers.Dense(100))
        model.add(keras.layers.Dense(n_classes, activation="softmax"))
        """
    )
    (model,) = file.models
    assert [layer.repeat for layer in model.layers] == [1, 50, None, 1]
    assert facts.units(model.layers[-1]) == 46
    assert model.output_layers() == [3]
    assert model.edges == [(0, 1), (1, 2), (2, 3)]


def test_functional_graph_with_merge_and_two_outputs() -> None:
    file = read(
        """
        from tensorflow import keras
        input_A = keras.layers.Input(shape=[5])
        input_B = keras.layers.Input(shape=[6])
        hidden1 = keras.layers.Dense(30, activation="relu")(input_B)
        hidden2 = keras.layers.Dense(30, activation="relu")(hidden1)
        concat = keras.layers.concatenate([input_A, hidden2])
        output = keras.layers.Dense(1, name="main_output")(concat)
        aux = keras.layers.Dense(1, name="aux_output")(hidden2)
        model = keras.models.Model(inputs=[input_A, input_B], outputs=[output, aux])
        model.compile(loss=["mse", "mse"], loss_weights=[0.9, 0.1], optimizer="sgd")
        model.fit([a, b], [y, y], validation_data=(v, w), callbacks=cbs)
        """
    )
    (model,) = file.models
    names = [layer.short for layer in model.layers]
    assert names.count("Input") == 2 and "Concatenate" in names
    concat = names.index("Concatenate")
    assert sorted(model.layers[i].short for i in model.predecessors(concat)) == ["Dense", "Input"]
    assert [model.layers[i].kwargs.get("name") for i in model.outputs] == [
        "main_output",
        "aux_output",
    ]
    assert model.compile is not None and model.compile.loss == ["mse", "mse"]
    (fit,) = model.fits
    assert fit.has_validation is True and is_unknown(fit.callbacks)
    assert file.trains


def test_partial_factory_merges_keywords() -> None:
    file = read(
        """
        from functools import partial
        import keras
        MaxNormDense = partial(keras.layers.Dense, activation="selu", kernel_initializer="lecun_normal")
        model = keras.Sequential([MaxNormDense(300), MaxNormDense(100, activation="relu")])
        """
    )
    first, second = file.models[0].layers
    assert (
        facts.own_activation(first) == "selu" and facts.kernel_initializer(first) == "lecun_normal"
    )
    assert facts.own_activation(second) == "relu"
    assert first.factory is not None and first.factory is second.factory


def test_activation_layer_is_linked_to_the_layer_before() -> None:
    file = read(
        """
        import keras
        m = keras.Sequential([keras.layers.Dense(64), keras.layers.Activation("selu"),
                              keras.layers.Dense(64), keras.layers.LeakyReLU()])
        """
    )
    (model,) = file.models
    assert facts.activation_after(model, 0) == "selu"
    assert facts.activation_after(model, 2) == "leaky_relu"


def test_model_building_function_called_with_arguments() -> None:
    file = read(
        """
        import keras
        def build(width, n_out=3):
            return keras.Sequential([keras.layers.Dense(width), keras.layers.Dense(n_out)])
        model = build(64, n_out=10)
        model.compile(loss="mse", optimizer="adam")
        model.fit(x, y)
        """
    )
    (model,) = file.models
    assert [facts.units(layer) for layer in model.layers] == [64, 10]
    assert model.fits and model.fits[0].has_validation is False


def test_unknown_values_stay_unknown() -> None:
    file = read(
        "import keras\nm = keras.Sequential([keras.layers.Dense(X.shape[1], activation=act)])"
    )
    (layer,) = file.layers
    assert is_unknown(facts.units(layer)) and is_unknown(facts.own_activation(layer))


def test_subclassed_model_layers() -> None:
    file = read(
        """
        import keras
        class Net(keras.Model):
            def __init__(self):
                super().__init__()
                self.hidden = keras.layers.Dense(32, activation="relu")
                self.out = keras.layers.Dense(1)
            def call(self, inputs):
                return self.out(self.hidden(inputs))
        """
    )
    (model,) = file.models
    assert model.kind == "subclassed" and [layer.short for layer in model.layers] == [
        "Dense",
        "Dense",
    ]
    assert model.edges == [(0, 1)] and model.outputs == [1]


def test_seeds_are_recorded_in_order() -> None:
    file = read(
        """
        import os, random
        import numpy as np
        import tensorflow as tf
        tf.random.set_seed(1)
        os.environ["PYTHONHASHSEED"] = "0"
        np.random.seed(1)
        random.seed(1)
        tf.keras.utils.set_random_seed(1)
        tf.config.experimental.enable_op_determinism()
        """
    )
    assert [s.kind for s in file.seeds] == [
        SeedKind.TENSORFLOW,
        SeedKind.HASHSEED,
        SeedKind.NUMPY,
        SeedKind.PYTHON,
        SeedKind.KERAS,
        SeedKind.OP_DETERMINISM,
    ]


def test_shadowed_import_is_not_keras() -> None:
    file = read("import keras\nkeras = object()\nm = keras.layers.Dense(3)")
    assert file.layers == []


def test_star_import_and_list_building() -> None:
    file = read(
        """
        from tensorflow.keras.layers import *
        from tensorflow.keras.models import Sequential
        stack = [Dense(64, activation="relu")]
        for units in [32, 16]:
            stack.append(Dense(units, activation="relu"))
        stack.append(Dense(3, activation="softmax"))
        model = Sequential(stack)
        """
    )
    (model,) = file.models
    assert [layer.cls for layer in model.layers] == ["keras.layers.Dense"] * 3
    assert model.layers[1].repeat == 2 and model.complete
    assert facts.units(model.layers[-1]) == 3
