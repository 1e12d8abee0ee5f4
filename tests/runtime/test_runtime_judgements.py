"""The parent's judgements on measured records: KR002's band, KR006's comparison, KR001's causes."""

from __future__ import annotations

from typing import Any

from kerascheck.runtime.parent import checks, repro


def _record(**fields: Any) -> Any:
    return {"fits": [], "description": {"layers": []}, **fields}


def _codes(record: Any) -> list[str]:
    return [d.code for d in checks.check_model(record, "train.py")]


def test_selu_band_widens_for_narrow_layers_only() -> None:
    narrow = {"activation": "selu", "mean": 0.0, "std": 1.3, "units": 16, "index": 0, "layer": "a"}
    wide = {**narrow, "units": 256}
    assert not checks.out_of_band(narrow) and checks.out_of_band(wide)
    assert checks.out_of_band({**narrow, "std": 2.4})  # he_normal's 2.41 stays outside


def test_selu_drift_after_the_fit_must_be_far() -> None:
    inside = {"activation": "selu", "mean": 0.0, "std": 1.0, "units": 100, "index": 0, "layer": "a"}
    moved = {**inside, "mean": 1.1, "std": 2.4}  # a correct 30x100 stack after Adam
    exploded = {**inside, "std": 14.0}
    stats = {"init": [inside], "fit": [moved]}
    assert _codes(_record(selu=True, selu_stats=stats)) == []
    found = checks.check_model(
        _record(selu=True, selu_stats={"init": [inside], "fit": [exploded]}), "train.py"
    )
    assert [d.code for d in found] == ["KR002"] and "order of magnitude" in found[0].message


def test_loss_is_judged_on_epoch_means_with_a_margin() -> None:
    assert _codes(_record(epoch_losses=[1.0, 1.05])) == []  # noise, not a rise
    assert _codes(_record(epoch_losses=[1.0, 0.7])) == []
    assert _codes(_record(epoch_losses=[1.0, 1.2])) == ["KR006"]
    assert _codes(_record(epoch_losses=[0.8, 0.8])) == ["KR006"]  # learning rate 0
    # One epoch: the first and last thirds of the batch losses (Keras logs running means).
    falling = [2.0, 1.9, 1.8, 1.7, 1.6, 1.5, 1.4, 1.3, 1.2]
    running = [sum(falling[: i + 1]) / (i + 1) for i in range(len(falling))]
    assert _codes(_record(epoch_losses=[running[-1]], batch_losses=running)) == []


def test_gpu_runs_that_differ_after_the_fit_name_the_kernels() -> None:
    result: Any = {"seeds": [{"kind": "keras.utils.set_random_seed", "location": None}]}
    on_gpu = repro.likely_causes({**result, "device": "gpu"}, _record(), at_init=False)
    assert any("GPU" in cause and "enable_op_determinism" in cause for cause in on_gpu)
    unseeded: Any = {
        **result,
        "generators": [{"kind": "np.random.default_rng", "location": {"line": 9}}],
    }
    causes = repro.likely_causes(unseeded, _record(), at_init=False)
    assert causes == [
        "unseeded generator: np.random.default_rng() on line 9 draws different numbers every "
        "run (keras.utils.set_random_seed does not reach it): give it a seed"
    ]
