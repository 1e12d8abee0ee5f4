"""Output shapes of Keras layers from their arguments and input shapes: one function a class."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, Protocol

# A shape with its batch dimension first; None for a dimension not known. A whole shape that is
# not known is None.
Dim = int | None
Shape = tuple[Dim, ...]


class LayerArgs(Protocol):
    """What a shape function reads of a layer: its arguments by keyword or position."""

    cls: str

    def arg(self, name: str, position: int | None = None, default: Any = None) -> Any: ...


ShapeFunction = Callable[[LayerArgs, Sequence[Shape]], Shape | None]


class _Unknowable(Exception):
    """An argument the reader could not know: the output shape is not known."""


def _int(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise _Unknowable


def _ints(value: Any, rank: int) -> tuple[int, ...]:
    """`3` or `(3, 3)` as a tuple of `rank` ints."""
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,) * rank
    if isinstance(value, list | tuple) and len(value) == rank:
        return tuple(_int(v) for v in value)
    raise _Unknowable


def _str(value: Any) -> str:
    if isinstance(value, str):
        return value.lower()
    raise _Unknowable


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise _Unknowable


def _channels_first(layer: LayerArgs, position: int | None) -> bool:
    value = layer.arg("data_format", position, None)
    if value is None:
        # The keras.json setting is not in the file; channels_last is what nearly all use.
        return False
    return _str(value) == "channels_first"


def _split(shape: Shape, rank: int, first: bool) -> tuple[Dim, tuple[Dim, ...], Dim]:
    """(batch, spatial dims, channels) of a `rank`-D feature map."""
    if len(shape) != rank + 2:
        raise _Unknowable
    if first:
        return shape[0], shape[2:], shape[1]
    return shape[0], shape[1:-1], shape[-1]


def _join(batch: Dim, spatial: Sequence[Dim], channels: Dim, first: bool) -> Shape:
    if first:
        return (batch, channels, *spatial)
    return (batch, *spatial, channels)


def conv_length(length: Dim, kernel: int, padding: str, stride: int, dilation: int) -> Dim:
    """Keras's conv_output_length."""
    if length is None:
        return None
    effective = kernel + (kernel - 1) * (dilation - 1)
    if padding in ("same", "causal"):
        out = length
    elif padding == "valid":
        out = length - effective + 1
    else:
        raise _Unknowable
    return (out + stride - 1) // stride


