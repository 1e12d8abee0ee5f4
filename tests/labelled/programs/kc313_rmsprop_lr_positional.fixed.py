from tensorflow.keras.optimizers import RMSprop
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense
opt = RMSprop(0.005)
model = Sequential([Dense(1, input_shape=(3,))])
model.compile(optimizer=opt, loss="mse")
