"""Factory targets (`factories.py:build_...`): kerascheck makes the data from the model."""

import keras


def build_classifier():
    """Correct: a small softmax classifier; the synthetic labels must be learnable."""
    model = keras.Sequential(
        [
            keras.Input((12,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(4, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    return model


def build_regressor():
    """Correct: a functional regressor with two inputs."""
    a, b = keras.Input((6,)), keras.Input((4,))
    h = keras.layers.Dense(16, activation="relu")(keras.layers.concatenate([a, b]))
    model = keras.Model([a, b], keras.layers.Dense(1)(h))
    model.compile(optimizer="adam", loss="mse")
    return model


def build_selu_cnn():
    """Correct: a lecun_normal SELU CNN with GlobalAveragePooling."""
    model = keras.Sequential([keras.Input((16, 16, 3))])
    for _ in range(5):
        model.add(
            keras.layers.Conv2D(
                16, 3, padding="same", activation="selu", kernel_initializer="lecun_normal"
            )
        )
    model.add(keras.layers.GlobalAveragePooling2D())
    model.add(keras.layers.Dense(3, activation="softmax"))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def build_selu_he():
    """Fault KR002: a SELU stack with he_normal."""
    model = keras.Sequential([keras.Input((32,))])
    for _ in range(12):
        model.add(keras.layers.Dense(32, activation="selu", kernel_initializer="he_normal"))
    model.add(keras.layers.Dense(1, activation="sigmoid"))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


def build_frozen():
    """Fault KR006: the optimizer's learning rate is 0."""
    model = keras.Sequential(
        [keras.Input((12,)), keras.layers.Dense(32, activation="relu"), keras.layers.Dense(1)]
    )
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    return model
