"""The labelled set: each fault found, no finding and no error on any correct twin."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import labels

pytestmark = pytest.mark.runtime

FAULTS = [name for name, label in labels().items() if label["expect"]]
TWINS = [name for name, label in labels().items() if not label["expect"]]


def test_the_set_covers_every_kind_of_target() -> None:
    names = list(labels())
    assert len(names) >= 30
    assert any(":" in n for n in FAULTS) and any(":" in n for n in TWINS)
    assert any(n.endswith(".ipynb") for n in FAULTS) and any(n.endswith(".ipynb") for n in TWINS)
    assert any("subclassed" in n for n in FAULTS) and any("subclassed" in n for n in TWINS)
    covered = {code for label in labels().values() for code in label["expect"]}
    assert covered == {f"KR00{i}" for i in range(1, 10)}


def _summary(report: dict[str, Any]) -> list[tuple[str, int, str]]:
    return [(d["code"], d["line"], d["message"][:160]) for d in report["diagnostics"]] + [
        ("error", e.get("line") or 0, e["message"][:300]) for e in report["errors"]
    ]


@pytest.mark.parametrize("name", FAULTS)
def test_fault_is_found(name: str, labelled_reports: dict[str, Any]) -> None:
    exit_code, report = labelled_reports[name]
    found = {d["code"] for d in report["diagnostics"]}
    assert set(labels()[name]["expect"]) <= found, _summary(report)
    assert exit_code in (1, 2)


@pytest.mark.parametrize("name", TWINS)
def test_correct_twin_gets_no_finding(name: str, labelled_reports: dict[str, Any]) -> None:
    _exit_code, report = labelled_reports[name]
    kr = [d for d in report["diagnostics"] if d["code"].startswith("KR")]
    assert kr == [] and report["errors"] == [], _summary(report)
    models = report["runtime"][0]["models"]
    assert models and all(m["stats"]["fits"] for m in models)


def test_subclassed_models_get_per_layer_statistics(labelled_reports: dict[str, Any]) -> None:
    _, report = labelled_reports["kr004_subclassed_dead.py"]
    (model,) = report["runtime"][0]["models"]
    assert model["kind"] == "subclassed"
    assert [layer["class"] for layer in model["layers"]] == ["keras.layers.Dense"] * 3
    (dead,) = [d for d in report["diagnostics"] if d["code"] == "KR004"]
    assert dead["line"] == 16 and "dense_1" in dead["message"]


def test_unseeded_generator_is_named_as_the_cause(labelled_reports: dict[str, Any]) -> None:
    _, report = labelled_reports["kr001_default_rng.py"]
    (finding,) = [d for d in report["diagnostics"] if d["code"] == "KR001"]
    assert "np.random.default_rng() on line 9" in finding["message"], finding["message"]
    assert "enable_op_determinism" not in finding["message"]


def test_notebook_cell_magics_still_run_their_code(labelled_reports: dict[str, Any]) -> None:
    _, report = labelled_reports["nb_dead_relu.ipynb"]
    (dead,) = [d for d in report["diagnostics"] if d["code"] == "KR004"]
    assert dead["cell"] == 3 and dead["line"] == 3
    (model,) = report["runtime"][0]["models"]
    assert model["stats"]["fits"][0]["location"]["cell"] == 4  # the %%time cell


def test_normalization_layer_is_looked_through(labelled_reports: dict[str, Any]) -> None:
    _, report = labelled_reports["kr008_normalization_layer.py"]
    (model,) = report["runtime"][0]["models"]
    (received,) = model["stats"]["selu_layer_input"]
    assert received["mean_abs_feature_mean"] < 0.1 and 0.9 < received["mean_feature_std"] < 1.1
    _, raw = labelled_reports["kr008_raw_input.py"]
    # The raw twin is judged for KR002 on its own data standardized: only KR008 fires.
    assert {d["code"] for d in raw["diagnostics"] if d["code"].startswith("KR")} == {"KR008"}


def test_factory_labels_are_learnable(labelled_reports: dict[str, Any]) -> None:
    _, report = labelled_reports["factories.py:build_classifier"]
    (model,) = report["runtime"][0]["models"]
    epochs = model["stats"]["epoch_losses"]
    assert epochs[-1] < 0.9 * epochs[0], epochs


def test_messages_name_the_step_the_cause_and_the_line(labelled_reports: dict[str, Any]) -> None:
    _, nan = labelled_reports["kr003_nan_input.py"]
    (finding,) = [d for d in nan["diagnostics"] if d["code"] == "KR003"]
    # relu(NaN) is 0 on this backend, so the loss stays finite while the NaN reaches the
    # first layer's kernel through its gradient: the finding names that layer.
    assert (
        finding["message"].startswith("the weights of dense hold NaN")
        or "step 1" in (finding["message"])
    )
    assert finding["severity"] == "error" and finding["line"] == 12
    _, dead = labelled_reports["kr004_negative_bias.py"]
    (finding,) = [d for d in dead["diagnostics"] if d["code"] == "KR004"]
    assert finding["line"] == 12 and "100%" in finding["message"] and "-10" in finding["message"]
    exit_code, labels_report = labelled_reports["kr007_sparse_range.py"]
    (finding,) = [d for d in labels_report["diagnostics"] if d["code"] == "KR007"]
    assert finding["line"] == 18 and "[1, 10]" in finding["message"]
    # The fit itself fails on those labels too: an error at the user's own line, exit 2.
    (error,) = labels_report["errors"]
    assert error["line"] == 18 and "label value of 10" in error["message"] and exit_code == 2
