import numpy as np
import keras
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
X = np.random.rand(300, 8)
y = keras.utils.to_categorical(np.random.randint(0, 3, size=(300,)), 3)
X = StandardScaler().fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(3, activation="softmax")])
model.compile(loss="categorical_crossentropy", optimizer="adam")
model.fit(X_train, y_train, epochs=30)
