"""The layer shape table against what Keras itself computes, over many configurations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from kerascheck.knowledge.layer_shapes import SHAPE_FUNCTIONS, declared_input, output_shape
from kerascheck.model.description import Layer, SourceLocation

keras = pytest.importorskip("keras")


@dataclass
class Spec:
    """A layer as both kerascheck's description and a real Keras layer can be built from."""

    short: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)

    def ours(self) -> Layer:
        args = tuple(a.ours() if isinstance(a, Spec) else a for a in self.args)
        return Layer(
            cls=f"keras.layers.{self.short}",
            raw=self.short,
            args=args,
            kwargs=dict(self.kwargs),
            node=SourceLocation("test.py", 1),
        )

    def keras(self) -> Any:
        args = tuple(a.keras() if isinstance(a, Spec) else a for a in self.args)
        return getattr(keras.layers, self.short)(*args, **self.kwargs)


def L(short: str, *args: Any, **kwargs: Any) -> Spec:
    return Spec(short, args, kwargs)


IMG = (None, 28, 28, 3)
SEQ = (None, 20, 8)
VEC = (None, 16)
VOL = (None, 10, 12, 14, 2)

CASES: list[tuple[Spec, list[tuple[int | None, ...]]]] = [
    (L("Dense", 10), [VEC]),
    (L("Dense", 4, activation="relu"), [SEQ]),
    (L("Dense", units=7), [IMG]),
    (L("Conv2D", 8, 3), [IMG]),
    (L("Conv2D", 8, (3, 5), strides=2, padding="same"), [IMG]),
    (L("Conv2D", 8, 3, 2, "valid"), [(None, 31, 29, 3)]),
    (L("Conv2D", 4, 3, dilation_rate=2), [IMG]),
    (L("Conv2D", 4, 5, strides=(1, 3), padding="valid"), [(None, None, 30, 1)]),
    (L("Conv1D", 16, 5), [SEQ]),
    (L("Conv1D", 16, 3, padding="causal", dilation_rate=4), [SEQ]),
    (L("Conv1D", 16, 3, strides=3, padding="same"), [SEQ]),
    (L("Conv3D", 4, 3), [VOL]),
    (L("Conv3D", 4, (1, 2, 3), strides=(2, 1, 2), padding="same"), [VOL]),
    (L("Conv2DTranspose", 8, 3), [IMG]),
    (L("Conv2DTranspose", 8, 3, strides=2, padding="same"), [IMG]),
    (L("Conv2DTranspose", 8, 4, strides=2, padding="valid"), [IMG]),
    (L("Conv2DTranspose", 8, 3, strides=2, padding="same", output_padding=1), [IMG]),
    (L("Conv1DTranspose", 6, 3, strides=2), [SEQ]),
    (L("Conv3DTranspose", 2, 2, strides=2), [VOL]),
    (L("SeparableConv2D", 8, 3, padding="same", strides=2), [IMG]),
    (L("SeparableConv1D", 8, 3, depth_multiplier=2), [SEQ]),
    (L("DepthwiseConv2D", 3, depth_multiplier=2), [IMG]),
    (L("DepthwiseConv2D", (3, 3), strides=2, padding="same"), [IMG]),
    (L("DepthwiseConv1D", 3), [SEQ]),
    (L("MaxPooling2D"), [IMG]),
    (L("MaxPooling2D", (3, 3), strides=2), [IMG]),
    (L("MaxPooling2D", pool_size=2, padding="same"), [(None, 27, 27, 3)]),
    (L("AveragePooling2D", 3, 1, "same"), [IMG]),
    (L("MaxPooling1D", 4), [SEQ]),
    (L("AveragePooling1D", pool_size=3, strides=2, padding="same"), [SEQ]),
    (L("MaxPooling3D"), [VOL]),
    (L("MaxPool2D", 2), [IMG]),
    (L("GlobalAveragePooling2D"), [IMG]),
    (L("GlobalMaxPooling2D", keepdims=True), [IMG]),
    (L("GlobalMaxPooling1D"), [SEQ]),
    (L("GlobalAveragePooling3D"), [VOL]),
    (L("Flatten"), [IMG]),
    (L("Flatten"), [(None, None, 4)]),
    (L("Reshape", (28, 28, 1)), [(None, 784)]),
    (L("Reshape", (-1, 4)), [(None, 8, 8)]),
    (L("Reshape", target_shape=(2, -1)), [IMG]),
    (L("Permute", (2, 1)), [SEQ]),
    (L("Permute", (3, 1, 2)), [IMG]),
    (L("RepeatVector", 5), [VEC]),
    (L("Dropout", 0.5), [IMG]),
    (L("SpatialDropout1D", 0.2), [SEQ]),
    (L("GaussianNoise", 0.1), [VEC]),
    (L("BatchNormalization"), [IMG]),
    (L("LayerNormalization"), [SEQ]),
    (L("Activation", "relu"), [VEC]),
    (L("LeakyReLU"), [VEC]),
    (L("Rescaling", 1.0 / 255), [IMG]),
    (L("Embedding", 1000, 32), [(None, 50)]),
    (L("Embedding", input_dim=500, output_dim=8), [(None, None)]),
    (L("SimpleRNN", 12), [SEQ]),
    (L("LSTM", 32, return_sequences=True), [SEQ]),
    (L("GRU", units=5), [(None, None, 3)]),
    (L("Bidirectional", L("LSTM", 16)), [SEQ]),
    (L("Bidirectional", L("GRU", 4, return_sequences=True), merge_mode="sum"), [SEQ]),
    (L("TimeDistributed", L("Dense", 3)), [SEQ]),
    (L("TimeDistributed", L("Conv2D", 4, 3)), [(None, 5, 16, 16, 1)]),
    (L("UpSampling2D"), [IMG]),
    (L("UpSampling2D", (2, 3)), [IMG]),
    (L("UpSampling1D", 3), [SEQ]),
    (L("UpSampling3D", 2), [VOL]),
    (L("ZeroPadding2D"), [IMG]),
    (L("ZeroPadding2D", ((1, 2), (3, 4))), [IMG]),
    (L("ZeroPadding1D", 2), [SEQ]),
    (L("ZeroPadding3D", (1, 2, 3)), [VOL]),
    (L("Cropping2D", ((2, 2), (4, 4))), [IMG]),
    (L("Cropping2D", 3), [IMG]),
    (L("Cropping1D", (1, 2)), [SEQ]),
    (L("Cropping3D", 1), [VOL]),
    (L("Resizing", 10, 12), [IMG]),
    (L("CenterCrop", 20, 20), [IMG]),
    (L("Concatenate"), [SEQ, (None, 20, 4)]),
    (L("Concatenate", axis=1), [SEQ, (None, 5, 8)]),
    (L("Add"), [VEC, VEC]),
    (L("Multiply"), [SEQ, SEQ]),
    (L("Average"), [VEC, VEC, VEC]),
    (L("Subtract"), [IMG, IMG]),
    (L("Maximum"), [VEC, VEC]),
    (L("Minimum"), [SEQ, SEQ]),
    (L("GlobalAveragePooling1D", keepdims=True), [SEQ]),
    (L("GlobalMaxPooling3D"), [VOL]),
    (L("AveragePooling3D", 2, padding="same"), [VOL]),
    (L("RandomCrop", 20, 24), [IMG]),
    (L("Conv2D", 8, 3, data_format="channels_first"), [(None, 3, 28, 28)]),
    (L("MaxPooling2D", 2, data_format="channels_first"), [(None, 3, 28, 28)]),
]


