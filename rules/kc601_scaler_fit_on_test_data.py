"""KC601: a scaler or Normalization layer fitted on test or validation data."""

from __future__ import annotations

import re
from collections.abc import Iterator

import libcst as cst

from kerascheck.model.description import CallSite, Layer
from kerascheck.model.results import Applicability, Edit, Finding, Fix, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext
from kerascheck.model.values import CallValue
from kerascheck.read.names import dotted_name, is_keras

_FIT_METHODS = frozenset({"fit", "fit_transform", "partial_fit", "adapt"})
_HELD_OUT = frozenset({"test", "val", "valid", "validation", "holdout", "tst"})
_HELD_OUT_JOINED = re.compile(r"x?(test|val|valid)")
_TRAIN = re.compile(r"train\w*|trn")


def words(name: str) -> list[str]:
    """`X_test` -> ['x', 'test']; `self.xVal` -> ['self', 'x', 'val']."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return [w.lower() for w in re.split(r"[_.\W]+", spaced) if w]


def is_held_out(name: str) -> bool:
    parts = words(name)
    if any(_TRAIN.fullmatch(w) for w in parts):
        return False
    return any(w in _HELD_OUT or _HELD_OUT_JOINED.fullmatch(w) for w in parts)


def is_training(name: str) -> bool:
    return any(_TRAIN.fullmatch(w) for w in words(name)) and not any(
        w in _HELD_OUT for w in words(name)
    )


def fitted_object(call: CallSite) -> object | None:
    """The receiver when it is a transformer that learns from data: a scaler or a layer."""
    receiver = call.receiver
    if isinstance(receiver, Layer):
        return receiver
    if isinstance(receiver, CallValue) and not is_keras(receiver.callee):
        if receiver.short() in _LABEL_ENCODERS:
            return None  # class names carry no statistics to leak
        return receiver
    return None


# Encoders of target labels: fitting one on test labels leaks nothing about the data.
_LABEL_ENCODERS = frozenset({"LabelEncoder", "LabelBinarizer", "MultiLabelBinarizer"})


def data_name(call: CallSite) -> str | None:
    """The dotted name of the first positional argument (`X_test`), None when not a name."""
    for arg in call.node.args:
        if arg.keyword is None and not arg.star:
            return dotted_name(arg.value)
    return None


class ScalerFitOnTestData(Rule):
    """A scaler or `Normalization` layer fitted on test or validation data.

    ## What it does
    Reports `fit`, `fit_transform`, `partial_fit` and `adapt` calls whose data is named
    as held-out data (`X_test`, `x_val`, `X_valid`, `test_images`, ...) on an object (a
    scikit-learn scaler, a Keras `Normalization` layer, ...) that the file also fits on
    training data (`X_train`, ...). Each object is followed by identity: a new scaler made
    for the test set is a different object and is not reported.

    ## Why is this bad?
    The statistics of a scaler are part of the model. Fitting them again on the test set
    (the classic `X_test = scaler.fit_transform(X_test)`) scales test data differently
    from the data the model was trained on and lets information from the test set leak
    into the evaluation: the test score is no longer an honest estimate. Fit on training
    data only, then `transform` the validation and test sets, as the notes do.

    ## Example
    ```python
    scaler = StandardScaler()
    X_train = scaler.fit_transform(X_train)
    X_test = scaler.fit_transform(X_test)
    ```

    ## Use instead
    ```python
    scaler = StandardScaler()
    X_train = scaler.fit_transform(X_train)
    X_test = scaler.transform(X_test)
    ```

    ## Fix safety
    Unsafe: `fit_transform` on held-out data is replaced by `transform`, which changes the
    scaled values. `fit` and `adapt` calls are reported without a fix.
    """

    code = "KC601"
    name = "scaler-fit-on-test-data"
    summary = "Scaler or Normalization fitted on test/validation data."
    severity = Severity.ERROR
    fix_applicability = Applicability.UNSAFE

    VALID = [
        # Trap: a label encoder learns class names, not statistics of the data.
        """
        from sklearn.preprocessing import LabelEncoder
        le = LabelEncoder()
        le.fit(train_labels)
        test_ids = le.fit_transform(test_labels)
        """,
        """
        from sklearn.preprocessing import StandardScaler
        import keras
        scaler = StandardScaler()
        X_train = scaler.fit_transform(X_train)
        X_valid = scaler.transform(X_valid)
        X_test = scaler.transform(X_test)
        """,
        """
        import tensorflow as tf
        norm = tf.keras.layers.Normalization()
        norm.adapt(x_train)
        """,
        # Trap: a separate scaler for the test set is a different object, and the combined
        # train+val set of a final refit is training data.
        """
        from sklearn.preprocessing import MinMaxScaler
        from tensorflow import keras
        scaler = MinMaxScaler().fit(X_train)
        test_scaler = MinMaxScaler()
        test_scaler.fit(X_test)
        final = MinMaxScaler()
        final.fit(X_train)
        final.fit(X_train_val)
        """,
        # Trap: a Keras model trained on validation data is not a scaler.
        """
        from keras.models import Sequential
        from keras.layers import Dense
        model = Sequential([Dense(1)])
        model.fit(X_train, y_train)
        model.fit(X_val, y_val)
        """,
    ]
    INVALID = [
        Invalid(
            """
            from sklearn.preprocessing import StandardScaler
            import keras
            scaler = StandardScaler()
            X_train = scaler.fit_transform(X_train)
            X_test = scaler.fit_transform(X_test)
            """,
            lines=(6,),
            fixed="""
            from sklearn.preprocessing import StandardScaler
            import keras
            scaler = StandardScaler()
            X_train = scaler.fit_transform(X_train)
            X_test = scaler.transform(X_test)
            """,
        ),
        Invalid(
            """
            import tensorflow as tf
            norm = tf.keras.layers.Normalization(axis=-1)
            norm.adapt(x_train)
            norm.adapt(x_val)
            """,
            lines=(5,),
        ),
        Invalid(
            """
            from tensorflow.keras.layers import Normalization
            from sklearn import preprocessing
            scaler = preprocessing.RobustScaler()
            scaler.fit(data.X_valid)
            scaler.fit(data.X_train)
            layer = Normalization()
            layer.adapt(trainImages)
            layer.adapt(testImages)
            """,
            lines=(5, 9),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        fits = [c for c in ctx.file.calls if c.method in _FIT_METHODS and fitted_object(c)]
        trained = {
            id(c.receiver) for c in fits if (name := data_name(c)) is not None and is_training(name)
        }
        for call in fits:
            name = data_name(call)
            if name is None or id(call.receiver) not in trained or not is_held_out(name):
                continue
            fix = None
            func = call.node.func
            if call.method == "fit_transform" and isinstance(func, cst.Attribute):
                fix = Fix(
                    Applicability.UNSAFE,
                    "use transform instead of fit_transform",
                    (Edit(func, func.with_changes(attr=cst.Name("transform"))),),
                )
            yield self.finding(
                call.node,
                f"{call.method}() on {name} refits an object already fitted on training data: "
                "held-out statistics leak into the evaluation; fit on the training data only "
                "and call transform() on this set",
                fix,
            )
