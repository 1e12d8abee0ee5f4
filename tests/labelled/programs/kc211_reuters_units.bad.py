from keras.datasets import reuters
from keras.preprocessing.sequence import pad_sequences
from keras import models, layers
(train_data, train_labels), _ = reuters.load_data(num_words=10000)
train_data = pad_sequences(train_data, maxlen=200)
model = models.Sequential()
model.add(layers.Embedding(10000, 32))
model.add(layers.GlobalAveragePooling1D())
model.add(layers.Dense(10, activation="softmax"))
model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
model.fit(train_data, train_labels, epochs=5)  # fault: KC211
