"""The runtime checks as rule classes: codes, names and documentation in the static rules' sections."""

from __future__ import annotations

from collections.abc import Iterable

from kerascheck.model.results import Finding, Severity
from kerascheck.model.rule import Rule, RuleContext


class RuntimeRule(Rule):
    """A check of `kerascheck run`: it measures a live model, so the static engine never runs it."""

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        return ()


class NonReproducibleTraining(RuntimeRule):
    """Two fresh runs with the same seed end with different weights.

    ## What it does
    Runs the target twice, side by side, and compares every weight bitwise at initialization
    and after the capped fit. When they differ it names the first layer that differs and the
    likely cause, read from what the runs did: no seed, a partial seed (`np.random.seed` or
    `tf.random.set_seed` alone leave Keras 3 initializers unseeded), a seed set after the first
    layer, an unseeded shuffle (`np.random.permutation` without a NumPy seed, `Dataset.shuffle`
    without any seed), a generator made without a seed (`np.random.default_rng()`), or, on a
    GPU, kernels that add in a different order every run.

    ## Why is this bad?
    A result that changes from run to run cannot be compared with the next change you make:
    the difference between two experiments is then partly noise. On a GPU, seeds fix the random
    numbers but not the order of floating-point additions in reductions and some cuDNN kernels;
    `tf.config.experimental.enable_op_determinism()` (or
    `torch.use_deterministic_algorithms(True)`) selects deterministic kernels.

    ## Example
    ```python
    order = np.random.default_rng().permutation(len(x))
    model.fit(x[order], y[order])
    ```

    ## Use instead
    ```python
    keras.utils.set_random_seed(42)
    order = np.random.default_rng(42).permutation(len(x))
    model.fit(x[order], y[order])
    ```

    ## Fix safety
    No fix: the cause is in how the script seeds and orders its data.
    """

    code = "KR001"
    name = "non-reproducible-training"
    summary = "Two fresh runs with the same seed end with different weights."


class SelfNormalizationDrift(RuntimeRule):
    """A SELU network's layer outputs leave mean 0 / std 1.

    ## What it does
    Feeds the model data like its own (a sample of the script's batches, standardized when the
    first SELU layer does not get it standardized; smooth synthetic input for a factory) in
    training mode and measures each SELU layer's output. At initialization every SELU layer must
    keep |mean| <= 0.15 and a std within max(0.15, 2 / sqrt(units)) of 1 (narrow layers spread
    more). After the capped fit only a drift an order of magnitude away (|mean| > 5, std outside
    0.1-10) is reported, since training moves the weights and the fixed point stays attracting.

    ## Why is this bad?
    Self-normalization is what lets a deep SELU network train without batch normalization. It
    holds only with lecun_normal weights, standardized input and AlphaDropout; he_normal,
    plain Dropout or unscaled input make the statistics grow or shrink layer by layer.

    ## Example
    ```python
    keras.layers.Dense(100, activation="selu", kernel_initializer="he_normal")
    ```

    ## Use instead
    ```python
    keras.layers.Dense(100, activation="selu", kernel_initializer="lecun_normal")
    ```

    ## Fix safety
    No fix: `kerascheck check` fixes the initializer (KC101) where it can read it.
    """

    code = "KR002"
    name = "self-normalization-drift"
    summary = "A SELU network's layer outputs leave mean 0 / std 1."


class NonFiniteValues(RuntimeRule):
    """NaN or Inf in the loss, weights or gradients during the short fit.

    ## What it does
    Stops the capped fit at the first non-finite loss and names the step, epoch and batch, and
    the first layer whose weights hold NaN or Inf (or says the weights were still finite, so the
    data or the loss made it). Also checks the first batch's gradients and the initial outputs.

    ## Why is this bad?
    Once a NaN is in the weights every later step is wasted; a full training run reports it
    hours later, or not at all when the metrics are not watched.

    ## Example
    ```python
    x[3, 2] = np.nan
    model.fit(x, y)
    ```

    ## Use instead
    ```python
    x = np.nan_to_num(x)
    model.fit(x, y)
    ```

    ## Fix safety
    No fix.
    """

    code = "KR003"
    name = "non-finite-values"
    summary = "NaN or Inf in the loss, weights or gradients during the short fit."
    severity = Severity.ERROR


class DeadUnits(RuntimeRule):
    """ReLU-family layers where most units never activate.

    ## What it does
    Reports a ReLU, ReLU6, LeakyReLU, PReLU or ELU layer in which 70% or more of the units are
    never positive on a sample of the data after the short fit, with the fraction at
    initialization and a negative constant bias when that is the cause. Subclassed models are
    measured too: every layer their `call` uses.

    ## Why is this bad?
    A unit that never activates passes no gradient and never recovers: the layer is narrower
    than written, and the layers before it stop learning.

    ## Example
    ```python
    keras.layers.Dense(32, activation="relu", bias_initializer=keras.initializers.Constant(-10.0))
    ```

    ## Use instead
    ```python
    keras.layers.Dense(32, activation="relu")
    ```

    ## Fix safety
    No fix.
    """

    code = "KR004"
    name = "dead-units"
    summary = "ReLU-family layers where most units never activate."


