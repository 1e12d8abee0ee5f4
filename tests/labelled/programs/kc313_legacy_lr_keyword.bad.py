from keras import optimizers
adam = optimizers.Adam(lr=10)  # fault: KC313
