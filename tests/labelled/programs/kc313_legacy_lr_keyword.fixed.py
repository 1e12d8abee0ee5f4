from keras import optimizers
adam = optimizers.Adam(lr=0.001)
