"""`--plot`: SELU layer mean and std against depth, at initialization and after the fit."""

from __future__ import annotations

from typing import Any

from kerascheck.runtime.parent import checks


def plot_selu(models: list[dict[str, Any]], path: str) -> bool:
    """Draw every SELU model's statistics into one PNG; False when there is nothing to draw."""
    drawn = [m for m in models if (m["stats"].get("selu") or {}).get("init")]
    if not drawn:
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(len(drawn), 2, figsize=(10, 3.2 * len(drawn)), squeeze=False)
    for row, model in zip(axes, drawn, strict=False):
        stats = model["stats"]["selu"]
        for when, style in (("init", "-"), ("fit", "--")):
            entries = [e for e in stats.get(when) or [] if e.get("activation") == "selu"]
            depth = list(range(1, len(entries) + 1))
            row[0].plot(depth, [e["mean"] for e in entries], style, label=when)
            row[1].plot(depth, [e["std"] for e in entries], style, label=when)
        row[0].axhspan(-checks.SELU_MEAN_LIMIT, checks.SELU_MEAN_LIMIT, color="green", alpha=0.1)
        row[1].axhspan(*checks.SELU_STD_BAND, color="green", alpha=0.1)
        row[0].set_title(f"{model['name']}: output mean")
        row[1].set_title(f"{model['name']}: output std")
        for axis in row:
            axis.set_xlabel("SELU layer")
            axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return True
