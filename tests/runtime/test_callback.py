"""kerascheck.Callback in a real `model.fit`: what it finds, and that the training is unchanged."""

from __future__ import annotations

import os
from typing import Any

import pytest

pytestmark = pytest.mark.runtime

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.fixture(scope="module")
def keras() -> Any:
    return pytest.importorskip("keras")


@pytest.fixture(scope="module")
def data() -> tuple[Any, Any]:
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((384, 16)).astype("float32")
    y = (x[:, :3].sum(axis=1) > 0).astype("float32")
    return x, y


def _compiled(keras: Any, layers: list[Any]) -> Any:
    model = keras.Sequential([keras.Input((16,)), *layers])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


def _correct(keras: Any) -> Any:
    # Dropout and BatchNormalization: the probes' training-mode passes move their state.
    return _compiled(
        keras,
        [
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dropout(0.3),
            keras.layers.BatchNormalization(),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ],
    )


def _fit(model: Any, data: tuple[Any, Any], callbacks: list[Any], **kwargs: Any) -> Any:
    x, y = data
    return model.fit(x, y, epochs=2, batch_size=32, verbose=0, callbacks=callbacks, **kwargs)


def test_finds_dead_relu_units(keras: Any, data: tuple[Any, Any], capsys: Any) -> None:
    import kerascheck

    keras.utils.set_random_seed(0)
    model = _compiled(
        keras,
        [
            keras.layers.Dense(
                32, activation="relu", bias_initializer=keras.initializers.Constant(-6.0)
            ),
            keras.layers.Dense(1, activation="sigmoid"),
        ],
    )
    callback = kerascheck.Callback()
    _fit(model, data, [callback])
    dead = [d for d in callback.findings if d.code == "KR004"]
    assert len(dead) == 1
    assert "100% of the 32 relu units" in dead[0].message
    assert "bias starts at -6.0" in dead[0].message
    assert dead[0].path == __file__
    printed = capsys.readouterr().out
    # Reported twice: after the first epoch, and at the end of training.
    assert "finding after epoch 1" in printed or "findings after epoch 1" in printed
    assert "at the end of training (2 epochs)" in printed
    assert printed.count("KR004 ") == 2


def test_finds_selu_drift_with_he_normal(keras: Any, data: tuple[Any, Any]) -> None:
    import kerascheck

    keras.utils.set_random_seed(0)
    model = _compiled(
        keras,
        [
            keras.layers.Dense(64, activation="selu", kernel_initializer="he_normal")
            for _ in range(8)
        ]
        + [keras.layers.Dense(1, activation="sigmoid")],
    )
    callback = kerascheck.Callback(verbose=0)
    _fit(model, data, [callback])
    assert [d.code for d in callback.findings] == ["KR002"]
    assert "HeNormal (use lecun_normal)" in callback.findings[0].message


def test_lecun_selu_network_is_clean(keras: Any, data: tuple[Any, Any]) -> None:
    """The look-alike of the case above, with the initializer SELU needs."""
    import kerascheck

    keras.utils.set_random_seed(0)
    model = _compiled(
        keras,
        [
            keras.layers.Dense(64, activation="selu", kernel_initializer="lecun_normal")
            for _ in range(8)
        ]
        + [keras.layers.Dense(1, activation="sigmoid")],
    )
    callback = kerascheck.Callback(verbose=0)
    _fit(model, data, [callback])
    assert callback.findings == []


def test_nothing_on_a_correct_model(keras: Any, data: tuple[Any, Any], capsys: Any) -> None:
    import kerascheck

    keras.utils.set_random_seed(0)
    callback = kerascheck.Callback()
    _fit(_correct(keras), data, [callback], validation_split=0.25)
    assert callback.findings == []
    assert callback.warnings == []
    assert "kerascheck: 0 findings at the end of training" in capsys.readouterr().out


def _trained(keras: Any, data: tuple[Any, Any], callbacks: list[Any]) -> tuple[list[Any], Any]:
    """Weights and optimizer state, and the History and the global generators' states."""
    import random

    import numpy as np

    keras.utils.set_random_seed(0)
    model = _correct(keras)
    history = _fit(model, data, callbacks, validation_split=0.25, shuffle=True)
    state = [w.copy() for w in model.get_weights()]
    state += [np.array(v.numpy()) for v in model.optimizer.variables]
    after = (history.history, random.getstate(), np.random.get_state()[1].tolist())
    return state, after