def deconv_length(
    length: Dim, kernel: int, padding: str, stride: int, dilation: int, output_padding: int | None
) -> Dim:
    """Keras's deconv_output_length."""
    if length is None:
        return None
    kernel = kernel + (kernel - 1) * (dilation - 1)
    if output_padding is None:
        if padding == "valid":
            return length * stride + max(kernel - stride, 0)
        if padding == "same":
            return length * stride
        raise _Unknowable
    pad = {"same": kernel // 2, "valid": 0}.get(padding)
    if pad is None:
        raise _Unknowable
    return (length - 1) * stride + kernel - 2 * pad + output_padding


def pool_length(length: Dim, pool: int, padding: str, stride: int) -> Dim:
    if length is None:
        return None
    if padding == "valid":
        return (length - pool) // stride + 1
    if padding == "same":
        return (length - 1) // stride + 1
    raise _Unknowable


# ---------------------------------------------------------------- convolutions


# Argument positions: Conv(filters, kernel_size, strides, padding, data_format, dilation_rate)
# and DepthwiseConv(kernel_size, strides, padding, depth_multiplier, data_format, dilation_rate).
_CONV_POSITIONS = {"kernel_size": 1, "strides": 2, "padding": 3, "data_format": 4, "dilation": 5}
_DEPTHWISE_POSITIONS = {
    "kernel_size": 0,
    "strides": 1,
    "padding": 2,
    "data_format": 4,
    "dilation": 5,
}


def _conv(rank: int, *, depthwise: bool = False) -> ShapeFunction:
    at = _DEPTHWISE_POSITIONS if depthwise else _CONV_POSITIONS

    def shape(layer: LayerArgs, inputs: Sequence[Shape]) -> Shape:
        first = _channels_first(layer, at["data_format"])
        batch, spatial, channels = _split(inputs[0], rank, first)
        kernel = _ints(layer.arg("kernel_size", at["kernel_size"]), rank)
        strides = _ints(layer.arg("strides", at["strides"], 1), rank)
        padding = _str(layer.arg("padding", at["padding"], "valid"))
        dilation = _ints(layer.arg("dilation_rate", at["dilation"], 1), rank)
        out = tuple(
            conv_length(n, k, padding, s, d)
            for n, k, s, d in zip(spatial, kernel, strides, dilation, strict=True)
        )
        if depthwise:
            multiplier = _int(layer.arg("depth_multiplier", 3, 1))
            filters = None if channels is None else channels * multiplier
        else:
            filters = _int(layer.arg("filters", 0))
        return _join(batch, out, filters, first)

    return shape


def _conv_transpose(rank: int) -> ShapeFunction:
    # Conv2DTranspose(filters, kernel_size, strides, padding, output_padding?, data_format,
    # dilation_rate): Keras 2 and 3 differ in the positions after padding, so keywords only.
    def shape(layer: LayerArgs, inputs: Sequence[Shape]) -> Shape:
        first = _channels_first(layer, None)
        batch, spatial, _ = _split(inputs[0], rank, first)
        kernel = _ints(layer.arg("kernel_size", 1), rank)
        strides = _ints(layer.arg("strides", 2, 1), rank)
        padding = _str(layer.arg("padding", 3, "valid"))
        dilation = _ints(layer.arg("dilation_rate", None, 1), rank)
        raw_padding = layer.arg("output_padding", None, None)
        out_padding: tuple[int | None, ...] = (
            (None,) * rank if raw_padding is None else _ints(raw_padding, rank)
        )
        out = tuple(
            deconv_length(n, k, padding, s, d, p)
            for n, k, s, d, p in zip(spatial, kernel, strides, dilation, out_padding, strict=True)
        )
        return _join(batch, out, _int(layer.arg("filters", 0)), first)

    return shape


def _separable(rank: int) -> ShapeFunction:
    return _conv(rank)


# ---------------------------------------------------------------- pooling


def _pool(rank: int) -> ShapeFunction:
    # Pooling(pool_size, strides, padding, data_format).
    def shape(layer: LayerArgs, inputs: Sequence[Shape]) -> Shape:
        first = _channels_first(layer, 3)
        batch, spatial, channels = _split(inputs[0], rank, first)
        pool = _ints(layer.arg("pool_size", 0, 2), rank)
        raw_strides = layer.arg("strides", 1, None)
        strides = pool if raw_strides is None else _ints(raw_strides, rank)
        padding = _str(layer.arg("padding", 2, "valid"))
        out = tuple(
            pool_length(n, p, padding, s) for n, p, s in zip(spatial, pool, strides, strict=True)
        )
        return _join(batch, out, channels, first)

    return shape


def _global_pool(rank: int) -> ShapeFunction:
    # GlobalPooling(data_format, keepdims).
    def shape(layer: LayerArgs, inputs: Sequence[Shape]) -> Shape:
        first = _channels_first(layer, 0)
        batch, spatial, channels = _split(inputs[0], rank, first)
        if _bool(layer.arg("keepdims", 1, False)):
            return _join(batch, (1,) * len(spatial), channels, first)
        return (batch, channels)

    return shape


# ---------------------------------------------------------------- core and reshaping


def same_shape(layer: LayerArgs, inputs: Sequence[Shape]) -> Shape:
    return inputs[0]


def dense(layer: LayerArgs, inputs: Sequence[Shape]) -> Shape:
    shape = inputs[0]
    if len(shape) < 2:
        raise _Unknowable
    return (*shape[:-1], _int(layer.arg("units", 0)))


def _product(dims: Sequence[Dim]) -> Dim:
    if any(d is None for d in dims):
        return None
    return math.prod(d for d in dims if d is not None)


def flatten(layer: LayerArgs, inputs: Sequence[Shape]) -> Shape:
    shape = inputs[0]
    return (shape[0], _product(shape[1:]))


def reshape(layer: LayerArgs, inputs: Sequence[Shape]) -> Shape:
    target = layer.arg("target_shape", 0)
    if not isinstance(target, list | tuple):
        raise _Unknowable
    dims = [_int(d) for d in target]
    if dims.count(-1) > 1:
        raise _Unknowable
    if -1 in dims:
        total = _product(inputs[0][1:])
        rest = math.prod(d for d in dims if d != -1)
        known = total is not None and rest > 0 and total % rest == 0
        value: Dim = total // rest if known and total is not None else None
        return (inputs[0][0], *(value if d == -1 else d for d in dims))
    return (inputs[0][0], *dims)


def permute(layer: LayerArgs, inputs: Sequence[Shape]) -> Shape:
    dims = layer.arg("dims", 0)
    if not isinstance(dims, list | tuple):
        raise _Unknowable
    shape = inputs[0]
    order = [_int(d) for d in dims]
    if sorted(order) != list(range(1, len(shape))):
        raise _Unknowable
    return (shape[0], *(shape[d] for d in order))


def repeat_vector(layer: LayerArgs, inputs: Sequence[Shape]) -> Shape:
    shape = inputs[0]
    if len(shape) != 2:
        raise _Unknowable
    return (shape[0], _int(layer.arg("n", 0)), shape[1])


def embedding(layer: LayerArgs, inputs: Sequence[Shape]) -> Shape:
    return (*inputs[0], _int(layer.arg("output_dim", 1)))


def recurrent(layer: LayerArgs, inputs: Sequence[Shape]) -> Shape:
    shape = inputs[0]
    if len(shape) != 3 or layer.arg("return_state", None, False) is not False:
        raise _Unknowable
    units = _int(layer.arg("units", 0))
    if _bool(layer.arg("return_sequences", None, False)):
        return (shape[0], shape[1], units)
    return (shape[0], units)


def _inner(layer: LayerArgs) -> LayerArgs:
    inner = layer.arg("layer", 0)
    if not hasattr(inner, "arg") or not hasattr(inner, "cls"):
        raise _Unknowable
    return inner  # type: ignore[no-any-return]


def bidirectional(layer: LayerArgs, inputs: Sequence[Shape]) -> Shape:
    inner = _inner(layer)
    out = output_shape(inner, inputs)
    mode = layer.arg("merge_mode", 1, "concat")
    if out is None or mode is None:
        raise _Unknowable
    mode = _str(mode)
    if mode == "concat":
        last = out[-1]
        return (*out[:-1], None if last is None else 2 * last)
    if mode in ("sum", "mul", "ave"):
        return out
    raise _Unknowable


def time_distributed(layer: LayerArgs, inputs: Sequence[Shape]) -> Shape:
    shape = inputs[0]
    if len(shape) < 3:
        raise _Unknowable
    inner = output_shape(_inner(layer), [(shape[0], *shape[2:])])
    if inner is None:
        raise _Unknowable
    return (inner[0], shape[1], *inner[1:])


# ---------------------------------------------------------------- merging


def _broadcast_dim(a: Dim, b: Dim) -> Dim:
    if a is None or b is None:
        return a if b in (None, 1) and a != 1 else b if a in (None, 1) and b != 1 else None
    if a == 1:
        return b
    if b == 1 or a == b:
        return a
    raise _Unknowable


def elementwise(layer: LayerArgs, inputs: Sequence[Shape]) -> Shape:
    if len(inputs) < 2 or len({len(s) for s in inputs}) != 1:
        raise _Unknowable
    out = list(inputs[0])
    for shape in inputs[1:]:
        out = [_broadcast_dim(a, b) for a, b in zip(out, shape, strict=True)]
    return tuple(out)


def concatenate(layer: LayerArgs, inputs: Sequence[Shape]) -> Shape:
    if len(inputs) < 2 or len({len(s) for s in inputs}) != 1:
        raise _Unknowable
    rank = len(inputs[0])
    axis = _int(layer.arg("axis", 0, -1))
    axis = axis + rank if axis < 0 else axis
    if not 0 < axis < rank:
        raise _Unknowable
    out: list[Dim] = []
    for i in range(rank):
        dims = [s[i] for s in inputs]
        if i == axis:
            out.append(None if None in dims else sum(d for d in dims if d is not None))
            continue
        known = {d for d in dims if d is not None}
        if len(known) > 1 and i != 0:
            raise _Unknowable
        out.append(known.pop() if known else None)
    return tuple(out)


# ---------------------------------------------------------------- resizing


def _upsampling(rank: int) -> ShapeFunction:
    def shape(layer: LayerArgs, inputs: Sequence[Shape]) -> Shape:
        first = False if rank == 1 else _channels_first(layer, 1)
        batch, spatial, channels = _split(inputs[0], rank, first)
        sizes = _ints(layer.arg("size", 0, 2), rank)
        out = tuple(None if n is None else n * s for n, s in zip(spatial, sizes, strict=True))
        return _join(batch, out, channels, first)

    return shape


def _pairs(value: Any, rank: int) -> tuple[tuple[int, int], ...]:
    """`1`, `(1, 2)` or `((1, 1), (2, 2))` as one (before, after) pair a dimension."""
    if isinstance(value, int) and not isinstance(value, bool):
        return ((value, value),) * rank
    if isinstance(value, list | tuple) and len(value) == rank:
        out = []
        for item in value:
            if isinstance(item, int) and not isinstance(item, bool):
                out.append((item, item))
            elif isinstance(item, list | tuple) and len(item) == 2:
                out.append((_int(item[0]), _int(item[1])))
            else:
                raise _Unknowable
        return tuple(out)
    if rank == 1 and isinstance(value, list | tuple) and len(value) == 2:
        return ((_int(value[0]), _int(value[1])),)
    raise _Unknowable


def _padding_or_cropping(rank: int, name: str, default: Any, sign: int) -> ShapeFunction:
    def shape(layer: LayerArgs, inputs: Sequence[Shape]) -> Shape:
        first = False if rank == 1 else _channels_first(layer, 1)
        batch, spatial, channels = _split(inputs[0], rank, first)
        pairs = _pairs(layer.arg(name, 0, default), rank)
        out = tuple(
            None if n is None else n + sign * (a + b)
            for n, (a, b) in zip(spatial, pairs, strict=True)
        )
        return _join(batch, out, channels, first)

    return shape


def resizing(layer: LayerArgs, inputs: Sequence[Shape]) -> Shape:
    # Resizing/CenterCrop/RandomCrop(height, width, ..., data_format).
    first = _channels_first(layer, None)
    batch, _, channels = _split(inputs[0], 2, first)
    size = (_int(layer.arg("height", 0)), _int(layer.arg("width", 1)))
    return _join(batch, size, channels, first)


# ---------------------------------------------------------------- the table

_SAME_SHAPE = (
    "Activation",
    "ActivityRegularization",
    "AlphaDropout",
    "BatchNormalization",
    "Dropout",
    "ELU",
    "GaussianDropout",
    "GaussianNoise",
    "GroupNormalization",
    "LayerNormalization",
    "LeakyReLU",
    "Masking",
    "Normalization",
    "PReLU",
    "ReLU",
    "Rescaling",
    "Softmax",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "SpatialDropout3D",
    "SyncBatchNormalization",
    "ThresholdedReLU",
    "UnitNormalization",
    "RandomBrightness",
    "RandomContrast",
    "RandomFlip",
    "RandomRotation",
    "RandomTranslation",
    "RandomZoom",
)

SHAPE_FUNCTIONS: dict[str, ShapeFunction] = {
    **{f"keras.layers.{name}": same_shape for name in _SAME_SHAPE},
    "keras.layers.Dense": dense,
    "keras.layers.Flatten": flatten,
    "keras.layers.Reshape": reshape,
    "keras.layers.Permute": permute,
    "keras.layers.RepeatVector": repeat_vector,
    "keras.layers.Embedding": embedding,
    "keras.layers.SimpleRNN": recurrent,
    "keras.layers.LSTM": recurrent,
    "keras.layers.GRU": recurrent,
    "keras.layers.CuDNNLSTM": recurrent,
    "keras.layers.CuDNNGRU": recurrent,
    "keras.layers.Bidirectional": bidirectional,
    "keras.layers.TimeDistributed": time_distributed,
    "keras.layers.Concatenate": concatenate,
    "keras.layers.Add": elementwise,
    "keras.layers.Subtract": elementwise,
    "keras.layers.Multiply": elementwise,
    "keras.layers.Average": elementwise,
    "keras.layers.Maximum": elementwise,
    "keras.layers.Minimum": elementwise,
    "keras.layers.Resizing": resizing,
    "keras.layers.CenterCrop": resizing,
    "keras.layers.RandomCrop": resizing,
}
for _rank in (1, 2, 3):
    SHAPE_FUNCTIONS[f"keras.layers.Conv{_rank}D"] = _conv(_rank)
    SHAPE_FUNCTIONS[f"keras.layers.Convolution{_rank}D"] = _conv(_rank)
    SHAPE_FUNCTIONS[f"keras.layers.Conv{_rank}DTranspose"] = _conv_transpose(_rank)
    for _kind in ("Max", "Average"):
        SHAPE_FUNCTIONS[f"keras.layers.{_kind}Pooling{_rank}D"] = _pool(_rank)
        SHAPE_FUNCTIONS[f"keras.layers.{_kind}Pool{_rank}D"] = _pool(_rank)
        SHAPE_FUNCTIONS[f"keras.layers.Global{_kind}Pooling{_rank}D"] = _global_pool(_rank)
        SHAPE_FUNCTIONS[f"keras.layers.Global{_kind}Pool{_rank}D"] = _global_pool(_rank)
    SHAPE_FUNCTIONS[f"keras.layers.UpSampling{_rank}D"] = _upsampling(_rank)
    SHAPE_FUNCTIONS[f"keras.layers.ZeroPadding{_rank}D"] = _padding_or_cropping(
        _rank, "padding", 1, 1
    )
    SHAPE_FUNCTIONS[f"keras.layers.Cropping{_rank}D"] = _padding_or_cropping(
        _rank, "cropping", (1, 1) if _rank == 1 else 0, -1
    )
for _rank in (1, 2):
    SHAPE_FUNCTIONS[f"keras.layers.SeparableConv{_rank}D"] = _separable(_rank)
    SHAPE_FUNCTIONS[f"keras.layers.SeparableConvolution{_rank}D"] = _separable(_rank)
    SHAPE_FUNCTIONS[f"keras.layers.DepthwiseConv{_rank}D"] = _conv(_rank, depthwise=True)

MERGING = frozenset(
    {
        "keras.layers.Concatenate",
        "keras.layers.Add",
        "keras.layers.Subtract",
        "keras.layers.Multiply",
        "keras.layers.Average",
        "keras.layers.Maximum",
        "keras.layers.Minimum",
    }
)


def output_shape(layer: LayerArgs, inputs: Sequence[Shape | None]) -> Shape | None:
    """The layer's output shape for these input shapes; None when it cannot be known."""
    function = SHAPE_FUNCTIONS.get(layer.cls)
    if function is None or not inputs or any(s is None for s in inputs):
        return None
    known = [s for s in inputs if s is not None]
    if (layer.cls in MERGING) != (len(known) > 1):
        return None
    if any(len(s) < 1 for s in known):
        return None
    try:
        return function(layer, known)
    except (_Unknowable, TypeError, ValueError, ZeroDivisionError):
        return None


def declared_input(layer: LayerArgs) -> Shape | None:
    """The input shape a layer declares: `keras.Input(shape=)`, `input_shape=`, `input_dim=`."""
    try:
        if layer.cls in ("keras.Input", "keras.layers.InputLayer"):
            batch_shape = layer.arg("batch_shape", None, None)
            if batch_shape is None:
                batch_shape = layer.arg("batch_input_shape", None, None)
            if batch_shape is not None:
                return _dims(batch_shape)
            shape = layer.arg("shape", 0 if layer.cls == "keras.Input" else None, None)
            if shape is None:
                shape = layer.arg("input_shape", None if layer.cls == "keras.Input" else 0, None)
            if shape is None:
                return None
            batch = layer.arg("batch_size", None, None)
            return (batch if isinstance(batch, int) else None, *_dims(shape))
        batch_shape = layer.arg("batch_input_shape", None, None)
        if batch_shape is not None:
            return _dims(batch_shape)
        shape = layer.arg("input_shape", None, None)
        if shape is not None:
            return (None, *_dims(shape))
        if layer.cls == "keras.layers.Embedding":
            length = layer.arg("input_length", None, None)
            return None if length is None else (None, _int(length))
        dim = layer.arg("input_dim", None, None)
        if dim is not None:
            return (None, _int(dim))
    except _Unknowable:
        return None
    return None


def _dims(value: Any) -> Shape:
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,)
    if not isinstance(value, list | tuple):
        raise _Unknowable
    out: list[Dim] = []
    for item in value:
        if item is None:
            out.append(None)
        else:
            out.append(_int(item))
    return tuple(out)