def _keras_shape(spec: Spec, inputs: list[tuple[int | None, ...]]) -> tuple[int | None, ...]:
    tensors = [keras.Input(batch_shape=shape) for shape in inputs]
    out = spec.keras()(tensors if len(tensors) > 1 else tensors[0])
    return tuple(out.shape)


@pytest.mark.parametrize(
    ("spec", "inputs"), CASES, ids=[f"{i}-{spec.short}" for i, (spec, _) in enumerate(CASES)]
)
def test_shape_matches_keras(spec: Spec, inputs: list[tuple[int | None, ...]]) -> None:
    assert output_shape(spec.ours(), inputs) == _keras_shape(spec, inputs)


def test_every_table_entry_that_keras_has_is_tried() -> None:
    tried = {spec.short for spec, _ in CASES}
    missing = {
        name.rsplit(".", 1)[-1]
        for name in SHAPE_FUNCTIONS
        if hasattr(keras.layers, name.rsplit(".", 1)[-1])
    } - tried
    # Aliases and layers whose shape is trivially their input's share the code tried above.
    aliases = {
        n for n in missing if "Convolution" in n or n.endswith(("Pool1D", "Pool2D", "Pool3D"))
    }
    same = {n for n in missing if output_shape(L(n).ours(), [IMG]) == IMG}
    assert missing - aliases - same == set()


def test_unknown_layer_and_unknown_arguments_give_no_shape() -> None:
    assert output_shape(L("Lambda", None).ours(), [VEC]) is None
    unknown = L("Dense", None).ours()
    unknown.args = (object(),)
    assert output_shape(unknown, [VEC]) is None
    assert output_shape(L("Dense", 3).ours(), [None]) is None


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (Spec("Dense", (8,), {"input_shape": (784,)}), (None, 784)),
        (Spec("Dense", (8,), {"input_dim": 20}), (None, 20)),
        (Spec("LSTM", (8,), {"batch_input_shape": (32, 10, 3)}), (32, 10, 3)),
        (Spec("Embedding", (100, 8), {"input_dim": 100, "input_length": 12}), (None, 12)),
        (Spec("Embedding", (100, 8), {}), None),
        (Spec("Dense", (8,), {}), None),
    ],
)
def test_declared_input(spec: Spec, expected: tuple[int | None, ...] | None) -> None:
    assert declared_input(spec.ours()) == expected


def test_keras_input_declares_its_shape() -> None:
    layer = Layer("keras.Input", "Input", (), {"shape": (28, 28, 1)}, SourceLocation("t.py", 1))
    assert declared_input(layer) == (None, 28, 28, 1)
    layer = Layer("keras.Input", "Input", ((None,),), {}, SourceLocation("t.py", 1))
    assert declared_input(layer) == (None, None)