def test_training_is_unchanged_bitwise(keras: Any, data: tuple[Any, Any]) -> None:
    import numpy as np

    import kerascheck

    plain, plain_history = _trained(keras, data, [])
    checked, checked_history = _trained(keras, data, [kerascheck.Callback(verbose=0)])
    assert len(plain) == len(checked)
    assert all(np.array_equal(a, b) for a, b in zip(plain, checked, strict=True))
    assert plain_history == checked_history

    # The comparison can fail: a callback that runs one unrestored training-mode pass (it
    # advances the dropout seed and moves the BatchNorm statistics) changes the weights.
    class Meddling(keras.callbacks.Callback):  # type: ignore[misc]
        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            if epoch == 0:
                self.model(data[0][:64], training=True)

    meddled, _ = _trained(keras, data, [Meddling()])
    assert not all(np.array_equal(a, b) for a, b in zip(plain, meddled, strict=True))


def test_options_select_ignore_and_raise(keras: Any, data: tuple[Any, Any]) -> None:
    import kerascheck

    def dead_model() -> Any:
        keras.utils.set_random_seed(0)
        return _compiled(
            keras,
            [
                keras.layers.Dense(
                    8, activation="relu", bias_initializer=keras.initializers.Constant(-6.0)
                ),
                keras.layers.Dense(1, activation="sigmoid"),
            ],
        )

    ignoring = kerascheck.Callback(ignore=["KR004"], verbose=0)
    _fit(dead_model(), data, [ignoring])
    assert "KR004" not in {d.code for d in ignoring.findings}
    only = kerascheck.Callback(select=["KR004"], verbose=0)
    _fit(dead_model(), data, [only])
    assert {d.code for d in only.findings} == {"KR004"}
    with pytest.raises(kerascheck.FindingsError) as raised:
        _fit(dead_model(), data, [kerascheck.Callback(select=["KR004"], raise_on_findings=True)])
    assert [d.code for d in raised.value.findings] == ["KR004"]
    with pytest.raises(ValueError):
        kerascheck.Callback(select=["KR99x"])


def test_dataset_is_never_read_without_data(keras: Any, data: tuple[Any, Any]) -> None:
    """A dataset fit reads is left alone; data= gives the probes their sample."""
    tf = pytest.importorskip("tensorflow")
    import kerascheck

    x, y = data
    keras.utils.set_random_seed(0)
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(32)
    bare = kerascheck.Callback(verbose=0)
    model = _compiled(
        keras,
        [
            keras.layers.Dense(
                8, activation="relu", bias_initializer=keras.initializers.Constant(-6.0)
            ),
            keras.layers.Dense(1, activation="sigmoid"),
        ],
    )
    model.fit(dataset, epochs=2, verbose=0, callbacks=[bare])
    assert "KR004" not in {d.code for d in bare.findings}
    assert any("data=(x, y)" in w for w in bare.warnings)
    given = kerascheck.Callback(data=(x[:128], y[:128]), verbose=0)
    model.fit(dataset, epochs=2, verbose=0, callbacks=[given])
    assert "KR004" in {d.code for d in given.findings}


def test_non_finite_loss_is_reported_and_training_left_running(
    keras: Any, data: tuple[Any, Any]
) -> None:
    import numpy as np

    import kerascheck

    x, y = data
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((16,)), keras.layers.Dense(16), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=10.0), loss="mse")
    callback = kerascheck.Callback(verbose=0)
    history = model.fit(x, y * 1e3, epochs=2, batch_size=32, verbose=0, callbacks=[callback])
    assert "KR003" in {d.code for d in callback.findings}
    # The callback records the NaN but never stops the fit: both epochs ran.
    assert len(history.history["loss"]) == 2
    assert not np.isfinite(history.history["loss"][-1])


def test_keras_is_loaded_only_when_the_callback_is_asked_for() -> None:
    import subprocess
    import sys

    code = (
        "import sys, kerascheck\n"
        "assert not any(m in sys.modules for m in ('keras', 'tensorflow', 'numpy'))\n"
        "kerascheck.Callback\n"
        "assert 'keras' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_report_html_for_jupyter(keras: Any, data: tuple[Any, Any]) -> None:
    from kerascheck.integrations.keras_callback import Report
    from kerascheck.runtime.parent import checks

    found = checks.diagnostic("KR004", {"path": "t.py", "line": 3}, "50% of <dense> units")
    page = Report([found], "after epoch 1", ["a <note>"])._repr_html_()
    assert "KR004" in page and "&lt;dense&gt;" in page and "a &lt;note&gt;" in page
    assert "kerascheck: 1 finding after epoch 1" in repr(Report([found], "after epoch 1", []))