class GradientVanishingOrExploding(RuntimeRule):
    """Gradient norms vanish or explode from the last layer to the first.

    ## What it does
    Computes the per-weight (RMS) gradient of each layer on one batch of the compiled loss and
    reports when the first layer's is below 1/1000 of the last layer's (and below 1e-4), or
    more than 70 times it. Needs three layers with weights or more.

    ## Why is this bad?
    With vanishing gradients the early layers do not learn; with exploding ones training
    diverges or needs a learning rate too small for the rest of the network.

    ## Example
    ```python
    for _ in range(20):
        model.add(keras.layers.Dense(32, activation="sigmoid"))
    ```

    ## Use instead
    ```python
    for _ in range(20):
        model.add(keras.layers.Dense(32, activation="relu", kernel_initializer="he_normal"))
    ```

    ## Fix safety
    No fix.
    """

    code = "KR005"
    name = "gradient-vanishing-or-exploding"
    summary = "Gradient norms vanish or explode from the last layer to the first."


class LossNotDecreasing(RuntimeRule):
    """The loss did not decrease during the short fit.

    ## What it does
    Compares like with like: the first epoch's mean loss with the last epoch's (or, with one
    epoch, the mean of its first third of steps with its last third). Reports a rise of more
    than 10%, or a loss that did not move at all (within 0.01%: a zero learning rate, frozen
    layers). A factory target trains on labels from a fixed random teacher network, which a
    correct model can learn.

    ## Why is this bad?
    A model whose loss does not go down in its first epochs rarely recovers: the learning
    rate, the optimizer or the data pipeline is wrong.

    ## Example
    ```python
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    ```

    ## Use instead
    ```python
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mse")
    ```

    ## Fix safety
    No fix.
    """

    code = "KR006"
    name = "loss-not-decreasing"
    summary = "The loss did not decrease during the short fit."


class LabelsDoNotFitLoss(RuntimeRule):
    """Labels outside what the loss expects (class range, one-hot, 0/1).

    ## What it does
    Checks the labels of each output against its compiled loss before the fit: sparse class ids
    must be integers in [0, units), categorical labels one-hot rows of the output's width,
    binary labels in [0, 1].

    ## Why is this bad?
    Some mismatches crash the fit; others train silently on the wrong targets (one-hot rows
    read as class ids, labels 1..10 for 10 classes).

    ## Example
    ```python
    model.compile(loss="sparse_categorical_crossentropy")
    model.fit(x, keras.utils.to_categorical(ids))
    ```

    ## Use instead
    ```python
    model.compile(loss="categorical_crossentropy")
    model.fit(x, keras.utils.to_categorical(ids))
    ```

    ## Fix safety
    No fix.
    """

    code = "KR007"
    name = "labels-do-not-fit-loss"
    summary = "Labels outside what the loss expects (class range, one-hot, 0/1)."
    severity = Severity.ERROR


class SeluInputNotStandardized(RuntimeRule):
    """A SELU network fed inputs that are not standardized.

    ## What it does
    Measures what the first SELU layer receives, through Flatten, Reshape, Rescaling and an
    adapted Normalization layer, when only such layers lie before it, and reports when its
    features' means average more than 0.3 from 0 or their stds fall outside 0.7-1.3.

    ## Why is this bad?
    Self-normalization starts from mean 0 and std 1: uniform [0, 1] pixels already start the
    first layer at std 0.64.

    ## Example
    ```python
    model.fit(raw_features, y)
    ```

    ## Use instead
    ```python
    norm = keras.layers.Normalization()
    norm.adapt(raw_features)
    model = keras.Sequential([keras.Input((32,)), norm, ...])
    ```

    ## Fix safety
    No fix.
    """

    code = "KR008"
    name = "selu-input-not-standardized"
    summary = "A SELU network fed inputs that are not standardized."


class SaturatedActivations(RuntimeRule):
    """Sigmoid/tanh layers with most pre-activations beyond +-5.

    ## What it does
    Reports a hidden sigmoid or tanh layer (not an output) in which more than half of the
    outputs lie where the pre-activation is beyond ±5, at initialization or after the fit.

    ## Why is this bad?
    A saturated unit's derivative is near zero: it passes almost no gradient and learns slowly
    or not at all.

    ## Example
    ```python
    keras.layers.Dense(32, activation="tanh", kernel_initializer=keras.initializers.RandomNormal(stddev=5.0))
    ```

    ## Use instead
    ```python
    keras.layers.Dense(32, activation="tanh")
    ```

    ## Fix safety
    No fix.
    """

    code = "KR009"
    name = "saturated-activations"
    summary = "Sigmoid/tanh layers with most pre-activations beyond +-5."


RUNTIME_RULES: dict[str, type[Rule]] = {
    rule.code: rule
    for rule in (
        NonReproducibleTraining,
        SelfNormalizationDrift,
        NonFiniteValues,
        DeadUnits,
        GradientVanishingOrExploding,
        LossNotDecreasing,
        LabelsDoNotFitLoss,
        SeluInputNotStandardized,
        SaturatedActivations,
    )
}


def find_runtime_rule(token: str) -> type[Rule] | None:
    upper = token.upper()
    if upper in RUNTIME_RULES:
        return RUNTIME_RULES[upper]
    return next((rule for rule in RUNTIME_RULES.values() if rule.name == token), None)
