"""Calibration of KR002: how far correct lecun_normal SELU networks stray from mean 0 / std 1.

    python bench/selu_drift.py [--seeds 8]

At initialization (training mode, smooth standard normal input as kerascheck probes a factory
with) by layer width and kind, and after 2 epochs of SGD(0.01) and Adam(1e-3) by depth. The
worst layer over all seeds is printed; kerascheck/runtime/parent/checks.py keeps its limits
with a margin over these, and bench/RESULTS.md records the figures.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import keras
import numpy as np

from kerascheck.runtime.child import probe


def conv(init: str, channels: int, depth: int = 6) -> Any:
    model = keras.Sequential([keras.Input((16, 16, 3))])
    for _ in range(depth):
        model.add(
            keras.layers.Conv2D(
                channels, 3, padding="same", activation="selu", kernel_initializer=init
            )
        )
    return model


def dense(init: str, width: int, depth: int, inputs: int = 32, head: bool = False) -> Any:
    model = keras.Sequential([keras.Input((inputs,))])
    for _ in range(depth):
        model.add(keras.layers.Dense(width, activation="selu", kernel_initializer=init))
    if head:
        model.add(keras.layers.Dense(10, activation="softmax"))
    return model


def worst(model: Any, x: Any) -> tuple[float, float]:
    stats = [e for e in probe.layer_stats(model, x, True) or [] if e["activation"] == "selu"]
    return max(abs(e["mean"]) for e in stats), max(abs(e["std"] - 1) for e in stats)


def at_init(seeds: int) -> None:
    cases = [
        ("conv 16 channels, lecun", lambda: conv("lecun_normal", 16), 200),
        ("conv 32 channels, lecun", lambda: conv("lecun_normal", 32), 200),
        ("conv 16 channels, he (fault)", lambda: conv("he_normal", 16), 200),
        ("dense 16 units x16, lecun", lambda: dense("lecun_normal", 16, 16), 1000),
        ("dense 32 units x16, lecun", lambda: dense("lecun_normal", 32, 16), 1000),
        ("dense 64 units x16, lecun", lambda: dense("lecun_normal", 64, 16), 1000),
        ("dense 32 units x16, he (fault)", lambda: dense("he_normal", 32, 16), 1000),
    ]
    print("at initialization: worst |mean|, worst |std - 1|")
    for name, make, rows in cases:
        found = []
        for seed in range(seeds):
            keras.utils.set_random_seed(seed)
            model = make()
            found.append(worst(model, probe.standard_input(model, rows, seed)))
        print(f"  {name:32s} {max(m for m, _ in found):6.3f} {max(s for _, s in found):6.3f}")


def after_fit(seeds: int) -> None:
    print("after 2 epochs of 50 steps: worst |mean|, worst |std - 1|")
    for width, depth in ((32, 8), (100, 30), (100, 50)):
        for name in ("sgd", "adam"):
            found = []
            for seed in range(seeds):
                keras.utils.set_random_seed(seed)
                rng = np.random.default_rng(seed)
                x = rng.standard_normal((1600, 32)).astype("float32")
                y = rng.integers(0, 10, 1600)
                model = dense("lecun_normal", width, depth, head=True)
                optimizer = (
                    keras.optimizers.SGD(0.01) if name == "sgd" else keras.optimizers.Adam(1e-3)
                )
                model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
                model.fit(x, y, epochs=2, batch_size=32, verbose=0)
                found.append(worst(model, x[:1000]))
            label = f"{depth}x{width} {name}"
            print(f"  {label:32s} {max(m for m, _ in found):6.3f} {max(s for _, s in found):6.3f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=8)
    options = parser.parse_args()
    at_init(options.seeds)
    after_fit(min(options.seeds, 3))


if __name__ == "__main__":
    main()
